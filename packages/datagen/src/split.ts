/**
 * Splitting ratings into train, validation and test. Every method is seeded and
 * deterministic; validation is always carved out of the training part, so the test
 * set never influences training, tuning or early stopping.
 *
 * Test set, by split.method:
 * - random: round(n * test) rows drawn at random.
 * - user-stratified: per user, min(n_u - 1, round(n_u * test)) random rows; a user with
 *   a single rating keeps it in train.
 * - temporal (needs timestamps), cutoff global: the latest round(n * test) rows by
 *   (timestamp, row index), so no test rating is earlier than a training rating.
 *   cutoff user: per user, the latest min(n_u - 1, round(n_u * test)) rows.
 * - leave-one-out: per user with two or more ratings, the latest one (timestamp ties go
 *   to the later row); without timestamps a seeded random one. split.test is ignored.
 * - predefined: the rows the importer read from split.test (train: from split.train).
 * - k-fold: a seeded shuffle cut into split.folds near-equal parts; fold f tests on part f
 *   (kFoldSplits / makeSplits; splitRatings refuses it).
 *
 * Validation, carved from train with split.valid as the fraction (none when it is 0):
 * temporal: the latest fraction of train (global), or each user's latest fraction
 * (user, at most n_u - 1); leave-one-out: each user's latest remaining rating, for users
 * with two or more left (random without timestamps); every other method: random rows.
 *
 * Every output lists its rows in their original relative order.
 */
import { subsetRatings, type Ratings } from '@deeprec/artifacts';
import { ConfigError, DataError, Rng } from '@deeprec/base';
import { type SplitConfig } from '@deeprec/config';
import {
  allRows,
  fractionOfUser,
  latestHoldout,
  oneOfUser,
  perUserHoldout,
  randomHoldout,
  timeOrder,
  type Holdout,
} from './split/rows';
import type { SplitRatings } from './types';

/** Rows of a split: indices into the ratings, each ascending. */
export interface SplitRows {
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
}

/** Row indices from an importer's own train and test files. */
export interface PredefinedRows {
  train: Int32Array;
  test: Int32Array;
}

function testFraction(split: SplitConfig): number {
  if (typeof split.test !== 'number') {
    throw new ConfigError(`split.test: expected a fraction between 0 and 1 for split.method ${split.method}, found '${split.test}'`);
  }
  return split.test;
}

/** Row order by (timestamp, row) for the methods that use time; temporal requires timestamps. */
type ByTime = ((a: number, b: number) => number) | undefined;
function byTimeFor(r: Ratings, split: SplitConfig): ByTime {
  if (split.method === 'temporal' && !r.timestamp) {
    throw new ConfigError(`split.method ${split.method}: the data has no timestamps; expected a source with timestamps or another split method`);
  }
  const usesTime = split.method === 'temporal' || split.method === 'leave-one-out';
  return usesTime && r.timestamp ? timeOrder(r.timestamp) : undefined;
}

/** The given rows, checked (in range, each once, train and test disjoint) and sorted. */
function predefinedRows(n: number, predefined: PredefinedRows | undefined): { keep: Int32Array; held: Int32Array } {
  if (!predefined) {
    throw new ConfigError('split.method predefined: this data source gave no predefined train/test files; set split.train and split.test');
  }
  const seen = new Uint8Array(n);
  for (const [part, rows] of [['train', predefined.train], ['test', predefined.test]] as const) {
    for (const row of rows) {
      if (!(row >= 0 && row < n)) throw new DataError(`split.method predefined: ${part} row ${row} is outside the ${n} ratings`);
      if (seen[row]) throw new DataError(`split.method predefined: row ${row} is listed twice in train/test`);
      seen[row] = 1;
    }
  }
  return { keep: predefined.train.slice().sort(), held: predefined.test.slice().sort() };
}

/** Train (keep) and test (held) rows of every method but k-fold. */
function testHoldout(r: Ratings, split: SplitConfig, seed: number, predefined: PredefinedRows | undefined, byTime: ByTime): Holdout {
  const rng = new Rng(seed, 'split', split.method);
  const all = allRows(r.user.length);
  switch (split.method) {
    case 'random':
      return randomHoldout(all, testFraction(split), rng);
    case 'user-stratified':
      return perUserHoldout(r.user, all, fractionOfUser(testFraction(split)), { rng });
    case 'temporal': {
      const fraction = testFraction(split);
      if (!byTime) throw new Error('split: temporal without a time order');
      return split.cutoff === 'global' ? latestHoldout(all, fraction, byTime) : perUserHoldout(r.user, all, fractionOfUser(fraction), { byTime });
    }
    case 'leave-one-out':
      return perUserHoldout(r.user, all, oneOfUser, byTime ? { byTime } : { rng });
    case 'predefined':
      return predefinedRows(r.user.length, predefined);
    case 'k-fold':
      throw new Error('splitRatings: split.method k-fold gives one split per fold; use kFoldSplits or makeSplits');
  }
}

/** Validation (held) carved from the training rows, by the method's own rule. */
function validHoldout(r: Ratings, split: SplitConfig, train: Int32Array, rng: Rng, byTime: ByTime): Holdout {
  if (split.valid === 0) return { keep: train, held: new Int32Array(0) };
  switch (split.method) {
    case 'temporal': {
      if (!byTime) throw new Error('split: temporal without a time order');
      return split.cutoff === 'global'
        ? latestHoldout(train, split.valid, byTime)
        : perUserHoldout(r.user, train, fractionOfUser(split.valid), { byTime });
    }
    case 'leave-one-out':
      return perUserHoldout(r.user, train, oneOfUser, byTime ? { byTime } : { rng });
    default:
      return randomHoldout(train, split.valid, rng);
  }
}

/** The rows of a single train/valid/test split (every method but k-fold). */
export function splitRows(r: Ratings, split: SplitConfig, seed: number, predefined?: PredefinedRows): SplitRows {
  const byTime = byTimeFor(r, split);
  const { keep: trainAndValid, held: test } = testHoldout(r, split, seed, predefined, byTime);
  const { keep: train, held: valid } = validHoldout(r, split, trainAndValid, new Rng(seed, 'split', 'valid'), byTime);
  return { train, valid, test };
}

/** The rows of every fold of a k-fold split: fold f tests on part f of a seeded shuffle and trains on the rest. */
export function kFoldRows(r: Ratings, split: SplitConfig, seed: number): SplitRows[] {
  const n = r.user.length;
  const k = split.folds;
  if (k > n) throw new ConfigError(`split.folds: expected at most as many folds as ratings (${n}), found ${k}`);
  const order = new Rng(seed, 'split', 'k-fold').permutation(n);
  const foldOf = new Int32Array(n);
  // Part f is order[floor(f n / k), floor((f + 1) n / k)): sizes differ by at most one.
  for (let f = 0; f < k; f += 1) {
    for (let i = Math.floor((f * n) / k); i < Math.floor(((f + 1) * n) / k); i += 1) foldOf[order[i] as number] = f;
  }
  const folds: SplitRows[] = [];
  for (let f = 0; f < k; f += 1) {
    const trainAndValid: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i += 1) (foldOf[i] === f ? test : trainAndValid).push(i);
    const rng = new Rng(seed, 'split', 'valid', 'fold', f);
    const { keep: train, held: valid } = validHoldout(r, split, Int32Array.from(trainAndValid), rng, undefined);
    folds.push({ train, valid, test: Int32Array.from(test) });
  }
  return folds;
}

/** The split's tables, cut from the ratings by its rows. */
export function cutSplit(r: Ratings, rows: SplitRows): SplitRatings {
  return { train: subsetRatings(r, rows.train), valid: subsetRatings(r, rows.valid), test: subsetRatings(r, rows.test) };
}

/**
 * Splits ratings into train, valid and test by `split.method` (every method but k-fold).
 * `predefined` is the importer's train/test rows, required by method predefined.
 */
export function splitRatings(r: Ratings, split: SplitConfig, seed: number, predefined?: PredefinedRows): SplitRatings {
  return cutSplit(r, splitRows(r, split, seed, predefined));
}

/** One split per fold of a k-fold split (split.folds of them). */
export function kFoldSplits(r: Ratings, split: SplitConfig, seed: number): SplitRatings[] {
  return kFoldRows(r, split, seed).map((rows) => cutSplit(r, rows));
}

/** The rows of every split a config asks for: the folds of k-fold, otherwise the single split. */
export function makeSplitRows(r: Ratings, split: SplitConfig, seed: number, predefined?: PredefinedRows): SplitRows[] {
  return split.method === 'k-fold' ? kFoldRows(r, split, seed) : [splitRows(r, split, seed, predefined)];
}

/** Every split a config asks for, as tables. */
export function makeSplits(r: Ratings, split: SplitConfig, seed: number, predefined?: PredefinedRows): SplitRatings[] {
  return makeSplitRows(r, split, seed, predefined).map((rows) => cutSplit(r, rows));
}
