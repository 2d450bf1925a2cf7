/**
 * Item popularity of the training split: ratings per item ranked from the most
 * rated, the cumulative share of ratings they hold (the long-tail curve), the
 * short head, and the Gini coefficient. Counted over every rating, then thinned
 * to a few hundred curve points so the page stays small for 50k-item catalogues.
 */
import { countItems } from '@deeprec/artifacts';
import type { LongTail, LongTailPoint } from './types';

/** Curve points kept when the catalogue is larger than this. */
const MAX_POINTS = 600;
/** The short head holds at least this share of the training ratings. */
export const HEAD_SHARE = 0.5;

/** Ratings per item index (0..numItems-1); indices outside are ignored. */
export const itemCounts = countItems;

/** Gini coefficient of non-negative counts (0 when all are equal or all zero). */
export function gini(counts: ArrayLike<number>): number {
  const sorted = Float64Array.from(counts).sort();
  const n = sorted.length;
  let total = 0;
  let weighted = 0;
  sorted.forEach((x, i) => {
    total += x;
    weighted += (i + 1) * x;
  });
  return n === 0 || total === 0 ? 0 : (2 * weighted) / (n * total) - (n + 1) / n;
}

/** Ranks to draw: all of them for small catalogues, else a log grid (dense head) plus a linear grid. */
function ranksToKeep(n: number, extra: readonly number[]): number[] {
  if (n <= MAX_POINTS) return Array.from({ length: n }, (_, i) => i + 1);
  const keep = new Set<number>(extra.filter((r) => r >= 1 && r <= n));
  const half = MAX_POINTS / 2;
  for (let i = 0; i < half; i += 1) {
    keep.add(Math.max(1, Math.round(Math.exp((Math.log(n) * i) / (half - 1)))));
    keep.add(Math.max(1, Math.round(1 + ((n - 1) * i) / (half - 1))));
  }
  return [...keep].sort((a, b) => a - b);
}

/** The long-tail summary of the items rated in `items` (item indices of the training ratings). */
export function longTail(items: ArrayLike<number>, numItems: number): LongTail {
  const counts = Array.from(itemCounts(items, numItems)).sort((a, b) => b - a);
  const ratings = counts.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(counts.length);
  let running = 0;
  counts.forEach((c, i) => {
    running += c;
    cumulative[i] = ratings === 0 ? 0 : running / ratings;
  });
  const n = counts.length;
  const headIndex = cumulative.findIndex((share) => share >= HEAD_SHARE - 1e-12);
  const headItems = headIndex < 0 ? n : headIndex + 1;
  const unrated = counts.filter((c) => c === 0).length;
  const top20Items = Math.max(1, Math.round(n * 0.2));
  const points: LongTailPoint[] = ranksToKeep(n, [headItems, n - unrated, n - unrated + 1]).map((rank) => ({
    rank,
    count: counts[rank - 1] as number,
    itemShare: rank / n,
    ratingShare: cumulative[rank - 1] as number,
  }));
  return {
    items: n,
    ratings,
    unrated,
    points,
    head: { items: headItems, itemShare: n === 0 ? 0 : headItems / n, ratingShare: n === 0 ? 0 : (cumulative[headItems - 1] as number) },
    top20: n === 0 ? 0 : (cumulative[Math.min(n, top20Items) - 1] as number),
    gini: gini(counts),
  };
}
