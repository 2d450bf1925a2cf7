/**
 * Test data for train's own tests. Stages never import each other, so this builds a
 * small non-linear data set with core alone rather than calling datagen.
 */
import { meanRating, memorySource, subsetRatings, type DataInfo, type Ratings, type RatingSource } from '@deeprec/artifacts';
import { Rng } from '@deeprec/base';
import { type SplitConfig, type SyntheticConfig } from '@deeprec/config';

/** Test data as runTrain's inputs: the train ratings as an in-memory source (in blocks of `blockRows`, one block by default). */
export function trainInputs<T extends { train: Ratings }>(data: T, blockRows?: number): Omit<T, 'train'> & { train: RatingSource } {
  return { ...data, train: memorySource(data.train, blockRows) };
}

export function generateSyntheticForTest(config: SyntheticConfig, split: SplitConfig, seed: number): { info: DataInfo; train: Ratings; valid: Ratings } {
  const rng = new Rng(seed, 'train-test-data');
  const bu = Array.from({ length: config.users }, () => rng.normal());
  const bi = Array.from({ length: config.items }, () => rng.normal());
  const fu = Array.from({ length: config.users }, () => rng.normal());
  const fi = Array.from({ length: config.items }, () => rng.normal());
  const seen = new Set<number>();
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  while (user.length < config.ratings) {
    const u = rng.int(config.users);
    const i = rng.int(config.items);
    if (seen.has(u * config.items + i)) continue;
    seen.add(u * config.items + i);
    user.push(u);
    item.push(i);
    const raw = 3 + 0.6 * (bu[u] as number) + 0.6 * (bi[i] as number) + Math.sin(2 * (fu[u] as number) * (fi[i] as number)) + 0.2 * rng.normal();
    rating.push(Math.min(5, Math.max(1, raw)));
  }
  const all: Ratings = { user: Int32Array.from(user), item: Int32Array.from(item), rating: Float32Array.from(rating) };
  const nValid = Math.round(user.length * split.valid);
  const order = rng.permutation(user.length);
  const valid = subsetRatings(all, order.subarray(0, nValid));
  const train = subsetRatings(all, order.subarray(nValid));
  const fold = { trainMean: meanRating(train), counts: { train: train.user.length, valid: nValid, test: 0 }, coldStart: { users: 0, items: 0, ratings: 0 } };
  return {
    info: { ...fold, numUsers: config.users, numItems: config.items, scale: { min: 1, max: 5 }, source: 'test', feedback: 'explicit', negatives: 0, folds: [fold] },
    train,
    valid,
  };
}

export interface ImplicitTestData {
  info: DataInfo;
  train: Ratings;
  valid: Ratings;
  test: Ratings;
}

/**
 * Clustered implicit data: users and items fall into `clusters` groups; each user
 * interacts with `perUser` distinct items, a share `inCluster` of them from their own
 * group (popular items more often, Zipf 0.5 within the group) and the rest from anywhere.
 * One random interaction per user is held out for test and one for validation.
 */
export function implicitDataForTest(
  options: { users: number; items: number; clusters: number; perUser: number; inCluster: number },
  seed: number,
): ImplicitTestData {
  const { users, items, clusters, perUser, inCluster } = options;
  const rng = new Rng(seed, 'implicit-test-data');
  const groupOf = (i: number) => i % clusters;
  const byGroup = Array.from({ length: clusters }, (_, g) => Array.from({ length: items }, (_, i) => i).filter((i) => groupOf(i) === g));
  const zipf = (n: number) => {
    const w = Array.from({ length: n }, (_, r) => 1 / Math.sqrt(r + 1));
    const total = w.reduce((a, b) => a + b, 0);
    const u = rng.uniform() * total;
    let acc = 0;
    for (let r = 0; r < n; r += 1) {
      acc += w[r] as number;
      if (acc > u) return r;
    }
    return n - 1;
  };
  const parts: Record<'train' | 'valid' | 'test', { user: number[]; item: number[] }> = {
    train: { user: [], item: [] },
    valid: { user: [], item: [] },
    test: { user: [], item: [] },
  };
  for (let u = 0; u < users; u += 1) {
    const group = byGroup[u % clusters] as number[];
    const chosen = new Set<number>();
    while (chosen.size < perUser) chosen.add(rng.uniform() < inCluster ? (group[zipf(group.length)] as number) : rng.int(items));
    const list = rng.shuffle(Array.from(chosen));
    list.forEach((i, k) => {
      const part = k === 0 ? parts.test : k === 1 ? parts.valid : parts.train;
      part.user.push(u);
      part.item.push(i);
    });
  }
  const table = (p: { user: number[]; item: number[] }): Ratings => ({
    user: Int32Array.from(p.user),
    item: Int32Array.from(p.item),
    rating: new Float32Array(p.user.length).fill(1),
  });
  const [train, valid, test] = [table(parts.train), table(parts.valid), table(parts.test)];
  const fold = { trainMean: 1, counts: { train: train.user.length, valid: valid.user.length, test: test.user.length }, coldStart: { users: 0, items: 0, ratings: 0 } };
  return {
    info: { ...fold, numUsers: users, numItems: items, scale: { min: 0, max: 1 }, source: 'test', feedback: 'implicit', negatives: 0, folds: [fold] },
    train,
    valid,
    test,
  };
}
