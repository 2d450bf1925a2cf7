/** Every broken input is a DataError (exit code 2) naming file, line and the offending text, and what was expected. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DataError } from '@deeprec/base';
import { Table, Utf8, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import { importRatings } from './index';
import { configIn, importError, tempDir, writeFiles } from './fixtures.testutil';

/** A MovieLens 100K folder whose u.data is `data` (no feature files). */
function ml100k(data: string | Buffer, extra: Record<string, string | Buffer> = {}, dataSection: Record<string, unknown> = {}) {
  const dir = writeFiles(tempDir(), { 'u.data': data, ...extra });
  return { dir, config: configIn(dir, { source: 'movielens-100k', path: dir, ...dataSection }) };
}

/** A csv source over r.csv. */
function csv(text: string, csvSection: Record<string, unknown> = {}, dataSection: Record<string, unknown> = {}) {
  const dir = writeFiles(tempDir(), { 'r.csv': text });
  const file = join(dir, 'r.csv');
  return { dir, file, config: configIn(dir, { source: 'csv', path: file, csv: csvSection, ...dataSection }) };
}

describe('broken inputs', () => {
  it('a line with the wrong number of fields', async () => {
    const { dir, config } = ml100k('186\t302\t3\t891717742\n196\t242\t3\n');
    const error = await importError(config);
    expect(error).toBeInstanceOf(DataError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`${dir}/u.data:2: expected 4 tab-separated fields (user, item, rating, timestamp), found 3: "196\\t242\\t3"`);
  });

  it('a CSV line with fewer fields than the header', async () => {
    const { file, config } = csv('user,item,rating\r\n1,2,3\r\n1,2\r\n');
    expect((await importError(config)).message).toBe(`${file}:3: expected 3 comma-separated fields (as in the header on line 1), found 2: "1,2"`);
  });

  it('offending text is cut to 80 characters', async () => {
    const long = `1\t2\t${'9'.repeat(100)}`;
    const { dir, config } = ml100k(`${long}\n`);
    expect((await importError(config)).message).toBe(
      `${dir}/u.data:1: expected 4 tab-separated fields (user, item, rating, timestamp), found 3: ${JSON.stringify(long.slice(0, 80))}... (104 characters)`,
    );
  });

  it('an empty file', async () => {
    const { dir, config } = ml100k('');
    expect((await importError(config)).message).toBe(`${dir}/u.data is empty; expected rating lines`);
    const blank = ml100k('\n\r\n  \n');
    expect((await importError(blank.config)).message).toBe(`${blank.dir}/u.data is empty; expected rating lines`);
  });

  it('a CSV file with a header and nothing else', async () => {
    const { file, config } = csv('user,item,rating\n');
    expect((await importError(config)).message).toBe(`${file}: has a header but no rating lines; expected rating lines after it`);
  });

  it('a missing folder', async () => {
    const dir = tempDir();
    const error = await importError(configIn(dir, { source: 'movielens-100k', path: 'nope' }));
    expect(error.message).toBe(`${dir}/nope: folder not found; expected the MovieLens 100K folder (data.path) with u.data, and u.user, u.item, u.genre for side features`);
  });

  it('a folder without its ratings file', async () => {
    const dir = writeFiles(tempDir(), { 'u.item': '' });
    expect((await importError(configIn(dir, { source: 'movielens-1m', path: dir }))).message).toBe(
      `${dir}/ratings.dat: file not found; expected MovieLens 1M ratings ('::'-separated UserID, MovieID, Rating, Timestamp)`,
    );
  });

  it('a missing predefined test file', async () => {
    const dir = writeFiles(tempDir(), { 'u1.base': '1\t1\t1\t1\n' });
    const config = configIn(dir, { source: 'movielens-100k', path: dir }, { method: 'predefined', train: 'u1.base', test: 'u1.test' });
    expect((await importError(config)).message).toBe(
      `${dir}/u1.test: file not found; expected the test ratings named by split.test: MovieLens 100K ratings (tab-separated user, item, rating, timestamp)`,
    );
  });

  it('a missing predefined Arrow file', async () => {
    const dir = writeFiles(tempDir(), { 'train.csv': 'user,item,rating\n1,2,3\n' });
    const config = configIn(dir, { source: 'csv', path: dir }, { method: 'predefined', train: 'train.csv', test: 'test.arrow' });
    expect((await importError(config)).message).toBe(
      `${dir}/test.arrow: file not found; expected the test ratings named by split.test: an Arrow ratings file with columns user, item, rating (and optional timestamp)`,
    );
  });

  it('a missing CSV file, and a folder where the CSV file should be', async () => {
    const dir = tempDir();
    expect((await importError(configIn(dir, { source: 'csv', path: 'r.csv' }))).message).toBe(
      `${dir}/r.csv: file not found; expected ratings as data.csv describes them (comma-separated, a header line, columns user, item, rating)`,
    );
    expect((await importError(configIn(dir, { source: 'csv', path: '.' }))).message).toBe(`${dir}: is a folder; expected data.csv.path to name the CSV file inside it`);
  });

  it('a rating that is not a number', async () => {
    const { dir, config } = ml100k('1\t2\t3\t4\n1\t3\tfour\t5\n');
    expect((await importError(config)).message).toBe(`${dir}/u.data:2: expected a numeric rating, found "four"`);
    const nan = csv('user,item,rating\n1,2,NaN\n');
    expect((await importError(nan.config)).message).toBe(`${nan.file}:2: expected a numeric rating, found "NaN"`);
    const empty = csv('user,item,rating\n1,2,\n');
    expect((await importError(empty.config)).message).toBe(`${empty.file}:2: expected a numeric rating, found ""`);
  });

  it('a rating outside data.scale', async () => {
    const { dir, config } = ml100k('1\t2\t3\t4\n1\t3\t7\t5\n', {}, { scale: { min: 1, max: 5 } });
    expect((await importError(config)).message).toBe(`${dir}/u.data:2: expected a rating within 1-5, found 7`);
  });

  it('a timestamp that is not a whole number', async () => {
    const { dir, config } = ml100k('1\t2\t3\t881250949.5\n');
    expect((await importError(config)).message).toBe(`${dir}/u.data:1: expected an integer timestamp (seconds), found "881250949.5"`);
  });

  it('an empty user or item id', async () => {
    const { file, config } = csv('user,item,rating\n,2,3\n');
    expect((await importError(config)).message).toBe(`${file}:2: expected a user id, found an empty field: ",2,3"`);
  });

  it('a header without a mapped column', async () => {
    const { file, config } = csv('a,b,c\n1,2,3\n', { columns: { user: 'a', item: 'b' } });
    expect((await importError(config)).message).toBe(`${file}:1: expected a column named 'rating' in the header, found: a, b, c`);
  });

  it('a long header without a mapped column: the names are cut to 80 characters', async () => {
    const names = Array.from({ length: 40 }, (_, k) => `column_${k}`);
    const { file, config } = csv(`${names.join(',')}\n${names.map(() => '1').join(',')}\n`, { columns: { user: 'column_0', item: 'column_1', rating: 'stars' } });
    const listed = names.join(', ');
    expect((await importError(config)).message).toBe(`${file}:1: expected a column named 'stars' in the header, found: ${listed.slice(0, 80)}... (${listed.length} characters)`);
  });

  it('a column index out of range', async () => {
    const { file, config } = csv('1;2;3\n', { header: false, delimiter: ';', columns: { user: 0, item: 1, rating: 5 } });
    expect((await importError(config)).message).toBe(
      `${file}:1: data.csv.columns.rating is column 5 (0-based), but line 1 has 3 fields; expected an index from 0 to 2`,
    );
  });

  it('column names without a header line are a config error', async () => {
    const { config } = csv('1,2,3\n', { header: false });
    await expect(importRatings(config)).rejects.toThrow(new ConfigError("data.csv.columns.user: expected a 0-based column index when there is no header line, found 'user'"));
  });

  it('a quoted field that is never closed', async () => {
    const { file, config } = csv('user,item,rating\n1,"open,3\n2,2,2\n');
    expect((await importError(config)).message).toBe(`${file}:2: quoted field is never closed; expected a closing '"' before the end of the file: "1,\\"open,3\\n2,2,2\\n"`);
  });

  it('a broken record that spans lines is reported under its first line', async () => {
    const { file, config } = csv('user,item,rating\n1,"two\nlines",x\n');
    expect((await importError(config)).message).toBe(`${file}:2: expected a numeric rating, found "x"`);
  });

  it('a malformed side-feature line', async () => {
    const { dir, config } = ml100k('1\t2\t3\t4\n', { 'u.user': '1|twenty|M|writer|55105\n' });
    expect((await importError(config)).message).toBe(`${dir}/u.user:1: expected an integer age, found "twenty"`);
    const short = ml100k('1\t2\t3\t4\n', { 'u.genre': 'unknown|0\nAction|1\n', 'u.item': '2|Title (1995)|01-Jan-1995||url|0\n' });
    expect((await importError(short.config)).message).toBe(
      `${short.dir}/u.item:1: expected 7 '|'-separated fields (id, title, release date, video release date, IMDb URL, 2 genre flags), found 6: "2|Title (1995)|01-Jan-1995||url|0"`,
    );
    const noGenres = ml100k('1\t2\t3\t4\n', { 'u.item': '2|Title (1995)|01-Jan-1995||url|0\n' });
    expect((await importError(noGenres.config)).message).toBe(
      `${noGenres.dir}/u.genre: file not found; expected MovieLens 100K genre names ('name|index' lines), which name the genre flags of u.item`,
    );
  });

  it('an Arrow split file without a rating column, or not Arrow at all', async () => {
    const dir = writeFiles(tempDir(), { 'train.csv': 'user,item,rating\n1,2,3\n', 'bad.arrow': 'not arrow' });
    const table = new Table({ user: vectorFromArray(['1'], new Utf8()), item: vectorFromArray(['2'], new Utf8()), stars: makeVector(Float32Array.from([1])) });
    writeFileSync(join(dir, 'test.arrow'), tableToIPC(table, 'file'));
    const config = (test: string) => configIn(dir, { source: 'csv', path: dir }, { method: 'predefined', train: 'train.csv', test });
    expect((await importError(config('test.arrow'))).message).toBe(`${dir}/test.arrow: expected a column named 'rating' in the Arrow file, found: user, item, stars`);
    expect((await importError(config('bad.arrow'))).message).toMatch(
      new RegExp(`^${dir}/bad\\.arrow: not a readable Arrow file \\(.*\\); expected an Arrow ratings file with columns user, item, rating \\(and optional timestamp\\)$`),
    );
  });
});
