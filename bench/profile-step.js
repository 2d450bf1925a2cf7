#!/usr/bin/env node
// Where a training step's time goes, per op: `node bench/profile-step.js [--model ncf] [--batch 256] [--steps 40]`.
// The fused engine (tfjs ops, via tf.profile over fit) and the kernel engine (each call into the
// wasm module timed), on the bench network (configs/examples/bench-ml100k.yaml) with random
// ids over ML-100k's table sizes. Prints us per step per op, most expensive first. A profile
// adds its own overhead per op (the fused engine's ~90 ops most), so totals run above the bench's.
'use strict';
const { join, resolve } = require('node:path');
const root = resolve(__dirname, '..');
const dist = (pkg, file = 'index.js') => join(root, 'packages', pkg, 'dist', file);
const tf = require('@tensorflow/tfjs');
const { buildModel } = require(dist('models'));
const { loadConfig } = require(dist('config'));
const { initBackend } = require(dist('compute'));
const { memorySource } = require(dist('artifacts'));
const { fit } = require(dist('train'));
const kernelModule = require(dist('train', 'kernels/module.js'));

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const modelName = option('model', 'ncf');
const batch = Number(option('batch', '256'));
const steps = Number(option('steps', '40'));
const silent = { info() {}, warn() {}, debug() {}, progress: () => ({ update() {}, stop() {} }) };

function data(seed) {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const n = batch * steps;
  return { user: Int32Array.from({ length: n }, () => next() % 943), item: Int32Array.from({ length: n }, () => next() % 1682), rating: Float32Array.from({ length: n }, () => 1 + (next() % 5)) };
}

function table(title, times, count) {
  const rows = [...times.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((t, [, v]) => t + v.ms, 0);
  process.stdout.write(`\n${title}: ${(total * 1000 / steps).toFixed(0)} us per step in ${count} ops per step, us per sample: ${((total * 1000) / (steps * batch)).toFixed(2)}\n`);
  for (const [name, v] of rows) process.stdout.write(`  ${name.padEnd(28)} ${((v.ms * 1000) / steps).toFixed(1).padStart(8)} us  x${(v.calls / steps).toFixed(1)}\n`);
}

async function main() {
  await initBackend('wasm');
  const config = loadConfig(join(root, 'configs', 'examples', 'bench-ml100k.yaml'));
  const modelConfig = config.models[modelName];
  const context = { numUsers: 943, numItems: 1682, trainMean: 3.5, seed: 1 };
  const empty = { user: new Int32Array(0), item: new Int32Array(0), rating: new Float32Array(0) };
  const run = (engine) => {
    const model = buildModel(modelConfig, context);
    fit(model, memorySource(data(7)), empty, { config: { ...modelConfig.train, engine, batchSize: batch, epochs: 1 }, l2: 0, seed: 1, log: silent, label: engine });
    model.network.dispose();
  };
  run('fused'); // warm-up
  const profile = await tf.profile(() => run('fused'));
  const fused = new Map();
  for (const k of profile.kernels) {
    const entry = fused.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    entry.calls += 1;
    fused.set(k.name, entry);
  }
  table(`fused engine (tfjs kernels), ${modelName}, batch ${batch}`, fused, (profile.kernels.length / steps).toFixed(0));

  const times = new Map();
  const original = kernelModule.instantiateKernels;
  kernelModule.instantiateKernels = () => {
    const k = original();
    const timed = { memory: k.memory, heapBase: k.heapBase };
    for (const [name, fn] of Object.entries(k)) {
      if (typeof fn !== 'function' || name === 'heapBase') continue;
      timed[name] = (...a) => {
        const t = performance.now();
        const r = fn(...a);
        const entry = times.get(name) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - t;
        entry.calls += 1;
        times.set(name, entry);
        return r;
      };
    }
    return timed;
  };
  run('kernels');
  times.clear();
  run('kernels');
  kernelModule.instantiateKernels = original;
  const calls = [...times.values()].reduce((n, v) => n + v.calls, 0);
  table(`kernel engine (wasm SIMD calls), ${modelName}, batch ${batch}`, times, (calls / steps).toFixed(0));
}

main().catch((error) => {
  process.stderr.write(`profile-step: ${error.stack}\n`);
  process.exit(1);
});
