/**
 * The seed document's synthetic ratings: users and items with hidden factors, and a
 * rating that is a non-linear (trigonometric) function of them plus biases and noise.
 * A linear model of the factors cannot fit the interaction term, which is what gives
 * the deep models something to learn beyond user and item biases.
 */
import { ConfigError, Rng, WeightedSampler } from '@deeprec/base';
import { type SyntheticConfig } from '@deeprec/config';
import { PairSet } from './pairSet';
import type { RawRatings } from './types';

function factors(rng: Rng, n: number, dim: number): Float64Array {
  const out = new Float64Array(n * dim);
  for (let i = 0; i < out.length; i += 1) out[i] = rng.normal();
  return out;
}

/** Zipf-like weights over a random ordering of n entities: a few popular, a long tail. */
function popularityWeights(rng: Rng, n: number, exponent: number): Float64Array {
  const rank = rng.permutation(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i += 1) w[i] = (1 + (rank[i] as number)) ** -exponent;
  return w;
}

/** The hidden rating before noise: biases plus a non-linear interaction of the factors. */
export function latentScore(u: Float64Array, v: Float64Array, ui: number, vi: number, dim: number, bu: number, bi: number): number {
  let dot = 0;
  for (let k = 0; k < dim; k += 1) dot += (u[ui * dim + k] as number) * (v[vi * dim + k] as number);
  const first = u[ui * dim] as number;
  const second = dim > 1 ? (v[vi * dim + 1] as number) : (v[vi * dim] as number);
  return bu + bi + Math.sin((1.5 * dot) / Math.sqrt(dim)) + 0.5 * Math.cos(first * second);
}

export function generateSynthetic(config: SyntheticConfig, seed: number): RawRatings {
  const { users, items, ratings, latentDim: dim, noise, scale } = config;
  if (ratings > users * items * 0.9) {
    throw new ConfigError(
      `data.synthetic.ratings: expected at most 90% of users x items (${Math.floor(users * items * 0.9)}), found ${ratings}`,
    );
  }
  const rng = new Rng(seed, 'synthetic');
  const u = factors(rng, users, dim);
  const v = factors(rng, items, dim);
  const bu = Float64Array.from({ length: users }, () => 0.5 * rng.normal());
  const bi = Float64Array.from({ length: items }, () => 0.5 * rng.normal());
  const userSampler = new WeightedSampler(popularityWeights(rng, users, config.popularity));
  const itemSampler = new WeightedSampler(popularityWeights(rng, items, config.popularity));

  const mid = (scale.min + scale.max) / 2;
  const half = (scale.max - scale.min) / 2;
  const seen = new PairSet(ratings);
  const user = new Int32Array(ratings);
  const item = new Int32Array(ratings);
  const rating = new Float32Array(ratings);
  const timestamp = new BigInt64Array(ratings);
  const start = 1_600_000_000;
  let n = 0;
  while (n < ratings) {
    const ui = userSampler.sample(rng);
    const vi = itemSampler.sample(rng);
    const key = ui * items + vi;
    if (!seen.add(key)) continue;
    const raw = latentScore(u, v, ui, vi, dim, bu[ui] as number, bi[vi] as number) + noise * rng.normal();
    // tanh keeps the scale's ends reachable but rare, as in real rating data.
    let r = mid + half * Math.tanh(raw / 1.5);
    if (config.integer) r = Math.round(r);
    user[n] = ui;
    item[n] = vi;
    rating[n] = Math.min(scale.max, Math.max(scale.min, r));
    timestamp[n] = BigInt(start + Math.floor(rng.uniform() * 365 * 86_400));
    n += 1;
  }
  return {
    ratings: { user, item, rating, timestamp },
    userIds: Array.from({ length: users }, (_, i) => `u${i + 1}`),
    itemIds: Array.from({ length: items }, (_, i) => `i${i + 1}`),
    scale,
  };
}
