/**
 * Per-user top-K ranking metrics with binary relevance, and catalogue-level
 * coverage and novelty. Conventions (the tests pin each on hand-computed lists):
 *
 * For a ranked list L (best first, no repeated items), a relevant set R (|R| >= 1),
 * and a cut-off K, let hits(K) = |{ r <= K : L[r] in R }| with 1-based ranks r:
 *
 * - `hr@K`        hit ratio: 1 if hits(K) > 0, else 0.
 * - `precision@K` hits(K) / K. The denominator is K even when L is shorter than K
 *                 (fewer candidates than K): unfilled slots count as misses.
 * - `recall@K`    hits(K) / |R| (the standard definition; not hits / min(|R|, K),
 *                 so recall@K < 1 whenever |R| > K).
 * - `ndcg@K`      DCG / IDCG with DCG = sum over hits at rank r <= K of 1 / log2(r + 1)
 *                 and IDCG = sum_{r=1}^{min(|R|, K)} 1 / log2(r + 1) (the best DCG reachable).
 * - `map@K`       average precision at K: sum over hits at rank r <= K of precision@r,
 *                 divided by min(|R|, K) (so a perfect top-K list scores 1).
 * - `mrr@K`       1 / rank of the first relevant item when that rank is <= K, else 0.
 *
 * A user with no relevant items has every metric undefined: NaN (the evaluation
 * protocols skip such users rather than average NaN or a misleading 0).
 *
 * AUC per user: over a candidate set with scores, the fraction of (relevant,
 * non-relevant) pairs where the relevant item scores higher; ties count 1/2; NaN
 * scores rank below every number (and tie with each other). NaN when the candidate
 * set lacks relevant or non-relevant items.
 *
 * Coverage@K (catalogue coverage): the number of distinct items in the union of all
 * users' top-K lists, divided by the number of items in the catalogue.
 *
 * Novelty@K (mean self-information; Zhou et al. 2010, "Solving the apparent diversity-
 * accuracy dilemma of recommender systems", PNAS 107(10); Castells & Vargas, "Novelty and
 * diversity metrics for recommender systems", 2011): the mean over every recommended
 * (user, item) slot in the top-K lists of -log2 p(i), where p(i) is the fraction of users
 * who interacted with item i in training (`itemPopularity`). Higher = less popular items.
 * An item no training user touched has p(i) = 0 and infinite self-information; it is
 * counted at `minPopularity` instead (the evaluation protocols pass 1 / numUsers, i.e. as
 * rare as an item seen by a single user).
 */

export const RANKING_METRICS = ['hr', 'precision', 'recall', 'ndcg', 'map', 'mrr'] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

/** `name@k`, e.g. `ndcg@10`. */
export function metricKey(name: string, k: number): string {
  return `${name}@${k}`;
}

export function checkKs(ks: readonly number[], where: string): void {
  if (ks.length === 0) throw new RangeError(`${where}: at least one cut-off K is needed`);
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`${where}: cut-offs must be positive integers, found ${k}`);
  }
}

/** 1 / log2(rank + 1) for a 1-based rank. */
export function discount(rank: number): number {
  return 1 / Math.log2(rank + 1);
}

/** The ideal DCG with `relevantCount` relevant items and cut-off k: sum_{r=1}^{min(relevantCount, k)} 1/log2(r + 1). */
export function idealDcg(relevantCount: number, k: number): number {
  let sum = 0;
  const m = Math.min(relevantCount, k);
  for (let r = 1; r <= m; r += 1) sum += discount(r);
  return sum;
}

/**
 * Every metric of RANKING_METRICS at every K in `ks`, keyed `name@K`
 * (e.g. `{ 'hr@10': 1, 'ndcg@10': 0.63, ... }`). `ranked` is the user's list, best
 * first, at least max(ks) long where the catalogue allows; entries past max(ks) are ignored.
 */
export function rankingMetricsForUser(
  ranked: ArrayLike<number>,
  relevant: ReadonlySet<number>,
  ks: readonly number[],
): Record<string, number> {
  checkKs(ks, 'rankingMetricsForUser');
  const out: Record<string, number> = {};
  const nRel = relevant.size;
  if (nRel === 0) {
    for (const k of ks) for (const name of RANKING_METRICS) out[metricKey(name, k)] = Number.NaN;
    return out;
  }
  const maxK = Math.max(...ks);
  const length = Math.min(maxK, ranked.length);
  // prefix sums over ranks 1..length: hits, DCG, sum of precision@r at hits; and the first hit
  const hits = new Float64Array(length + 1);
  const dcg = new Float64Array(length + 1);
  const apSum = new Float64Array(length + 1);
  let firstHit = 0;
  for (let r = 1; r <= length; r += 1) {
    const hit = relevant.has(ranked[r - 1] as number);
    const h = (hits[r - 1] as number) + (hit ? 1 : 0);
    hits[r] = h;
    dcg[r] = (dcg[r - 1] as number) + (hit ? discount(r) : 0);
    apSum[r] = (apSum[r - 1] as number) + (hit ? h / r : 0);
    if (hit && firstHit === 0) firstHit = r;
  }
  for (const k of ks) {
    const m = Math.min(k, length);
    const h = hits[m] as number;
    out[metricKey('hr', k)] = h > 0 ? 1 : 0;
    out[metricKey('precision', k)] = h / k;
    out[metricKey('recall', k)] = h / nRel;
    out[metricKey('ndcg', k)] = (dcg[m] as number) / idealDcg(nRel, k);
    out[metricKey('map', k)] = (apSum[m] as number) / Math.min(nRel, k);
    out[metricKey('mrr', k)] = firstHit > 0 && firstHit <= k ? 1 / firstHit : 0;
  }
  return out;
}

/** Compares scores with NaN below every number; equal (incl. NaN with NaN) gives 0. */
function compareScores(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN && bNaN ? 0 : aNaN ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Per-user AUC over a candidate set: `scores[c]` and `relevant[c]` (truthy = relevant)
 * for each candidate c. Computed with mid-ranks (Mann-Whitney U / (n_pos n_neg)) in
 * O(n log n); ties count 1/2. NaN when there is no relevant or no non-relevant candidate.
 */
export function auc(scores: ArrayLike<number>, relevant: ArrayLike<boolean | number>): number {
  const n = scores.length;
  if (relevant.length !== n) throw new RangeError(`auc: ${n} scores but ${relevant.length} relevance flags`);
  let nPos = 0;
  for (let i = 0; i < n; i += 1) if (relevant[i]) nPos += 1;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareScores(scores[a] as number, scores[b] as number));
  // sum of the (1-based, ascending, mid-rank for ties) ranks of the relevant candidates
  let rankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && compareScores(scores[order[end] as number] as number, scores[order[start] as number] as number) === 0) end += 1;
    const midRank = (start + 1 + end) / 2;
    for (let j = start; j < end; j += 1) if (relevant[order[j] as number]) rankSum += midRank;
    start = end;
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** The first k entries of a list (the whole list when k is undefined or longer). */
function head(list: ArrayLike<number>, k: number | undefined): number {
  return k === undefined ? list.length : Math.min(k, list.length);
}

/**
 * Catalogue coverage: distinct items in the union of the lists (each cut to its first k
 * entries when k is given) / numItems.
 */
export function coverage(lists: ReadonlyArray<ArrayLike<number>>, numItems: number, k?: number): number {
  if (!Number.isInteger(numItems) || numItems < 1) throw new RangeError(`coverage: numItems must be a positive integer, found ${numItems}`);
  const seen = new Uint8Array(numItems);
  let distinct = 0;
  for (const list of lists) {
    const m = head(list, k);
    for (let r = 0; r < m; r += 1) {
      const item = list[r] as number;
      if (!Number.isInteger(item) || item < 0 || item >= numItems) throw new RangeError(`coverage: item ${item} outside 0..${numItems - 1}`);
      if (seen[item] === 0) {
        seen[item] = 1;
        distinct += 1;
      }
    }
  }
  return distinct / numItems;
}

/**
 * Item popularity from training interactions: p(i) = (distinct users with at least one
 * training interaction with i) / numUsers. `users[j]`, `items[j]` are the training pairs.
 */
export function itemPopularity(users: ArrayLike<number>, items: ArrayLike<number>, numUsers: number, numItems: number): Float64Array {
  if (users.length !== items.length) throw new RangeError(`itemPopularity: ${users.length} users but ${items.length} items`);
  if (!(numUsers >= 1)) throw new RangeError(`itemPopularity: numUsers must be positive, found ${numUsers}`);
  const seen = new Set<number>();
  const counts = new Float64Array(numItems);
  for (let j = 0; j < users.length; j += 1) {
    const u = users[j] as number;
    const i = items[j] as number;
    if (i < 0 || i >= numItems) throw new RangeError(`itemPopularity: item ${i} outside 0..${numItems - 1}`);
    const key = u * numItems + i;
    if (seen.has(key)) continue;
    seen.add(key);
    counts[i] = (counts[i] as number) + 1;
  }
  for (let i = 0; i < numItems; i += 1) counts[i] = (counts[i] as number) / numUsers;
  return counts;
}

export interface NoveltyOptions {
  /** Cut each list to its first k entries. */
  k?: number;
  /**
   * Popularity floor: items with p(i) below it (in particular p(i) = 0) count as having
   * p = minPopularity. Default: the smallest positive popularity in the array.
   */
  minPopularity?: number;
}

/** Mean self-information -log2 p(i) over all recommended slots (see the module comment). NaN when no slot. */
export function novelty(lists: ReadonlyArray<ArrayLike<number>>, popularity: ArrayLike<number>, options: NoveltyOptions = {}): number {
  let floor = options.minPopularity;
  if (floor === undefined) {
    floor = Number.POSITIVE_INFINITY;
    for (let i = 0; i < popularity.length; i += 1) {
      const p = popularity[i] as number;
      if (p > 0 && p < floor) floor = p;
    }
  }
  if (!(floor > 0 && Number.isFinite(floor))) {
    throw new RangeError(`novelty: need a positive minPopularity (no item has positive popularity, or a bad value was given: ${floor})`);
  }
  let sum = 0;
  let slots = 0;
  for (const list of lists) {
    const m = head(list, options.k);
    for (let r = 0; r < m; r += 1) {
      const item = list[r] as number;
      const p = popularity[item];
      if (p === undefined || !(p <= 1)) throw new RangeError(`novelty: no popularity in [0, 1] for item ${item}`);
      sum -= Math.log2(Math.max(p, floor));
      slots += 1;
    }
  }
  return slots === 0 ? Number.NaN : sum / slots;
}
