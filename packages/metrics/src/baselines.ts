/**
 * The rating-error figures of metrics.json, for a model and for the train-mean
 * baseline alike: RMSE and MAE per fold, their mean and sample standard deviation
 * over folds (k-fold), and the test ratings split into warm (user and item seen in
 * training) and cold start, pooled over folds. Evaluate computes them where the data
 * is; the report only reads them, so each number has one implementation.
 *
 * k-fold definition: rmse and mae are the mean of the fold values (not the error of
 * the pooled test ratings), for models and the baseline alike, so a model and the
 * train mean are compared on the same footing and the spread (rmseStd) is over folds.
 */
import { seenInTraining, type ErrorSummary, type RatingErrors } from '@deeprec/artifacts';
import { mae, rmse } from './errorMetrics';

/** User and item index columns of a rating table. */
export interface UserItemPairs {
  user: ArrayLike<number>;
  item: ArrayLike<number>;
}

/** One fold's test ratings with a predictor's outputs. */
export interface FoldPredictions {
  actual: ArrayLike<number>;
  predicted: ArrayLike<number>;
  /** warmRatings of the fold's test set: 1 warm, 0 cold start. */
  warm: Uint8Array;
}

/** Sample standard deviation (n - 1 in the denominator); NaN for fewer than two values. */
export function sampleStd(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
}

/** RMSE, MAE and count of predictions against actual values (NaN errors when empty). */
export function errorSummary(actual: ArrayLike<number>, predicted: ArrayLike<number>): ErrorSummary {
  return { rmse: rmse(actual, predicted), mae: mae(actual, predicted), count: actual.length };
}

/** 1 for each test rating whose user and item both have a training rating, 0 for cold start. */
export function warmRatings(train: UserItemPairs, test: UserItemPairs, numUsers: number, numItems: number): Uint8Array {
  const seen = seenInTraining(train, numUsers, numItems);
  const warm = new Uint8Array(test.user.length);
  for (let r = 0; r < warm.length; r += 1) warm[r] = seen.user[test.user[r] as number] && seen.item[test.item[r] as number] ? 1 : 0;
  return warm;
}

/** Actual and predicted values of the rows of every fold whose warm flag is `flag`, in fold order. */
function pooled(folds: readonly FoldPredictions[], flag: 0 | 1): { actual: Float64Array; predicted: Float64Array } {
  let n = 0;
  for (const f of folds) for (const w of f.warm) if (w === flag) n += 1;
  const actual = new Float64Array(n);
  const predicted = new Float64Array(n);
  let at = 0;
  for (const f of folds) {
    f.warm.forEach((w, r) => {
      if (w !== flag) return;
      actual[at] = f.actual[r] as number;
      predicted[at] = f.predicted[r] as number;
      at += 1;
    });
  }
  return { actual, predicted };
}

/** A predictor's rating errors over the test ratings of every fold (see the file comment for k-fold). */
export function ratingErrors(folds: readonly FoldPredictions[]): RatingErrors {
  if (folds.length === 0) throw new RangeError('ratingErrors: expected at least one fold');
  for (const f of folds) {
    if (f.warm.length !== f.actual.length) throw new RangeError(`ratingErrors: expected a warm flag per test rating, found ${f.warm.length} for ${f.actual.length}`);
  }
  const perFold = folds.map((f) => errorSummary(f.actual, f.predicted));
  const mean = (key: 'rmse' | 'mae') => perFold.reduce((a, s) => a + s[key], 0) / perFold.length;
  const warm = pooled(folds, 1);
  const cold = pooled(folds, 0);
  const out: RatingErrors = {
    rmse: mean('rmse'),
    mae: mean('mae'),
    count: perFold.reduce((n, s) => n + s.count, 0),
    coldStart: { warm: errorSummary(warm.actual, warm.predicted), cold: errorSummary(cold.actual, cold.predicted) },
  };
  if (folds.length > 1) {
    out.folds = perFold;
    out.rmseStd = sampleStd(perFold.map((s) => s.rmse));
    out.maeStd = sampleStd(perFold.map((s) => s.mae));
  }
  return out;
}

/** The same figures with every rmse and mae NaN and the counts kept: implicit data has no rating error. */
export function withoutRatingErrors(errors: RatingErrors): RatingErrors {
  const none = (s: ErrorSummary): ErrorSummary => ({ rmse: Number.NaN, mae: Number.NaN, count: s.count });
  const out: RatingErrors = { ...none(errors), coldStart: { warm: none(errors.coldStart.warm), cold: none(errors.coldStart.cold) } };
  if (errors.folds) {
    out.folds = errors.folds.map(none);
    out.rmseStd = Number.NaN;
    out.maeStd = Number.NaN;
  }
  return out;
}

/** Predicting each fold's training mean (a float64, never rounded) for every one of its test ratings, scored by ratingErrors. */
export function meanBaseline(folds: ReadonlyArray<{ actual: ArrayLike<number>; trainMean: number; warm: Uint8Array }>): RatingErrors {
  return ratingErrors(folds.map((f) => ({ actual: f.actual, predicted: new Float64Array(f.actual.length).fill(f.trainMean), warm: f.warm })));
}
