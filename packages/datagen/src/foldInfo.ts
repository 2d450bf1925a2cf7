/**
 * What datagen records about a split (training mean, counts, cold start), computed over
 * the split's row indices: a 10M-rating split is never copied into tables of its own
 * just to be summarised. Same numbers as on the cut tables (rows are ascending, so sums
 * run in the same order).
 */
import { coldStart, meanRating, type FoldInfo, type Ratings } from '@deeprec/artifacts';
import type { SplitRows } from './split';

export function foldInfoOf(r: Ratings, rows: SplitRows, numUsers: number, numItems: number): FoldInfo {
  return {
    trainMean: meanRating(r, rows.train),
    counts: { train: rows.train.length, valid: rows.valid.length, test: rows.test.length },
    coldStart: coldStart(r, r, numUsers, numItems, rows),
  };
}
