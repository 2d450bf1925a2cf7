#!/usr/bin/env node
/**
 * Import benchmark (not a test): `node bench/import/run.js [rows]` (default 10,000,000).
 *
 * Generates a CSV of ratings (./data.js: header user,item,rating,timestamp; 100k
 * users, 20k items, Zipf-ish popularity, half-star ratings) in the temp folder unless
 * it is already there, imports it with the csv importer (data.duplicates: last, since
 * random pairs repeat), writes the table as train.arrow with core's writeRatings,
 * and prints rows, seconds, rows/second and peak RSS.
 *
 * Uses the compiled packages: run `npx tsc -b packages/datagen` first.
 */
'use strict';
const { statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { benchDir, benchFile } = require('./data');

const root = join(__dirname, '..', '..');
const { loadConfig } = require(join(root, 'packages/config/dist'));
const { writeRatings } = require(join(root, 'packages/artifacts/dist'));
const { importRatings } = require(join(root, 'packages/datagen/dist/sources'));

const rows = Number(process.argv[2] ?? 10_000_000);
if (!Number.isInteger(rows) || rows < 1) {
  console.error(`usage: node bench/import/run.js [rows]; expected a positive whole number of rows, found '${process.argv[2]}'`);
  process.exit(2);
}

async function main() {
  const csv = await benchFile(rows, 'lf');
  console.log(`importing ${csv} (${(statSync(csv).size / 2 ** 20).toFixed(0)} MiB)`);
  const yaml = join(benchDir, 'bench.yaml');
  writeFileSync(yaml, JSON.stringify({ name: 'bench-import', data: { source: 'csv', path: csv, duplicates: 'last' }, models: { ncf: { type: 'ncf' } } }));
  const config = loadConfig(yaml);

  const started = performance.now();
  const raw = await importRatings(config);
  const imported = performance.now();
  const importPeakMiB = process.resourceUsage().maxRSS / 1024;
  const arrow = join(benchDir, 'train.arrow');
  writeRatings(arrow, raw.ratings);
  const written = performance.now();

  const importSeconds = (imported - started) / 1000;
  const totalSeconds = (written - started) / 1000;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  const n = raw.ratings.rating.length;
  console.log(`rows read        ${raw.stats.rows.toLocaleString('en')}`);
  console.log(`ratings kept     ${n.toLocaleString('en')} (${raw.stats.duplicates.toLocaleString('en')} repeated pairs merged, keep last)`);
  console.log(`users / items    ${raw.userIds.length.toLocaleString('en')} / ${raw.itemIds.length.toLocaleString('en')}`);
  console.log(`import           ${importSeconds.toFixed(2)} s, ${Math.round(raw.stats.rows / importSeconds).toLocaleString('en')} rows/s`);
  console.log(`train.arrow      ${((written - imported) / 1000).toFixed(2)} s, ${(statSync(arrow).size / 2 ** 20).toFixed(0)} MiB`);
  console.log(`total            ${totalSeconds.toFixed(2)} s, ${Math.round(raw.stats.rows / totalSeconds).toLocaleString('en')} rows/s`);
  console.log(`peak RSS         ${importPeakMiB.toFixed(0)} MiB after the import, ${peakMiB.toFixed(0)} MiB in all`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(typeof error?.exitCode === 'number' ? error.exitCode : 1);
});
