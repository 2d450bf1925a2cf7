/**
 * Implicit feedback (He et al., "Neural Collaborative Filtering", WWW 2017): ratings
 * become interactions, and the sampled-evaluation negatives every model is ranked against.
 */
import { concatRatings, userItems, type Ratings, type UserItems } from '@deeprec/artifacts';
import { ConfigError, Rng } from '@deeprec/base';
import type { SplitRatings } from './types';

export interface InteractionsResult {
  /** The kept rows, each with rating 1, in their original relative order. */
  ratings: Ratings;
  /** New row index of each input row; -1 for a dropped row. */
  rowMap: Int32Array;
}

/**
 * Ratings to interactions: keeps the rows with rating >= threshold (every row when the
 * threshold is undefined) and sets their rating to 1. Runs before splitting, so a
 * leave-one-out split holds out each user's latest interaction.
 */
export function toInteractions(r: Ratings, threshold: number | undefined): InteractionsResult {
  const n = r.user.length;
  const rowMap = new Int32Array(n).fill(-1);
  let kept = 0;
  for (let i = 0; i < n; i += 1) {
    if (threshold === undefined || (r.rating[i] as number) >= threshold) rowMap[i] = kept++;
  }
  const out: Ratings = { user: new Int32Array(kept), item: new Int32Array(kept), rating: new Float32Array(kept).fill(1) };
  const ts = r.timestamp ? new BigInt64Array(kept) : undefined;
  for (let i = 0; i < n; i += 1) {
    const j = rowMap[i] as number;
    if (j < 0) continue;
    out.user[j] = r.user[i] as number;
    out.item[j] = r.item[i] as number;
    if (ts && r.timestamp) ts[j] = r.timestamp[i] as bigint;
  }
  if (ts) out.timestamp = ts;
  return { ratings: out, rowMap };
}

/** Row indices through a rowMap, dropping the rows it dropped. */
export function remapRows(rows: Int32Array, rowMap: Int32Array): Int32Array {
  const out: number[] = [];
  for (const row of rows) {
    const j = rowMap[row];
    if (j !== undefined && j >= 0) out.push(j);
  }
  return Int32Array.from(out);
}

/** Sampled-evaluation negatives of one split: row r of the test set owns rows [r N, (r + 1) N). */
export interface EvalNegatives {
  user: Int32Array;
  item: Int32Array;
  negative: Int32Array;
}

/** Each user's interacted items (train, valid and test), sorted and distinct (a pair in two splits is one interaction). */
function interactedByUser(split: SplitRatings, numUsers: number): UserItems {
  return userItems(concatRatings(concatRatings(split.train, split.valid), split.test), numUsers);
}

/**
 * For each test row (user, item), `count` distinct items the user never interacted with
 * in any split (train, valid or test), drawn uniformly from one stream,
 * Rng(seed, 'eval-negatives', fold), in test-row order. A ConfigError when some test
 * user has fewer such items than `count`.
 */
export function sampleEvalNegatives(split: SplitRatings, numUsers: number, numItems: number, count: number, seed: number, fold: number): EvalNegatives {
  const test = split.test;
  const n = test.user.length;
  const out: EvalNegatives = { user: new Int32Array(n * count), item: new Int32Array(n * count), negative: new Int32Array(n * count) };
  if (n === 0 || count === 0) return out;
  const { offsets, items } = interactedByUser(split, numUsers);
  const poolOf = (u: number) => numItems - ((offsets[u + 1] as number) - (offsets[u] as number));

  let short = 0;
  let fewest = Number.POSITIVE_INFINITY;
  const seenUser = new Uint8Array(numUsers);
  for (const u of test.user) {
    if (seenUser[u]) continue;
    seenUser[u] = 1;
    const pool = poolOf(u);
    fewest = Math.min(fewest, pool);
    if (pool < count) short += 1;
  }
  if (short > 0) {
    throw new ConfigError(
      `split.negatives: expected at most ${fewest} (the fewest items a test user never interacted with), found ${count}; ${short} ${short === 1 ? 'user has' : 'users have'} fewer than ${count} non-interacted items`,
    );
  }

  const rng = new Rng(seed, 'eval-negatives', fold);
  const mark = new Uint8Array(numItems);
  const scratch = new Int32Array(numItems);
  for (let r = 0; r < n; r += 1) {
    const u = test.user[r] as number;
    const from = offsets[u] as number;
    const to = offsets[u + 1] as number;
    for (let k = from; k < to; k += 1) mark[items[k] as number] = 1;
    const pool = numItems - (to - from);
    const base = r * count;
    if (pool <= 4 * count) {
      // dense: partial Fisher-Yates over the candidates
      let m = 0;
      for (let i = 0; i < numItems; i += 1) if (mark[i] === 0) scratch[m++] = i;
      for (let j = 0; j < count; j += 1) {
        const pick = j + rng.int(pool - j);
        const chosen = scratch[pick] as number;
        scratch[pick] = scratch[j] as number;
        scratch[j] = chosen;
        out.negative[base + j] = chosen;
      }
    } else {
      // sparse: rejection, fewer than 4/3 draws per negative on average
      for (let j = 0; j < count; ) {
        const i = rng.int(numItems);
        if (mark[i] !== 0) continue;
        mark[i] = 2;
        out.negative[base + j] = i;
        j += 1;
      }
      for (let j = 0; j < count; j += 1) mark[out.negative[base + j] as number] = 0;
    }
    for (let k = from; k < to; k += 1) mark[items[k] as number] = 0;
    out.user.fill(u, base, base + count);
    out.item.fill(test.item[r] as number, base, base + count);
  }
  return out;
}
