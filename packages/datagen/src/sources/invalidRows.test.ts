/** data.csv.invalidRows and data.csv.maxInvalidShare: in the import, in the data manifest, and through the CLI. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArtifactCatalogue } from '@deeprec/artifacts';
import { silentLogger } from '@deeprec/testing';
import { writeDatagen } from '../run';
import { importRatings } from './index';
import { configIn, importError, tempDir, writeFiles } from './fixtures.testutil';

/** 100 rating rows, CR line ends; rows at the given (0-based) positions are replaced by `bad`. */
function ratingsText(badAt: number[], bad: (k: number) => string): string {
  const lines = ['user,item,rating'];
  for (let k = 0; k < 100; k += 1) lines.push(badAt.includes(k) ? bad(k) : `u${k % 7},i${k},${1 + (k % 5)}`);
  return `${lines.join('\r')}\r`;
}

function csvAt(text: string, csv: Record<string, unknown> = {}) {
  const dir = writeFiles(tempDir(), { 'r.csv': text });
  const file = join(dir, 'r.csv');
  return { dir, file, config: configIn(dir, { source: 'csv', path: file, csv }) };
}

describe('data.csv.invalidRows', () => {
  const bad = (k: number) => [`u1,i${k}`, `,i${k},3`, `u1,i${k},`, `u1,i${k},four`][k % 4] as string;

  it('error (the default) stops at the first malformed row, naming its physical line', async () => {
    const { file, config } = csvAt(ratingsText([40, 70], bad));
    expect((await importError(config)).message).toBe(`${file}:42: expected 3 comma-separated fields (as in the header on line 1), found 2: "u1,i40"`);
  });

  it('skip leaves malformed rows out and lists them, with the reason, in file order', async () => {
    const badAt = [3, 10, 41, 42, 43, 50, 51, 60, 61, 62, 63, 90];
    const { config } = csvAt(ratingsText(badAt, bad), { invalidRows: 'skip', maxInvalidShare: 0.2 });
    const raw = await importRatings(config);
    // Relative to the workspace root (here the config's folder, no nx.json above it), as every artifact names files.
    const file = 'r.csv';
    expect(raw.ratings.rating).toHaveLength(100 - badAt.length);
    expect(raw.itemIds).toEqual(Array.from({ length: 100 }, (_, k) => k).filter((k) => !badAt.includes(k)).map((k) => `i${k}`));
    expect(raw.invalidRows?.count).toBe(12);
    expect(raw.invalidRows?.first).toHaveLength(10);
    expect(raw.invalidRows?.first.slice(0, 4)).toEqual([
      { file, line: 5, reason: 'expected a numeric rating, found "four"' },
      { file, line: 12, reason: 'expected a numeric rating, found ""' },
      { file, line: 43, reason: 'expected a user id, found an empty field: ",i41,3"' },
      { file, line: 44, reason: 'expected a numeric rating, found ""' },
    ]);
    expect(raw.invalidRows?.first.map((r) => r.line)).toEqual(badAt.slice(0, 10).map((k) => k + 2));
    expect(raw.stats).toEqual({ rows: 88, duplicates: 0 });
  });

  it('skip with more than maxInvalidShare of a file malformed stops, naming the count and the first', async () => {
    const badAt = [5, 6, 7];
    const { file, config } = csvAt(ratingsText(badAt, bad), { invalidRows: 'skip', maxInvalidShare: 0.02 });
    expect((await importError(config)).message).toBe(
      `${file}: 3 of 100 rows (3.00%) are malformed, more than data.csv.maxInvalidShare (0.02) allows; expected at most 2; the first, line 7: expected a user id, found an empty field: ",i5,3"`,
    );
    // The default share is 1%: one bad row in 100 passes, two do not.
    expect((await importRatings(csvAt(ratingsText([5], bad), { invalidRows: 'skip' }).config)).invalidRows?.count).toBe(1);
    await expect(importRatings(csvAt(ratingsText([5, 6], bad), { invalidRows: 'skip' }).config)).rejects.toThrow('2 of 100 rows (2.00%) are malformed');
  });

  it('skip with no good row left stops whatever the share', async () => {
    const { file, config } = csvAt('user,item,rating\nu,i,x\n', { invalidRows: 'skip', maxInvalidShare: 1 });
    expect((await importError(config)).message).toBe(
      `${file}: 1 of 1 rows (100%) are malformed, more than data.csv.maxInvalidShare (1) allows; expected at most 1; the first, line 2: expected a numeric rating, found "x"`,
    );
  });

  it('a rating outside data.scale and a timestamp that is not a whole number are malformed rows too', async () => {
    const dir = writeFiles(tempDir(), { 'r.csv': 'user,item,rating,t\na,x,3,1\na,y,9,2\nb,x,2,later\nb,y,1,4\n' });
    const raw = await importRatings(
      configIn(dir, { source: 'csv', path: join(dir, 'r.csv'), scale: { min: 1, max: 5 }, csv: { invalidRows: 'skip', maxInvalidShare: 0.5, columns: { timestamp: 't' } } }),
    );
    expect(raw.invalidRows?.first.map((r) => [r.line, r.reason])).toEqual([
      [3, 'expected a rating within 1-5, found 9'],
      [4, 'expected an integer timestamp (seconds), found "later"'],
    ]);
    expect(raw.ratings.timestamp).toEqual(BigInt64Array.from([1n, 4n]));
  });

  it('is refused outside 0-1 and for other values', () => {
    const dir = tempDir();
    expect(() => configIn(dir, { source: 'csv', path: 'r.csv', csv: { maxInvalidShare: 1.5 } })).toThrow('data.csv.maxInvalidShare');
    expect(() => configIn(dir, { source: 'csv', path: 'r.csv', csv: { invalidRows: 'ignore' } })).toThrow('data.csv.invalidRows');
  });

  it('the data manifest records the skipped rows under details.invalidRows, and only with skip', async () => {
    const { dir, config } = csvAt(ratingsText([20], bad), { invalidRows: 'skip' });
    await writeDatagen(config, join(dir, 'artifacts'), silentLogger());
    const manifestOf = () => JSON.parse(readFileSync(new ArtifactCatalogue(join(dir, 'artifacts'), config.name).data().manifest, 'utf8')) as { details: Record<string, unknown> };
    expect(manifestOf().details.invalidRows).toEqual({ count: 1, first: [{ file: 'r.csv', line: 22, reason: 'expected 3 comma-separated fields (as in the header on line 1), found 2: "u1,i20"' }] });
    const clean = csvAt(ratingsText([], bad));
    await writeDatagen(clean.config, join(dir, 'artifacts'), silentLogger());
    expect(Object.keys(manifestOf().details)).toEqual(['info']);
  });
});

describe('the CLI on a file with CR line ends and a bad row in the middle', () => {
  const bin = resolve(__dirname, '../../../cli/bin/deeprec.js');

  it('exits 2 with one line under 400 bytes naming the physical line', () => {
    // 2 MiB of rows, CR only: read as one line this would put megabytes on the terminal.
    const rows = Array.from({ length: 120_000 }, (_, k) => (k === 60_000 ? `u${k},i${k},${'x'.repeat(500)}` : `u${k},i${k},${1 + (k % 5)}`));
    const dir = writeFiles(tempDir(), { 'r.csv': `user,item,rating\r${rows.join('\r')}\r` });
    writeFileSync(join(dir, 'experiment.yaml'), 'name: cr-only\ndata: { source: csv, path: r.csv }\nsplit: { method: random }\nmodels: { ncf: { type: ncf } }\n');
    const r = spawnSync(process.execPath, [bin, 'datagen', 'experiment.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines).toEqual([`deeprec: ${join(dir, 'r.csv')}:60002: expected a numeric rating, found "${'x'.repeat(80)}"... (500 characters)`, '']);
    expect(Buffer.byteLength(r.stderr)).toBeLessThan(400);
  });
});
