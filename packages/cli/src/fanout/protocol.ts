/**
 * What `deeprec queue` and `deeprec worker` agree on: the Redis connection, the queue's
 * name, a job's data and its result (both zod-checked: they cross machines and versions),
 * and the fingerprint of the experiment config that every worker's checkout must match.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { ArtifactError, ConfigError } from '@deeprec/base';

export const DEFAULT_QUEUE_NAME = 'deeprec';

/** The Nx remote cache a fan-out needs: workers' outputs reach the queue's machine only through it. */
export const REMOTE_CACHE_ENV = 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER';

export function requireRemoteCache(command: string, env: NodeJS.ProcessEnv = process.env): string {
  const url = env[REMOTE_CACHE_ENV];
  if (!url) {
    throw new ConfigError(
      `${command}: ${REMOTE_CACHE_ENV} is not set; jobs hand their outputs over through the shared Nx cache (README "Working as a team / on several machines")`,
    );
  }
  return url;
}

/** `redis://[:password@]host[:port][/db]` as BullMQ connection options; exit 2 on anything else. */
export function redisConnection(url: string): ConnectionOptions & { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ConfigError(`--redis: expected a URL like redis://127.0.0.1:6379, found '${url.slice(0, 80)}'`, { cause });
  }
  if (parsed.protocol !== 'redis:') throw new ConfigError(`--redis: expected the redis:// scheme, found '${parsed.protocol}' in '${url.slice(0, 80)}'`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ConfigError(`--redis: expected a database number after the '/', found '${parsed.pathname.slice(1)}'`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port,
    db,
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    // BullMQ's blocking commands must wait for Redis, not give up after 20 retries.
    maxRetriesPerRequest: null,
  };
}

/** The first 16 hex digits of the config file's sha256: part of every job id, and checked by every worker. */
export function configFingerprint(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
}

export const JobData = z.object({
  /** The Nx task to run, e.g. `E-ncf:train`. */
  taskId: z.string().min(1),
  /** The experiment config, relative to the checkout's root (a POSIX path). */
  config: z.string().min(1),
  /** configFingerprint of it on the queue's machine. */
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
});
export type JobData = z.infer<typeof JobData>;

export const JobResult = z.object({
  worker: z.string(),
  seconds: z.number(),
  /** How the worker's Nx got the task itself: executed it, or found it in a cache (another worker did it first). */
  outcome: z.enum(['ran', 'cache']),
});
export type JobResult = z.infer<typeof JobResult>;

export function parseJobData(data: unknown, jobId: string): JobData {
  const parsed = JobData.safeParse(data);
  if (!parsed.success) throw new ArtifactError(`job ${jobId}: unexpected data (${parsed.error.issues[0]?.message ?? 'invalid'}); was it enqueued by another deeprec version?`);
  return parsed.data;
}
