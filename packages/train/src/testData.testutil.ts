/**
 * Test data for train's own tests. Stages never import each other, so this builds a
 * small non-linear data set with core alone rather than calling datagen.
 */
import { meanRating, Rng, subsetRatings, type DataInfo, type Ratings, type SplitConfig, type SyntheticConfig } from '@deeprec/core';

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
  return {
    info: { numUsers: config.users, numItems: config.items, scale: { min: 1, max: 5 }, trainMean: meanRating(train), counts: { train: train.user.length, valid: nValid, test: 0 }, source: 'test' },
    train,
    valid,
  };
}
