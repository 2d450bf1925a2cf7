#!/usr/bin/env node
/**
 * Import benchmark, side by side (not a test):
 *
 *   node bench/import/compare.js [rows] [reps] [--baseline <datagen dist folder>]
 *
 * Imports the same rows (default 2,000,000) in several forms, each run in a fresh Node
 * process, the cases interleaved rep by rep (default 5) so that load on a shared machine
 * spreads over all of them, and prints per case the median time with its spread.
 *
 * Cases: this checkout's importer on the CSV with LF, CR LF, CR and mixed line ends and
 * on the MovieLens 100K (u.data) and 1M (ratings.dat) layouts; csv-parse (the npm
 * library) feeding the same RatingsBuilder, with its `info` option (per-record line
 * numbers, which error messages need) and without (a lower bound); and, with --baseline,
 * another build of @deeprec/datagen (e.g. a copy of packages/datagen/dist from an earlier
 * commit) on the files it can read.
 *
 * Uses the compiled packages: run `npx tsc -b packages/datagen` first.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { createReadStream, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { benchDir, benchFile } = require('./data');

const root = join(__dirname, '..', '..');

/** One import in this process, timed from after the modules and the config are loaded; resolves to { seconds, rows }. */
async function importOnce(contender, kind, rows) {
  const file = await benchFile(rows, kind);
  if (contender.startsWith('csv-parse')) return csvParseImport(file, contender === 'csv-parse+info');
  const { loadConfig } = require(join(root, 'packages/config/dist'));
  const dist = contender === 'this' ? join(root, 'packages/datagen/dist') : contender.slice('baseline:'.length);
  const { importRatings } = require(join(dist, 'sources'));
  const source = { 'u.data': 'movielens-100k', 'ratings.dat': 'movielens-1m' }[kind];
  const data = source ? { source, path: dirname(file), features: false, duplicates: 'last' } : { source: 'csv', path: file, duplicates: 'last' };
  const yaml = join(benchDir, `compare-${process.pid}.yaml`);
  writeFileSync(yaml, JSON.stringify({ name: 'bench-import', data, models: { ncf: { type: 'ncf' } } }));
  const config = loadConfig(yaml);
  const started = clock();
  const raw = await importRatings(config);
  return { ...clock(started), rows: raw.stats.rows };
}

/** Wall and CPU (user + system, both threads) seconds since `since`, or a start mark. */
function clock(since) {
  const cpu = process.cpuUsage();
  const now = { seconds: performance.now() / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  return since ? { seconds: now.seconds - since.seconds, cpu: now.cpu - since.cpu } : now;
}

/** csv-parse's records into the same RatingsBuilder, with the same per-field work as the importer. */
async function csvParseImport(file, info) {
  const { parse } = require('csv-parse');
  const { RatingsBuilder } = require(join(root, 'packages/datagen/dist/sources'));
  const started = clock();
  const builder = new RatingsBuilder();
  builder.beginFile(file, 'line', true);
  const parser = parse({ bom: true, record_delimiter: ['\r\n', '\n', '\r'], skip_empty_lines: true, from_line: 2, info });
  let count = 0;
  parser.on('data', (data) => {
    const record = info ? data.record : data;
    const rating = Number(record[2]);
    const timestamp = Number(record[3]);
    if (record.length !== 4 || Number.isNaN(rating) || !Number.isInteger(timestamp)) throw new Error(`bad record ${count + 2}`);
    builder.add(record[0].trim(), record[1].trim(), rating, timestamp, info ? data.info.lines : count + 2);
    count += 1;
  });
  await new Promise((done, fail) => {
    parser.on('end', done);
    parser.on('error', fail);
    createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parser);
  });
  builder.finish('last');
  return { ...clock(started), rows: count };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--one') {
    const [, contender, kind, rows] = args;
    process.stdout.write(JSON.stringify(await importOnce(contender, kind, Number(rows))));
    return;
  }
  const at = args.indexOf('--baseline');
  const baseline = at === -1 ? undefined : resolve(args.splice(at, 2)[1]);
  const rows = Number(args[0] ?? 2_000_000);
  const reps = Number(args[1] ?? 5);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(reps) || reps < 1) {
    console.error(`usage: node bench/import/compare.js [rows] [reps] [--baseline <dist>]; expected positive whole numbers, found '${args.join(' ')}'`);
    process.exit(2);
  }
  const cases = [
    ...['lf', 'crlf', 'cr', 'mixed', 'u.data', 'ratings.dat'].map((kind) => ['this', kind]),
    ...(baseline ? ['lf', 'crlf', 'u.data', 'ratings.dat'].map((kind) => [`baseline:${baseline}`, kind]) : []),
    ['csv-parse', 'lf'],
    ['csv-parse+info', 'lf'],
  ];
  for (const kind of new Set(cases.map(([, kind]) => kind))) await benchFile(rows, kind);
  const times = cases.map(() => []);
  const cpus = cases.map(() => []);
  for (let rep = 0; rep < reps; rep += 1) {
    cases.forEach(([contender, kind], c) => {
      const r = spawnSync(process.execPath, [__filename, '--one', contender, kind, String(rows)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (r.status !== 0) throw new Error(`${contender} on ${kind} failed (exit ${r.status})`);
      const { seconds, cpu, rows: read } = JSON.parse(r.stdout);
      if (read !== rows) throw new Error(`${contender} on ${kind} read ${read} rows; expected ${rows}`);
      times[c].push(seconds);
      cpus[c].push(cpu);
    });
    process.stderr.write(`rep ${rep + 1}/${reps} done\n`);
  }
  console.log(`${rows.toLocaleString('en')} rows, ${reps} runs each, interleaved; median (min-max)`);
  console.log('| importer | file | wall seconds | rows/s (wall) | CPU seconds |');
  console.log('| --- | --- | --- | --- | --- |');
  const spread = (t) => `${median(t).toFixed(2)} (${Math.min(...t).toFixed(2)}-${Math.max(...t).toFixed(2)})`;
  const rate = (s) => `${(rows / s / 1e6).toFixed(2)}M`;
  cases.forEach(([contender, kind], c) => {
    const t = times[c];
    const name = contender.startsWith('baseline:') ? 'baseline' : contender;
    console.log(`| ${name} | ${kind} | ${spread(t)} | ${rate(median(t))} (${rate(Math.max(...t))}-${rate(Math.min(...t))}) | ${spread(cpus[c])} |`);
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
