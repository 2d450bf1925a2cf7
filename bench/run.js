#!/usr/bin/env node
// npm run bench: deeprec's training and scoring speed against the project's PyTorch
// reference of the same networks (bench/pytorch/reference.py), in like-for-like pairings:
//   lazy Adam   deeprec train.optimizer.lazy: true  vs  PyTorch sparse embeddings + SparseAdam
//               (+ Adam for the dense layers)
//   dense Adam  deeprec train.optimizer.lazy: false vs  PyTorch torch.optim.Adam over everything
// deeprec with the kernel engine (train.engine: kernels) and the fused engine (the default),
// PyTorch at 1 thread (deeprec uses one) and at 2, at each batch size; each deeprec figure is
// also set against PyTorch's best setting for that model. Each figure is the median of N runs
// with the min and max; the order of the runs is reversed every round, so neither side always
// goes first. The arithmetic limit: matmul FLOP per sample x samples/s against the peak of the
// kernels' own SIMD matmul, measured here. Method and figures: README "Training speed".
// Prints figures, not pass/fail.
// Options: --runs N (default 3), --epochs N (default 2), --batches 256,1024, --threads 1,2 (PyTorch's), --skip-torch,
// --data <ml-100k folder>, --scale (afterwards, also bench/scale.js: the 10M-rating streaming case).
// Then lightgcn against its PyTorch reference (bench/lightgcn/bench.js, with the same --runs, --epochs, --data, --skip-torch),
// and the autoencoders against theirs (bench/autoencoders/bench.js, the same options).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir, cpus, loadavg } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');

// ---------------------------------------------------------------------------------------
// deeprec's compiled library, loaded in this process for the scoring measurement. The one
// place bench/run.js requires a package's dist: change the path here when @deeprec/core's
// compute functions move to another package. (Training runs through the CLI, below.)
function loadDeeprecCompute() {
  const core = require(join(root, 'packages', 'compute', 'dist', 'index.js'));
  return { initBackend: core.initBackend, fileLoadHandler: core.fileLoadHandler, scorePairs: core.scorePairs };
}
/** The kernel engine's matmul peak (GFLOP/s), from @deeprec/train's compiled library. */
function matmulPeak() {
  return require(join(root, 'packages', 'train', 'dist', 'index.js')).matmulPeakGflops();
}
// ---------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(option('runs', '3'));
const epochs = Number(option('epochs', '2'));
const skipTorch = args.includes('--skip-torch');
const batchSizes = option('batches', '256,1024').split(',').map(Number);
const data = resolve(option('data', join(root, '..', 'shared', 'data', 'ml-100k')));
const config = join(root, 'configs', 'examples', 'bench-ml100k.yaml');
const models = ['ncf', 'widedeep', 'neumf'];
const threadCounts = option('threads', '1,2').split(',').map(Number);
const backendName = process.env.DEEPREC_BACKEND ?? 'wasm';
const bin = join(root, 'packages', 'cli', 'bin', 'deeprec.js');
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(epochs) || epochs < 1 || ![...batchSizes, ...threadCounts].every((b) => Number.isInteger(b) && b >= 1)) {
  process.stderr.write('bench: --runs, --epochs and each of --batches and --threads take a whole number of at least 1\n');
  process.exit(2);
}
if (!existsSync(join(root, 'packages', 'cli', 'dist', 'main.js'))) {
  process.stderr.write('bench: compile first (npm run compile)\n');
  process.exit(1);
}
if (!existsSync(join(data, 'u1.base'))) {
  process.stderr.write(`bench: MovieLens 100K not found at ${data} (--data <folder>)\n`);
  process.exit(2);
}

/** Longest a single child process may take: a runaway one (a busy machine) stops the bench instead of stalling it. */
const CHILD_TIMEOUT_MS = 5 * 60 * 1000;
const busy = () => `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; other work on the machine?`;

function deeprec(...argv) {
  const r = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, env: { ...process.env, DEEPREC_BACKEND: backendName } });
  if (r.error) throw new Error(`deeprec ${argv.join(' ')}: ${r.error.message} (${busy()})`);
  if (r.status !== 0) throw new Error(`deeprec ${argv.join(' ')} failed:\n${r.stderr}`);
  return r;
}

let compute = null;
/** Scores every user x item pair of the data with a saved model, in batches, like evaluate and recommend do. */
async function scoreSpeed(modelDir, numUsers, numItems) {
  const tf = require('@tensorflow/tfjs');
  if (!compute) {
    compute = loadDeeprecCompute();
    await compute.initBackend(backendName);
  }
  const network = await tf.loadLayersModel(compute.fileLoadHandler(modelDir));
  const users = new Int32Array(numUsers * numItems);
  const items = new Int32Array(numUsers * numItems);
  for (let u = 0; u < numUsers; u += 1) {
    for (let i = 0; i < numItems; i += 1) {
      users[u * numItems + i] = u;
      items[u * numItems + i] = i;
    }
  }
  compute.scorePairs(network, users.subarray(0, 65536), items.subarray(0, 65536), 65536); // warm-up
  const started = performance.now();
  compute.scorePairs(network, users, items, 65536);
  const seconds = (performance.now() - started) / 1000;
  network.dispose();
  return users.length / seconds;
}

/** The training loss of the last epoch, from the model's history.arrow. */
function lastLoss(modelDir) {
  const { tableFromIPC } = require('apache-arrow');
  const loss = tableFromIPC(readFileSync(join(modelDir, 'history.arrow'))).getChild('loss');
  return loss ? Number(loss.get(loss.length - 1)) : Number.NaN;
}

/** Trains the three models with lazy or dense Adam on `engine` at batch size `batch`, one process each (as Nx runs them); scores them when asked. */
async function deeprecJob(artifacts, info, lazy, score, engine, batch) {
  const sets = ['--set', `data.path=${data}`, '--set', `train.epochs=${epochs}`, '--set', `train.optimizer.lazy=${lazy}`, '--set', `train.engine=${engine}`, '--set', `train.batchSize=${batch}`, '--artifacts', artifacts];
  const out = {};
  for (const model of models) {
    deeprec('train', config, '--model', model, ...sets);
    const dir = join(artifacts, 'bench-ml100k', 'models', model);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    if (manifest.details.modelConfig.train.optimizer.lazy !== lazy) throw new Error(`bench: ${model} trained with optimizer.lazy ${manifest.details.modelConfig.train.optimizer.lazy}, asked ${lazy}`);
    if (manifest.details.engine.name !== engine) throw new Error(`bench: ${model} trained with the ${manifest.details.engine.name} engine, asked ${engine}`);
    out[model] = {
      train: manifest.details.trainSamplesPerSecond,
      score: score ? await scoreSpeed(dir, info.numUsers, info.numItems) : null,
      loss: lastLoss(dir),
      params: manifest.details.params,
      modelConfig: manifest.details.modelConfig,
      // The engine that actually trained (train.engine: auto resolves to fused on wasm and cpu).
      engine: manifest.details.engine ? manifest.details.engine.name : manifest.details.modelConfig.train.engine,
      backend: manifest.backend,
    };
  }
  return out;
}

/**
 * The three models with PyTorch, sparse (SparseAdam) or dense Adam at `threads` threads: one
 * process per model, as deeprec's, so each side's first steps pay its own warm-up alike.
 */
function torchJob(info, hyper, mode, threads, score) {
  const out = {};
  for (const model of models) {
    const argv = [join(__dirname, 'pytorch', 'reference.py'), join(data, 'u1.base'), '--models', model, '--optimizer', mode, '--threads', String(threads)];
    argv.push('--epochs', String(epochs), '--users', String(info.numUsers), '--items', String(info.numItems), '--batch', String(hyper.batchSize));
    argv.push('--lr', String(hyper.learningRate), '--beta1', String(hyper.beta1), '--beta2', String(hyper.beta2), '--eps', String(hyper.epsilon));
    if (!score) argv.push('--no-score');
    const r = spawnSync('/usr/bin/python3', argv, { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
    if (r.error && r.error.code !== 'ENOENT') throw new Error(`PyTorch reference ${model} ${mode} at ${threads} threads: ${r.error.message} (${busy()})`);
    if (r.status !== 0) throw new Error(`PyTorch reference failed (is Debian's python3-torch installed?):\n${r.stderr}`);
    const row = JSON.parse(r.stdout.trim());
    out[model] = { train: row.trainSamplesPerSecond, score: row.scorePairsPerSecond, loss: row.loss, params: row.params, arch: row.arch, torch: row.torch, optimizers: row.optimizers };
  }
  return out;
}

/** A model config's dropout as one rate per hidden layer (a number applies after every layer but the last). */
const dropoutRates = (c) => (Array.isArray(c.dropout) ? c.dropout : c.layers.map((_, i) => (i < c.layers.length - 1 ? c.dropout : 0)));

/** Throws unless the PyTorch networks are deeprec's: every key the reference states, the parameter counts, no L2. */
function checkSame(deeprecRow, torchRow, model) {
  const c = deeprecRow.modelConfig;
  const resolved = { ...c, dropout: dropoutRates(c), l2: Math.max(c.l2, c.denseL2 ?? c.l2) };
  for (const [key, value] of Object.entries(torchRow.arch)) {
    if (JSON.stringify(resolved[key]) !== JSON.stringify(value)) {
      throw new Error(`bench: ${model}.${key} is ${JSON.stringify(resolved[key])} in deeprec's config but ${JSON.stringify(value)} in the PyTorch reference`);
    }
  }
  if (deeprecRow.params !== torchRow.params) throw new Error(`bench: ${model} has ${deeprecRow.params} parameters in deeprec, ${torchRow.params} in PyTorch`);
  const t = c.train;
  if (t.optimizer.name !== 'adam' || !['fused', 'kernels'].includes(deeprecRow.engine) || !['auto', 'mse'].includes(t.loss) || t.lrSchedule.type !== 'none') {
    throw new Error(`bench: ${model} must train with adam, the fused or kernel engine, MSE and no schedule to compare (found ${t.optimizer.name}, ${deeprecRow.engine}, ${t.loss}, ${t.lrSchedule.type})`);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const f = (n) => Math.round(n).toLocaleString('en-US');
/** "median (min-max)" of one figure over the runs. */
const cell = (xs) => (xs.length === 1 ? f(xs[0]) : `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`);

/** Matmul FLOP per training sample: forward 2 x MACs, backward 4 x MACs (weight and input gradients), of the tower and the output layer. */
function flopPerSample(c) {
  const input = c.type === 'neumf' ? 2 * c.mlpDim : 2 * c.embeddingDim;
  let macs = 0;
  let width = input;
  for (const units of c.layers) {
    macs += width * units;
    width = units;
  }
  macs += width + (c.type === 'neumf' ? c.gmfDim : 0);
  return 6 * macs;
}

const ENGINES = [
  { key: 'kernels lazy', engine: 'kernels', lazy: true },
  { key: 'kernels dense', engine: 'kernels', lazy: false },
  { key: 'fused lazy', engine: 'fused', lazy: true },
  { key: 'fused dense', engine: 'fused', lazy: false },
];
const TORCH = threadCounts.flatMap((t) => [
  { key: `torch sparse ${t}`, mode: 'sparse', threads: t, label: `PyTorch SparseAdam ${t}t` },
  { key: `torch dense ${t}`, mode: 'dense', threads: t, label: `PyTorch Adam ${t}t` },
]);

async function main() {
  const artifacts = mkdtempSync(join(tmpdir(), 'deeprec-bench-'));
  try {
    deeprec('datagen', config, '--set', `data.path=${data}`, '--artifacts', artifacts);
    const info = JSON.parse(readFileSync(join(artifacts, 'bench-ml100k', 'data', 'manifest.json'), 'utf8')).details.info;
    // Adam's values as deeprec resolved them, from its first training (round 1 starts with
    // deeprec), handed to every PyTorch run with the batch size of the job: the two cannot drift apart.
    let hyper = null;
    const results = {}; // job key -> model -> list of one row per run
    const record = (key, out) => {
      results[key] ??= {};
      for (const [model, row] of Object.entries(out)) (results[key][model] ??= []).push(row);
    };
    const scoreBatch = batchSizes[0];
    const jobs = batchSizes.flatMap((batch) => {
      const ours = ENGINES.map((e) => ({ key: `${batch} deeprec ${e.key}`, run: () => deeprecJob(artifacts, info, e.lazy, batch === scoreBatch && e.key === 'kernels lazy', e.engine, batch) }));
      const theirs = skipTorch ? [] : TORCH.map((t) => ({ key: `${batch} ${t.key}`, torch: true, run: () => torchJob(info, { ...hyper, batchSize: batch }, t.mode, t.threads, batch === scoreBatch && t.mode === 'sparse') }));
      // interleaved: each deeprec job next to PyTorch jobs
      return ours.flatMap((o, i) => [o, ...(theirs[i] ? [theirs[i]] : [])]);
    });
    const started = performance.now();
    const loadAtStart = loadavg()[0];
    const peaks = [];
    for (let round = 1; round <= runs; round += 1) {
      // Odd rounds in order, even rounds reversed: neither side always goes first.
      const order = round % 2 === 1 ? jobs : [...jobs].reverse();
      for (const job of order) {
        const out = await job.run();
        record(job.key, out);
        if (!hyper && !job.torch) hyper = { ...out.ncf.modelConfig.train.optimizer };
        process.stderr.write(`bench: round ${round}/${runs}: ${job.key} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
      }
      peaks.push(matmulPeak());
    }

    const row = (batch, key) => results[`${batch} ${key}`];
    const first = row(scoreBatch, 'deeprec kernels lazy').ncf[0];
    if (!skipTorch) {
      for (const batch of batchSizes) {
        for (const t of TORCH) for (const model of models) checkSame(row(batch, 'deeprec kernels lazy')[model][0], row(batch, t.key)[model][0], model);
      }
    }
    const torchVersion = skipTorch ? null : row(scoreBatch, `torch sparse ${threadCounts[0]}`).ncf[0].torch;
    const c = (model) => first && row(scoreBatch, 'deeprec kernels lazy')[model][0].modelConfig;
    const dropout = (m) => JSON.stringify(dropoutRates(c(m)));
    const peak = median(peaks);
    const lines = [
      `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.versions.node}; deeprec backend ${first.backend} (one thread)${skipTorch ? '' : `; PyTorch ${torchVersion} CPU at ${threadCounts.join(' and ')} threads (torch.set_num_threads)`}`,
      `data: ML-100k u1.base, ${f(info.counts.train)} ratings, tables of ${f(info.numUsers)} users x ${f(info.numItems)} items; ${epochs} epoch${epochs > 1 ? 's' : ''} per run; ${runs > 1 ? `median of ${runs} runs (min-max)` : 'one run'}, the run order reversed every round`,
      `same on both sides${skipTorch ? '' : ' (checked against the config deeprec resolved, and equal parameter counts)'}: ` +
        `ncf layers ${JSON.stringify(c('ncf').layers)} dropout ${dropout('ncf')}, widedeep (user + item biases, no side features) ${JSON.stringify(c('widedeep').layers)} dropout ${dropout('widedeep')}, ` +
        `neumf (GMF + MLP, dense output) ${JSON.stringify(c('neumf').layers)} dropout ${dropout('neumf')}; embeddings 32, ReLU, glorot-uniform init; ` +
        `MSE loss; batch ${batchSizes.join(' and ')}; Adam lr ${hyper.learningRate}, beta1 ${hyper.beta1}, beta2 ${hyper.beta2}, epsilon ${hyper.epsilon}; ` +
        `no weight decay or L2 (l2 ${c('ncf').l2}); no validation, no lr schedule`,
      'deeprec: kernels = train.engine: kernels (the batch as calls into compiled WebAssembly SIMD code), fused = the default engine (tfjs ops); lazy = optimizer.lazy: true (PyTorch: sparse embeddings + SparseAdam), dense = false (torch.optim.Adam)',
      'training samples/s: the training loop alone (shuffle, batches, forward, backward, optimizer step, loss read back) over all epochs of a fresh model, each model in its own process, no warm-up pass on either side; scoring: all user x item pairs, batches of 65,536, after one warm-up batch',
    ];
    const m = (xs) => median(xs);
    const figure = (batch, key, model, what = 'train') => row(batch, key)[model].map((r) => r[what]);
    /** PyTorch's best setting for a model at a batch size: the highest median. */
    const bestTorch = (batch, model) => TORCH.map((t) => ({ ...t, value: m(figure(batch, t.key, model)) })).sort((a, b) => b.value - a.value)[0];
    for (const batch of batchSizes) {
      lines.push('', `Training samples/s at batch ${batch}, median (min-max)`, '');
      const head = ['model', ...ENGINES.map((e) => `deeprec ${e.key}`), ...(skipTorch ? [] : [...TORCH.map((t) => t.label), 'kernels lazy / best PyTorch', 'kernels dense / best PyTorch', 'fused lazy / best PyTorch'])];
      const rows = models.map((model) => {
        const ourCells = ENGINES.map((e) => cell(figure(batch, `deeprec ${e.key}`, model)));
        if (skipTorch) return [model, ...ourCells];
        const best = bestTorch(batch, model);
        const ratio = (key) => `${(m(figure(batch, `deeprec ${key}`, model)) / best.value).toFixed(2)}x`;
        return [model, ...ourCells, ...TORCH.map((t) => cell(figure(batch, t.key, model))), `${ratio('kernels lazy')} (vs ${best.label})`, ratio('kernels dense'), ratio('fused lazy')];
      });
      lines.push(...[head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`));
    }

    lines.push('', `Arithmetic limit: matmul FLOP per sample (forward 2, backward 4 x multiply-adds of the tower and output layer) x samples/s, against the kernels' own SIMD matmul peak here, ${peak.toFixed(1)} GFLOP/s (256 x 64 by 64 x 64, median of ${peaks.length} measurements, ${Math.min(...peaks).toFixed(1)}-${Math.max(...peaks).toFixed(1)}); limit = peak / FLOP per sample`, '');
    const ahead = ['model', 'kFLOP/sample', 'limit samples/s', ...batchSizes.flatMap((b) => [`kernels lazy, batch ${b}: GFLOP/s`, 'of peak', ...(skipTorch ? [] : [`best PyTorch, batch ${b}: GFLOP/s`])])];
    const arows = models.map((model) => {
      const flop = flopPerSample(c(model));
      const cols = batchSizes.flatMap((b) => {
        const ours = m(figure(b, 'deeprec kernels lazy', model)) * flop;
        return [(ours / 1e9).toFixed(2), `${((100 * ours) / (peak * 1e9)).toFixed(0)}%`, ...(skipTorch ? [] : [((bestTorch(b, model).value * flop) / 1e9).toFixed(2)])];
      });
      return [model, (flop / 1000).toFixed(1), f((peak * 1e9) / flop), ...cols];
    });
    lines.push(...[ahead, ahead.map(() => '---'), ...arows].map((r) => `| ${r.join(' | ')} |`));

    lines.push('', `Scoring pairs/s, all ${f(info.numUsers)} x ${f(info.numItems)} pairs (the kernels-lazy models of batch ${scoreBatch}; deeprec scorePairs with tfjs, PyTorch eval + no_grad)`, '');
    {
      const head = ['model', 'deeprec', ...(skipTorch ? [] : threadCounts.flatMap((t) => [`PyTorch ${t} thread${t > 1 ? 's' : ''}`, 'deeprec / PyTorch']))];
      const rows = models.map((model) => {
        const d = figure(scoreBatch, 'deeprec kernels lazy', model, 'score');
        const cols = skipTorch ? [] : threadCounts.flatMap((t) => {
          const p = figure(scoreBatch, `torch sparse ${t}`, model, 'score');
          return [cell(p), `${(m(d) / m(p)).toFixed(2)}x`];
        });
        return [model, cell(d), ...cols];
      });
      lines.push(...[head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`));
    }

    // A sanity check that both sides train the same problem: the mean training loss of the last epoch.
    const loss = (rows) => median(rows.map((r) => r.loss)).toFixed(4);
    for (const batch of batchSizes) {
      lines.push('', `Training loss (MSE) of epoch ${epochs} at batch ${batch}, median of the runs (a check that all learn alike; PyTorch's initial weights, shuffles and dropout masks differ)`, '');
      const head = ['model', ...ENGINES.map((e) => `deeprec ${e.key}`), ...(skipTorch ? [] : ['PyTorch SparseAdam', 'PyTorch Adam'])];
      const rows = models.map((model) => [
        model,
        ...ENGINES.map((e) => loss(row(batch, `deeprec ${e.key}`)[model])),
        ...(skipTorch ? [] : ['sparse', 'dense'].map((mode) => loss(threadCounts.flatMap((t) => row(batch, `torch ${mode} ${t}`)[model])))),
      ]);
      lines.push(...[head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`));
    }
    if (!skipTorch) {
      const steps = epochs * Math.ceil(info.counts.train / batchSizes[0]);
      const factor = (t) => (1 / Math.sqrt(1 - hyper.beta2 ** t)).toFixed(1);
      lines.push(
        '',
        'Lazy Adam vs SparseAdam: the same algorithm (moments and weights of only the rows in the batch, repeated ids summed first, ' +
          'bias correction from one step count per table, which is the global step as every table is in every batch), except where epsilon goes: ' +
          'deeprec (as tf.train.adam and torch.optim.Adam) divides by sqrt(v_hat) + eps, SparseAdam by (sqrt(v) + eps) before the bias correction, ' +
          `an effective eps / sqrt(1 - beta2^t) (${factor(1)}x eps at step 1, ${factor(steps)}x at step ${steps}, the last at batch ${batchSizes[0]}). ` +
          'Dense Adam vs torch.optim.Adam: the same update, float rounding aside.',
      );
    }
    lines.push('', `${((performance.now() - started) / 1000 / 60).toFixed(1)} minutes; load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores: other work on the machine lowers the figures, PyTorch's 2-thread ones most)`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(artifacts, { recursive: true, force: true });
  }
  // lightgcn has its own pairing (graph propagation, BPR, implicit data): bench/lightgcn/bench.js, same options.
  process.stdout.write('\n');
  const graphArgs = ['--runs', String(runs), '--epochs', String(epochs), '--data', data, ...(skipTorch ? ['--skip-torch'] : [])];
  const graph = spawnSync(process.execPath, [join(__dirname, 'lightgcn', 'bench.js'), ...graphArgs], { stdio: 'inherit' });
  if (graph.status !== 0) throw new Error(`bench/lightgcn/bench.js exited with ${graph.status}`);
  // The autoencoders too: whole vectors per step (bench/autoencoders/bench.js, same options).
  process.stdout.write('\n');
  const autoencoders = spawnSync(process.execPath, [join(__dirname, 'autoencoders', 'bench.js'), ...graphArgs], { stdio: 'inherit' });
  if (autoencoders.status !== 0) throw new Error(`bench/autoencoders/bench.js exited with ${autoencoders.status}`);
  if (args.includes('--scale')) {
    process.stdout.write('\n');
    const r = spawnSync(process.execPath, [join(__dirname, 'scale.js')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`bench/scale.js exited with ${r.status}`);
  }
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});
