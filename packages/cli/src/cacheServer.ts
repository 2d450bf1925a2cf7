/**
 * `deeprec cache-server`: a shared Nx remote cache speaking Nx's self-hosted cache
 * protocol (`GET` / `PUT /v1/cache/{hash}`, bodies are Nx's tar archives, tokens as
 * `Authorization: Bearer <token>`), so team members' `nx run report:build` fetch each
 * other's artifacts instead of retraining. Point Nx at it with
 * NX_SELF_HOSTED_REMOTE_CACHE_SERVER=http://host:port and
 * NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=<token>.
 *
 * - Write-once: a key that exists answers 409 and keeps its bytes (a poisoned entry can
 *   never replace a good one: Nx's advice after CVE-2025-36852).
 * - Two tokens from the environment: DEEPREC_CACHE_TOKEN_RW may read and write,
 *   DEEPREC_CACHE_TOKEN_RO only read (its PUT answers 403); no or another token: 401.
 * - Bodies stream to a temporary file in the cache folder and become the entry with
 *   link(2), which fails when the entry exists: a killed server leaves at most a
 *   temporary file, removed at the next start, never half an entry; the size limit is
 *   checked against Content-Length and against the bytes that actually arrive.
 * - Bound to 127.0.0.1 unless --host says otherwise.
 */
import { createReadStream, createWriteStream, linkSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, type Logger } from '@deeprec/base';

export const TOKEN_RW_ENV = 'DEEPREC_CACHE_TOKEN_RW';
export const TOKEN_RO_ENV = 'DEEPREC_CACHE_TOKEN_RO';
/** Default size limit of one entry (a task's outputs as one tar). */
export const DEFAULT_MAX_ENTRY_BYTES = 2 * 1024 ** 3;

export interface CacheServerOptions {
  dir: string;
  host: string;
  port: number;
  /** At least one of them. */
  tokens: { readWrite?: string | undefined; readOnly?: string | undefined };
  maxEntryBytes: number;
  log: Logger;
}

const KEY = /^[A-Za-z0-9_-]{1,256}$/;
const TEMP_PREFIX = '.incoming-';

function sameToken(given: string, expected: string | undefined): boolean {
  if (expected === undefined || expected === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

type Access = 'read-write' | 'read-only' | 'none';

function accessOf(request: IncomingMessage, tokens: CacheServerOptions['tokens']): Access {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer (.+)$/.exec(header);
  if (!match) return 'none';
  const token = match[1] as string;
  if (sameToken(token, tokens.readWrite)) return 'read-write';
  if (sameToken(token, tokens.readOnly)) return 'read-only';
  return 'none';
}

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

/** Answers after the request body has been read (or dropped), so the client sees the status, not a reset. */
function answerAfterBody(request: IncomingMessage, response: ServerResponse, status: number, text: string): void {
  request.resume();
  request.on('end', () => answer(response, status, text));
  request.on('error', () => response.destroy());
}

/** Removes what a killed server left: temporary files of uploads that never finished. */
export function removeIncomplete(dir: string): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(TEMP_PREFIX)) {
      rmSync(join(dir, name), { force: true });
      removed += 1;
    }
  }
  return removed;
}

function serveGet(key: string, dir: string, response: ServerResponse): void {
  const file = join(dir, key);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    answer(response, 404, 'The record was not found');
    return;
  }
  response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
  createReadStream(file).on('error', () => response.destroy()).pipe(response);
}

function servePut(key: string, options: CacheServerOptions, request: IncomingMessage, response: ServerResponse): void {
  const entry = join(options.dir, key);
  const declared = Number(request.headers['content-length']);
  if (!Number.isInteger(declared) || declared < 0) return answerAfterBody(request, response, 411, 'Content-Length is required');
  if (declared > options.maxEntryBytes) return answerAfterBody(request, response, 413, `Entries are limited to ${options.maxEntryBytes} bytes`);
  try {
    statSync(entry);
    return answerAfterBody(request, response, 409, 'Cannot override an existing record');
  } catch {
    // not there yet: receive it
  }
  const temp = join(options.dir, `${TEMP_PREFIX}${key}-${randomBytes(6).toString('hex')}`);
  const out = createWriteStream(temp, { flags: 'wx' });
  let received = 0;
  let failed = false;
  const fail = (status: number, text: string) => {
    if (failed) return;
    failed = true;
    out.destroy();
    rmSync(temp, { force: true });
    answerAfterBody(request, response, status, text);
  };
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > declared) fail(400, `Body longer than its Content-Length (${declared})`);
  });
  request.on('aborted', () => fail(400, 'Upload aborted'));
  request.pipe(out);
  out.on('error', (error) => {
    options.log.info(`cache-server: cannot store ${key}: ${error.message}`);
    fail(500, 'Cannot store the record');
  });
  out.on('finish', () => {
    if (failed) return;
    if (received !== declared) return fail(400, `Body of ${received} bytes, Content-Length ${declared}`);
    try {
      linkSync(temp, entry);
    } catch (error) {
      rmSync(temp, { force: true });
      const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
      answer(response, exists ? 409 : 500, exists ? 'Cannot override an existing record' : 'Cannot store the record');
      return;
    }
    rmSync(temp, { force: true });
    answer(response, 200, 'Stored');
  });
}

export function createCacheServer(options: CacheServerOptions): Server {
  if (!options.tokens.readWrite && !options.tokens.readOnly) {
    throw new ConfigError(`cache-server: expected a token in ${TOKEN_RW_ENV} (read-write) or ${TOKEN_RO_ENV} (read-only), found neither`);
  }
  mkdirSync(options.dir, { recursive: true });
  const removed = removeIncomplete(options.dir);
  if (removed > 0) options.log.info(`cache-server: removed ${removed} incomplete upload(s) left by an earlier run`);
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://cache');
    const match = /^\/v1\/cache\/([^/]+)$/.exec(url.pathname);
    if (!match || !KEY.test(match[1] as string)) return answerAfterBody(request, response, 404, 'Expected /v1/cache/{hash}');
    const key = match[1] as string;
    const access = accessOf(request, options.tokens);
    if (access === 'none') return answerAfterBody(request, response, 401, 'Missing or unknown access token');
    if (request.method === 'GET') return serveGet(key, options.dir, response);
    if (request.method === 'PUT') {
      if (access !== 'read-write') return answerAfterBody(request, response, 403, 'Access forbidden: read-only token');
      return servePut(key, options, request, response);
    }
    return answerAfterBody(request, response, 405, 'Expected GET or PUT');
  });
}

/** Starts listening; resolves with the server and its base URL once it accepts connections. */
export function startCacheServer(options: CacheServerOptions): Promise<{ server: Server; url: string }> {
  const server = createCacheServer(options);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({ server, url: `http://${options.host}:${port}` });
    });
  });
}
