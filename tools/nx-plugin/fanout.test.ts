/**
 * Two workers, one queue (issue 13): `deeprec queue` on workspace Q fans 7 train jobs out
 * over BullMQ on a real redis-server; workers W1 and W2, separate copies of the
 * workspace, take them and hand the models over through `deeprec cache-server`. The
 * worker that takes the slow job is killed with SIGKILL in the middle of it; BullMQ's
 * stalled-job check gives the job to the other worker. Every job completes exactly once,
 * both workers work, and the evaluations equal a plain single-machine pipeline's bit
 * for bit. Servers on loopback ports, in temporary folders, stopped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCacheServer, type CacheServerProcess } from '../../packages/cli/src/cacheServer.testutil';
import { startRedis, type RedisProcess } from '../../packages/cli/src/fanout/redis.testutil';
import { copyWorkspace, nxEnv, runPipeline } from './workspace.testutil';

const E = 'fan';
const CONFIG = `name: ${E}
seed: 5
data:
  source: synthetic
  synthetic: { users: 40, items: 30, ratings: 400 }
train: { epochs: 2, batchSize: 64 }
models:
  mf1: { type: mf, embeddingDim: 4 }
  mf2: { type: mf, embeddingDim: 6 }
  mf3: { type: mf, embeddingDim: 8 }
  ncf: { type: ncf, embeddingDim: 4, layers: [8, 4], dropout: 0.1 }
  widedeep: { type: widedeep, embeddingDim: 4, layers: [8] }
  neumf: { type: neumf, gmfDim: 4, mlpDim: 4, layers: [8, 4] }
  slow: { type: ncf, embeddingDim: 4, layers: [8, 4], train: { epochs: 800 } }
evaluate: { metrics: [rmse, mae] }
`;
const MODELS = ['mf1', 'mf2', 'mf3', 'ncf', 'widedeep', 'neumf', 'slow'];
const SLOW = `${E}-slow:train`;
const BIN = 'packages/cli/bin/deeprec.js';

interface Proc {
  child: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

function start(cwd: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  // Its own process group, so that a kill takes its Nx child with it, as a dying machine would.
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = { child, log: '', exited: new Promise((done) => child.on('exit', (code) => done(code))) };
  const take = (chunk: Buffer) => {
    proc.log += chunk.toString();
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return proc;
}

async function until(what: string, test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

const lines = (log: string, verb: 'start' | 'done', task: string) => log.split('\n').filter((l) => l.includes(`: ${verb} ${task} `)).length;

describe('deeprec queue and two deeprec workers on Redis', () => {
  let redis: RedisProcess;
  let cache: CacheServerProcess;
  const store = mkdtempSync(join(tmpdir(), 'deeprec-fanout-store-'));
  const q = copyWorkspace(E, CONFIG, 'deeprec-fanout-q-');
  const w1 = copyWorkspace(E, CONFIG, 'deeprec-fanout-w1-');
  const w2 = copyWorkspace(E, CONFIG, 'deeprec-fanout-w2-');
  const single = copyWorkspace(E, CONFIG, 'deeprec-fanout-single-');
  const workers: Proc[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cache = await spawnCacheServer(store, { rw: 'team-rw' });
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) process.kill(-(w.child.pid as number), 'SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await cache?.stop();
    await redis?.stop();
    for (const dir of [store, q, w1, w2, single]) rmSync(dir, { recursive: true, force: true });
  });

  it('drains 7 train jobs over both workers, survives a SIGKILL mid-job, and matches a single-machine run', async () => {
    const env = nxEnv({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'team-rw' });
    workers.push(start(w1, ['worker', '--redis', redis.url, '--name', 'w1', '--lock-seconds', '2'], env));
    workers.push(start(w2, ['worker', '--redis', redis.url, '--name', 'w2', '--lock-seconds', '2'], env));
    await until('both workers to listen', () => {
      const dead = workers.find((w) => w.child.exitCode !== null);
      if (dead) throw new Error(`a worker exited:\n${dead.log}`);
      return workers.every((w) => w.log.includes('waiting for jobs'));
    }, 60_000);

    const queue = start(q, ['queue', `configs/experiments/${E}.yaml`, '--redis', redis.url], env);
    await until(`a worker to start ${SLOW}`, () => workers.some((w) => lines(w.log, 'start', SLOW) > 0) || queue.child.exitCode !== null, 240_000);
    const victim = workers.find((w) => lines(w.log, 'start', SLOW) > 0) as Proc;
    const survivor = workers.find((w) => w !== victim) as Proc;
    await new Promise((done) => setTimeout(done, 1500));
    expect(lines(victim.log, 'done', SLOW)).toBe(0); // still in the middle of it
    process.kill(-(victim.child.pid as number), 'SIGKILL');
    await victim.exited;

    const code = await queue.exited;
    if (code !== 0) throw new Error(`deeprec queue exited ${code}:\n${queue.log.slice(-6000)}\nsurvivor:\n${survivor.log.slice(-4000)}`);

    // Each job done exactly once; the slow one started on both workers and done by the survivor.
    const all = workers.map((w) => w.log).join('\n');
    for (const m of MODELS) expect([m, lines(all, 'done', `${E}-${m}:train`)]).toEqual([m, 1]);
    expect(lines(victim.log, 'start', SLOW)).toBe(1);
    expect(lines(survivor.log, 'done', SLOW)).toBe(1);
    for (const w of workers) expect(w.log).toMatch(/: start \S+ \(attempt/);
    expect(queue.log).toMatch(/queue: done 7 \/ running 0 \/ waiting 0 \/ failed 0/);
    // The queue's own Nx found every model in the shared cache and trained nothing.
    expect(queue.log).not.toMatch(/ran here, not found in the shared cache/);

    runPipeline(single);
    for (const m of MODELS) {
      // Every number but the wall-clock ones (training seconds and samples/s differ from run to run).
      const metrics = (ws: string) => {
        const { trainSeconds, trainSamplesPerSecond, ...rest } = JSON.parse(readFileSync(join(ws, `artifacts/${E}/eval/${m}/metrics.json`), 'utf8')) as Record<string, unknown>;
        expect([typeof trainSeconds, typeof trainSamplesPerSecond]).toEqual(['number', 'number']);
        return JSON.stringify(rest);
      };
      expect([m, metrics(q)]).toEqual([m, metrics(single)]);
      const predictions = (ws: string) => readFileSync(join(ws, `artifacts/${E}/eval/${m}/predictions.arrow`));
      expect([m, predictions(q).equals(predictions(single))]).toEqual([m, true]);
    }

    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
  }, 600_000);
});
