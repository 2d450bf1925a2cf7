#!/usr/bin/env node
/**
 * Load benchmark of `deeprec serve` (not a test): `npm run bench:serve [-- options]`.
 *
 * Serves NeuMF trained with configs/examples/movielens-100k.yaml (ML-100k u1, 943 users x
 * 1,682 items; trained here first when artifacts/movielens-100k/models/neumf is missing,
 * several minutes) and drives GET /v1/recommend (top-10 of a random known user, seeded
 * draw) with autocannon at 1, 16 and 64 connections, `--duration` seconds each after a
 * 2-second warm-up, on loopback. Between the load levels, and before the first, the
 * offline rate is measured in this process: `deeprec recommend --all`'s recommendAll over
 * the first `--offline-users` users (default 256, all with --offline-users 943; model
 * loaded once, after one warm-up block), so the two alternate. Prints
 * requests/s, latency p50/p99, the batching the server did, and served recommendations/s
 * over the median offline users/s.
 *
 * Options: --duration <s> (10), --connections 1,16,64, --offline-users <n> (256), --model neumf, --window <ms> (the
 * server's --batch-window-ms, default its own), --max-batch <n>, --artifacts <dir>.
 * Uses the compiled packages (npm run bench:serve compiles first).
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { cpus, loadavg } = require('node:os');
const { join, resolve } = require('node:path');
const autocannon = require('autocannon');
const seedrandom = require('seedrandom');

const root = resolve(__dirname, '..', '..');
const bin = join(root, 'packages/cli/bin/deeprec.js');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const duration = Number(option('duration', '10'));
const levels = option('connections', '1,16,64').split(',').map(Number);
const model = option('model', 'neumf');
const window = option('window', undefined);
const maxBatch = option('max-batch', undefined);
const artifacts = resolve(option('artifacts', join(root, 'artifacts')));
const config = join(root, 'configs/examples/movielens-100k.yaml');
const K = 10;
const offlineUsers = Number(option('offline-users', '256'));
const env = { ...process.env, DEEPREC_BACKEND: 'wasm', DEEPREC_ARTIFACTS: artifacts };

function deeprec(...argv) {
  const r = spawnSync(process.execPath, [bin, ...argv], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`deeprec ${argv.join(' ')}: exit ${r.status}`);
}

/** Trains the model once when its artifacts are missing (datagen first when the data is). */
function ensureModel() {
  const experiment = join(artifacts, 'movielens-100k');
  if (!existsSync(join(experiment, 'data/manifest.json'))) deeprec('datagen', config);
  if (!existsSync(join(experiment, 'models', model, 'manifest.json'))) {
    console.log(`training ${model} (no artifacts in ${join(experiment, 'models', model)}); several minutes`);
    deeprec('train', config, '--model', model);
  }
}

/** `deeprec recommend --all`'s scoring, in this process: users per second over every user, per run. */
async function offlineMeter() {
  const { initBackend } = require(join(root, 'packages/compute/dist'));
  const { loadConfig } = require(join(root, 'packages/config/dist'));
  const { loadRecommender, recommendAll } = require(join(root, 'packages/evaluate/dist'));
  await initBackend('wasm', () => {});
  const rec = await loadRecommender(loadConfig(config), model, artifacts);
  // recommendAll scores rec.userIds in order: the first n users, the same blocks as --all
  const subset = { ...rec, userIds: rec.userIds.slice(0, offlineUsers) };
  recommendAll({ ...rec, userIds: rec.userIds.slice(0, 16) }, K); // warm-up
  return {
    users: rec.userIds,
    measured: subset.userIds.length,
    run() {
      const started = performance.now();
      const table = recommendAll(subset, K);
      const seconds = (performance.now() - started) / 1000;
      if (table.rank.length !== subset.userIds.length * K) throw new Error('recommendAll: unexpected row count');
      return subset.userIds.length / seconds;
    },
  };
}

function startServer() {
  const extra = [...(window !== undefined ? ['--batch-window-ms', window] : []), ...(maxBatch !== undefined ? ['--max-batch', maxBatch] : [])];
  const child = spawn(process.execPath, [bin, 'serve', config, '--model', model, '--port', '0', '--no-watch', ...extra], { cwd: root, env });
  return new Promise((done, fail) => {
    let err = '';
    child.stderr.on('data', (c) => {
      err += c.toString();
      const m = /serve: (http:\/\/127\.0\.0\.1:\d+) serving/.exec(err);
      if (m) done({ child, url: m[1] });
    });
    child.on('exit', (code) => fail(new Error(`serve exited (${code}): ${err}`)));
  });
}

function load(url, users, connections, seconds, seed) {
  const rng = seedrandom(seed);
  return autocannon({
    url,
    connections,
    duration: seconds,
    // a request queued behind 64 others on a loaded 2-core machine may take seconds; count it, not drop it
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => {
          const user = users[Math.floor(rng() * users.length)];
          return { ...request, path: `/v1/recommend?user=${encodeURIComponent(user)}&k=${K}` };
        },
      },
    ],
  });
}

async function batching(url) {
  const body = await (await fetch(`${url}/v1/models`)).json();
  return body.models[0].batching;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits = 0) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main() {
  ensureModel();
  const started = performance.now();
  const load0 = loadavg()[0];
  const offline = await offlineMeter();
  const server = await startServer();
  const rates = [offline.run()];
  const rows = [];
  try {
    for (const connections of levels) {
      await load(server.url, offline.users, connections, 2, `warm-${connections}`);
      const before = await batching(server.url);
      const r = await load(server.url, offline.users, connections, duration, `load-${connections}`);
      const after = await batching(server.url);
      const ok = r['2xx'];
      rows.push({
        connections,
        requestsPerSecond: r.requests.average,
        servedPerSecond: ok / r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        failed: r.non2xx + r.errors + r.timeouts,
        meanBatch: (after.requests - before.requests) / Math.max(1, after.batches - before.batches),
      });
      rates.push(offline.run());
    }
  } finally {
    server.child.kill('SIGTERM');
  }
  const offlineRate = median(rates);
  console.log(`machine: ${cpus().length} x ${cpus()[0].model.trim()}, node ${process.versions.node}; wasm backend (one thread); load average (1 min) ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`);
  console.log(`model: ${model} of configs/examples/movielens-100k.yaml (ML-100k u1: ${offline.users.length} users x 1,682 items), top-${K} per request, users drawn at random (seeded)`);
  console.log(`offline: deeprec recommend --all's recommendAll in one process over ${offline.measured} users, ${fmt(offlineRate, 1)} users/s (median of ${rates.length} runs, ${fmt(Math.min(...rates), 1)}-${fmt(Math.max(...rates), 1)}, one before the load and one after each level)`);
  console.log(`load: autocannon, ${duration} s per level after a 2 s warm-up, loopback; server: deeprec serve --model ${model}${window !== undefined ? ` --batch-window-ms ${window}` : ''}${maxBatch !== undefined ? ` --max-batch ${maxBatch}` : ''}`);
  console.log('');
  console.log('| connections | requests/s | latency p50 (ms) | latency p99 (ms) | mean batch (users) | failed | served recs/s / offline users/s |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.connections} | ${fmt(r.requestsPerSecond, 1)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.meanBatch, 1)} | ${r.failed} | ${fmt(r.servedPerSecond / offlineRate, 2)} |`);
  }
  console.log('');
  console.log(`${((performance.now() - started) / 1000).toFixed(0)} s in all`);
}

main().catch((error) => {
  console.error(`bench:serve: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
