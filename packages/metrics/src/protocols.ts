/**
 * The two top-K evaluation protocols, over plain arrays; the caller supplies scoring.
 *
 * Full ranking: for each user, score every item, leave out the user's training items,
 * rank the rest (topK order: score, then lower item index) and compare the top K with
 * the user's test items. Reports every RANKING_METRICS at every K, the user's AUC over
 * all non-training items, and catalogue coverage@K / novelty@K over all evaluated users.
 *
 * Sampled (He et al. 2017, "Neural Collaborative Filtering", WWW): each test positive
 * is ranked among N negatives sampled uniformly without replacement from the items the
 * user never interacted with (neither train nor test items); its rank is 1 + the number
 * of negatives that rank before it in the same total order as topK. Per positive:
 * HR@K = [rank <= K], NDCG@K = 1/log2(rank + 1) if rank <= K else 0, MRR@K = 1/rank if
 * rank <= K, AUC = fraction of its negatives scored below it (ties 1/2). A user's value
 * is the mean over their positives. When N is at least the number of candidates, every
 * candidate is used, so for a user with one positive the sampled protocol equals full
 * ranking on hr, ndcg, mrr and auc.
 *
 * In both, a user's relevant items are their test items that are not training items
 * (a training item is never a candidate, so it could never be hit). Users with none are
 * skipped: listed in `skipped`, absent from `users` and from the means.
 */
import { Rng } from '@deeprec/base';
import { auc, checkKs, coverage, discount, metricKey, novelty, rankingMetricsForUser, RANKING_METRICS } from './ranking';
import { ranksBefore, topK } from './topk';

export interface RankingEvaluation {
  /** Evaluated users, in the order given. */
  users: Int32Array;
  /** Users left out because they have no test item outside their training items. */
  skipped: Int32Array;
  /** Per-user values keyed `name@K` (and `auc`), each aligned with `users`. */
  perUser: Record<string, Float64Array>;
  /** Means over `users`; a NaN value (an undefined AUC) is left out of that metric's mean. */
  means: Record<string, number>;
}

export interface FullRankingEvaluation extends RankingEvaluation {
  /** `coverage@K` and `novelty@K` over the evaluated users' top-K lists. */
  catalogue: Record<string, number>;
}

export interface RankingData {
  numItems: number;
  /** Training items by user (index = dense user id); its length is the number of users. */
  trainItems: ReadonlyArray<ArrayLike<number>>;
  /** Test items by user (index = dense user id); missing entries mean none. */
  testItems: ReadonlyArray<ArrayLike<number>>;
  /** Users to evaluate, in order. Default: every user 0..trainItems.length - 1. */
  users?: ArrayLike<number>;
  /** Cut-offs, e.g. [5, 10, 20]. */
  ks: readonly number[];
}

export interface FullRankingInput extends RankingData {
  /** Scores of every item for one user (length numItems, index = item). */
  scoreUser: (user: number) => ArrayLike<number>;
  /** Compute per-user AUC over all candidates (O(n log n) per user). Default true. */
  auc?: boolean;
}

export interface SampledInput extends RankingData {
  /** Scores of the pairs (users[j], items[j]), in order. */
  scorePairs: (users: Int32Array, items: Int32Array) => ArrayLike<number>;
  /** N, negatives per positive (He et al. use 100). */
  numNegatives: number;
  /** Seed of the negative sampling; each user draws from its own stream (seed, 'sampled-negatives', user). */
  seed: number | string;
  /** Replaces sampling: the negatives of one (user, positive). */
  negatives?: (user: number, positive: number) => ArrayLike<number>;
  /** Pairs scored per scorePairs call, at least; default 65536. */
  batchPairs?: number;
}

/** Items by user from parallel (user, item) columns: sorted, without repeats; users 0..numUsers-1. */
export function groupByUser(users: ArrayLike<number>, items: ArrayLike<number>, numUsers: number): Int32Array[] {
  if (users.length !== items.length) throw new RangeError(`groupByUser: ${users.length} users but ${items.length} items`);
  const lists: number[][] = Array.from({ length: numUsers }, () => []);
  for (let j = 0; j < users.length; j += 1) {
    const u = users[j] as number;
    const list = lists[u];
    if (list === undefined) throw new RangeError(`groupByUser: user ${u} outside 0..${numUsers - 1}`);
    list.push(items[j] as number);
  }
  return lists.map((list) => {
    const sorted = Int32Array.from(list).sort();
    let m = 0;
    for (let j = 0; j < sorted.length; j += 1) if (j === 0 || sorted[j] !== sorted[j - 1]) sorted[m++] = sorted[j] as number;
    return sorted.slice(0, m);
  });
}

interface Prepared {
  numUsers: number;
  users: ArrayLike<number>;
  maxK: number;
}

function prepare(input: RankingData, where: string): Prepared {
  checkKs(input.ks, where);
  if (!Number.isInteger(input.numItems) || input.numItems < 1) throw new RangeError(`${where}: numItems must be a positive integer, found ${input.numItems}`);
  const numUsers = Math.max(input.trainItems.length, input.testItems.length);
  const users = input.users ?? Int32Array.from({ length: numUsers }, (_, u) => u);
  for (let j = 0; j < users.length; j += 1) {
    const u = users[j] as number;
    if (!Number.isInteger(u) || u < 0 || u >= numUsers) throw new RangeError(`${where}: user ${u} outside 0..${numUsers - 1}`);
  }
  return { numUsers, users, maxK: Math.max(...input.ks) };
}

function markItems(mask: Uint8Array, items: ArrayLike<number> | undefined, value: number, where: string): void {
  if (items === undefined) return;
  for (let j = 0; j < items.length; j += 1) {
    const i = items[j] as number;
    if (!Number.isInteger(i) || i < 0 || i >= mask.length) throw new RangeError(`${where}: item ${i} outside 0..${mask.length - 1}`);
    mask[i] = value;
  }
}

/** Relevant items: test items that are not training items (mask = training items). */
function relevantItems(test: ArrayLike<number> | undefined, train: Uint8Array, where: string): Set<number> {
  const out = new Set<number>();
  if (test === undefined) return out;
  for (let j = 0; j < test.length; j += 1) {
    const i = test[j] as number;
    if (!Number.isInteger(i) || i < 0 || i >= train.length) throw new RangeError(`${where}: item ${i} outside 0..${train.length - 1}`);
    if (train[i] === 0) out.add(i);
  }
  return out;
}

function finish(keys: string[], users: number[], skipped: number[], rows: Array<Record<string, number>>): RankingEvaluation {
  const perUser: Record<string, Float64Array> = {};
  const means: Record<string, number> = {};
  for (const key of keys) {
    const values = Float64Array.from(rows, (row) => row[key] ?? Number.NaN);
    perUser[key] = values;
    let sum = 0;
    let count = 0;
    for (const v of values) {
      if (!Number.isNaN(v)) {
        sum += v;
        count += 1;
      }
    }
    means[key] = count === 0 ? Number.NaN : sum / count;
  }
  return { users: Int32Array.from(users), skipped: Int32Array.from(skipped), perUser, means };
}

/** Full-ranking evaluation (see the module comment). */
export function evaluateFullRanking(input: FullRankingInput): FullRankingEvaluation {
  const where = 'evaluateFullRanking';
  const { numUsers, users, maxK } = prepare(input, where);
  const { numItems, ks } = input;
  const withAuc = input.auc ?? true;
  const keys = ks.flatMap((k) => RANKING_METRICS.map((name) => metricKey(name, k)));
  if (withAuc) keys.push('auc');
  const train = new Uint8Array(numItems);
  const evaluated: number[] = [];
  const skipped: number[] = [];
  const rows: Array<Record<string, number>> = [];
  const lists: Int32Array[] = [];
  for (let j = 0; j < users.length; j += 1) {
    const u = users[j] as number;
    const trainList = input.trainItems[u];
    markItems(train, trainList, 1, where);
    const relevant = relevantItems(input.testItems[u], train, where);
    if (relevant.size === 0) {
      skipped.push(u);
    } else {
      const scores = input.scoreUser(u);
      if (scores.length !== numItems) throw new RangeError(`${where}: scoreUser(${u}) gave ${scores.length} scores for ${numItems} items`);
      const ranked = topK(scores, maxK, train);
      const row = rankingMetricsForUser(ranked, relevant, ks);
      if (withAuc) {
        const candScores: number[] = [];
        const flags: boolean[] = [];
        for (let i = 0; i < numItems; i += 1) {
          if (train[i] !== 0) continue;
          candScores.push(scores[i] as number);
          flags.push(relevant.has(i));
        }
        row.auc = auc(candScores, flags);
      }
      evaluated.push(u);
      rows.push(row);
      lists.push(ranked);
    }
    markItems(train, trainList, 0, where);
  }
  const result = finish(keys, evaluated, skipped, rows);
  // popularity = fraction of all users with a training interaction; cold items count as seen by one user
  const popularity = new Float64Array(numItems);
  const seen = new Uint8Array(numItems);
  for (let u = 0; u < numUsers; u += 1) {
    const list = input.trainItems[u];
    if (list === undefined) continue;
    markItems(seen, list, 1, where);
    for (let j = 0; j < list.length; j += 1) {
      const i = list[j] as number;
      if (seen[i] === 1) {
        popularity[i] = (popularity[i] as number) + 1 / numUsers;
        seen[i] = 0;
      }
    }
  }
  const catalogue: Record<string, number> = {};
  for (const k of ks) {
    catalogue[metricKey('coverage', k)] = coverage(lists, numItems, k);
    catalogue[metricKey('novelty', k)] = novelty(lists, popularity, { k, minPopularity: 1 / numUsers });
  }
  return { ...result, catalogue };
}

/** N distinct items drawn uniformly from those with interacted[i] === 0 (all of them, in index order, when N >= their count). */
function sampleNegatives(rng: Rng, interacted: Uint8Array, poolSize: number, n: number): Int32Array {
  const numItems = interacted.length;
  if (n >= poolSize || poolSize <= 4 * n) {
    const pool = new Int32Array(poolSize);
    let m = 0;
    for (let i = 0; i < numItems; i += 1) if (interacted[i] === 0) pool[m++] = i;
    if (n >= poolSize) return pool;
    for (let j = 0; j < n; j += 1) {
      // partial Fisher-Yates
      const r = j + rng.int(poolSize - j);
      const tmp = pool[j] as number;
      pool[j] = pool[r] as number;
      pool[r] = tmp;
    }
    return pool.slice(0, n);
  }
  // sparse case: rejection sampling, expected < 4/3 draws per negative
  const chosen = new Set<number>();
  const out = new Int32Array(n);
  while (chosen.size < n) {
    const i = rng.int(numItems);
    if (interacted[i] !== 0 || chosen.has(i)) continue;
    out[chosen.size] = i;
    chosen.add(i);
  }
  return out;
}

interface PendingUser {
  user: number;
  positives: Int32Array;
  negatives: Int32Array[];
  offset: number;
}

/** Sampled evaluation, N negatives per test positive (see the module comment). */
export function evaluateSampled(input: SampledInput): RankingEvaluation {
  const where = 'evaluateSampled';
  const { users } = prepare(input, where);
  const { numItems, ks, numNegatives } = input;
  if (!Number.isInteger(numNegatives) || numNegatives < 0) throw new RangeError(`${where}: numNegatives must be a non-negative integer, found ${numNegatives}`);
  const batchPairs = input.batchPairs ?? 65536;
  const keys = ks.flatMap((k) => ['hr', 'ndcg', 'mrr'].map((name) => metricKey(name, k)));
  keys.push('auc');

  const evaluated: number[] = [];
  const skipped: number[] = [];
  const rows: Array<Record<string, number>> = [];
  let pending: PendingUser[] = [];
  let pairUsers: number[] = [];
  let pairItems: number[] = [];

  const flush = (): void => {
    if (pending.length === 0) return;
    const scores = input.scorePairs(Int32Array.from(pairUsers), Int32Array.from(pairItems));
    if (scores.length !== pairUsers.length) throw new RangeError(`${where}: scorePairs gave ${scores.length} scores for ${pairUsers.length} pairs`);
    for (const p of pending) {
      const sums: Record<string, number> = {};
      for (const key of keys) sums[key] = 0;
      let aucCount = 0;
      let at = p.offset;
      for (let q = 0; q < p.positives.length; q += 1) {
        const pos = p.positives[q] as number;
        const negs = p.negatives[q] as Int32Array;
        const sPos = scores[at] as number;
        at += 1;
        let before = 0;
        let below = 0;
        for (let j = 0; j < negs.length; j += 1) {
          const neg = negs[j] as number;
          const sNeg = scores[at + j] as number;
          if (ranksBefore(sNeg, neg, sPos, pos)) before += 1;
          // AUC: the positive above the negative counts 1, a tie 1/2 (NaN below every number)
          const posNaN = Number.isNaN(sPos);
          const negNaN = Number.isNaN(sNeg);
          if (posNaN || negNaN) below += posNaN && negNaN ? 0.5 : negNaN ? 1 : 0;
          else below += sPos > sNeg ? 1 : sPos === sNeg ? 0.5 : 0;
        }
        at += negs.length;
        const rank = before + 1;
        for (const k of ks) {
          const hit = rank <= k;
          sums[metricKey('hr', k)] = (sums[metricKey('hr', k)] as number) + (hit ? 1 : 0);
          sums[metricKey('ndcg', k)] = (sums[metricKey('ndcg', k)] as number) + (hit ? discount(rank) : 0);
          sums[metricKey('mrr', k)] = (sums[metricKey('mrr', k)] as number) + (hit ? 1 / rank : 0);
        }
        if (negs.length > 0) {
          sums.auc = (sums.auc as number) + below / negs.length;
          aucCount += 1;
        }
      }
      const row: Record<string, number> = {};
      for (const key of keys) row[key] = (sums[key] as number) / p.positives.length;
      row.auc = aucCount === 0 ? Number.NaN : (sums.auc as number) / aucCount;
      rows.push(row);
      evaluated.push(p.user);
    }
    pending = [];
    pairUsers = [];
    pairItems = [];
  };

  const train = new Uint8Array(numItems);
  const interacted = new Uint8Array(numItems);
  for (let j = 0; j < users.length; j += 1) {
    const u = users[j] as number;
    const trainList = input.trainItems[u];
    const testList = input.testItems[u];
    markItems(train, trainList, 1, where);
    const relevant = relevantItems(testList, train, where);
    if (relevant.size === 0) {
      skipped.push(u);
    } else {
      const positives = Int32Array.from(relevant).sort();
      markItems(interacted, trainList, 1, where);
      markItems(interacted, testList, 1, where);
      let poolSize = 0;
      for (let i = 0; i < numItems; i += 1) if (interacted[i] === 0) poolSize += 1;
      const rng = new Rng(input.seed, 'sampled-negatives', u);
      const negatives: Int32Array[] = [];
      const offset = pairUsers.length;
      for (const pos of positives) {
        const negs = input.negatives ? Int32Array.from(input.negatives(u, pos)) : sampleNegatives(rng, interacted, poolSize, numNegatives);
        negatives.push(negs);
        pairUsers.push(u);
        pairItems.push(pos);
        for (const neg of negs) {
          if (neg < 0 || neg >= numItems) throw new RangeError(`${where}: negative item ${neg} outside 0..${numItems - 1}`);
          pairUsers.push(u);
          pairItems.push(neg);
        }
      }
      pending.push({ user: u, positives, negatives, offset });
      markItems(interacted, trainList, 0, where);
      markItems(interacted, testList, 0, where);
      if (pairUsers.length >= batchPairs) flush();
    }
    markItems(train, trainList, 0, where);
  }
  flush();
  // rows were pushed in evaluation order, which is the order of `evaluated`
  return finish(keys, evaluated, skipped, rows);
}
