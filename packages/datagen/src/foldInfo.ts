/**
 * What datagen records about a split (training mean, counts, cold start), computed over
 * the split's row indices: a 10M-rating split is never copied into tables of its own
 * just to be summarised. Same numbers as meanRating / coldStart on the cut tables
 * (rows are ascending, so sums run in the same order).
 */
import type { ColdStart, FoldInfo, Ratings } from '@deeprec/core';
import type { SplitRows } from './split';

function meanOfRows(rating: Float32Array, rows: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i += 1) sum += rating[rows[i] as number] as number;
  return rows.length === 0 ? 0 : sum / rows.length;
}

/** Cold-start users, items and ratings of the test rows: those whose user or item has no training row. */
function coldStartOfRows(r: Ratings, train: Int32Array, test: Int32Array, numUsers: number, numItems: number): ColdStart {
  const seenUser = new Uint8Array(numUsers);
  const seenItem = new Uint8Array(numItems);
  for (let i = 0; i < train.length; i += 1) {
    const row = train[i] as number;
    seenUser[r.user[row] as number] = 1;
    seenItem[r.item[row] as number] = 1;
  }
  const coldUsers = new Set<number>();
  const coldItems = new Set<number>();
  let ratings = 0;
  for (let i = 0; i < test.length; i += 1) {
    const row = test[i] as number;
    const u = r.user[row] as number;
    const it = r.item[row] as number;
    if (!seenUser[u]) coldUsers.add(u);
    if (!seenItem[it]) coldItems.add(it);
    if (!seenUser[u] || !seenItem[it]) ratings += 1;
  }
  return { users: coldUsers.size, items: coldItems.size, ratings };
}

export function foldInfoOf(r: Ratings, rows: SplitRows, numUsers: number, numItems: number): FoldInfo {
  return {
    trainMean: meanOfRows(r.rating, rows.train),
    counts: { train: rows.train.length, valid: rows.valid.length, test: rows.test.length },
    coldStart: coldStartOfRows(r, rows.train, rows.test, numUsers, numItems),
  };
}
