/**
 * Running Nx from a checkout, for `deeprec queue` and `deeprec worker`: the workspace's
 * own Nx (node_modules/nx), static output, no daemon or TUI, and which tasks ran and
 * which came from a cache, read from Nx's output lines.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ConfigError, DeeprecError } from '@deeprec/base';

export interface NxOutcome {
  /** Tasks Nx executed. */
  ran: string[];
  /** Tasks restored from a cache, local or remote. */
  cached: string[];
  /** Tasks restored from the remote cache (a subset of `cached`). */
  remote: string[];
}

/**
 * The tasks of Nx's static output: "> nx run E-ncf:train" (executed), with
 * "[local cache]", "[remote cache]" or "[existing outputs match the cache, left as is]"
 * behind it when restored.
 */
export function tasksOfNxOutput(output: string): NxOutcome {
  const ran: string[] = [];
  const cached: string[] = [];
  const remote: string[] = [];
  // eslint-disable-next-line no-control-regex
  for (const raw of output.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    const m = /^> nx run (\S+)(.*)$/.exec(raw.trim());
    if (!m) continue;
    const tag = m[2] ?? '';
    (/\[[^\]]*cache[^\]]*\]/.test(tag) ? cached : ran).push(m[1] as string);
    if (/\[remote cache\]/.test(tag)) remote.push(m[1] as string);
  }
  return { ran: ran.sort(), cached: cached.sort(), remote: remote.sort() };
}

export class NxRunError extends DeeprecError {
  constructor(message: string, readonly output: string) {
    super('internal', message);
  }
}

/** Nx's CLI script in the workspace at `cwd`; exit 2 when the checkout has none (npm ci not run). */
export function nxScript(cwd: string): string {
  try {
    return createRequire(join(cwd, 'package.json')).resolve('nx/bin/nx.js');
  } catch (cause) {
    throw new ConfigError(`${cwd}: no Nx installed in this checkout (expected node_modules/nx; run npm ci)`, { cause });
  }
}

/** The environment Nx runs with: the caller's, with the daemon, TUI and colours off. */
export function nxEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
}

export interface NxRunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Each output chunk as it comes (for live logs). */
  onOutput?: (chunk: string) => void;
}

/** `nx <args> --outputStyle=static` in `cwd`; resolves with the tasks it ran or restored, rejects with the output's tail when Nx fails. */
export function runNx(args: readonly string[], options: NxRunOptions): Promise<NxOutcome & { output: string }> {
  const script = nxScript(options.cwd);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, ...args, '--outputStyle=static'], { cwd: options.cwd, env: nxEnvironment(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => fail(new NxRunError(`nx ${args.join(' ')}: ${error.message}`, output)));
    child.on('close', (code, signal) => {
      if (code === 0) done({ ...tasksOfNxOutput(output), output });
      else fail(new NxRunError(`nx ${args.join(' ')} failed (${signal ? `signal ${signal}` : `exit ${code}`}):\n${output.trimEnd().split('\n').slice(-15).join('\n')}`, output));
    });
  });
}
