#!/usr/bin/env node
// Hyper-parameter sweep on the VALIDATION split (never the test set): trains one model
// of a config for every combination of --grid values and prints the best validation
// RMSE of each, best first. Usage:
//   node tools/sweep.js <config.yaml> <model> --grid models.mf.l2=0.05,0.1 --grid models.mf.embeddingDim=64,128 [--set k=v ...]
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { readTable, HISTORY_SCHEMA } = require('../packages/artifacts/dist/index.js');
const { loadConfig } = require('../packages/config/dist/index.js');

const [configPath, model, ...rest] = process.argv.slice(2);
if (!configPath || !model) {
  process.stderr.write('usage: node tools/sweep.js <config.yaml> <model> --grid key=v1,v2 [--set key=value]\n');
  process.exit(2);
}
const grid = [];
const fixed = [];
for (let i = 0; i < rest.length; i += 2) {
  const [flag, value] = [rest[i], rest[i + 1]];
  if (flag === '--grid') {
    const [key, values] = value.split('=');
    grid.push(values.split(';').length > 1 ? values.split(';').map((v) => `${key}=${v}`) : values.split(',').map((v) => `${key}=${v}`));
  } else if (flag === '--set') fixed.push(value);
}
const combos = grid.reduce((acc, options) => acc.flatMap((c) => options.map((o) => [...c, o])), [[]]);
const artifacts = mkdtempSync(join(tmpdir(), 'deeprec-sweep-'));
const bin = resolve(__dirname, '../packages/cli/bin/deeprec.js');
const sets = (list) => list.flatMap((s) => ['--set', s]);
const name = loadConfig(configPath, fixed).name;
const run = (args) => spawnSync(process.execPath, [bin, ...args, '--artifacts', artifacts], { encoding: 'utf8' });
const data = run(['datagen', configPath, ...sets(fixed)]);
if (data.status !== 0) {
  process.stderr.write(data.stderr);
  process.exit(1);
}
const rows = [];
for (const combo of combos) {
  const started = Date.now();
  const r = run(['train', configPath, '--model', model, ...sets([...fixed, ...combo])]);
  if (r.status !== 0) {
    process.stdout.write(`${combo.join(' ')}  FAILED: ${r.stderr.trim().split('\n').pop()}\n`);
    continue;
  }
  const h = readTable(join(artifacts, name, 'models', model, 'history.arrow'), HISTORY_SCHEMA);
  const val = Array.from(h.val_rmse);
  const best = Math.min(...val);
  rows.push({ combo: combo.join(' '), best, epoch: val.indexOf(best) + 1, seconds: (Date.now() - started) / 1000 });
  process.stdout.write(`${combo.join(' ')}  val_rmse ${best.toFixed(4)} (epoch ${val.indexOf(best) + 1}, ${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
}
rows.sort((a, b) => a.best - b.best);
process.stdout.write('\nbest first:\n');
for (const r of rows) process.stdout.write(`  ${r.best.toFixed(4)}  ${r.combo}\n`);
