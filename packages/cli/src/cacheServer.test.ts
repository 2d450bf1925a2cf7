/**
 * The shared cache server on loopback: Nx's protocol answers (200 / 404 / 401 / 403 /
 * 409 / 413), write-once entries, streamed bodies, and a server killed with SIGKILL
 * mid-upload leaving no entry behind after a restart.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { silentLogger } from '@deeprec/testing';
import { startCacheServer } from './cacheServer';
import { spawnCacheServer } from './cacheServer.testutil';

const RW = 'rw-token-123';
const RO = 'ro-token-456';

interface Reply {
  status: number;
  body: Buffer;
}

function call(url: string, method: string, path: string, token?: string, body?: Buffer, headers: Record<string, string | number> = {}): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = httpRequest(`${url}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Length': body.length } : {}), ...headers },
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('cache server', () => {
  let server: Server;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'deeprec-cache-'));

  beforeAll(async () => {
    ({ server, url } = await startCacheServer({ dir, host: '127.0.0.1', port: 0, tokens: { readWrite: RW, readOnly: RO }, maxEntryBytes: 8 * 1024 * 1024, log: silentLogger() }));
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('stores with the read-write token and serves the same bytes to the read-only token', async () => {
    const body = Buffer.from(Array.from({ length: 5 * 1024 * 1024 }, (_, i) => (i * 31) % 251));
    expect((await call(url, 'GET', '/v1/cache/abc123', RO)).status).toBe(404);
    expect((await call(url, 'PUT', '/v1/cache/abc123', RW, body)).status).toBe(200);
    const got = await call(url, 'GET', '/v1/cache/abc123', RO);
    expect(got.status).toBe(200);
    expect(got.body.equals(body)).toBe(true);
  });

  it('is write-once: a second PUT of a key answers 409 and keeps the first bytes', async () => {
    expect((await call(url, 'PUT', '/v1/cache/once', RW, Buffer.from('first'))).status).toBe(200);
    expect((await call(url, 'PUT', '/v1/cache/once', RW, Buffer.from('poisoned'))).status).toBe(409);
    expect((await call(url, 'GET', '/v1/cache/once', RW)).body.toString()).toBe('first');
  });

  it('answers 401 without a token or with another one, 403 to a PUT with the read-only token', async () => {
    expect((await call(url, 'GET', '/v1/cache/once')).status).toBe(401);
    expect((await call(url, 'GET', '/v1/cache/once', 'guess')).status).toBe(401);
    expect((await call(url, 'PUT', '/v1/cache/new', RO, Buffer.from('x'))).status).toBe(403);
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  it('refuses an entry above the size limit and paths outside /v1/cache/{hash}', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024 + 1);
    expect((await call(url, 'PUT', '/v1/cache/big', RW, big)).status).toBe(413);
    expect(existsSync(join(dir, 'big'))).toBe(false);
    expect((await call(url, 'GET', '/v1/cache/..%2Fetc', RW)).status).toBe(404);
    expect((await call(url, 'GET', '/other', RW)).status).toBe(404);
    expect(readdirSync(dir).filter((f) => f.startsWith('.incoming-'))).toEqual([]);
  });
});

describe('deeprec cache-server', () => {
  const bin = resolve(__dirname, '../bin/deeprec.js');

  it('exits 2 with one line when no token is set', async () => {
    const child = spawn(process.execPath, [bin, 'cache-server', '--dir', mkdtempSync(join(tmpdir(), 'deeprec-cache-')), '--port', '0'], {
      env: { ...process.env, DEEPREC_CACHE_TOKEN_RW: '', DEEPREC_CACHE_TOKEN_RO: '' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('deeprec: cache-server: expected a token in DEEPREC_CACHE_TOKEN_RW (read-write) or DEEPREC_CACHE_TOKEN_RO (read-only), found neither');
  });

  it('killed with SIGKILL in the middle of an upload: no entry, and the restarted server cleans up and stores it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprec-cache-'));
    const start = () => spawnCacheServer(dir, { rw: RW });
    const first = await start();
    // Declare 1 MiB, send half, then kill the server.
    const req = httpRequest(`${first.url}/v1/cache/partial`, { method: 'PUT', headers: { Authorization: `Bearer ${RW}`, 'Content-Length': 1024 * 1024 } });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(512 * 1024, 7));
    await new Promise((done) => setTimeout(done, 300));
    const exited = new Promise((done) => first.child.on('exit', done));
    first.child.kill('SIGKILL');
    await exited;
    req.destroy();
    expect(existsSync(join(dir, 'partial'))).toBe(false);
    writeFileSync(join(dir, '.incoming-partial-leftover'), 'half');
    const second = await start();
    try {
      expect(readdirSync(dir).filter((f) => f.startsWith('.incoming-'))).toEqual([]);
      expect((await call(second.url, 'GET', '/v1/cache/partial', RW)).status).toBe(404);
      expect((await call(second.url, 'PUT', '/v1/cache/partial', RW, Buffer.alloc(1024 * 1024, 7))).status).toBe(200);
      expect(readFileSync(join(dir, 'partial')).length).toBe(1024 * 1024);
    } finally {
      await second.stop();
    }
  });
});
