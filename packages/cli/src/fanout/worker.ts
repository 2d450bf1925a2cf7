/**
 * `deeprec worker`: takes one job at a time from the queue on Redis and runs its Nx task
 * in this checkout. Nx restores what the task needs from the shared cache (the data, the
 * trials before it) and stores what it makes there, so the queue's machine, and every
 * other worker, gets it without running it.
 *
 * BullMQ holds a lock on each active job and renews it while the worker lives; a worker
 * that dies (SIGKILL, power) stops renewing, and another worker's stalled-job check puts
 * the job back in the queue, where the next free worker takes it from the start.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import type { Logger } from '@deeprec/base';
import { runNx } from './nxRun';
import { configFingerprint, parseJobData, redisConnection, type JobResult } from './protocol';

export interface WorkerOptions {
  redisUrl: string;
  queueName: string;
  /** The checkout the jobs run in. */
  cwd: string;
  /** Shown in logs and in each job's result. */
  name: string;
  /** BullMQ's lock on an active job: a dead worker's job returns to the queue within about twice this. */
  lockSeconds: number;
  log: Logger;
  /** Nx's output of every job, as it comes. */
  echo?: (text: string) => void;
}

export function defaultWorkerName(): string {
  return `${hostname()}:${process.pid}`;
}

/** What a job does on this machine: check the config matches the queue's, then `nx run <task>`. */
export function jobProcessor(options: Pick<WorkerOptions, 'cwd' | 'name' | 'log' | 'echo'>): (job: Job) => Promise<JobResult> {
  return async (job) => {
    const data = parseJobData(job.data, String(job.id));
    const path = join(options.cwd, data.config);
    if (!existsSync(path)) throw new Error(`worker ${options.name}: ${data.config} is not in this checkout (${options.cwd})`);
    const local = configFingerprint(path);
    if (local !== data.fingerprint) {
      throw new Error(`worker ${options.name}: ${data.config} differs from the queue's (fingerprint ${local}, queue ${data.fingerprint}); workers need the same commit and config`);
    }
    options.log.info(`worker ${options.name}: start ${data.taskId} (attempt ${job.attemptsMade + 1})`);
    const started = performance.now();
    const result = await runNx(['run', data.taskId], { cwd: options.cwd, ...(options.echo ? { onOutput: options.echo } : {}) });
    const seconds = (performance.now() - started) / 1000;
    const outcome = result.ran.includes(data.taskId) ? 'ran' : 'cache';
    options.log.info(`worker ${options.name}: done ${data.taskId} in ${seconds.toFixed(1)} s (${outcome === 'ran' ? 'ran it' : 'found in a cache'})`);
    return { worker: options.name, seconds, outcome };
  };
}

/** Runs until SIGINT or SIGTERM; then finishes the job in hand and returns. */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const connection = redisConnection(options.redisUrl);
  const lock = Math.round(options.lockSeconds * 1000);
  const worker = new Worker(options.queueName, jobProcessor(options), {
    connection,
    concurrency: 1,
    lockDuration: lock,
    stalledInterval: lock,
    maxStalledCount: 1,
    autorun: false,
  });
  worker.on('failed', (job, error) => options.log.info(`worker ${options.name}: ${job?.name ?? 'a job'} failed: ${error.message.split('\n')[0]}`));
  worker.on('error', (error) => options.log.info(`worker ${options.name}: ${error.message}`));
  const stopped = new Promise<void>((done) => {
    const stop = () => {
      options.log.info(`worker ${options.name}: stopping after the job in hand`);
      void worker.close().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await worker.waitUntilReady();
  options.log.info(`worker ${options.name}: waiting for jobs on ${options.queueName} at ${connection.host}:${connection.port} (checkout ${options.cwd})`);
  void worker.run();
  await stopped;
}
