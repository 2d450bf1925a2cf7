/**
 * A throwaway copy of this workspace for tests that run the real Nx pipeline: the files
 * git knows (tracked, or untracked and not ignored), the compiled packages/* /dist and a
 * symlink to node_modules, with one experiment config; its Nx cache starts empty.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { tasksOfNxOutput } from '../../packages/cli/src/fanout/nxRun';

export const REPO = resolve(__dirname, '../..');

export function copyWorkspace(experiment: string, config: string, prefix = 'deeprec-nx-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
  for (const file of listed.split('\0')) {
    if (!file || file.startsWith('configs/experiments/') || !existsSync(join(REPO, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(REPO, file), join(dir, file));
  }
  for (const pkg of readdirSync(join(REPO, 'packages'))) {
    const dist = join(REPO, 'packages', pkg, 'dist');
    if (existsSync(dist)) cpSync(dist, join(dir, 'packages', pkg, 'dist'), { recursive: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'configs/experiments'), { recursive: true });
  writeFileSync(join(dir, `configs/experiments/${experiment}.yaml`), config);
  // A git repository, so that Nx applies .gitignore (artifacts/, dist/, .nx/) as in a checkout.
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

/** Nx without daemon, cloud, TUI or colours; nothing inherited from an outer Nx run; `extra` on top. */
export function nxEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NX_') && k !== 'FORCE_COLOR') env[k] = v;
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'false', NO_COLOR: '1', ...extra };
}

export interface PipelineRun {
  ran: string[];
  cached: string[];
  /** Tasks restored from the remote cache (a subset of `cached`). */
  remote: string[];
  output: string;
}

/** `nx run report:build` in `ws`; which tasks ran and which came from a cache, from Nx's static output. */
export function runPipeline(ws: string, env: NodeJS.ProcessEnv = nxEnv()): PipelineRun {
  const result = spawnSync('npx', ['nx', 'run', 'report:build', '--outputStyle=static'], { cwd: ws, env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  // eslint-disable-next-line no-control-regex
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
  if (result.status !== 0) throw new Error(`nx run report:build failed (status ${result.status}, ${result.error ?? ''}):\n${output.slice(-8000)}`);
  return { ...tasksOfNxOutput(output), output };
}
