#!/usr/bin/env node
// Validation-only checks of the classic factor models' settings on MovieLens 100K, to
// pick starting hyper-parameters. Never touches test data:
// - ials, puresvd, itemknn, userknn, rp3beta, ease (implicit, He et al. 2017 leave-one-out): from u.data, each user's
//   latest interaction (the test item) is dropped entirely, the second latest is the
//   validation item, ranked among 99 sampled unseen items (HR@10, NDCG@10 from
//   @deeprec/metrics' evaluateSampled); the rest is training data.
// - svdpp (explicit): u1.base only (u1.test is never read); a seeded 10% of it is the
//   validation set, the model is fitted on the other 90%, RMSE on the 10%.
// Compile first (npx tsc -b tsconfig.json).
//   node bench/classic/tune.js <ials|puresvd|itemknn|userknn|rp3beta|ease|svdpp> '<JSON list of option objects>' [--seed N]
// Ties in timestamps are broken by item id, so the split is deterministic.
'use strict';
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..', '..');
const models = require(join(root, 'packages', 'models', 'dist', 'index.js'));
const metrics = require(join(root, 'packages', 'metrics', 'dist', 'index.js'));
const { Rng } = require(join(root, 'packages', 'base', 'dist', 'index.js'));
const args = process.argv.slice(2);
const [modelName, gridJson] = args;
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 42;
const data = resolve(join(root, '..', 'shared', 'data', 'ml-100k'));

function readTsv(file) {
  return readFileSync(join(data, file), 'utf8').trim().split('\n').map((line) => line.split('\t').map(Number));
}

function interactions(rows, numUsers, numItems, implicit) {
  return {
    numUsers,
    numItems,
    user: Int32Array.from(rows, (r) => r[0] - 1),
    item: Int32Array.from(rows, (r) => r[1] - 1),
    rating: Float32Array.from(rows, (r) => (implicit ? 1 : r[2])),
  };
}

function leaveOneOutValidation() {
  const rows = readTsv('u.data');
  const numUsers = Math.max(...rows.map((r) => r[0]));
  const numItems = Math.max(...rows.map((r) => r[1]));
  const byUser = Array.from({ length: numUsers }, () => []);
  for (const r of rows) byUser[r[0] - 1].push(r);
  const train = [];
  const validItems = [];
  for (const list of byUser) {
    list.sort((a, b) => a[3] - b[3] || a[1] - b[1]);
    validItems.push([list[list.length - 2][1] - 1]);
    train.push(...list.slice(0, list.length - 2));
  }
  return { train: interactions(train, numUsers, numItems, true), validItems };
}

function evaluateRanking(fitAndScore) {
  const { train, validItems } = leaveOneOutValidation();
  const history = models.buildCsr(train, 'user');
  const users = Array.from({ length: train.numUsers }, (_, u) => u);
  const scores = fitAndScore(train, history, users);
  const trainItems = users.map((u) => history.indices.subarray(history.indptr[u], history.indptr[u + 1]));
  const result = metrics.evaluateSampled({
    numItems: train.numItems,
    trainItems,
    testItems: validItems,
    ks: [10],
    numNegatives: 99,
    seed,
    scorePairs: (u, i) => Float32Array.from(u, (user, k) => scores[user * train.numItems + i[k]]),
  });
  return `HR@10 ${result.means['hr@10'].toFixed(4)}  NDCG@10 ${result.means['ndcg@10'].toFixed(4)}`;
}

function evaluateRmse(options) {
  const rows = readTsv('u1.base');
  const numUsers = 943;
  const numItems = 1682;
  const order = new Rng(seed, 'svdpp-validation').permutation(rows.length);
  const cut = Math.round(rows.length * 0.9);
  const fitRows = Array.from(order.subarray(0, cut), (k) => rows[k]);
  const validRows = Array.from(order.subarray(cut), (k) => rows[k]);
  const fit = models.fitSvdpp(interactions(fitRows, numUsers, numItems, false), options, seed);
  const valid = interactions(validRows, numUsers, numItems, false);
  const predicted = models.scorePairsSvdpp(fit, null, valid.user, valid.item);
  return `RMSE ${metrics.rmse(valid.rating, predicted).toFixed(4)}`;
}

const RUNNERS = {
  ials: (o) => evaluateRanking((train, _h, users) => models.scoreIals(models.fitIals(train, o, seed), null, users)),
  puresvd: (o) => evaluateRanking((train, history, users) => models.scorePureSvd(models.fitPureSvd(train, o, seed), history, users)),
  itemknn: (o) => evaluateRanking((train, history, users) => models.scoreItemKnn(models.fitItemKnn(train, o), history, users)),
  userknn: (o) => evaluateRanking((train, history, users) => models.scoreUserKnn(models.fitUserKnn(train, o), history, users)),
  rp3beta: (o) => evaluateRanking((train, history, users) => models.scoreRp3beta(models.fitRp3beta(train, o), history, users)),
  ease: (o) => evaluateRanking((train, history, users) => models.scoreEase(models.fitEase(train, o), history, users)),
  svdpp: evaluateRmse,
};
const run = RUNNERS[modelName];
if (run === undefined) throw new Error(`expected a model among ${Object.keys(RUNNERS).join(', ')}, found ${modelName}`);
for (const options of JSON.parse(gridJson ?? '[{}]')) {
  const started = performance.now();
  const line = run(options);
  console.log(`${modelName} ${JSON.stringify(options)}: ${line}  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
