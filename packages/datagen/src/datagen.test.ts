import { ArtifactCatalogue, openDataset, RATINGS_SCHEMA, readRatings, TableBatchReader } from '@deeprec/artifacts';
import { silentLogger } from '@deeprec/testing';
import { SplitSchema, SyntheticSchema } from '@deeprec/config';
import { PairSet } from './pairSet';
import { splitTables, writeDatagen } from './run';
import { configIn, tempDir } from './sources/fixtures.testutil';
import { splitRatings } from './split';
import { generateSynthetic } from './synthetic';

const synthetic = SyntheticSchema.parse({});

describe('generateSynthetic', () => {
  const raw = generateSynthetic(synthetic, 42);

  it('makes the seed document data set: 500 users, 300 items, 3000 distinct ratings on 1-5', () => {
    expect(raw.userIds).toHaveLength(500);
    expect(raw.itemIds).toHaveLength(300);
    expect(raw.ratings.user).toHaveLength(3000);
    const pairs = new Set(Array.from(raw.ratings.user, (u, i) => `${u}:${raw.ratings.item[i]}`));
    expect(pairs.size).toBe(3000);
    for (const r of raw.ratings.rating) {
      expect(Number.isInteger(r) && r >= 1 && r <= 5).toBe(true);
    }
    expect(Math.max(...raw.ratings.user)).toBeLessThan(500);
    expect(Math.max(...raw.ratings.item)).toBeLessThan(300);
  });

  it('uses the whole scale, not only the middle', () => {
    const counts = [1, 2, 3, 4, 5].map((v) => raw.ratings.rating.filter((r) => r === v).length);
    counts.forEach((c) => expect(c).toBeGreaterThan(30));
  });

  it('is deterministic per seed', () => {
    expect(generateSynthetic(synthetic, 42)).toEqual(raw);
    expect(generateSynthetic(synthetic, 43).ratings.rating).not.toEqual(raw.ratings.rating);
  });

  it('refuses more ratings than the matrix can hold', () => {
    expect(() => generateSynthetic(SyntheticSchema.parse({ users: 10, items: 10, ratings: 95 }), 1)).toThrow(
      'data.synthetic.ratings: expected at most 90% of users x items (90), found 95',
    );
  });
});

describe('splitRatings', () => {
  const raw = generateSynthetic(synthetic, 7);
  const key = (r: { user: Int32Array; item: Int32Array }, i: number) => `${r.user[i]}:${r.item[i]}`;
  const keys = (r: { user: Int32Array; item: Int32Array }) => Array.from(r.user, (_, i) => key(r, i));

  it.each(['random', 'user-stratified'] as const)('%s: train, valid and test are disjoint and cover every rating', (method) => {
    const s = splitRatings(raw.ratings, SplitSchema.parse({ method, test: 0.2, valid: 0.1 }), 7);
    const all = [...keys(s.train), ...keys(s.valid), ...keys(s.test)];
    expect(new Set(all).size).toBe(3000);
    expect(all).toHaveLength(3000);
    expect(s.test.user.length / 3000).toBeGreaterThan(0.1);
    expect(s.test.user.length / 3000).toBeLessThan(0.3);
    expect(s.valid.user.length / (s.train.user.length + s.valid.user.length)).toBeCloseTo(0.1, 2);
  });

  it('random: holds out exactly the test fraction', () => {
    const s = splitRatings(raw.ratings, SplitSchema.parse({ method: 'random', test: 0.2, valid: 0 }), 7);
    expect(s.test.user.length).toBe(600);
    expect(s.valid.user.length).toBe(0);
  });

  it('user-stratified: each user with two or more ratings keeps most in training and has the ratio in test', () => {
    const s = splitRatings(raw.ratings, SplitSchema.parse({ method: 'user-stratified', test: 0.25, valid: 0 }), 7);
    const count = (r: { user: Int32Array }) => r.user.reduce((m, u) => m.set(u, (m.get(u) ?? 0) + 1), new Map<number, number>());
    const train = count(s.train);
    const test = count(s.test);
    for (const [user, n] of test) {
      const total = n + (train.get(user) ?? 0);
      expect(train.get(user)).toBeGreaterThan(0);
      expect(n).toBe(Math.min(total - 1, Math.round(total * 0.25)));
    }
  });

  it('is deterministic per seed', () => {
    const split = SplitSchema.parse({});
    expect(splitRatings(raw.ratings, split, 3)).toEqual(splitRatings(raw.ratings, split, 3));
    expect(splitRatings(raw.ratings, split, 3).test.user).not.toEqual(splitRatings(raw.ratings, split, 4).test.user);
  });
});

describe('PairSet', () => {
  it('adds each key once, beyond its expected size and for keys up to 2^53', () => {
    const set = new PairSet(4);
    const keys = Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? i * 20_000 : 2 ** 52 + i * 4_294_967_296));
    expect(keys.map((k) => set.add(k)).every(Boolean)).toBe(true);
    expect(keys.map((k) => set.add(k)).some(Boolean)).toBe(false);
    expect(set.size).toBe(3000);
    expect([set.add(7), set.add(2 ** 53 - 2), set.add(7), set.size]).toEqual([true, true, false, 3002]);
  });
});

describe('writeDatagen', () => {
  it('writes each split in record batches of at most batchRows rows, the same rows as the split tables', async () => {
    const root = tempDir();
    const config = configIn(tempDir(), { source: 'synthetic', synthetic: { users: 60, items: 40, ratings: 500 } }, { method: 'random', test: 0.2, valid: 0.1 });
    const out = await writeDatagen(config, root, silentLogger(), { batchRows: 64 });
    const tables = splitTables(out);
    const data = openDataset(new ArtifactCatalogue(root, config.name));
    expect(data.info.counts).toEqual({ train: 360, valid: 40, test: 100 });
    for (const split of ['train', 'valid', 'test'] as const) {
      const file = new ArtifactCatalogue(root, config.name).data().ratings(split);
      const reader = TableBatchReader.open(file, RATINGS_SCHEMA);
      expect(reader.numBatches).toBe(Math.ceil(data.info.counts[split] / 64));
      expect(reader.rowsOf(0)).toBe(Math.min(64, data.info.counts[split]));
      reader.close();
      expect(readRatings(file)).toEqual(tables[split]);
    }
  });
});
