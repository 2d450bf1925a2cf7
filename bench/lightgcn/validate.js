#!/usr/bin/env node
// Validation-only ranking figures of trained implicit models, to choose settings without
// the test split: each user's validation positive (valid.arrow) ranked among 99 items
// sampled from those the user has no training interaction with (HR@10, NDCG@10, AUC from
// @deeprec/metrics' evaluateSampled), scored by the saved network (models/<m>/model.json)
// as evaluate would. test.arrow is never read. Train each candidate first, e.g. into its own
// artifacts folder: npx deeprec train <config> --model lightgcn --set models.lightgcn.l2=0.001 --artifacts /tmp/b
//   node bench/lightgcn/validate.js <config.yaml> <model> [--artifacts dir]...
// Compile first (npx tsc -b tsconfig.json).
'use strict';
const { join, resolve } = require('node:path');
const tf = require('@tensorflow/tfjs');

const root = resolve(__dirname, '..', '..');
const dist = (pkg) => require(join(root, 'packages', pkg, 'dist', 'index.js'));
const { loadConfig } = dist('config');
const { ArtifactCatalogue, openDataset, readManifest } = dist('artifacts');
const { initBackend, fileLoadHandler, scorePairs } = dist('compute');
const { evaluateSampled, groupByUser } = dist('metrics');

const args = process.argv.slice(2);
const [configPath, modelName] = args;
const folders = args.flatMap((a, j) => (args[j - 1] === '--artifacts' ? [resolve(a)] : []));
if (!configPath || !modelName) {
  process.stderr.write('usage: node bench/lightgcn/validate.js <config.yaml> <model> [--artifacts dir]...\n');
  process.exit(2);
}

async function main() {
  await initBackend(process.env.DEEPREC_BACKEND ?? 'wasm');
  const config = loadConfig(resolve(configPath));
  for (const artifacts of folders.length > 0 ? folders : [join(root, 'artifacts')]) {
    const catalogue = new ArtifactCatalogue(artifacts, config.name);
    const data = openDataset(catalogue);
    const train = data.ratings('train', 0);
    const valid = data.ratings('valid', 0);
    const dir = catalogue.model(modelName).dir;
    const network = await tf.loadLayersModel(fileLoadHandler(dir));
    const n = data.info.numUsers;
    const means = evaluateSampled({
      numItems: data.info.numItems,
      trainItems: groupByUser(train.user, train.item, n),
      testItems: groupByUser(valid.user, valid.item, n),
      ks: [10],
      numNegatives: 99,
      seed: config.seed,
      scorePairs: (u, i) => scorePairs(network, u, i),
    }).means;
    const d = readManifest(join(dir, 'manifest.json'), 'train').details;
    const m = d.modelConfig;
    const settings = { embeddingDim: m.embeddingDim, propagationLayers: m.propagationLayers, l2: m.l2, learningRate: m.train.optimizer.learningRate, batchSize: m.train.batchSize };
    const figures = { valHr10: +means['hr@10'].toFixed(4), valNdcg10: +means['ndcg@10'].toFixed(4), auc: +means.auc.toFixed(4), epochs: d.epochs, bestEpoch: d.bestEpoch, trainSeconds: +d.trainSeconds.toFixed(1) };
    process.stdout.write(`${JSON.stringify({ artifacts, ...settings, ...figures })}\n`);
    network.dispose();
  }
}
main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
