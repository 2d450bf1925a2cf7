/**
 * Benchmark data for the import benchmarks: a ratings CSV (header user,item,rating,timestamp;
 * 100k users, 20k items with skewed popularity, half-star ratings) and the same rows in
 * other line-end styles and in the MovieLens layouts. Files are written once under
 * $DEEPREC_BENCH_DIR (default: the OS temp folder)/deeprec-bench-import/ and reused.
 */
'use strict';
const { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const USERS = 100_000;
const ITEMS = 20_000;
const dir = join(process.env.DEEPREC_BENCH_DIR ?? tmpdir(), 'deeprec-bench-import');

/** xorshift32: fast, seeded, good enough for benchmark data. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Writes `file` through `fill(write)` into a .partial file renamed at the end, so a killed run leaves no half file. */
async function writeOnce(file, fill) {
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const write = (text) => (out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once('drain', resolve)));
  await fill(write);
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  renameSync(partial, file);
  console.log(`generated ${file} (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

/** The ratings CSV with `rows` rows (LF line ends). */
function ratingsCsv(rows) {
  return writeOnce(join(dir, `ratings-${rows}.csv`), async (write) => {
    const random = rng(42);
    await write('user,item,rating,timestamp\n');
    let chunk = [];
    for (let i = 0; i < rows; i += 1) {
      // Squaring a uniform skews towards low ids: a few heavy users and popular items, a long tail.
      const u = Math.floor(random() * random() * USERS) + 1;
      const it = Math.floor(random() * random() * ITEMS) + 1;
      const r = (Math.floor(random() * 10) + 1) / 2;
      const t = 1_500_000_000 + Math.floor(random() * 100_000_000);
      chunk.push(`${u},${it},${r},${t}`);
      if (chunk.length === 50_000) {
        await write(`${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
    if (chunk.length > 0) await write(`${chunk.join('\n')}\n`);
  });
}

/** Rewrites every line of the CSV with `map(line, k)` (k = 0 for the header), `map` returning the line with its ending. */
async function derive(rows, file, map) {
  const source = await ratingsCsv(rows);
  return writeOnce(file, async (write) => {
    let carry = '';
    let k = 0;
    for await (const chunk of createReadStream(source, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const lines = (carry + chunk).split('\n');
      carry = lines.pop();
      const out = [];
      for (const line of lines) {
        const mapped = map(line, k);
        k += 1;
        if (mapped !== undefined) out.push(mapped);
      }
      await write(out.join(''));
    }
  });
}

const ENDINGS = { lf: ['\n'], crlf: ['\r\n'], cr: ['\r'], mixed: ['\n', '\r\n', '\r'] };

/**
 * The benchmark file of `kind`: 'lf', 'crlf', 'cr', 'mixed' (the CSV in that line-end
 * style), 'u.data' (MovieLens 100K layout: tab-separated, no header) or 'ratings.dat'
 * (MovieLens 1M: '::'-separated, no header), each in its own folder, as the MovieLens
 * sources expect.
 */
async function benchFile(rows, kind) {
  if (kind === 'lf') return ratingsCsv(rows);
  const folder = join(dir, `${kind}-${rows}`);
  mkdirSync(folder, { recursive: true });
  if (kind in ENDINGS) {
    const ends = ENDINGS[kind];
    return derive(rows, join(folder, 'ratings.csv'), (line, k) => line + ends[k % ends.length]);
  }
  const delimiter = { 'u.data': '\t', 'ratings.dat': '::' }[kind];
  if (!delimiter) throw new Error(`bench/import: unknown file kind '${kind}'; expected lf, crlf, cr, mixed, u.data or ratings.dat`);
  return derive(rows, join(folder, kind), (line, k) => (k === 0 ? undefined : `${line.split(',').join(delimiter)}\n`));
}

module.exports = { benchFile, benchDir: dir };
