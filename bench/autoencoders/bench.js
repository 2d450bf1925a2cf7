#!/usr/bin/env node
// The autoencoders' training speed (autorec, glocalk, multdae, multvae) against the PyTorch
// reference of the same networks (bench/autoencoders/reference.py, glocalk_reference.py):
// rows (whole vectors) per second of the training loop, deeprec (wasm, one thread, tfjs
// engine) and PyTorch at 1 and 2 threads, the median of N runs with min-max, the order of
// the runs reversed every round. Prints figures, not pass/fail. npm run bench runs it after lightgcn's; alone:
//   node bench/autoencoders/bench.js [--runs 3] [--epochs 2] [--data <ml-100k folder>] [--skip-torch] [--models glocalk]
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
const bin = join(root, 'packages', 'cli', 'bin', 'deeprec.js');
const threadCounts = [1, 2];
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;
// Each model with the config that sizes it (autorec reads ratings, the others clicks).
const ALL_MODELS = [
  { model: 'autorec', config: join(root, 'configs', 'examples', 'bench-autoencoders.yaml'), experiment: 'bench-autoencoders' },
  { model: 'glocalk', config: join(root, 'configs', 'examples', 'bench-autoencoders.yaml'), experiment: 'bench-autoencoders' },
  { model: 'multdae', config: join(root, 'configs', 'examples', 'bench-autoencoders-implicit.yaml'), experiment: 'bench-autoencoders-implicit' },
  { model: 'multvae', config: join(root, 'configs', 'examples', 'bench-autoencoders-implicit.yaml'), experiment: 'bench-autoencoders-implicit' },
];
// --models a,b: only those (a quick look at one model); default all.
const only = option('models', null)?.split(',');
const MODELS = only ? ALL_MODELS.filter((m) => only.includes(m.model)) : ALL_MODELS;
if (only && MODELS.length !== only.length) {
  process.stderr.write(`bench/autoencoders: --models expects some of ${ALL_MODELS.map((m) => m.model).join(', ')}, found ${only.join(',')}\n`);
  process.exit(2);
}
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(epochs) || epochs < 1) {
  process.stderr.write('bench/autoencoders: --runs and --epochs take a whole number of at least 1\n');
  process.exit(2);
}
if (!existsSync(join(data, 'u1.base'))) {
  process.stderr.write(`bench/autoencoders: MovieLens 100K not found at ${data} (--data <folder>)\n`);
  process.exit(2);
}

function run(command, argv, env) {
  const r = spawnSync(command, argv, { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, env: { ...process.env, ...env } });
  if (r.error) throw new Error(`${command} ${argv.join(' ')}: ${r.error.message} (load average ${loadavg()[0].toFixed(1)})`);
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const deeprec = (...argv) => run(process.execPath, [bin, ...argv], { DEEPREC_BACKEND: process.env.DEEPREC_BACKEND ?? 'wasm' });

function deeprecRun(m, artifacts) {
  // glocalk trains two stages, each for --epochs (its pre-training's budget is its own key).
  const stages = m.model === 'glocalk' ? ['--set', `models.glocalk.pretrainEpochs=${epochs}`] : [];
  deeprec('train', m.config, '--model', m.model, '--set', `data.path=${data}`, '--set', `train.epochs=${epochs}`, ...stages, '--artifacts', artifacts);
  const dir = join(artifacts, m.experiment, 'models', m.model);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const { tableFromIPC } = require('apache-arrow');
  const loss = tableFromIPC(readFileSync(join(dir, 'history.arrow'))).getChild('loss');
  const d = manifest.details;
  return { train: d.trainSamplesPerSecond, loss: Number(loss.get(loss.length - 1)), params: d.params, modelConfig: d.modelConfig, backend: manifest.backend };
}

function torchRun(m, info, c, threads) {
  const t = c.train;
  const o = t.optimizer;
  if (m.model === 'glocalk') {
    // Both stages, as deeprec's run; glocalk_reference.py's Adam takes tfjs's defaults (the bench config's).
    const argv = [join(__dirname, 'glocalk_reference.py'), 'bench', join(data, 'u1.base'), '--users', String(info.numUsers), '--items', String(info.numItems), '--threads', String(threads), '--stage', 'both'];
    argv.push('--epochs', String(epochs), '--batch', String(t.batchSize), '--lr', String(o.learningRate), '--hidden', String(c.hiddenUnits), '--layers', String(c.hiddenLayers));
    argv.push('--dim', String(c.kernelDim), '--size', String(c.globalKernelSize), '--lambda2', String(c.lambda2), '--lambda-s', String(c.lambdaS));
    const row = JSON.parse(run('/usr/bin/python3', argv).trim());
    return { train: row.trainRowsPerSecond, loss: row.loss, params: row.params, torch: row.torch };
  }
  const argv = [join(__dirname, 'reference.py'), 'bench', join(data, 'u1.base'), '--model', m.model, '--users', String(info.numUsers), '--items', String(info.numItems), '--threads', String(threads)];
  argv.push('--epochs', String(epochs), '--batch', String(t.batchSize), '--l2', String(c.l2), '--lr', String(o.learningRate), '--beta1', String(o.beta1), '--beta2', String(o.beta2), '--eps', String(o.epsilon));
  if (m.model === 'autorec') argv.push('--hidden', String(c.hiddenUnits));
  else argv.push('--layers', c.layers.join(','), '--dropout', String(c.dropout));
  if (m.model === 'multvae') argv.push('--anneal-cap', String(c.annealCap), '--anneal-steps', String(c.annealSteps));
  const row = JSON.parse(run('/usr/bin/python3', argv).trim());
  return { train: row.trainRowsPerSecond, loss: row.loss, params: row.params, torch: row.torch };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const f = (n) => Math.round(n).toLocaleString('en-US');
const cell = (xs) => (xs.length === 1 ? f(xs[0]) : `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`);

function main() {
  const artifacts = mkdtempSync(join(tmpdir(), 'deeprec-bench-autoenc-'));
  try {
    const started = performance.now();
    const loadAtStart = loadavg()[0];
    const head = ['model', 'deeprec rows/s', ...(skipTorch ? [] : threadCounts.flatMap((t) => [`PyTorch ${t} thread${t > 1 ? 's' : ''}`, 'deeprec / PyTorch']))];
    const table = [head, head.map(() => '---')];
    const losses = [];
    let torchVersion = '';
    let backend = '';
    for (const m of MODELS) {
      if (!existsSync(join(artifacts, m.experiment))) deeprec('datagen', m.config, '--set', `data.path=${data}`, '--artifacts', artifacts);
      const info = JSON.parse(readFileSync(join(artifacts, m.experiment, 'data', 'manifest.json'), 'utf8')).details.info;
      const results = { deeprec: [], ...Object.fromEntries(threadCounts.map((t) => [`torch ${t}`, []])) };
      let resolved = null;
      const jobs = [
        { key: 'deeprec', run: () => deeprecRun(m, artifacts) },
        ...threadCounts.map((t) => ({ key: `torch ${t}`, torch: true, run: () => torchRun(m, info, resolved, t) })),
      ].filter((j) => !(skipTorch && j.torch));
      for (let round = 1; round <= runs; round += 1) {
        // Round 1 starts with deeprec, whose resolved config the PyTorch runs then take.
        for (const job of round % 2 === 1 ? jobs : [...jobs].reverse()) {
          const row = job.run();
          results[job.key].push(row);
          if (!resolved && !job.torch) resolved = row.modelConfig;
          if (row.torch) torchVersion = row.torch;
          if (row.backend) backend = row.backend;
          process.stderr.write(`bench/autoencoders: ${m.model} round ${round}/${runs}: ${job.key} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
        }
      }
      const ours = results.deeprec;
      for (const t of skipTorch ? [] : threadCounts) {
        if (results[`torch ${t}`][0].params !== ours[0].params) throw new Error(`bench/autoencoders: ${m.model}: ${ours[0].params} parameters in deeprec, ${results[`torch ${t}`][0].params} in PyTorch`);
      }
      const d = ours.map((r) => r.train);
      const cols = skipTorch ? [] : threadCounts.flatMap((t) => {
        const p = results[`torch ${t}`].map((r) => r.train);
        return [cell(p), `${(median(d) / median(p)).toFixed(2)}x`];
      });
      table.push([`${m.model} (${f(info[['autorec', 'glocalk'].includes(m.model) ? 'numItems' : 'numUsers'])} rows x ${f(info[['autorec', 'glocalk'].includes(m.model) ? 'numUsers' : 'numItems'])}, ${f(ours[0].params)} parameters)`, cell(d), ...cols]);
      const loss = (rows) => median(rows.map((r) => r.loss)).toFixed(4);
      losses.push(`${m.model} deeprec ${loss(ours)}${skipTorch ? '' : threadCounts.map((t) => `, PyTorch ${t} thread${t > 1 ? 's' : ''} ${loss(results[`torch ${t}`])}`).join('')}`);
    }
    const lines = [
      `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.versions.node}; deeprec backend ${backend} (one thread, tfjs engine)${skipTorch ? '' : `; PyTorch ${torchVersion} CPU at ${threadCounts.join(' and ')} threads`}`,
      `training rows/s (whole vectors per second of the loop alone: shuffle, the batch of vectors (deeprec builds it from sparse rows, PyTorch gathers it from a dense matrix), forward, backward, Adam, loss read back), ${epochs} epochs per run, ${runs > 1 ? `median of ${runs} runs (min-max)` : 'one run'}, the order reversed every round; settings in configs/examples/bench-autoencoders*.yaml`,
      '',
      ...table.map((row) => `| ${row.join(' | ')} |`),
      '',
      `loss of epoch ${epochs} (median; a check that both sides learn alike): ${losses.join('; ')}`,
      `${((performance.now() - started) / 1000 / 60).toFixed(1)} minutes; load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(artifacts, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench/autoencoders: ${error.message}\n`);
  process.exit(1);
}
