import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Table, Utf8, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import { RATINGS_SCHEMA, writeTable } from '@deeprec/artifacts';
import { IdIndex, importRatings } from './index';
import { configIn, importError, tempDir, writeFiles } from './fixtures.testutil';

describe('csv', () => {
  it('maps columns by header name, keeps RFC-4180 quoted ids with commas and doubled quotes, reads \\r\\n', async () => {
    const dir = writeFiles(tempDir(), {
      'ratings.csv':
        'when,who,what,stars\r\n' +
        '1000,alice,"Movie, The",4.5\r\n' +
        '1001,bob,"The ""Best"" Film",2\r\n' +
        '1002,"alice",plain,0.5\r\n',
    });
    const raw = await importRatings(
      configIn(dir, { source: 'csv', path: dir, csv: { path: 'ratings.csv', columns: { user: 'who', item: 'what', rating: 'stars', timestamp: 'when' } } }),
    );
    expect(raw.userIds).toEqual(['alice', 'bob']);
    expect(raw.itemIds).toEqual(['Movie, The', 'The "Best" Film', 'plain']);
    expect(Array.from(raw.ratings.user)).toEqual([0, 1, 0]);
    expect(Array.from(raw.ratings.rating)).toEqual([4.5, 2, 0.5]);
    expect(raw.ratings.timestamp).toEqual(BigInt64Array.from([1000n, 1001n, 1002n]));
    expect(raw.scale).toEqual({ min: 0.5, max: 4.5 });
    expect(raw.stats).toEqual({ rows: 3, duplicates: 0 });
  });

  it('reads Latin-1 with a semicolon delimiter; no timestamp column means no timestamps', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'r.csv': Buffer.from('user;item;rating\nJosé;Señor;3\nZoë;Café;4\n', 'latin1') });
    const raw = await importRatings(configIn(dir, { source: 'csv', path: join(dir, 'r.csv'), csv: { delimiter: ';', encoding: 'latin1' } }));
    expect(raw.userIds).toEqual(['José', 'Zoë']);
    expect(raw.itemIds).toEqual(['Señor', 'Café']);
    expect(raw.ratings.timestamp).toBeUndefined();
  });

  it('reads UTF-8 (with a byte-order mark) and a quoted field that spans two lines', async () => {
    const dir = writeFiles(tempDir(), { 'r.csv': '\uFEFFuser,item,rating\nzoë,"two\nlines",3\nzoë,x,4\n' });
    const raw = await importRatings(configIn(dir, { source: 'csv', path: join(dir, 'r.csv') }));
    expect(raw.userIds).toEqual(['zoë']);
    expect(raw.itemIds).toEqual(['two\nlines', 'x']);
  });

  it("without a header: 0-based column indices and the two-character '\\t' for tab", async () => {
    const dir = writeFiles(tempDir(), { 'r.tsv': 'i1\t5\tu1\t100\n\ni2\t1\tu2\t101\n' });
    const raw = await importRatings(
      configIn(dir, {
        source: 'csv',
        path: join(dir, 'r.tsv'),
        csv: { delimiter: '\\t', header: false, columns: { user: 2, item: 0, rating: 1, timestamp: 3 } },
        scale: { min: 1, max: 5 },
      }),
    );
    expect(raw.userIds).toEqual(['u1', 'u2']);
    expect(raw.itemIds).toEqual(['i1', 'i2']);
    expect(Array.from(raw.ratings.rating)).toEqual([5, 1]);
    expect(raw.ratings.timestamp).toEqual(BigInt64Array.from([100n, 101n]));
  });

  it("reads a multi-character delimiter ('::') and a column index under a header", async () => {
    const dir = writeFiles(tempDir(), { 'r.dat': 'a::b::c\n1::2::3\n' });
    const raw = await importRatings(configIn(dir, { source: 'csv', path: join(dir, 'r.dat'), csv: { delimiter: '::', columns: { user: 'a', item: 1, rating: 'c' } } }));
    expect([raw.userIds, raw.itemIds, Array.from(raw.ratings.rating)]).toEqual([['1'], ['2'], [3]]);
  });

  it("resolves data.csv.path inside data.path, or takes data.path itself when it is a file (relative paths from the YAML's folder)", async () => {
    const dir = writeFiles(tempDir(), { 'data/sub/r.csv': 'user,item,rating\n1,2,3\n' });
    const inFolder = await importRatings(configIn(dir, { source: 'csv', path: 'data', csv: { path: 'sub/r.csv' } }));
    expect(inFolder.userIds).toEqual(['1']);
    const itself = await importRatings(configIn(dir, { source: 'csv', path: 'data/sub/r.csv' }));
    expect(itself.userIds).toEqual(['1']);
  });

  it('predefined: a CSV training file and an Arrow test file with string ids share one id space', async () => {
    const dir = writeFiles(tempDir(), { 'train.csv': 'user,item,rating\nann,m1,4\nbea,m2,2\n' });
    const test = new Table({
      user: vectorFromArray(['bea', 'cid'], new Utf8()),
      item: vectorFromArray(['m1', 'm3'], new Utf8()),
      rating: makeVector(Float32Array.from([5, 3])),
    });
    writeFileSync(join(dir, 'test.arrow'), tableToIPC(test, 'file'));
    const raw = await importRatings(configIn(dir, { source: 'csv', path: dir }, { method: 'predefined', train: 'train.csv', test: 'test.arrow' }));
    expect(raw.userIds).toEqual(['ann', 'bea', 'cid']);
    expect(raw.itemIds).toEqual(['m1', 'm2', 'm3']);
    expect(Array.from(raw.ratings.user)).toEqual([0, 1, 1, 2]);
    expect(Array.from(raw.ratings.item)).toEqual([0, 1, 0, 2]);
    expect(raw.predefined).toEqual({ train: Int32Array.from([0, 1]), test: Int32Array.from([2, 3]) });
    // The Arrow file has no timestamps, so the table has none.
    expect(raw.ratings.timestamp).toBeUndefined();
  });

  it('predefined: Arrow files with int32 raw ids and timestamps (as core writes ratings tables)', async () => {
    const dir = tempDir();
    writeTable(join(dir, 'train.arrow'), RATINGS_SCHEMA, {
      user: Int32Array.from([7, 8]),
      item: Int32Array.from([70, 80]),
      rating: Float32Array.from([1, 2]),
      timestamp: BigInt64Array.from([10n, 11n]),
    });
    writeTable(join(dir, 'test.arrow'), RATINGS_SCHEMA, {
      user: Int32Array.from([8]),
      item: Int32Array.from([70]),
      rating: Float32Array.from([3]),
      timestamp: BigInt64Array.from([12n]),
    });
    const raw = await importRatings(configIn(dir, { source: 'movielens-100k', path: dir }, { method: 'predefined', train: 'train.arrow', test: 'test.arrow' }));
    expect(raw.userIds).toEqual(['7', '8']);
    expect(raw.itemIds).toEqual(['70', '80']);
    expect(raw.ratings.timestamp).toEqual(BigInt64Array.from([10n, 11n, 12n]));
    expect(raw.predefined?.test).toEqual(Int32Array.from([2]));
  });
});

describe('raw ids', () => {
  it('keeps ids as text: "0196" and "196" are different users; large and non-numeric ids work alike', () => {
    const ids = new IdIndex();
    const raw = ['196', '0196', '4194304', '999999999', '1234567890', 'abc', '0', '196', '4194304', '1234567890', '0196'];
    expect(raw.map((id) => ids.intern(id))).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 2, 4, 1]);
    expect(ids.ids).toEqual(['196', '0196', '4194304', '999999999', '1234567890', 'abc', '0']);
    expect(['0196', '999999999', 'abc', '7', '4194305', 'x'].map((id) => ids.get(id))).toEqual([1, 3, 5, undefined, undefined, undefined]);
  });
});

describe('duplicate (user, item) pairs', () => {
  const dir = writeFiles(tempDir(), { 'r.csv': 'user,item,rating,ts\nu1,i1,2,1\nu2,i1,3,2\nu1,i1,4,3\nu1,i1,5,4\nu2,i2,1,5\n' });
  const config = (duplicates: string) => configIn(dir, { source: 'csv', path: join(dir, 'r.csv'), duplicates, csv: { columns: { timestamp: 'ts' } } });

  it("'error' names the pair and both lines", async () => {
    expect((await importError(config('error'))).message).toBe(
      `${dir}/r.csv:4: duplicate rating of user "u1" for item "i1" (first at line 2); expected each (user, item) pair once, or data.duplicates: last or mean`,
    );
  });

  it("'last' keeps the last rating, where it was read, and counts the dropped rows", async () => {
    const raw = await importRatings(config('last'));
    expect(raw.userIds).toEqual(['u1', 'u2']);
    expect(raw.itemIds).toEqual(['i1', 'i2']);
    expect(Array.from(raw.ratings.user)).toEqual([1, 0, 1]);
    expect(Array.from(raw.ratings.item)).toEqual([0, 0, 1]);
    expect(Array.from(raw.ratings.rating)).toEqual([3, 5, 1]);
    expect(raw.ratings.timestamp).toEqual(BigInt64Array.from([2n, 4n, 5n]));
    expect(raw.stats).toEqual({ rows: 5, duplicates: 2 });
  });

  it("'mean' averages the ratings of a pair", async () => {
    const raw = await importRatings(config('mean'));
    expect(Array.from(raw.ratings.rating)).toEqual([3, Math.fround(11 / 3), 1]);
    expect(raw.stats).toEqual({ rows: 5, duplicates: 2 });
  });

  it.each(['last', 'mean'] as const)("'%s' agrees with a plain map over 3000 random rows with many repeats", async (policy) => {
    let seed = 7;
    const next = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    const rows = Array.from({ length: 3000 }, (_, i) => ({ u: `u${next(40)}`, i: `i${next(25)}`, r: 1 + next(5), t: i }));
    const text = `user,item,rating,ts\n${rows.map((x) => `${x.u},${x.i},${x.r},${x.t}`).join('\n')}\n`;
    const dir = writeFiles(tempDir(), { 'r.csv': text });
    const raw = await importRatings(configIn(dir, { source: 'csv', path: join(dir, 'r.csv'), duplicates: policy, csv: { columns: { timestamp: 'ts' } } }));
    // Naive: the pair's last row decides the position; its rating is the last or the mean.
    const pairs = new Map<string, { last: number; sum: number; count: number }>();
    rows.forEach((x, row) => {
      const p = pairs.get(`${x.u}|${x.i}`) ?? { last: 0, sum: 0, count: 0 };
      pairs.set(`${x.u}|${x.i}`, { last: row, sum: p.sum + x.r, count: p.count + 1 });
    });
    const kept = [...pairs.values()].sort((a, b) => a.last - b.last);
    const got = Array.from(raw.ratings.user, (user, k) => ({
      pair: `${raw.userIds[user]}|${raw.itemIds[raw.ratings.item[k] as number]}`,
      rating: raw.ratings.rating[k],
      t: raw.ratings.timestamp?.[k],
    }));
    expect(got).toEqual(
      kept.map((p) => ({
        pair: `${rows[p.last]?.u}|${rows[p.last]?.i}`,
        rating: Math.fround(policy === 'last' ? (rows[p.last]?.r as number) : p.sum / p.count),
        t: BigInt(p.last),
      })),
    );
    expect(raw.stats).toEqual({ rows: 3000, duplicates: 3000 - pairs.size });
  });

  it('across predefined files: the error names both files; merging keeps the pair in the later (test) file', async () => {
    const split = writeFiles(tempDir(), { 'a.base': '1\t1\t5\t1\n1\t2\t4\t2\n2\t1\t3\t3\n', 'a.test': '3\t1\t1\t4\n1\t2\t2\t5\n' });
    const cfg = (duplicates: string) =>
      configIn(split, { source: 'movielens-100k', path: split, duplicates }, { method: 'predefined', train: 'a.base', test: 'a.test' });
    expect((await importError(cfg('error'))).message).toBe(
      `${split}/a.test:2: duplicate rating of user "1" for item "2" (first at ${split}/a.base:2); expected each (user, item) pair once, or data.duplicates: last or mean`,
    );
    const raw = await importRatings(cfg('last'));
    expect(Array.from(raw.ratings.rating)).toEqual([5, 3, 1, 2]);
    expect(raw.predefined).toEqual({ train: Int32Array.from([0, 1]), test: Int32Array.from([2, 3]) });
    expect(raw.stats).toEqual({ rows: 5, duplicates: 1 });
  });
});
