#!/usr/bin/env node
// The 10M-rating case (configs/examples/scale-10m.yaml: 100k users, 20k items):
// datagen, then one NCF epoch, each in its own process as Nx runs them; prints
// wall time, training samples/s and peak resident memory of each, and how many
// Arrow record batches the train split that training streams has. A benchmark
// that prints figures, not a test. Usage: node bench/scale.js [--ratings N]
// (after npm run compile).
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const args = process.argv.slice(2);
const i = args.indexOf('--ratings');
const ratings = i >= 0 ? Number(args[i + 1]) : 10_000_000;
const config = join(root, 'configs', 'examples', 'scale-10m.yaml');
const artifacts = mkdtempSync(join(tmpdir(), 'deeprec-scale-'));
const sets = ['--set', `data.synthetic.ratings=${ratings}`, '--artifacts', artifacts];

function stage(...argv) {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--require', join(__dirname, 'rss.js'), join(root, 'packages/cli/bin/deeprec.js'), ...argv, ...sets], {
    encoding: 'utf8',
    env: { ...process.env, DEEPREC_BACKEND: process.env.DEEPREC_BACKEND ?? 'wasm' },
  });
  if (r.status !== 0) throw new Error(`deeprec ${argv.join(' ')} failed:\n${r.stderr}`);
  const rss = Number(/bench-max-rss-kb (\d+)/.exec(r.stderr)?.[1] ?? 'NaN') * 1024;
  return { seconds: (performance.now() - started) / 1000, rss };
}

try {
  const datagen = stage('datagen', config);
  const train = stage('train', config, '--model', 'ncf');
  const { TableBatchReader, RATINGS_SCHEMA } = require(join(root, 'packages/artifacts/dist'));
  const reader = TableBatchReader.open(join(artifacts, 'scale-10m', 'data', 'train.arrow'), RATINGS_SCHEMA);
  const layout = { rows: reader.rows, batches: reader.numBatches };
  reader.close();
  const details = JSON.parse(readFileSync(join(artifacts, 'scale-10m', 'models', 'ncf', 'manifest.json'), 'utf8')).details;
  const gb = (bytes) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  process.stdout.write(
    [
      `${ratings.toLocaleString('en-US')} synthetic ratings, 100,000 users x 20,000 items`,
      `datagen:        ${datagen.seconds.toFixed(1)} s wall, peak RSS ${gb(datagen.rss)}`,
      `train split:    ${layout.rows.toLocaleString('en-US')} ratings in ${layout.batches} record batch${layout.batches === 1 ? '' : 'es'}, streamed one at a time`,
      `ncf, one epoch: ${train.seconds.toFixed(1)} s wall (${details.trainSeconds.toFixed(1)} s in the loop, ${Math.round(details.trainSamplesPerSecond).toLocaleString('en-US')} samples/s), peak RSS ${gb(train.rss)}`,
      `peak of the two: ${gb(Math.max(datagen.rss, train.rss))} (limit 3 GiB)`,
    ].join('\n') + '\n',
  );
} finally {
  rmSync(artifacts, { recursive: true, force: true });
}
