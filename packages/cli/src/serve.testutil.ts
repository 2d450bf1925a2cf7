/** `deeprec serve` in a child process for tests: on a free loopback port, stopped by SIGTERM. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve(__dirname, '../bin/deeprec.js');

/** Runs the compiled CLI to completion (wasm backend). */
export function deeprec(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: 'wasm' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything the server wrote to stderr so far. */
  log(): string;
  /** Resolves once stderr matches `pattern` (rejects after `ms`). */
  waitForLog(pattern: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, resolved with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `deeprec serve <config> --port 0 ...args` in `cwd`; resolves with its URL once it listens. */
export async function spawnServe(cwd: string, config: string, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', config, '--port', '0', ...args], { cwd, env: { ...process.env, DEEPREC_BACKEND: 'wasm' } });
  let err = '';
  const listeners = new Set<() => void>();
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
    for (const l of listeners) l();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const waitForLog = (pattern: RegExp, ms = 20_000) =>
    new Promise<string>((done, fail) => {
      const check = () => {
        const m = pattern.exec(err);
        if (m) {
          listeners.delete(check);
          clearTimeout(timer);
          done(m[0]);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        fail(new Error(`serve: no log line matching ${pattern} within ${ms} ms; log:\n${err}`));
      }, ms);
      listeners.add(check);
      check();
      void exited.then(() => {
        if (listeners.has(check)) {
          listeners.delete(check);
          clearTimeout(timer);
          fail(new Error(`serve exited before logging ${pattern}:\n${err}`));
        }
      });
    });
  const line = await waitForLog(/serve: (http:\/\/127\.0\.0\.1:\d+) serving/);
  return {
    child,
    url: (/http:\/\/127\.0\.0\.1:\d+/.exec(line) as RegExpExecArray)[0],
    log: () => err,
    waitForLog,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** GET or POST JSON; resolves with status and the parsed body, typed as the caller expects it. */
export async function call<T>(url: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test sees the text
  }
  return { status: response.status, body: body as T };
}

/** POSTs a JSON value (or raw text) to `url`. */
export function post<T>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  return call<T>(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

/** Polls `check` every 50 ms until it is true (rejects after `ms`). */
export async function until(check: () => Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
