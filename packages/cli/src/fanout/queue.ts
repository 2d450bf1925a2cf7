/**
 * `deeprec queue <config> --redis <url>`: an experiment's training fanned out to workers
 * on any number of machines, on BullMQ (Redis), with the shared Nx cache carrying every
 * artifact between machines.
 *
 * 1. `nx run E-data:datagen` here, once: the data reaches the cache before any job.
 * 2. Nx's task graph of the experiment; its train tasks and search trials become jobs
 *    (taskGraph.ts). The job id is the Nx task id ('/' for ':', which BullMQ refuses)
 *    plus the config file's fingerprint: enqueuing the same config twice, from here or
 *    another machine, adds nothing; an edited config makes new jobs. A job is enqueued
 *    once the jobs it waits for are done (later TPE trials, a train after its trials).
 * 3. Workers (`deeprec worker`) take the jobs; a dead worker's job is retried on another
 *    (BullMQ's stalled-job recovery); a job that fails is tried `attempts` times.
 * 4. When every job is done: `nx run E-report:report` here, which finds the trained
 *    models in the shared cache, evaluates them and writes the report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { Queue } from 'bullmq';
import { ConfigError, DeeprecError, type Logger } from '@deeprec/base';
import { Dispatch, dispatchStateOf, formatProgress } from './dispatch';
import { runNx, type NxOutcome } from './nxRun';
import { configFingerprint, JobResult, redisConnection, requireRemoteCache, type JobData } from './protocol';
import { jobIdOf, jobsOf, parseTaskGraph } from './taskGraph';

export interface QueueOptions {
  /** The experiment config, which must be one of the Nx experiments (configs/experiments/). */
  configPath: string;
  /** Its `name`: the prefix of its Nx projects. */
  experiment: string;
  redisUrl: string;
  queueName: string;
  /** The checkout. */
  cwd: string;
  /** Tries per job before it counts as failed. */
  attempts: number;
  pollMs: number;
  log: Logger;
}

export interface QueueSummary {
  jobs: { taskId: string; worker: string; seconds: number; outcome: JobResult['outcome'] }[];
  /** What the final `nx run E-report:report` did here. */
  report: NxOutcome;
}

const CONNECT_TIMEOUT_MS = 10_000;
const KEEP_SECONDS = 7 * 24 * 3600;

class QueueError extends DeeprecError {
  constructor(message: string) {
    super('internal', message);
  }
}

/** The config relative to the checkout, as a POSIX path, or exit 2 when Nx cannot see it. */
export function experimentConfigOf(cwd: string, configPath: string): string {
  const rel = relative(cwd, resolve(cwd, configPath)).split(sep).join('/');
  if (!/^configs\/experiments\/[^/]+\.ya?ml$/.test(rel)) {
    throw new ConfigError(`${configPath}: expected an experiment of the Nx pipeline (configs/experiments/*.yaml in ${cwd}); copy the config there first`);
  }
  return rel;
}

async function connected(queue: Queue, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new QueueError(`cannot reach Redis at ${url} within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([queue.waitUntilReady(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runQueue(options: QueueOptions): Promise<QueueSummary> {
  requireRemoteCache('deeprec queue');
  const config = experimentConfigOf(options.cwd, options.configPath);
  const fingerprint = configFingerprint(join(options.cwd, config));
  const E = options.experiment;
  const queue = new Queue(options.queueName, { connection: redisConnection(options.redisUrl) });
  try {
    await connected(queue, options.redisUrl);

    const data = await runNx(['run', `${E}-data:datagen`], { cwd: options.cwd });
    options.log.info(`queue: data ${data.ran.includes(`${E}-data:datagen`) ? 'generated' : 'found in a cache'}`);

    const graphDir = mkdtempSync(join(tmpdir(), 'deeprec-queue-'));
    let specs;
    try {
      const file = join(graphDir, 'tasks.json');
      await runNx(['run', `${E}-report:report`, `--graph=${file}`], { cwd: options.cwd });
      specs = jobsOf(parseTaskGraph(JSON.parse(readFileSync(file, 'utf8')), `nx task graph of ${E}-report:report`));
    } finally {
      rmSync(graphDir, { recursive: true, force: true });
    }
    options.log.info(`queue: ${specs.length} jobs (train tasks and search trials) of ${E} on '${options.queueName}', config ${config} (${fingerprint})`);

    const dispatch = new Dispatch(specs);
    const results = new Map<string, JobResult>();
    let shown = '';
    for (;;) {
      for (const taskId of dispatch.ready()) {
        const jobId = jobIdOf(taskId, fingerprint);
        const jobData: JobData = { taskId, config, fingerprint };
        const job = await queue.add(taskId, jobData, {
          jobId,
          attempts: options.attempts,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { age: KEEP_SECONDS },
          removeOnFail: { age: KEEP_SECONDS },
        });
        // The same id from an earlier run that failed: try it again (a finished one stays finished).
        if ((await job.getState()) === 'failed') await job.retry();
        dispatch.set(taskId, 'waiting');
      }
      for (const taskId of dispatch.inQueue()) {
        const jobId = jobIdOf(taskId, fingerprint);
        const state = dispatchStateOf(await queue.getJobState(jobId));
        if (state === null) throw new QueueError(`job ${jobId} left the queue unfinished (removed by hand?); run deeprec queue again`);
        if (state === 'done' && !results.has(taskId)) {
          const job = await queue.getJob(jobId);
          const result = JobResult.safeParse(job?.returnvalue);
          if (result.success) results.set(taskId, result.data);
        }
        if (state === 'failed') {
          const job = await queue.getJob(jobId);
          options.log.info(`queue: ${taskId} failed after ${job?.attemptsMade ?? '?'} attempts: ${(job?.failedReason ?? '').split('\n')[0]}`);
        }
        dispatch.set(taskId, state);
      }
      const line = formatProgress(dispatch.progress());
      if (line !== shown) options.log.info(`queue: ${line}`);
      shown = line;
      if (dispatch.finished()) break;
      await new Promise((done) => setTimeout(done, options.pollMs));
    }
    const failed = dispatch.failed();
    if (failed.length > 0) throw new QueueError(`${failed.length} job(s) failed: ${failed.join(', ')} (the workers' logs say why); evaluate and report not run`);

    const report = await runNx(['run', `${E}-report:report`], { cwd: options.cwd });
    const local = report.ran.filter((t) => /:(train|trial)$/.test(t));
    if (local.length > 0) {
      options.log.info(`queue: ran here, not found in the shared cache: ${local.join(', ')} (does a worker's checkout differ from this one?)`);
    }
    const jobs = specs.map((s) => ({ taskId: s.taskId, ...(results.get(s.taskId) ?? { worker: '?', seconds: NaN, outcome: 'ran' as const }) }));
    return { jobs, report };
  } finally {
    await queue.close();
  }
}

export function formatSummary(summary: QueueSummary): string {
  const rows = summary.jobs.map((j) => `${j.taskId.padEnd(40)} ${j.worker.padEnd(24)} ${Number.isFinite(j.seconds) ? j.seconds.toFixed(1).padStart(7) : '      ?'} s  ${j.outcome}`);
  const evaluated = summary.report.ran.filter((t) => t.endsWith(':evaluate')).length;
  return `${['job'.padEnd(40), 'worker'.padEnd(24), 'seconds', ' how'].join(' ')}\n${rows.join('\n')}\nthen here: ${evaluated} evaluate task(s) run, report ${summary.report.ran.some((t) => t.endsWith(':report')) ? 'written' : 'found in a cache'}\n`;
}
