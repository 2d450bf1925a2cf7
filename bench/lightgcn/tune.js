#!/usr/bin/env node
// Validation-only grid for lightgcn on an implicit experiment whose data stage has run
// (npx deeprec datagen <config>): each setting trains on train.arrow with the config's
// seeded loop (early stopping on val_loss) and is scored on valid.arrow only, each
// validation positive ranked among 99 items sampled from those the user has no training
// interaction with (HR@10, NDCG@10, @deeprec/metrics' evaluateSampled). test.arrow is never read.
// Compile first (npx tsc -b tsconfig.json).
//   node bench/lightgcn/tune.js <config.yaml> <model> '<JSON list of overrides>' [--artifacts dir]
// An override object sets model keys (embeddingDim, propagationLayers, l2) and train keys
// (epochs, batchSize, learningRate, perPositive).
'use strict';
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..', '..');
const dist = (pkg) => require(join(root, 'packages', pkg, 'dist', 'index.js'));
const { loadConfig } = dist('config');
const { ArtifactCatalogue, openDataset } = dist('artifacts');
const { createLogger } = dist('base');
const { initBackend, scorePairs } = dist('compute');
const { evaluateSampled, groupByUser } = dist('metrics');
const { runTrain } = dist('train');

const args = process.argv.slice(2);
const [configPath, modelName, gridJson] = args;
const at = args.indexOf('--artifacts');
const artifacts = resolve(at >= 0 ? args[at + 1] : join(root, 'artifacts'));

function withOverrides(model, o) {
  const train = model.train;
  const { epochs = train.epochs, batchSize = train.batchSize, learningRate = train.optimizer.learningRate, perPositive = train.negatives.perPositive, ...keys } = o;
  return {
    ...model,
    ...keys,
    train: { ...train, epochs, batchSize, optimizer: { ...train.optimizer, learningRate }, negatives: { ...train.negatives, perPositive } },
  };
}

async function main() {
  await initBackend(process.env.DEEPREC_BACKEND ?? 'wasm');
  const config = loadConfig(resolve(configPath));
  const model = config.models[modelName];
  if (!model) throw new Error(`no model ${modelName} in ${configPath}`);
  const data = openDataset(new ArtifactCatalogue(artifacts, config.name));
  const valid = data.ratings('valid', 0);
  const log = createLogger({ tty: false, write: (line) => process.stderr.write(`${line}\n`) });
  for (const o of JSON.parse(gridJson)) {
    const train = data.ratingSource('train', 0);
    const started = performance.now();
    const out = runTrain(withOverrides(model, o), { info: data.info, train, valid }, config.seed, log, modelName);
    const seconds = (performance.now() - started) / 1000;
    const all = data.ratings('train', 0);
    train.close();
    const n = data.info.numUsers;
    const r = evaluateSampled({
      numItems: data.info.numItems,
      trainItems: groupByUser(all.user, all.item, n),
      testItems: groupByUser(valid.user, valid.item, n),
      ks: [10],
      numNegatives: 99,
      seed: config.seed,
      scorePairs: (u, i) => scorePairs(out.model.network, u, i),
    }).means;
    const line = { ...o, valHr10: +r['hr@10'].toFixed(4), valNdcg10: +r['ndcg@10'].toFixed(4), epochs: out.details.epochs, bestEpoch: out.details.bestEpoch, seconds: +seconds.toFixed(1) };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    out.model.network.dispose();
  }
}
main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
