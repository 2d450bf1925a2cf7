/** `deeprec cache-server` in a child process for tests: its own process, so synchronous work in the test never blocks it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(__dirname, '../bin/deeprec.js');

export interface CacheServerProcess {
  child: ChildProcess;
  url: string;
  /** SIGTERM, resolved once the process has exited. */
  stop(): Promise<void>;
}

/** Starts the server on a free loopback port with the given tokens; resolves with its URL once it listens. */
export async function spawnCacheServer(dir: string, tokens: { rw?: string; ro?: string }): Promise<CacheServerProcess> {
  const child = spawn(process.execPath, [BIN, 'cache-server', '--dir', dir, '--port', '0'], {
    env: { ...process.env, DEEPREC_CACHE_TOKEN_RW: tokens.rw ?? '', DEEPREC_CACHE_TOKEN_RO: tokens.ro ?? '' },
  });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const url = await new Promise<string>((done, fail) => {
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /cache-server: (http:\/\/127\.0\.0\.1:\d+) serving/.exec(err);
      if (m) done(m[1] as string);
    });
    child.on('exit', () => fail(new Error(`cache-server exited: ${err}`)));
  });
  return {
    child,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
