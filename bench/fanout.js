#!/usr/bin/env node
// The search example fanned out over 1 worker, then 2 (issue 13): wall time of
// `deeprec queue` from start to exit (datagen, every trial and train on the workers,
// then evaluate and report on the queue's checkout), each from empty caches. Real
// servers on loopback: a redis-server and `deeprec cache-server` in temporary folders.
// Checkouts: `git clone` of this repository's HEAD beside it (so the example's
// relative data path reaches ../shared as in this one), node_modules linked, dist
// copied. A benchmark that prints figures, not a test.
//
// Usage: node bench/fanout.js [--config configs/examples/movielens-100k-search.yaml]
//        [--trials N] [--seeds S] [--workers 1,2]   (after npm run compile)
'use strict';
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { basename, dirname, join, resolve } = require('node:path');
const YAML = require('yaml');

const root = resolve(__dirname, '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const configPath = resolve(root, flag('config', 'configs/examples/movielens-100k-search.yaml'));
const workerCounts = flag('workers', '1,2').split(',').map(Number);

// The experiment as the bench runs it: the example, with the budget flags applied.
const doc = YAML.parse(readFileSync(configPath, 'utf8'));
if (flag('trials')) doc.search.trials = Number(flag('trials'));
if (flag('seeds')) doc.search.seeds = Number(flag('seeds'));
const name = doc.name;
const yamlText = YAML.stringify(doc);

function freePort() {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

/** A checkout beside this one (same depth, so ../shared resolves the same), ready to run. */
function checkout(label) {
  const dir = join(dirname(root), `bench-fanout-${label}`);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('git', ['clone', '-q', root, dir]);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const dist = join(root, 'packages', pkg, 'dist');
    if (existsSync(dist)) cpSync(dist, join(dir, 'packages', pkg, 'dist'), { recursive: true });
  }
  for (const f of readdirSync(join(dir, 'configs/experiments'))) rmSync(join(dir, 'configs/experiments', f));
  writeFileSync(join(dir, 'configs/experiments', basename(configPath)), yamlText);
  return dir;
}

function start(cwd, argv, env) {
  const child = spawn(process.execPath, [join(cwd, 'packages/cli/bin/deeprec.js'), ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { child, log: '', exited: new Promise((done) => child.on('exit', (code) => done(code))) };
  child.stdout.on('data', (c) => (proc.log += c));
  child.stderr.on('data', (c) => (proc.log += c));
  return proc;
}

async function until(test, ms) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function once(workers, dirs, redisUrl) {
  const store = mkdtempSync(join(tmpdir(), 'deeprec-bench-cache-'));
  for (const d of dirs) for (const sub of ['.nx', 'artifacts']) rmSync(join(d, sub), { recursive: true, force: true });
  const cache = start(dirs[0], ['cache-server', '--dir', store, '--port', '0'], { ...process.env, DEEPREC_CACHE_TOKEN_RW: 'bench' });
  await until(() => /serving/.test(cache.log), 30_000);
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(cache.log)[1];
  const env = { ...process.env, NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'bench', NX_DAEMON: 'false', NX_TUI: 'false' };
  const queueName = `bench-${workers}-${Date.now()}`;
  const running = dirs.slice(1, 1 + workers).map((d, i) => start(d, ['worker', '--redis', redisUrl, '--queue-name', queueName, '--name', `w${i + 1}`], env));
  await until(() => running.every((w) => /waiting for jobs/.test(w.log)), 60_000);
  const started = performance.now();
  const queue = start(dirs[0], ['queue', `configs/experiments/${basename(configPath)}`, '--redis', redisUrl, '--queue-name', queueName], env);
  const code = await queue.exited;
  const seconds = (performance.now() - started) / 1000;
  for (const w of running) w.child.kill('SIGTERM');
  await Promise.all(running.map((w) => w.exited));
  cache.child.kill('SIGTERM');
  await cache.exited;
  rmSync(store, { recursive: true, force: true });
  if (code !== 0) throw new Error(`queue exited ${code}:\n${queue.log.slice(-4000)}`);
  const jobs = (queue.log.match(/: done \d+ \/ running 0 \/ waiting 0 \/ failed 0/g) ?? []).pop();
  return { seconds, jobs, perWorker: running.map((w) => (w.log.match(/: done /g) ?? []).length) };
}

(async () => {
  const max = Math.max(...workerCounts);
  const dirs = [checkout('queue'), ...Array.from({ length: max }, (_, i) => checkout(`w${i + 1}`))];
  const port = await freePort();
  const redisDir = mkdtempSync(join(tmpdir(), 'deeprec-bench-redis-'));
  const redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', redisDir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const results = [];
  try {
    console.log(`experiment ${name} (${configPath.replace(`${root}/`, '')}; search ${JSON.stringify(doc.search)}), node ${process.version}, ${require('node:os').cpus().length} cores`);
    for (const n of workerCounts) {
      const before = load();
      const r = await once(n, dirs, `redis://127.0.0.1:${port}`);
      results.push({ workers: n, ...r });
      console.log(`${n} worker(s): ${r.seconds.toFixed(1)} s (${(r.seconds / 60).toFixed(1)} min), jobs per worker ${r.perWorker.join(' + ')}, ${r.jobs ?? ''}; load average before ${before}, after ${load()}`);
    }
    const one = results.find((r) => r.workers === 1);
    for (const r of results) if (one && r !== one) console.log(`speed-up with ${r.workers} workers: ${(one.seconds / r.seconds).toFixed(2)}x`);
  } finally {
    redis.kill('SIGTERM');
    rmSync(redisDir, { recursive: true, force: true });
    if (!process.env.DEEPREC_KEEP_TMP) for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
