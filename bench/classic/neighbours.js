#!/usr/bin/env node
// Speed of the classic neighbourhood models (packages/models/src/classic: knn, rp3beta,
// ease) against their NumPy/SciPy references (bench/classic/{knn,rp3beta,ease}.py), side
// by side in one run on MovieLens 100K u1.base: fit, then score every user against every
// item (ranking scores, in batches of 256 users as the evaluate stage would). TypeScript
// and reference runs alternate, so a change in the machine's load hits both. Prints
// medians of N runs with [min, max] and the ratio of the median totals (fit + score),
// TypeScript / reference.
// Compile first (npx tsc -b tsconfig.json). Options: --runs N (default 3),
// --models itemknn,userknn,rp3beta,ease, --data <ml-100k folder>, --threads N (BLAS
// threads for the references; default: left to NumPy).
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
const wanted = option('models', 'itemknn,userknn,rp3beta,ease').split(',');
const modelsDist = join(root, 'packages', 'models', 'dist', 'index.js');
if (!existsSync(modelsDist)) {
  process.stderr.write('bench/classic/neighbours: compile first (npx tsc -b tsconfig.json)\n');
  process.exit(1);
}
const ratingsPath = join(data, 'u1.base');
if (!existsSync(ratingsPath)) {
  process.stderr.write(`bench/classic/neighbours: MovieLens 100K not found at ${data} (--data <folder>)\n`);
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

/** Scores all users in batches of SCORE_BATCH; returns a checksum so the work is kept. */
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

const KNN = { topK: 100, shrink: 10, norms: 'all', ratingNeighbours: 40, baselineEpochs: 10, baselineRegUser: 15, baselineRegItem: 10 };

// `script` and `referenceArgs` say how the reference is called; `explicit` reads ratings.
const MODELS = {
  itemknn: {
    script: 'knn',
    referenceArgs: ['item'],
    variants: [
      { similarity: 'cosine', ...KNN },
      { similarity: 'pearson-baseline', ...KNN, norms: 'common', explicit: true },
    ],
    fit: (d, o) => models.fitItemKnn(d, o),
    score: models.scoreItemKnn,
  },
  userknn: {
    script: 'knn',
    referenceArgs: ['user'],
    variants: [
      { similarity: 'cosine', ...KNN },
      { similarity: 'pearson', ...KNN, norms: 'common', explicit: true },
    ],
    fit: (d, o) => models.fitUserKnn(d, o),
    score: models.scoreUserKnn,
  },
  rp3beta: {
    script: 'rp3beta',
    referenceArgs: [],
    variants: [{ alpha: 1, beta: 0.6, topK: 100, normalizeRows: false }],
    fit: (d, o) => models.fitRp3beta(d, o),
    score: models.scoreRp3beta,
  },
  ease: {
    script: 'ease',
    referenceArgs: [],
    // auto takes the users (Woodbury) path on ML-100k; items is Steck's n x n inverse.
    variants: [
      { lambda: 500, values: 'binary', maxItems: 20000, solver: 'auto' },
      { lambda: 500, values: 'binary', maxItems: 20000, solver: 'items' },
    ],
    fit: (d, o) => models.fitEase(d, o),
    score: models.scoreEase,
  },
};

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}
const fmt = (s) => `${s.median.toFixed(3)} [${s.min.toFixed(3)}, ${s.max.toFixed(3)}]`;

/** One timed run of the reference (a fresh process; loading is outside the timing). */
function reference(model, options) {
  const env = { ...process.env };
  if (threads !== undefined) Object.assign(env, { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads });
  const script = join(__dirname, `${model.script}.py`);
  const r = spawnSync('/usr/bin/python3', [script, '--bench', ratingsPath, ...model.referenceArgs, JSON.stringify(options), '1'], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${model.script}.py failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

console.log(`classic neighbourhood models on ${ratingsPath}: fit + score all users x all items, seconds, median [min, max] of ${runs}`);
console.log('model variant | TS fit | TS score | ref fit | ref score | TS/ref (total)');
for (const name of wanted) {
  const model = MODELS[name];
  if (model === undefined) throw new Error(`unknown model ${name}; expected one of ${Object.keys(MODELS).join(', ')}`);
  for (const variant of model.variants) {
    const d = loadRatings(!variant.explicit);
    const history = models.buildCsr(d, 'user');
    const fitTimes = [];
    const scoreTimes = [];
    const ref = { fit_s: [], score_s: [] };
    for (let run = 0; run < runs; run += 1) {
      const t0 = performance.now();
      const fit = model.fit(d, variant);
      const t1 = performance.now();
      scoreAll(model.score, fit, history, d.numUsers, d.numItems);
      const t2 = performance.now();
      fitTimes.push((t1 - t0) / 1000);
      scoreTimes.push((t2 - t1) / 1000);
      const one = reference(model, variant);
      ref.fit_s.push(...one.fit_s);
      ref.score_s.push(...one.score_s);
    }
    const total = (f, s) => stats(f.map((v, k) => v + s[k])).median;
    const ratio = total(fitTimes, scoreTimes) / total(ref.fit_s, ref.score_s);
    const { explicit, ...shown } = variant;
    const label = `${name}${explicit ? ' (ratings)' : ''} ${JSON.stringify(shown)}`;
    console.log(`${label} | ${fmt(stats(fitTimes))} | ${fmt(stats(scoreTimes))} | ${fmt(stats(ref.fit_s))} | ${fmt(stats(ref.score_s))} | ${ratio.toFixed(2)}`);
  }
}
