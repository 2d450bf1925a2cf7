#!/usr/bin/env node
// lightgcn's training speed against the PyTorch reference of the same network
// (bench/lightgcn/reference.py): samples/s of the training loop, deeprec (wasm, one
// thread) and PyTorch at 1 and 2 threads, the median of N runs with min-max, the order of
// the runs reversed every round. Prints figures, not pass/fail. npm run bench runs it
// after the seed models' bench; alone:
//   node bench/lightgcn/bench.js [--runs 3] [--epochs 2] [--data <ml-100k folder>] [--skip-torch]
// Compile first (npm run compile).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir, cpus, loadavg } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(option('runs', '3'));
const epochs = Number(option('epochs', '2'));
const skipTorch = args.includes('--skip-torch');
const data = resolve(option('data', join(root, '..', 'shared', 'data', 'ml-100k')));
const config = join(root, 'configs', 'examples', 'bench-lightgcn.yaml');
const bin = join(root, 'packages', 'cli', 'bin', 'deeprec.js');
const threadCounts = [1, 2];
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(epochs) || epochs < 1) {
  process.stderr.write('bench/lightgcn: --runs and --epochs take a whole number of at least 1\n');
  process.exit(2);
}
if (!existsSync(join(data, 'u1.base'))) {
  process.stderr.write(`bench/lightgcn: MovieLens 100K not found at ${data} (--data <folder>)\n`);
  process.exit(2);
}

function run(command, argv, env) {
  const r = spawnSync(command, argv, { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, env: { ...process.env, ...env } });
  if (r.error) throw new Error(`${command} ${argv.join(' ')}: ${r.error.message} (load average ${loadavg()[0].toFixed(1)})`);
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const deeprec = (...argv) => run(process.execPath, [bin, ...argv], { DEEPREC_BACKEND: process.env.DEEPREC_BACKEND ?? 'wasm' });

function deeprecRun(artifacts) {
  deeprec('train', config, '--model', 'lightgcn', '--set', `data.path=${data}`, '--set', `train.epochs=${epochs}`, '--artifacts', artifacts);
  const manifest = JSON.parse(readFileSync(join(artifacts, 'bench-lightgcn', 'models', 'lightgcn', 'manifest.json'), 'utf8'));
  const { tableFromIPC } = require('apache-arrow');
  const loss = tableFromIPC(readFileSync(join(artifacts, 'bench-lightgcn', 'models', 'lightgcn', 'history.arrow'))).getChild('loss');
  const d = manifest.details;
  return { train: d.trainSamplesPerSecond, loss: Number(loss.get(loss.length - 1)), params: d.params, modelConfig: d.modelConfig, engine: d.engine.name, backend: manifest.backend };
}

function torchRun(info, c, threads) {
  const t = c.train;
  const argv = [join(__dirname, 'reference.py'), join(data, 'u1.base'), '--users', String(info.numUsers), '--items', String(info.numItems), '--threads', String(threads)];
  argv.push('--epochs', String(epochs), '--batch', String(t.batchSize), '--dim', String(c.embeddingDim), '--layers', String(c.propagationLayers), '--l2', String(c.l2));
  argv.push('--lr', String(t.optimizer.learningRate), '--beta1', String(t.optimizer.beta1), '--beta2', String(t.optimizer.beta2), '--eps', String(t.optimizer.epsilon));
  const row = JSON.parse(run('/usr/bin/python3', argv).trim());
  return { train: row.trainSamplesPerSecond, loss: row.loss, params: row.params, torch: row.torch };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const f = (n) => Math.round(n).toLocaleString('en-US');
const cell = (xs) => (xs.length === 1 ? f(xs[0]) : `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`);

function main() {
  const artifacts = mkdtempSync(join(tmpdir(), 'deeprec-bench-lightgcn-'));
  try {
    deeprec('datagen', config, '--set', `data.path=${data}`, '--artifacts', artifacts);
    const info = JSON.parse(readFileSync(join(artifacts, 'bench-lightgcn', 'data', 'manifest.json'), 'utf8')).details.info;
    const results = { deeprec: [], ...Object.fromEntries(threadCounts.map((t) => [`torch ${t}`, []])) };
    let resolved = null;
    const jobs = [
      { key: 'deeprec', run: () => deeprecRun(artifacts) },
      ...threadCounts.map((t) => ({ key: `torch ${t}`, torch: true, run: () => torchRun(info, resolved, t) })),
    ].filter((j) => !(skipTorch && j.torch));
    const started = performance.now();
    const loadAtStart = loadavg()[0];
    for (let round = 1; round <= runs; round += 1) {
      // Round 1 starts with deeprec, whose resolved config the PyTorch runs then take.
      for (const job of round % 2 === 1 ? jobs : [...jobs].reverse()) {
        const row = job.run();
        results[job.key].push(row);
        if (!resolved && !job.torch) resolved = row.modelConfig;
        process.stderr.write(`bench/lightgcn: round ${round}/${runs}: ${job.key} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
      }
    }
    const ours = results.deeprec;
    for (const t of skipTorch ? [] : threadCounts) {
      if (results[`torch ${t}`][0].params !== ours[0].params) throw new Error(`bench/lightgcn: ${ours[0].params} parameters in deeprec, ${results[`torch ${t}`][0].params} in PyTorch`);
    }
    const c = resolved;
    const o = c.train.optimizer;
    const lines = [
      `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.versions.node}; deeprec backend ${ours[0].backend} (one thread, ${ours[0].engine} engine)${skipTorch ? '' : `; PyTorch ${results['torch 1'][0].torch} CPU at ${threadCounts.join(' and ')} threads`}`,
      `lightgcn on ML-100k u1.base as ${f(info.counts.train)} interactions (${f(info.numUsers)} users, ${f(info.numItems)} items): ${c.embeddingDim}-d layer-0 embeddings, ${c.propagationLayers} propagation layers, BPR with ${c.train.negatives.perPositive} uniform negative per positive, batch ${c.train.batchSize}, Adam lr ${o.learningRate} beta1 ${o.beta1} beta2 ${o.beta2} eps ${o.epsilon}, l2 ${c.l2} on the batch's layer-0 rows; ${ours[0].params} parameters on both sides`,
      `training samples/s (the loop alone: negative sampling, shuffle, batches with the full propagation forward and backward, Adam, loss read back), ${epochs} epochs per run, ${runs > 1 ? `median of ${runs} runs (min-max)` : 'one run'}, the order reversed every round`,
      '',
    ];
    const head = ['model', 'deeprec', ...(skipTorch ? [] : threadCounts.flatMap((t) => [`PyTorch ${t} thread${t > 1 ? 's' : ''}`, 'deeprec / PyTorch']))];
    const d = ours.map((r) => r.train);
    const cols = skipTorch ? [] : threadCounts.flatMap((t) => {
      const p = results[`torch ${t}`].map((r) => r.train);
      return [cell(p), `${(median(d) / median(p)).toFixed(2)}x`];
    });
    for (const row of [head, head.map(() => '---'), ['lightgcn', cell(d), ...cols]]) lines.push(`| ${row.join(' | ')} |`);
    const loss = (rows) => median(rows.map((r) => r.loss)).toFixed(4);
    lines.push('', `BPR loss of epoch ${epochs} (median; a check that both sides learn alike): deeprec ${loss(ours)}${skipTorch ? '' : threadCounts.map((t) => `, PyTorch ${t} thread${t > 1 ? 's' : ''} ${loss(results[`torch ${t}`])}`).join('')}`);
    lines.push(`${((performance.now() - started) / 1000 / 60).toFixed(1)} minutes; load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores)`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(artifacts, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench/lightgcn: ${error.message}\n`);
  process.exit(1);
}
