/**
 * Ranking metrics in evaluate: which of evaluate.metrics are ranking metrics, which
 * protocol computes them, and the per-fold run over core's evaluateFullRanking /
 * evaluateSampled with a saved model as the scorer (scorer.ts).
 *
 * - Candidates never include a user's training or validation items (the network saw
 *   them; with train.refit it was trained on them).
 * - Relevant items: the user's test items; explicit data with evaluate.relevance set:
 *   only test ratings >= relevance (the rest stay candidates and count as misses).
 * - Scores are the network's raw outputs, never clipped to the rating scale (clipping
 *   would tie every item predicted above the top rating).
 * - Users without a relevant test item are left out (not counted, not in ranking.arrow).
 * - k-fold: each fold's network on its own folds; ranking.arrow has a row per
 *   (user, fold), `means` are pooled over those rows, and catalogue metrics are the
 *   mean over folds.
 */
import { evaluateFullRanking, evaluateSampled, groupByUser, type RankingEvaluation } from '@deeprec/metrics';
import { column, type Columns, type RankingSummary, type Ratings } from '@deeprec/artifacts';
import { ArtifactError, ConfigError } from '@deeprec/base';
import { SCORE_BATCH } from '@deeprec/compute';
import { blockScorer } from './scoring';
import type { Scorer } from './scorer';

export type RankingProtocol = 'full' | 'sampled';

/** The ranking part of evaluate.metrics. */
export interface RankingRequest {
  /** Per-user metric keys in the order asked, without repeats, e.g. ['hr@10', 'ndcg@10', 'auc']. */
  perUser: string[];
  /** Catalogue metric keys asked for: coverage@K, novelty@K. */
  catalogue: string[];
  /** Every cut-off asked for, ascending (empty when only auc is asked). */
  ks: number[];
  auc: boolean;
}

const CATALOGUE_METRICS = new Set(['coverage', 'novelty']);
/** What the sampled protocol computes per user. */
export const SAMPLED_METRICS = ['hr', 'ndcg', 'mrr', 'auc'] as const;

/** The ranking metrics of evaluate.metrics (everything but rmse and mae); undefined when none. */
export function rankingRequest(metrics: readonly string[]): RankingRequest | undefined {
  const perUser: string[] = [];
  const catalogue: string[] = [];
  const ks = new Set<number>();
  for (const key of metrics) {
    if (key === 'rmse' || key === 'mae') continue;
    const [name, cut] = key.split('@') as [string, string | undefined];
    if (cut !== undefined) ks.add(Number(cut));
    const list = CATALOGUE_METRICS.has(name) ? catalogue : perUser;
    if (!list.includes(key)) list.push(key);
  }
  if (perUser.length === 0 && catalogue.length === 0) return undefined;
  return { perUser, catalogue, ks: [...ks].sort((a, b) => a - b), auc: perUser.includes('auc') };
}

/** evaluate.protocol resolved against the data: auto is sampled when datagen wrote negatives. */
export function resolveProtocol(asked: 'auto' | RankingProtocol, negatives: number): RankingProtocol {
  if (asked === 'sampled' && !(negatives > 0)) {
    throw new ConfigError('evaluate.protocol: sampled needs the negatives datagen writes (data/negatives.arrow); expected split.negatives > 0, or protocol full or auto');
  }
  if (asked === 'auto') return negatives > 0 ? 'sampled' : 'full';
  return asked;
}

/** Fails (exit 2) when the protocol cannot compute an asked metric. */
export function checkProtocol(request: RankingRequest, protocol: RankingProtocol): void {
  if (protocol !== 'sampled') return;
  const unsupported = [...request.perUser, ...request.catalogue].filter((key) => !(SAMPLED_METRICS as readonly string[]).includes(key.split('@')[0] as string));
  if (unsupported.length > 0) {
    throw new ConfigError(
      `evaluate.metrics: ${unsupported.join(', ')} ${unsupported.length > 1 ? 'are' : 'is'} not available with the sampled protocol (it gives hr@K, ndcg@K, mrr@K and auc); set evaluate.protocol: full, or drop ${unsupported.length > 1 ? 'them' : 'it'}`,
    );
  }
}

/**
 * The stored negatives of the sampled protocol (data/negatives.arrow: one row per
 * (user, test positive, negative)), looked up by (user, positive).
 */
export class NegativesIndex {
  private readonly lists = new Map<number, number[]>();
  readonly rows: number;

  constructor(
    columns: Columns,
    private readonly numItems: number,
    private readonly where: string,
  ) {
    const user = column(columns, 'user', Int32Array, where);
    const item = column(columns, 'item', Int32Array, where);
    const negative = column(columns, 'negative', Int32Array, where);
    this.rows = user.length;
    for (let r = 0; r < user.length; r += 1) {
      const key = (user[r] as number) * numItems + (item[r] as number);
      let list = this.lists.get(key);
      if (!list) {
        list = [];
        this.lists.set(key, list);
      }
      list.push(negative[r] as number);
    }
  }

  /** The negatives of one test positive; an ArtifactError naming the file when it has none. */
  get(user: number, positive: number): number[] {
    const list = this.lists.get(user * this.numItems + positive);
    if (!list) {
      throw new ArtifactError(`${this.where}: no negatives for the test positive (user ${user}, item ${positive}); the file does not match the test split (rerun datagen)`);
    }
    return list;
  }
}

export interface RankingFoldInputs {
  scorer: Scorer;
  train: Ratings;
  /** Validation ratings: excluded from the candidates like training ratings. */
  valid?: Ratings;
  test: Ratings;
  /** Sampled protocol: the fold's stored negatives. */
  negatives?: NegativesIndex;
}

export interface RankingOptions {
  request: RankingRequest;
  protocol: RankingProtocol;
  /** Explicit data: test ratings at or above this are relevant. Undefined: every test rating. */
  relevance?: number;
  /** Sampled: negatives per positive (for the summary). */
  negatives?: number;
  numUsers: number;
  numItems: number;
}

export interface RankingOutput {
  /** ranking.arrow: user, fold (k-fold only), then one float64 column per asked per-user key. */
  table: Columns;
  summary: RankingSummary;
}

/** Items each user interacted with in train and valid: the items never recommended back. */
export function seenItems(numUsers: number, train: Ratings, valid?: Ratings): Int32Array[] {
  if (!valid || valid.user.length === 0) return groupByUser(train.user, train.item, numUsers);
  const users = new Int32Array(train.user.length + valid.user.length);
  users.set(train.user);
  users.set(valid.user, train.user.length);
  const items = new Int32Array(users.length);
  items.set(train.item);
  items.set(valid.item, train.item.length);
  return groupByUser(users, items, numUsers);
}

/** Each user's relevant test items (sorted) and the users, ascending, with at least one outside their seen items. */
export function relevantTest(test: Ratings, seen: Int32Array[], options: Pick<RankingOptions, 'numUsers' | 'numItems' | 'relevance'>): { testItems: Int32Array[]; users: Int32Array } {
  const { numUsers, numItems, relevance } = options;
  const keep: number[] = [];
  for (let r = 0; r < test.user.length; r += 1) if (relevance === undefined || (test.rating[r] as number) >= relevance) keep.push(r);
  const testItems = groupByUser(
    Int32Array.from(keep, (r) => test.user[r] as number),
    Int32Array.from(keep, (r) => test.item[r] as number),
    numUsers,
  );
  const mask = new Uint8Array(numItems);
  const users: number[] = [];
  for (let u = 0; u < numUsers; u += 1) {
    const items = testItems[u] as Int32Array;
    if (items.length === 0) continue;
    const own = seen[u] as Int32Array;
    for (const i of own) mask[i] = 1;
    if (items.some((i) => mask[i] === 0)) users.push(u);
    for (const i of own) mask[i] = 0;
  }
  return { testItems, users: Int32Array.from(users) };
}

/** One fold: core's protocol over the fold's model; per-user values of every key it computes, plus catalogue metrics (full). */
export function rankFold(fold: RankingFoldInputs, options: RankingOptions): RankingEvaluation & { catalogue?: Record<string, number> } {
  const { request, numItems, numUsers } = options;
  const seen = seenItems(numUsers, fold.train, fold.valid);
  const { testItems, users } = relevantTest(fold.test, seen, options);
  // core needs at least one cut-off; with only auc asked, @1 is computed and dropped
  const ks = request.ks.length > 0 ? request.ks : [1];
  if (users.length === 0) {
    return { users, skipped: new Int32Array(0), perUser: {}, means: {} };
  }
  if (options.protocol === 'full') {
    return evaluateFullRanking({ numItems, trainItems: seen, testItems, users, ks, auc: request.auc, scoreUser: blockScorer(fold.scorer, users, numItems) });
  }
  const negatives = fold.negatives;
  if (!negatives) throw new ArtifactError('sampled ranking protocol: no negatives were loaded for this fold');
  return evaluateSampled({
    numItems,
    trainItems: seen,
    testItems,
    users,
    ks,
    numNegatives: options.negatives ?? 0,
    seed: 0,
    negatives: (u, positive) => negatives.get(u, positive),
    scorePairs: (u, i) => fold.scorer.pairs(u, i),
    batchPairs: SCORE_BATCH,
  });
}

/** Ranking metrics over every fold: ranking.arrow columns and the metrics.json summary. */
export function runRanking(folds: RankingFoldInputs[], options: RankingOptions): RankingOutput {
  const { request } = options;
  const results = folds.map((f) => rankFold(f, options));
  const rows = results.reduce((n, r) => n + r.users.length, 0);
  const table: Columns = { user: new Int32Array(rows) };
  const foldColumn = new Int32Array(rows);
  const values = request.perUser.map(() => new Float64Array(rows));
  let at = 0;
  results.forEach((r, k) => {
    (table.user as Int32Array).set(r.users, at);
    foldColumn.fill(k + 1, at, at + r.users.length);
    request.perUser.forEach((key, c) => {
      const perUser = r.perUser[key];
      if (perUser === undefined && r.users.length > 0) throw new RangeError(`ranking: the ${options.protocol} protocol gave no '${key}'`);
      if (perUser) (values[c] as Float64Array).set(perUser, at);
    });
    at += r.users.length;
  });
  if (folds.length > 1) table.fold = foldColumn;
  request.perUser.forEach((key, c) => (table[key] = values[c] as Float64Array));

  const means: Record<string, number> = {};
  request.perUser.forEach((key, c) => {
    let sum = 0;
    let count = 0;
    for (const v of values[c] as Float64Array) {
      if (!Number.isNaN(v)) {
        sum += v;
        count += 1;
      }
    }
    means[key] = count === 0 ? Number.NaN : sum / count;
  });
  const summary: RankingSummary = {
    protocol: options.protocol,
    users: rows,
    ...(options.protocol === 'sampled' ? { negatives: options.negatives ?? 0 } : {}),
    means,
  };
  if (options.protocol === 'full' && request.catalogue.length > 0) {
    const catalogue: Record<string, number> = {};
    for (const key of request.catalogue) {
      const perFold = results.map((r) => r.catalogue?.[key]).filter((v): v is number => v !== undefined && !Number.isNaN(v));
      catalogue[key] = perFold.length === 0 ? Number.NaN : perFold.reduce((a, b) => a + b, 0) / perFold.length;
    }
    summary.catalogue = catalogue;
  }
  return { table, summary };
}
