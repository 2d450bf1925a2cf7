/**
 * Splitting ratings into train, validation and test. Every method is seeded and
 * deterministic; validation is always carved out of the training part, so the test
 * set never influences training, tuning or early stopping.
 */
import { ConfigError, Rng, subsetRatings, type Ratings, type SplitConfig } from '@deeprec/core';
import type { SplitRatings } from './types';

/** Rows of each user, in order of appearance. */
export function rowsByUser(r: Ratings): Map<number, number[]> {
  const byUser = new Map<number, number[]>();
  for (let i = 0; i < r.user.length; i += 1) {
    const u = r.user[i] as number;
    const rows = byUser.get(u);
    if (rows) rows.push(i);
    else byUser.set(u, [i]);
  }
  return byUser;
}

function randomHoldout(rows: Int32Array | number[], fraction: number, rng: Rng): { keep: number[]; held: number[] } {
  const order = rng.shuffle(Array.from(rows));
  const nHeld = Math.round(order.length * fraction);
  return { held: order.slice(0, nHeld).sort((a, b) => a - b), keep: order.slice(nHeld).sort((a, b) => a - b) };
}

function perUserHoldout(r: Ratings, rows: number[], fraction: number, rng: Rng): { keep: number[]; held: number[] } {
  const sub = subsetRatings(r, rows);
  const keep: number[] = [];
  const held: number[] = [];
  for (const local of rowsByUser(sub).values()) {
    const order = rng.shuffle(local.slice());
    // Users with a single rating keep it for training: a test rating of an unseen user says nothing.
    const nHeld = order.length < 2 ? 0 : Math.min(order.length - 1, Math.round(order.length * fraction));
    for (const [k, row] of order.entries()) (k < nHeld ? held : keep).push(rows[row] as number);
  }
  return { keep: keep.sort((a, b) => a - b), held: held.sort((a, b) => a - b) };
}

export function splitRatings(r: Ratings, split: SplitConfig, seed: number): SplitRatings {
  const rng = new Rng(seed, 'split', split.method);
  const all = Array.from({ length: r.user.length }, (_, i) => i);
  const testFraction = split.test as number;
  let trainRows: number[];
  let testRows: number[];
  switch (split.method) {
    case 'random': {
      const { keep, held } = randomHoldout(all, testFraction, rng);
      trainRows = keep;
      testRows = held;
      break;
    }
    case 'user-stratified': {
      const { keep, held } = perUserHoldout(r, all, testFraction, rng);
      trainRows = keep;
      testRows = held;
      break;
    }
    default:
      throw new ConfigError(`split.method: '${split.method}' is not available for this data source yet; expected random or user-stratified`);
  }
  const validRng = new Rng(seed, 'split', 'valid');
  const { keep, held } = randomHoldout(trainRows, split.valid, validRng);
  return { train: subsetRatings(r, keep), valid: subsetRatings(r, held), test: subsetRatings(r, testRows) };
}
