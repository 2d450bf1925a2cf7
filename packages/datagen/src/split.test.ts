import { subsetRatings, type Ratings } from '@deeprec/artifacts';
import { ConfigError, DataError } from '@deeprec/base';
import { SplitSchema, SyntheticSchema, type SplitConfig } from '@deeprec/config';
import { kFoldRows, kFoldSplits, makeSplits, splitRatings, splitRows, type SplitRows } from './split';
import { generateSynthetic } from './synthetic';

const parse = (s: Record<string, unknown>): SplitConfig => SplitSchema.parse(s);

/**
 * A hand-built table (row: user @ timestamp):
 *   0: u0@10  1: u1@5  2: u0@30  3: u2@20  4: u0@20  5: u2@20  6: u3@1  7: u0@30  8: u3@50  9: u3@40  10: u0@5
 * with ties: rows 2 and 7 (u0@30), rows 3 and 5 (u2@20); the later row counts as the later rating.
 */
const tinyUsers = [0, 1, 0, 2, 0, 2, 3, 0, 3, 3, 0];
const tinyTimes = [10, 5, 30, 20, 20, 20, 1, 30, 50, 40, 5];
const tiny: Ratings = {
  user: Int32Array.from(tinyUsers),
  item: Int32Array.from(tinyUsers, (_, i) => i),
  rating: Float32Array.from(tinyUsers, (_, i) => 1 + (i % 5)),
  timestamp: BigInt64Array.from(tinyTimes, BigInt),
};
const tinyNoTime: Ratings = { user: tiny.user, item: tiny.item, rating: tiny.rating };

const raw = generateSynthetic(SyntheticSchema.parse({}), 7);
const synth = raw.ratings;
const synthNoTime: Ratings = { user: synth.user, item: synth.item, rating: synth.rating };
const N = synth.user.length;
const ts = (r: Ratings, row: number) => Number((r.timestamp as BigInt64Array)[row]);
const list = (a: Int32Array) => Array.from(a);
const lists = (rows: SplitRows) => ({ train: list(rows.train), valid: list(rows.valid), test: list(rows.test) });

/** Every row list ascending, the three disjoint, and together all n rows (or just `expected`). */
function expectPartition(rows: SplitRows, n: number, expected?: number[]): void {
  const all: number[] = [];
  for (const part of [rows.train, rows.valid, rows.test]) {
    expect(part.every((row, i) => i === 0 || row > (part[i - 1] as number))).toBe(true);
    all.push(...part);
  }
  // Sorted, the concatenation is every expected row once: no overlap, nothing missing.
  expect(all.sort((a, b) => a - b)).toEqual(expected ?? Array.from({ length: n }, (_, i) => i));
}

function countByUser(r: Ratings, rows: ArrayLike<number>): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < rows.length; i += 1) {
    const u = r.user[rows[i] as number] as number;
    m.set(u, (m.get(u) ?? 0) + 1);
  }
  return m;
}

function rowsOfUser(r: Ratings, rows: ArrayLike<number>): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i] as number;
    const u = r.user[row] as number;
    m.set(u, [...(m.get(u) ?? []), row]);
  }
  return m;
}

/** The latest of rows by (timestamp, row). */
const latest = (r: Ratings, rows: number[]) => rows.reduce((a, b) => (ts(r, b) > ts(r, a) || (ts(r, b) === ts(r, a) && b > a) ? b : a));

const allSynth = Int32Array.from({ length: N }, (_, i) => i);
/** Predefined rows as an importer gives them: every 7th row (from row 3) is test. */
const trainTest = { train: allSynth.filter((i) => i % 7 !== 3), test: allSynth.filter((i) => i % 7 === 3) };

interface Case {
  name: string;
  split: Record<string, unknown>;
  /** Whether the seed changes the result. */
  seeded: boolean;
  data?: Ratings;
}
const cases: Case[] = [
  { name: 'random', split: { method: 'random', test: 0.2 }, seeded: true },
  { name: 'user-stratified', split: { method: 'user-stratified', test: 0.2 }, seeded: true },
  { name: 'temporal global', split: { method: 'temporal', test: 0.2, cutoff: 'global' }, seeded: false },
  { name: 'temporal user', split: { method: 'temporal', test: 0.2, cutoff: 'user' }, seeded: false },
  { name: 'leave-one-out', split: { method: 'leave-one-out' }, seeded: false },
  { name: 'leave-one-out without timestamps', split: { method: 'leave-one-out' }, seeded: true, data: synthNoTime },
  { name: 'predefined', split: { method: 'predefined', train: 'u1.base', test: 'u1.test' }, seeded: true },
];
const rowsFor = (c: Case, seed: number, extra: Record<string, unknown> = {}) =>
  splitRows(c.data ?? synth, parse({ valid: 0.1, ...c.split, ...extra }), seed, trainTest);

describe.each(cases)('splitRows $name', (c) => {
  const data = c.data ?? synth;

  it('gives disjoint, ascending train/valid/test that cover every row once', () => {
    expectPartition(rowsFor(c, 7), N);
  });

  it('carves validation from the training part only: the test rows do not depend on split.valid', () => {
    const without = rowsFor(c, 7, { valid: 0 });
    const withValid = rowsFor(c, 7, { valid: 0.3 });
    expect(without.valid).toHaveLength(0);
    expect(withValid.valid.length).toBeGreaterThan(0);
    expect(withValid.test).toEqual(without.test);
    expect(list(withValid.train).concat(list(withValid.valid)).sort((a, b) => a - b)).toEqual(list(without.train));
  });

  it('is deterministic per seed', () => {
    expect(rowsFor(c, 3)).toEqual(rowsFor(c, 3));
    const other = rowsFor(c, 4);
    if (c.seeded) expect(rowsFor(c, 3)).not.toEqual(other);
    else expect(rowsFor(c, 3)).toEqual(other);
  });

  it('splitRatings cuts exactly those rows, in their original order', () => {
    const split = parse({ valid: 0.1, ...c.split });
    const rows = splitRows(data, split, 7, trainTest);
    const s = splitRatings(data, split, 7, trainTest);
    expect(s.train).toEqual(subsetRatings(data, rows.train));
    expect(s.valid).toEqual(subsetRatings(data, rows.valid));
    expect(s.test).toEqual(subsetRatings(data, rows.test));
    expect(makeSplits(data, split, 7, trainTest)).toEqual([s]);
  });
});

describe('random', () => {
  it('holds out exactly round(n * test), then round(rest * valid) for validation', () => {
    const rows = splitRows(synth, parse({ method: 'random', test: 0.23, valid: 0.15 }), 7);
    expect(rows.test).toHaveLength(Math.round(N * 0.23));
    expect(rows.valid).toHaveLength(Math.round((N - Math.round(N * 0.23)) * 0.15));
  });
});

describe('user-stratified', () => {
  it("holds out min(n - 1, round(n * test)) of each user's ratings; single-rating users keep theirs in train", () => {
    const rows = splitRows(synth, parse({ method: 'user-stratified', test: 0.3, valid: 0.1 }), 7);
    const total = countByUser(synth, allSynth);
    const test = countByUser(synth, rows.test);
    expect([...total.values()].some((n) => n === 1)).toBe(true);
    for (const [user, n] of total) {
      expect(test.get(user) ?? 0).toBe(n < 2 ? 0 : Math.min(n - 1, Math.round(n * 0.3)));
    }
  });
});

describe('temporal', () => {
  it('global: the latest test fraction is test; validation is the latest part of the rest', () => {
    const rows = splitRows(synth, parse({ method: 'temporal', test: 0.2, valid: 0.1 }), 7);
    const times = (part: Int32Array) => list(part).map((row) => ts(synth, row));
    expect(rows.test).toHaveLength(Math.round(N * 0.2));
    expect(rows.valid).toHaveLength(Math.round((N - rows.test.length) * 0.1));
    expect(Math.max(...times(rows.train))).toBeLessThanOrEqual(Math.min(...times(rows.valid)));
    expect(Math.max(...times(rows.valid))).toBeLessThanOrEqual(Math.min(...times(rows.test)));
  });

  it('global: ties at the cut-off go by row order (hand-built)', () => {
    // By (time, row): 6 1 10 0 3 4 5 2 7 9 8; the latest 3 of 11 are test, the latest 2 of the other 8 are valid.
    const rows = splitRows(tiny, parse({ method: 'temporal', test: 0.3, valid: 0.25 }), 1);
    expect(lists(rows)).toEqual({ train: [0, 1, 3, 4, 6, 10], valid: [2, 5], test: [7, 8, 9] });
  });

  it("user: every test rating of a user is at or after all that user's other ratings; validation the latest of the rest", () => {
    const rows = splitRows(synth, parse({ method: 'temporal', test: 0.3, valid: 0.2, cutoff: 'user' }), 7);
    const train = rowsOfUser(synth, rows.train);
    const valid = rowsOfUser(synth, rows.valid);
    const test = rowsOfUser(synth, rows.test);
    let users = 0;
    for (const [user, trainRows] of train) {
      const v = valid.get(user) ?? [];
      const t = test.get(user) ?? [];
      const n = trainRows.length + v.length + t.length;
      expect(t).toHaveLength(n < 2 ? 0 : Math.min(n - 1, Math.round(n * 0.3)));
      const rest = n - t.length;
      expect(v).toHaveLength(rest < 2 ? 0 : Math.min(rest - 1, Math.round(rest * 0.2)));
      const maxTrain = Math.max(...trainRows.map((row) => ts(synth, row)));
      for (const row of v) expect(ts(synth, row)).toBeGreaterThanOrEqual(maxTrain);
      for (const row of t) expect(ts(synth, row)).toBeGreaterThanOrEqual(Math.max(maxTrain, ...v.map((r) => ts(synth, r))));
      users += 1;
    }
    expect(users).toBe(countByUser(synth, allSynth).size);
  });

  it('user: hand-built, with ties going to the later row', () => {
    const rows = splitRows(tiny, parse({ method: 'temporal', test: 0.4, valid: 0.3, cutoff: 'user' }), 1);
    expect(lists(rows)).toEqual({ train: [0, 1, 3, 6, 10], valid: [4, 9], test: [2, 5, 7, 8] });
  });

  it.each(['global', 'user'])('%s: refuses data without timestamps', (cutoff) => {
    const run = () => splitRows(tinyNoTime, parse({ method: 'temporal', cutoff }), 1);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('split.method temporal: the data has no timestamps; expected a source with timestamps or another split method');
  });
});

describe('leave-one-out', () => {
  it("tests on each user's latest rating and validates on the latest remaining one (hand-built, ties to the later row)", () => {
    const rows = splitRows(tiny, parse({ method: 'leave-one-out', valid: 0.1 }), 1);
    expect(lists(rows)).toEqual({ train: [0, 1, 3, 4, 6, 10], valid: [2, 9], test: [5, 7, 8] });
  });

  it('synthetic: exactly one test rating per user with two or more, the latest; valid the latest of the rest', () => {
    const rows = splitRows(synth, parse({ method: 'leave-one-out', valid: 0.1 }), 7);
    const all = rowsOfUser(synth, allSynth);
    const test = rowsOfUser(synth, rows.test);
    const valid = rowsOfUser(synth, rows.valid);
    for (const [user, mine] of all) {
      if (mine.length < 2) {
        expect(test.has(user)).toBe(false);
        continue;
      }
      expect(test.get(user)).toEqual([latest(synth, mine)]);
      const rest = mine.filter((row) => row !== latest(synth, mine));
      expect(valid.get(user)).toEqual(rest.length < 2 ? undefined : [latest(synth, rest)]);
    }
    expect(rows.test).toHaveLength([...all.values()].filter((m) => m.length >= 2).length);
  });

  it('ignores split.test; split.valid 0 means no validation', () => {
    const a = splitRows(synth, parse({ method: 'leave-one-out', test: 0.2 }), 7);
    const b = splitRows(synth, parse({ method: 'leave-one-out', test: 0.6 }), 7);
    expect(a).toEqual(b);
    expect(splitRows(synth, parse({ method: 'leave-one-out', valid: 0 }), 7).valid).toHaveLength(0);
  });

  it('without timestamps: one seeded random rating per user with two or more', () => {
    const rows = splitRows(tinyNoTime, parse({ method: 'leave-one-out', valid: 0.1 }), 1);
    expectPartition(rows, tiny.user.length);
    expect(countByUser(tiny, rows.test)).toEqual(new Map([[0, 1], [2, 1], [3, 1]]));
    expect(countByUser(tiny, rows.valid)).toEqual(new Map([[0, 1], [3, 1]]));
    const tests = new Set(Array.from({ length: 20 }, (_, seed) => list(splitRows(tinyNoTime, parse({ method: 'leave-one-out' }), seed).test).join()));
    expect(tests.size).toBeGreaterThan(1);
  });
});

describe('predefined', () => {
  it('uses exactly the given rows: test = predefined.test, train + valid = predefined.train', () => {
    const rows = splitRows(synth, parse({ method: 'predefined', train: 'a', test: 'b', valid: 0.1 }), 7, trainTest);
    expect(rows.test).toEqual(trainTest.test);
    expect(list(rows.train).concat(list(rows.valid)).sort((a, b) => a - b)).toEqual(list(trainTest.train));
    expect(rows.valid).toHaveLength(Math.round(trainTest.train.length * 0.1));
  });

  it('drops rows in neither list, and sorts unsorted lists', () => {
    const given = { train: Int32Array.from([9, 0, 4, 2]), test: Int32Array.from([7, 3]) };
    const rows = splitRows(tiny, parse({ method: 'predefined', train: 'a', test: 'b', valid: 0 }), 1, given);
    expect(lists(rows)).toEqual({ train: [0, 2, 4, 9], valid: [], test: [3, 7] });
    expectPartition(rows, tiny.user.length, [0, 2, 3, 4, 7, 9]);
  });

  it('refuses a source without predefined rows', () => {
    const run = () => splitRows(tiny, parse({ method: 'predefined', train: 'a', test: 'b' }), 1);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('split.method predefined: this data source gave no predefined train/test files; set split.train and split.test');
  });

  it('refuses rows out of range or listed twice', () => {
    const split = parse({ method: 'predefined', train: 'a', test: 'b' });
    expect(() => splitRows(tiny, split, 1, { train: Int32Array.from([0, 11]), test: Int32Array.from([1]) })).toThrow(DataError);
    expect(() => splitRows(tiny, split, 1, { train: Int32Array.from([0, 1]), test: Int32Array.from([1]) })).toThrow('row 1 is listed twice');
  });
});

describe('k-fold', () => {
  const split = parse({ method: 'k-fold', folds: 5, valid: 0.1 });
  const folds = kFoldRows(synth, split, 7);

  it('gives split.folds folds whose test sets are disjoint, cover every row once and differ in size by at most one', () => {
    expect(folds).toHaveLength(5);
    const tests = folds.flatMap((f) => list(f.test));
    expect(tests).toHaveLength(N);
    expect(new Set(tests).size).toBe(N);
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const odd = kFoldRows(tiny, parse({ method: 'k-fold', folds: 3 }), 1).map((f) => f.test.length);
    expect(odd.sort()).toEqual([3, 4, 4]);
  });

  it('each fold trains and validates on the other folds: disjoint from its test, together every row', () => {
    for (const fold of folds) {
      expectPartition(fold, N);
      expect(fold.valid).toHaveLength(Math.round((N - fold.test.length) * 0.1));
    }
  });

  it('is deterministic per seed, and kFoldSplits / makeSplits cut the same rows', () => {
    expect(kFoldRows(synth, split, 7)).toEqual(folds);
    expect(kFoldRows(synth, split, 8)[0]?.test).not.toEqual(folds[0]?.test);
    const splits = kFoldSplits(synth, split, 7);
    const cut = (f: SplitRows) => ({ train: subsetRatings(synth, f.train), valid: subsetRatings(synth, f.valid), test: subsetRatings(synth, f.test) });
    expect(splits).toEqual(folds.map(cut));
    expect(makeSplits(synth, split, 7)).toEqual(splits);
  });

  it('refuses more folds than ratings; splitRatings points to kFoldSplits', () => {
    expect(() => kFoldRows(tiny, parse({ method: 'k-fold', folds: 12 }), 1)).toThrow(
      'split.folds: expected at most as many folds as ratings (11), found 12',
    );
    expect(() => splitRatings(tiny, split, 1)).toThrow('use kFoldSplits or makeSplits');
  });
});

describe('split.test', () => {
  it('must be a fraction for methods that take one', () => {
    expect(() => splitRows(tiny, parse({ method: 'random', test: 'u1.test' }), 1)).toThrow(
      "split.test: expected a fraction between 0 and 1 for split.method random, found 'u1.test'",
    );
  });
});
