#!/usr/bin/env node
// Speed of the classic factor models (packages/models/src/classic: ials, puresvd, svdpp)
// against their NumPy/SciPy references (bench/classic/<model>.py), side by side in one
// run on MovieLens 100K u1.base: fit, then score every user against every item.
// TypeScript and reference runs alternate. Prints medians of N runs with [min, max] and
// the ratio of the median totals (fit + score), TypeScript / reference; for
// PureSVD also how far the randomized singular values are from ARPACK's.
// Compile first (npx tsc -b tsconfig.json). Options: --runs N (default 3),
// --models ials,puresvd,svdpp, --data <ml-100k folder>, --threads N (BLAS threads for
// the references; default: left to NumPy), --dense-svd (also time ml-matrix's dense
// SingularValueDecomposition of the 943 x 1682 binary matrix, once).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(option('runs', '3'));
const data = resolve(option('data', join(root, '..', 'shared', 'data', 'ml-100k')));
const threads = option('threads', undefined);
const wanted = option('models', 'ials,puresvd,svdpp').split(',');
const modelsDist = join(root, 'packages', 'models', 'dist', 'index.js');
if (!existsSync(modelsDist)) {
  process.stderr.write('bench/classic/factors: compile first (npx tsc -b tsconfig.json)\n');
  process.exit(1);
}
const ratingsPath = join(data, 'u1.base');
if (!existsSync(ratingsPath)) {
  process.stderr.write(`bench/classic/factors: MovieLens 100K not found at ${data} (--data <folder>)\n`);
  process.exit(2);
}
const models = require(modelsDist);

/** u1.base as 0-based interactions; implicit keeps every pair with rating 1. */
function loadRatings(implicit) {
  const lines = readFileSync(ratingsPath, 'utf8').trim().split('\n');
  const user = new Int32Array(lines.length);
  const item = new Int32Array(lines.length);
  const rating = new Float32Array(lines.length);
  let numUsers = 0;
  let numItems = 0;
  lines.forEach((line, k) => {
    const [u, i, r] = line.split('\t').map(Number);
    user[k] = u - 1;
    item[k] = i - 1;
    rating[k] = implicit ? 1 : r;
    numUsers = Math.max(numUsers, u);
    numItems = Math.max(numItems, i);
  });
  return { numUsers, numItems, user, item, rating };
}

const SCORE_BATCH = 256;

/** Scores all users in batches of SCORE_BATCH, as the evaluate stage would. */
function scoreAll(score, fit, history, numUsers, numItems) {
  const out = new Float32Array(SCORE_BATCH * numItems);
  let checksum = 0;
  for (let start = 0; start < numUsers; start += SCORE_BATCH) {
    const users = [];
    for (let u = start; u < Math.min(numUsers, start + SCORE_BATCH); u += 1) users.push(u);
    const scores = score(fit, history, users, out);
    checksum += scores[0];
  }
  return checksum;
}

const MODELS = {
  ials: {
    implicit: true,
    options: { dim: 64, epochs: 16, unobservedWeight: 0.3, regularization: 0.01, regularizationExponent: 1, initStddev: 0.1, solver: 'cholesky', cgSteps: 3 },
    variants: [{ solver: 'cholesky' }, { solver: 'cg', cgSteps: 3 }],
    fit: (d, o) => models.fitIals(d, o, 1),
    score: models.scoreIals,
  },
  puresvd: {
    implicit: true,
    options: { factors: 20, values: 'binary', oversampling: 20, powerIterations: 4 },
    variants: [{ factors: 20 }, { factors: 50 }],
    fit: (d, o) => models.fitPureSvd(d, o, 1),
    score: models.scorePureSvd,
    accuracy: (fit, ref) => {
      let worst = 0;
      ref.singular_values.forEach((s, k) => (worst = Math.max(worst, Math.abs(fit.singularValues[k] - s) / s)));
      return `worst relative error of the ${ref.singular_values.length} singular values vs svds: ${worst.toExponential(2)}`;
    },
  },
  svdpp: {
    implicit: false,
    options: { factors: 20, epochs: 20, lrBias: 0.007, lrFactors: 0.007, regBias: 0.02, regFactors: 0.02, initStddev: 0.1, lrDecay: 1 },
    variants: [{}],
    fit: (d, o) => models.fitSvdpp(d, o, 1),
    score: models.scoreSvdpp,
  },
};

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}
const fmt = (s) => `${s.median.toFixed(3)} [${s.min.toFixed(3)}, ${s.max.toFixed(3)}]`;

/** One timed run of the reference (a fresh process; loading is outside the timing). */
function reference(name, options) {
  const env = { ...process.env };
  if (threads !== undefined) Object.assign(env, { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads });
  const script = join(__dirname, `${name}.py`);
  const r = spawnSync('/usr/bin/python3', [script, '--bench', ratingsPath, JSON.stringify(options), '1'], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${name}.py failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

console.log(`classic factor models on ${ratingsPath}: fit + score all users x all items, seconds, median [min, max] of ${runs}`);
console.log('model variant | TS fit | TS score | ref fit | ref score | TS/ref (total)');
for (const name of wanted) {
  const model = MODELS[name];
  if (model === undefined) throw new Error(`unknown model ${name}; expected one of ${Object.keys(MODELS).join(', ')}`);
  const d = loadRatings(model.implicit);
  const history = models.buildCsr(d, 'user');
  for (const variant of model.variants) {
    const options = { ...model.options, ...variant };
    const fitTimes = [];
    const scoreTimes = [];
    const ref = { fit_s: [], score_s: [] };
    let fit;
    // TypeScript and reference runs alternate, so a change in the machine's load hits both.
    for (let run = 0; run < runs; run += 1) {
      const t0 = performance.now();
      fit = model.fit(d, options);
      const t1 = performance.now();
      scoreAll(model.score, fit, history, d.numUsers, d.numItems);
      const t2 = performance.now();
      fitTimes.push((t1 - t0) / 1000);
      scoreTimes.push((t2 - t1) / 1000);
      const one = reference(name, options);
      ref.fit_s.push(...one.fit_s);
      ref.score_s.push(...one.score_s);
      ref.singular_values = one.singular_values;
    }
    const total = (f, s) => stats(f.map((v, k) => v + s[k])).median;
    const ratio = total(fitTimes, scoreTimes) / total(ref.fit_s, ref.score_s);
    const label = `${name} ${JSON.stringify(variant)}`;
    console.log(`${label} | ${fmt(stats(fitTimes))} | ${fmt(stats(scoreTimes))} | ${fmt(stats(ref.fit_s))} | ${fmt(stats(ref.score_s))} | ${ratio.toFixed(2)}`);
    if (model.accuracy !== undefined) console.log(`  ${model.accuracy(fit, ref)}`);
  }
}

if (args.includes('--dense-svd')) {
  const { Matrix, SingularValueDecomposition } = require('ml-matrix');
  const d = loadRatings(true);
  const dense = Matrix.zeros(d.numUsers, d.numItems);
  for (let k = 0; k < d.user.length; k += 1) dense.set(d.user[k], d.item[k], 1);
  const t0 = performance.now();
  const svd = new SingularValueDecomposition(dense, { computeLeftSingularVectors: false });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`ml-matrix dense SVD of ${d.numUsers} x ${d.numItems}: ${seconds.toFixed(1)} s (largest singular value ${svd.diagonal[0].toFixed(4)})`);
}
