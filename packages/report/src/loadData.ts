/**
 * The data side of the report: rating histograms and item popularity of the
 * training split (fold 1 for k-fold), and the training-mean predictor scored on
 * every fold the way evaluate scores a model, so its figures compare one to one
 * with metrics.json (k-fold: mean over folds; warm and cold pooled).
 */
import type { Dataset, ErrorSummary, Ratings } from '@deeprec/artifacts';
import { longTail } from './popularity';
import { histogram, ratingStep } from './stats';
import type { ExperimentReportInput, MeanPredictor } from './types';

/** One fold's ratings as the mean predictor needs them. */
export interface FoldRatings {
  train: Ratings;
  test: Ratings;
  trainMean: number;
}

interface Sums {
  se: number;
  ae: number;
  count: number;
}

function add(s: Sums, error: number): void {
  s.se += error * error;
  s.ae += Math.abs(error);
  s.count += 1;
}

function summary(s: Sums): ErrorSummary {
  return s.count === 0 ? { rmse: Number.NaN, mae: Number.NaN, count: 0 } : { rmse: Math.sqrt(s.se / s.count), mae: s.ae / s.count, count: s.count };
}

/** Sample standard deviation (n - 1), as evaluate computes rmseStd. */
export function sampleStd(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
}

/** Errors of predicting each fold's training mean for its test ratings; warm = user and item seen in training. */
export function meanPredictor(folds: readonly FoldRatings[], numUsers: number, numItems: number): MeanPredictor {
  const warm: Sums = { se: 0, ae: 0, count: 0 };
  const cold: Sums = { se: 0, ae: 0, count: 0 };
  const perFold = folds.map((fold) => {
    const seenUser = new Uint8Array(numUsers);
    const seenItem = new Uint8Array(numItems);
    fold.train.user.forEach((u) => (seenUser[u] = 1));
    fold.train.item.forEach((i) => (seenItem[i] = 1));
    const all: Sums = { se: 0, ae: 0, count: 0 };
    for (let r = 0; r < fold.test.rating.length; r += 1) {
      const error = (fold.test.rating[r] as number) - fold.trainMean;
      add(all, error);
      add(seenUser[fold.test.user[r] as number] && seenItem[fold.test.item[r] as number] ? warm : cold, error);
    }
    return summary(all);
  });
  const mean = (key: 'rmse' | 'mae') => perFold.reduce((a, s) => a + s[key], 0) / perFold.length;
  const out: MeanPredictor = { rmse: mean('rmse'), mae: mean('mae'), coldStart: { warm: summary(warm), cold: summary(cold) } };
  if (perFold.length > 1) {
    out.folds = perFold;
    out.rmseStd = sampleStd(perFold.map((s) => s.rmse));
    out.maeStd = sampleStd(perFold.map((s) => s.mae));
  }
  return out;
}

/** Histograms, long tail and the mean predictor of an opened dataset; `step` is the rating granularity used everywhere. */
export function loadData(
  dataset: Dataset,
  provenance: ExperimentReportInput['data']['provenance'],
): { data: ExperimentReportInput['data']; baseline: MeanPredictor; step: number } {
  const { info } = dataset;
  const train = dataset.ratings('train', 0);
  const test = dataset.ratings('test', 0);
  const step = ratingStep([train.rating, test.rating], info.scale.min);
  const folds = info.folds.map((f, k) => ({ train: dataset.ratings('train', k), test: dataset.ratings('test', k), trainMean: f.trainMean }));
  return {
    data: {
      info,
      train: histogram(train.rating, info.scale, step),
      test: histogram(test.rating, info.scale, step),
      longTail: longTail(train.item, info.numItems),
      provenance,
    },
    baseline: meanPredictor(folds, info.numUsers, info.numItems),
    step,
  };
}
