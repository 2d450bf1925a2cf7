import { silentLogger } from '@deeprec/testing';
import { ArtifactCatalogue, NEGATIVES_SCHEMA, readTable, type Ratings } from '@deeprec/artifacts';
import { ConfigError } from '@deeprec/base';
import { configIn, tempDir } from './sources/fixtures.testutil';
import { remapRows, sampleEvalNegatives, toInteractions } from './implicit';
import { runDatagen, splitTables, writeDatagen } from './run';
import { generateSynthetic } from './synthetic';
import type { RawRatings, SplitRatings } from './types';

const ratings = (rows: Array<[number, number, number, number]>): Ratings => ({
  user: Int32Array.from(rows, (r) => r[0]),
  item: Int32Array.from(rows, (r) => r[1]),
  rating: Float32Array.from(rows, (r) => r[2]),
  timestamp: BigInt64Array.from(rows, (r) => BigInt(r[3])),
});

const raw = (r: Ratings, users: number, items: number): RawRatings => ({
  ratings: r,
  userIds: Array.from({ length: users }, (_, i) => `u${i}`),
  itemIds: Array.from({ length: items }, (_, i) => `i${i}`),
  scale: { min: 1, max: 5 },
});

// user 0: items 0 (t1, 5 stars), 1 (t2, 4), 2 (t3, 2); user 1: items 0 (t5, 3), 3 (t4, 5), 1 (t6, 4)
const small = ratings([
  [0, 0, 5, 1],
  [0, 1, 4, 2],
  [0, 2, 2, 3],
  [1, 0, 3, 5],
  [1, 3, 5, 4],
  [1, 1, 4, 6],
]);

describe('toInteractions', () => {
  it('keeps ratings at or above the threshold, in order, as rating 1 with their timestamps', () => {
    const { ratings: r, rowMap } = toInteractions(small, 4);
    expect(Array.from(r.user)).toEqual([0, 0, 1, 1]);
    expect(Array.from(r.item)).toEqual([0, 1, 3, 1]);
    expect(Array.from(r.rating)).toEqual([1, 1, 1, 1]);
    expect(Array.from(r.timestamp!, Number)).toEqual([1, 2, 4, 6]);
    expect(Array.from(rowMap)).toEqual([0, 1, -1, -1, 2, 3]);
    expect(Array.from(remapRows(Int32Array.from([5, 2, 0]), rowMap))).toEqual([3, 0]);
  });

  it('keeps every rating without a threshold', () => {
    const { ratings: r } = toInteractions(small, undefined);
    expect(r.user).toEqual(small.user);
    expect(Array.from(r.rating)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});

describe('runDatagen with data.feedback implicit', () => {
  const dir = tempDir();
  const loo = (data: Record<string, unknown>, split: Record<string, unknown> = {}) =>
    configIn(dir, { source: 'synthetic', ...data }, { method: 'leave-one-out', valid: 0, ...split });

  it('converts before splitting: leave-one-out holds out each user\'s latest interaction', () => {
    const out = runDatagen(loo({ feedback: 'implicit', threshold: 4 }), raw(small, 2, 4));
    const split = splitTables(out);
    // user 0's latest rating (item 2, 2 stars) is no interaction; its latest interaction is item 1
    expect(Array.from(split.test.user)).toEqual([0, 1]);
    expect(Array.from(split.test.item)).toEqual([1, 1]);
    expect(Array.from(split.train.item)).toEqual([0, 3]);
    for (const part of [split.train, split.test]) expect(Array.from(part.rating).every((r) => r === 1)).toBe(true);
    expect(out.info.feedback).toBe('implicit');
    expect(out.info.scale).toEqual({ min: 0, max: 1 });
    expect(out.info.trainMean).toBe(1);
    expect(out.info.negatives).toBe(0);
    expect(out.negatives).toEqual([]);
  });

  it('without a threshold every rating is an interaction', () => {
    const split = splitTables(runDatagen(loo({ feedback: 'implicit' }), raw(small, 2, 4)));
    expect(Array.from(split.test.item)).toEqual([2, 1]);
    expect(split.train.user.length + split.test.user.length).toBe(6);
  });

  it('explicit data is unchanged', () => {
    const out = runDatagen(loo({}), raw(small, 2, 4));
    expect(out.info.feedback).toBe('explicit');
    expect(out.info.scale).toEqual({ min: 1, max: 5 });
    expect(Array.from(splitTables(out).test.rating)).toEqual([2, 4]);
  });

  it('predefined rows follow the conversion', () => {
    const config = configIn(dir, { source: 'synthetic', feedback: 'implicit', threshold: 4 }, { method: 'predefined', train: 'a', test: 'b', valid: 0 });
    const input = { ...raw(small, 2, 4), predefined: { train: Int32Array.from([0, 2, 3, 4]), test: Int32Array.from([1, 5]) } };
    const split = splitTables(runDatagen(config, input));
    expect(Array.from(split.train.item)).toEqual([0, 3]);
    expect(Array.from(split.test.item)).toEqual([1, 1]);
  });

  it('refuses a threshold on explicit data, and one above every rating', () => {
    expect(() => runDatagen(loo({ threshold: 4 }), raw(small, 2, 4))).toThrow(
      new ConfigError('data.threshold: only applies to implicit feedback; expected data.feedback: implicit, or no data.threshold'),
    );
    expect(() => runDatagen(loo({ feedback: 'implicit', threshold: 6 }), raw(small, 2, 4))).toThrow(
      new ConfigError('data.threshold: expected at most the highest rating (5) so that some ratings become interactions, found 6'),
    );
  });
});

describe('sampled-evaluation negatives', () => {
  const dir = tempDir();
  const synthetic = { source: 'synthetic', synthetic: { users: 120, items: 400, ratings: 2400 } };
  const generated = (seed = 42) => generateSynthetic({ ...(configIn(dir, synthetic).data.synthetic) }, seed);
  const run = (split: Record<string, unknown>, seed = 42, data: Record<string, unknown> = {}) => {
    const config = configIn(dir, { ...synthetic, ...data }, { valid: 0.1, ...split }, [`seed=${seed}`]);
    return runDatagen(config, generated());
  };

  function checkInvariants(split: SplitRatings, neg: { user: Int32Array; item: Int32Array; negative: Int32Array }, n: number): void {
    const interacted = new Set<string>();
    for (const part of [split.train, split.valid, split.test]) part.user.forEach((u, j) => interacted.add(`${u}:${part.item[j]}`));
    expect(neg.negative.length).toBe(split.test.user.length * n);
    // plain loops, one expect each: an expect per row is slow
    const problems: string[] = [];
    for (let r = 0; r < split.test.user.length; r += 1) {
      const u = split.test.user[r]!;
      const rows = neg.negative.subarray(r * n, (r + 1) * n);
      if (new Set(rows).size !== n) problems.push(`row ${r}: repeated negatives`);
      for (let j = r * n; j < (r + 1) * n; j += 1) {
        if (neg.user[j] !== u || neg.item[j] !== split.test.item[r]) problems.push(`row ${j}: not aligned with test row ${r}`);
        if (interacted.has(`${u}:${neg.negative[j]}`)) problems.push(`row ${j}: user ${u} interacted with ${neg.negative[j]}`);
        if (!(neg.negative[j]! >= 0 && neg.negative[j]! < 400)) problems.push(`row ${j}: item ${neg.negative[j]} out of range`);
      }
    }
    expect(problems).toEqual([]);
  }

  it.each([
    ['leave-one-out', 99, { method: 'leave-one-out' }, {}],
    ['random', 20, { method: 'random', test: 0.2 }, {}],
    ['leave-one-out, implicit with threshold 3', 99, { method: 'leave-one-out' }, { feedback: 'implicit', threshold: 3 }],
  ])('%s: N distinct never-interacted negatives per test row', (_, n, split, data) => {
    const out = run({ ...split, negatives: n }, 42, data);
    expect(out.info.negatives).toBe(n);
    expect(out.negatives).toHaveLength(1);
    checkInvariants(splitTables(out), out.negatives[0]!, n);
  });

  it('k-fold: one set per fold, from its own stream', () => {
    const out = run({ method: 'k-fold', folds: 3, negatives: 10 });
    expect(out.negatives).toHaveLength(3);
    out.splits.forEach((_, k) => checkInvariants(splitTables(out, k), out.negatives[k]!, 10));
  });

  it('is deterministic per seed', () => {
    const a = run({ method: 'leave-one-out', negatives: 50 }).negatives[0]!;
    expect(run({ method: 'leave-one-out', negatives: 50 }).negatives[0]).toEqual(a);
    expect(run({ method: 'leave-one-out', negatives: 50 }, 43).negatives[0]!.negative).not.toEqual(a.negative);
  });

  it('samples uniformly: every candidate about equally often', () => {
    // one user with items 0-9 interacted and 40 candidates; 2000 test rows of 10 negatives (sparse path) and of 30 (dense path)
    for (const n of [10, 30]) {
      const rows = 2000;
      const test: Ratings = { user: new Int32Array(rows), item: Int32Array.from({ length: rows }, (_, r) => r % 10), rating: new Float32Array(rows) };
      const empty: Ratings = { user: new Int32Array(0), item: new Int32Array(0), rating: new Float32Array(0) };
      const neg = sampleEvalNegatives({ train: empty, valid: empty, test }, 1, 50, n, 1, 0);
      const counts = new Array<number>(50).fill(0);
      for (const i of neg.negative) counts[i] = counts[i]! + 1;
      expect(counts.slice(0, 10)).toEqual(new Array(10).fill(0));
      const expected = (rows * n) / 40;
      for (const c of counts.slice(10)) expect(Math.abs(c - expected)).toBeLessThan(6 * Math.sqrt(expected));
    }
  });

  it('refuses more negatives than a test user has non-interacted items, naming how many users and the most possible', () => {
    const r = ratings([
      [0, 0, 5, 1],
      [0, 1, 5, 2],
      [0, 2, 5, 3],
      [1, 0, 5, 1],
      [1, 1, 5, 2],
      [2, 0, 5, 1],
      [2, 3, 5, 2],
      [2, 1, 5, 3],
    ]);
    const config = configIn(dir, { source: 'synthetic' }, { method: 'leave-one-out', valid: 0, negatives: 3 });
    expect(() => runDatagen(config, raw(r, 3, 5))).toThrow(
      new ConfigError('split.negatives: expected at most 2 (the fewest items a test user never interacted with), found 3; 2 users have fewer than 3 non-interacted items'),
    );
  });

  it('writeDatagen writes data/negatives.arrow (k-fold: data/fold-k/negatives.arrow) with NEGATIVES_SCHEMA', async () => {
    const root = tempDir();
    for (const split of [{ method: 'leave-one-out', negatives: 5 }, { method: 'k-fold', folds: 2, negatives: 5 }]) {
      const config = configIn(dir, synthetic, split);
      const out = await writeDatagen(config, root, silentLogger());
      const paths = new ArtifactCatalogue(root, config.name).data();
      const files = split.method === 'k-fold' ? [paths.fold(0).negatives, paths.fold(1).negatives] : [paths.negatives];
      files.forEach((file, k) => {
        const table = readTable(file, NEGATIVES_SCHEMA);
        expect(table.negative).toEqual(out.negatives[k]!.negative);
        expect(table.user).toEqual(out.negatives[k]!.user);
      });
    }
  });
});
