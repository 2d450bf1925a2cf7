#!/usr/bin/env node
// npm run bench: deeprec's training and scoring speed against the project's PyTorch
// reference of the same networks (bench/pytorch/reference.py), side by side in one run.
// Prints figures, not pass/fail. Options: --runs N (best of N, default 3), --epochs N,
// --skip-torch, --data <ml-100k folder>, --scale (also the 10M-rating streaming case).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir, cpus } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(option('runs', '3'));
const epochs = Number(option('epochs', '2'));
const data = resolve(option('data', join(root, '..', 'shared', 'data', 'ml-100k')));
const config = join(root, 'configs', 'examples', 'bench-ml100k.yaml');
const models = ['ncf', 'widedeep', 'neumf'];
const bin = join(root, 'packages', 'cli', 'bin', 'deeprec.js');
if (!existsSync(join(root, 'packages', 'cli', 'dist', 'main.js'))) {
  process.stderr.write('bench: compile first (npm run compile)\n');
  process.exit(1);
}
if (!existsSync(join(data, 'u1.base'))) {
  process.stderr.write(`bench: MovieLens 100K not found at ${data} (--data <folder>)\n`);
  process.exit(2);
}

function deeprec(...argv) {
  const r = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: process.env.DEEPREC_BACKEND ?? 'wasm' } });
  if (r.status !== 0) throw new Error(`deeprec ${argv.join(' ')} failed:\n${r.stderr}`);
  return r;
}

/** Scores every user x item pair of the data with a saved model, in batches, like evaluate and recommend do. */
async function scoreSpeed(modelDir, numUsers, numItems) {
  const core = require(join(root, 'packages', 'compute', 'dist', 'index.js'));
  const tf = require('@tensorflow/tfjs');
  await core.initBackend(process.env.DEEPREC_BACKEND ?? 'wasm');
  const network = await tf.loadLayersModel(core.fileLoadHandler(modelDir));
  const users = new Int32Array(numUsers * numItems);
  const items = new Int32Array(numUsers * numItems);
  for (let u = 0; u < numUsers; u += 1) {
    for (let i = 0; i < numItems; i += 1) {
      users[u * numItems + i] = u;
      items[u * numItems + i] = i;
    }
  }
  core.scorePairs(network, users.subarray(0, 65536), items.subarray(0, 65536), 65536); // warm-up
  const started = performance.now();
  core.scorePairs(network, users, items, 65536);
  const seconds = (performance.now() - started) / 1000;
  network.dispose();
  return users.length / seconds;
}

async function deeprecRun(artifacts) {
  const sets = ['--set', `data.path=${data}`, '--set', `train.epochs=${epochs}`, '--artifacts', artifacts];
  deeprec('datagen', config, ...sets);
  const out = {};
  for (const model of models) {
    deeprec('train', config, '--model', model, ...sets);
    const manifest = JSON.parse(readFileSync(join(artifacts, 'bench-ml100k', 'models', model, 'manifest.json'), 'utf8'));
    const info = JSON.parse(readFileSync(join(artifacts, 'bench-ml100k', 'data', 'manifest.json'), 'utf8')).details.info;
    const score = await scoreSpeed(join(artifacts, 'bench-ml100k', 'models', model), info.numUsers, info.numItems);
    out[model] = { train: manifest.details.trainSamplesPerSecond, score, backend: manifest.backend };
  }
  return out;
}

function torchRun() {
  const r = spawnSync('/usr/bin/python3', [join(__dirname, 'pytorch', 'reference.py'), join(data, 'u1.base'), '--epochs', String(epochs), '--threads', '2'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch reference failed (is Debian's python3-torch installed?):\n${r.stderr}`);
  const out = {};
  for (const line of r.stdout.trim().split('\n')) {
    const row = JSON.parse(line);
    out[row.model] = { train: row.trainSamplesPerSecond, score: row.scorePairsPerSecond, torch: row.torch };
  }
  return out;
}

const best = (list, model, key) => Math.max(...list.map((r) => r[model][key]));

async function main() {
const ours = [];
const theirs = [];
for (let run = 1; run <= runs; run += 1) {
  const artifacts = mkdtempSync(join(tmpdir(), 'deeprec-bench-'));
  // Alternate who goes first, so neither always runs on a warmer (or busier) machine.
  if (run % 2 === 1) {
    ours.push(await deeprecRun(artifacts));
    if (!args.includes('--skip-torch')) theirs.push(torchRun());
  } else {
    if (!args.includes('--skip-torch')) theirs.push(torchRun());
    ours.push(await deeprecRun(artifacts));
  }
  rmSync(artifacts, { recursive: true, force: true });
  process.stderr.write(`bench: run ${run}/${runs} done\n`);
}

const f = (n) => Math.round(n).toLocaleString('en-US');
const lines = [
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.versions.node}; deeprec backend ${ours[0].ncf.backend}; best of ${runs} runs, ${epochs} epochs, batch 256, Adam 0.001, ML-100k u1.base`,
  '',
  '| model | deeprec train samples/s | PyTorch train samples/s | ratio | deeprec score pairs/s | PyTorch score pairs/s | ratio |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];
for (const model of models) {
  const t = best(ours, model, 'train');
  const s = best(ours, model, 'score');
  if (theirs.length === 0) {
    lines.push(`| ${model} | ${f(t)} | - | - | ${f(s)} | - | - |`);
    continue;
  }
  const pt = best(theirs, model, 'train');
  const ps = best(theirs, model, 'score');
  lines.push(`| ${model} | ${f(t)} | ${f(pt)} | ${(t / pt).toFixed(2)}x | ${f(s)} | ${f(ps)} | ${(s / ps).toFixed(2)}x |`);
}
if (theirs.length > 0) lines.push('', `PyTorch ${theirs[0].ncf.torch}, CPU, torch.set_num_threads(2)`);
process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});
