/**
 * Top-K evaluation on top of the fake experiment of fixture.testutil.ts: per model a
 * table of scores (what a network would give), per-user ranking.arrow computed from it
 * by @deeprec/metrics' protocols, metrics.json ranking blocks, and samples.arrow (a few
 * seeded users' top-10); implicit or explicit. No network: the report scores nothing.
 */
import { ITEMS_SCHEMA, RANKING_SCHEMA, USERS_SCHEMA, readMetrics, readRatings, writeMetrics, writeSampleLists, writeTable, type RankingSummary, type Ratings, type SampleLists } from '@deeprec/artifacts';
import { Rng } from '@deeprec/base';
import { evaluateFullRanking, evaluateSampled, groupByUser, topK } from '@deeprec/metrics';
import { writeFixture, FIXTURE_MODELS, USERS, ITEMS, type Fixture, type ModelName } from './fixture.testutil';

export interface RankingFixtureOptions {
  name?: string;
  /** implicit: popularity, mf and neumf (a clear winner), sampled protocol, rmse/mae null; explicit: the five rating models plus full ranking. */
  feedback: 'explicit' | 'implicit';
  /** k-fold with this many folds: scores per fold, ranking.arrow with a fold column, samples.arrow of fold 1. */
  folds?: number;
  /** Leave out this model's ranking.arrow (metrics.json keeps its ranking block). */
  withoutRankingArrow?: string;
  sampleUsers?: number;
}

const WORDS = ['Star', 'Night', 'River', 'Return', 'Silent', 'Garden', 'City', 'Dream', 'Winter', 'Empire', 'Shadow', 'Light'];
/** A made-up film title, some long enough to be cut on the page; one with markup that must be escaped. */
function itemTitle(i: number): string {
  if (i === 3) return 'The <b>Bold</b> & the Brave (1996)';
  // (i mod 12, i div 12) is unique for the 42 items, so no two titles are alike.
  const words = [WORDS[i % WORDS.length], WORDS[(Math.floor(i / WORDS.length) * 5 + 2) % WORDS.length], ...(i % 4 === 0 ? ['of the', WORDS[(i * 7 + 1) % WORDS.length], 'and Other Stories'] : [])];
  return `${words.join(' ')} (${1960 + i})`;
}

/** Implicit fixture: models and how strongly each scores the user's test items (neumf wins clearly). */
export const IMPLICIT_MODELS: ModelName[] = ['popularity', 'mf', 'neumf'];
const SIGNAL: Record<ModelName, number> = { popularity: 0, baseline: 0.15, mf: 0.5, ncf: 0.55, widedeep: 0.35, neumf: 1.1 };
export const EXPLICIT_RANKING_METRICS = ['rmse', 'mae', 'ndcg@10', 'hr@5', 'hr@10', 'hr@20', 'precision@10', 'recall@10', 'auc', 'coverage@10', 'novelty@10'];
export const IMPLICIT_RANKING_METRICS = ['ndcg@10', 'hr@5', 'hr@10', 'hr@20', 'ndcg@5', 'ndcg@20', 'mrr@10', 'auc'];
/** Sampled protocol of the implicit fixture: negatives per test positive. */
export const FIXTURE_NEGATIVES = 20;

/** Scores a model of the given signal strength gives: its signal on the user's test items, item popularity, and noise. */
function scoreTable(rng: Rng, signal: number, train: Ratings, test: Ratings, popularityOnly: boolean): Float32Array {
  const counts = new Float32Array(ITEMS);
  train.item.forEach((i) => (counts[i] = (counts[i] as number) + 1));
  const table = new Float32Array(USERS * ITEMS);
  for (let u = 0; u < USERS; u += 1) {
    for (let i = 0; i < ITEMS; i += 1) table[u * ITEMS + i] = 0.25 * Math.log1p(counts[i] as number) + (popularityOnly ? 0.001 : 0.45) * rng.normal();
  }
  test.user.forEach((u, r) => {
    const cell = u * ITEMS + (test.item[r] as number);
    table[cell] = (table[cell] as number) + signal;
  });
  return table;
}

function concatInts(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Users drawn into samples.arrow (evaluate stores 20; the report shows report.sampleUsers of them). */
const SAMPLE_DRAW = 20;
const SAMPLE_K = 10;

/**
 * samples.arrow as evaluate writes it, from one fold's score table: users with a test
 * item outside their training and validation items, in a seeded draw, each with the
 * top-10 of its scores over the items it has not seen.
 */
function sampleLists(table: Float32Array, seen: Int32Array[], testItems: Int32Array[]): SampleLists {
  const eligible = Array.from({ length: USERS }, (_, u) => u).filter((u) => testItems[u]!.some((i) => !seen[u]!.includes(i)));
  const order = new Rng(7, 'fixture-sample-users').permutation(eligible.length).subarray(0, SAMPLE_DRAW);
  const rows = Array.from(order, (j, draw) => {
    const user = eligible[j]!;
    const scores = table.subarray(user * ITEMS, (user + 1) * ITEMS);
    const items = topK(scores, SAMPLE_K, new Set(seen[user]));
    return Array.from(items, (item, r) => ({ user, draw, rank: r + 1, item, score: scores[item]! }));
  }).flat();
  return {
    user: Int32Array.from(rows, (r) => r.user),
    draw: Int32Array.from(rows, (r) => r.draw),
    rank: Int32Array.from(rows, (r) => r.rank),
    item: Int32Array.from(rows, (r) => r.item),
    score: Float32Array.from(rows, (r) => r.score),
  };
}

/**
 * A fixture with top-K evaluation: data and models as writeFixture, plus for every model
 * eval/<m>/ranking.arrow with per-user values computed by @deeprec/metrics' protocols
 * from the model's score table, the `ranking` block of metrics.json, and samples.arrow
 * (fold 1). Candidates leave out training and validation items, as evaluate does.
 */
export function writeRankingFixture(root: string, options: RankingFixtureOptions): Fixture {
  const implicit = options.feedback === 'implicit';
  const k = options.folds ?? 1;
  const metricsAsked = implicit ? IMPLICIT_RANKING_METRICS : EXPLICIT_RANKING_METRICS;
  const fixture = writeFixture(root, {
    name: options.name ?? (implicit ? 'implicit' : 'explicit'),
    feedback: options.feedback,
    models: implicit ? IMPLICIT_MODELS : FIXTURE_MODELS,
    metrics: metricsAsked,
    testRatings: implicit ? 100 : 150,
    folds: k,
    ...(options.sampleUsers === undefined ? {} : { sampleUsers: options.sampleUsers }),
  });
  const { catalogue, config } = fixture;
  const data = catalogue.data();
  // users.arrow and items.arrow as datagen writes them; items have titles on implicit data (MovieLens-like), none on explicit.
  writeTable(data.users, USERS_SCHEMA, { user: Int32Array.from({ length: USERS }, (_, u) => u), id: Array.from({ length: USERS }, (_, u) => String(101 + u)) });
  writeTable(data.items, ITEMS_SCHEMA, {
    item: Int32Array.from({ length: ITEMS }, (_, i) => i),
    id: Array.from({ length: ITEMS }, (_, i) => String(1001 + i)),
    ...(implicit ? { title: Array.from({ length: ITEMS }, (_, i) => itemTitle(i)) } : {}),
  });
  const folds = Array.from({ length: k }, (_, f) => {
    const paths = k > 1 ? data.fold(f) : data;
    const train = readRatings(paths.ratings('train'));
    const valid = readRatings(paths.ratings('valid'));
    const test = readRatings(paths.ratings('test'));
    const seen = groupByUser(concatInts(train.user, valid.user), concatInts(train.item, valid.item), USERS);
    return { train, test, seen, testItems: groupByUser(test.user, test.item, USERS) };
  });
  const ks = [5, 10, 20];
  const perUserAsked = metricsAsked.filter((m) => m !== 'rmse' && m !== 'mae' && !/^(coverage|novelty)@/.test(m));
  const catalogueAsked = metricsAsked.filter((m) => /^(coverage|novelty)@/.test(m));
  for (const model of Object.keys(config.models) as ModelName[]) {
    const rng = new Rng(7, 'fixture-scores', model);
    const rows: Array<{ fold: number; users: Int32Array; perUser: Record<string, Float64Array> }> = [];
    const catalogues: Array<Record<string, number>> = [];
    const e = catalogue.evaluation(model);
    for (let f = 0; f < k; f += 1) {
      const fold = folds[f]!;
      const scores = scoreTable(rng, SIGNAL[model], fold.train, fold.test, model === 'popularity');
      const rankingData = { numItems: ITEMS, trainItems: fold.seen, testItems: fold.testItems, ks };
      if (implicit) {
        const scorePairs = (users: Int32Array, items: Int32Array) => Float32Array.from(users, (u, j) => scores[u * ITEMS + items[j]!]!);
        const result = evaluateSampled({ ...rankingData, numNegatives: FIXTURE_NEGATIVES, seed: 7, scorePairs });
        rows.push({ fold: f + 1, users: result.users, perUser: result.perUser });
      } else {
        const result = evaluateFullRanking({ ...rankingData, scoreUser: (u) => scores.subarray(u * ITEMS, (u + 1) * ITEMS) });
        rows.push({ fold: f + 1, users: result.users, perUser: result.perUser });
        catalogues.push(result.catalogue);
      }
      if (f === 0) writeSampleLists(e.samples, sampleLists(scores, fold.seen, fold.testItems));
    }
    const table: Record<string, Int32Array | Float64Array> = {
      user: Int32Array.from(rows.flatMap((r) => Array.from(r.users))),
      ...(k > 1 ? { fold: Int32Array.from(rows.flatMap((r) => Array.from(r.users, () => r.fold))) } : {}),
    };
    const means: Record<string, number> = {};
    for (const key of perUserAsked) {
      const values = Float64Array.from(rows.flatMap((r) => Array.from(r.perUser[key]!)));
      table[key] = values;
      const defined = Array.from(values).filter((v) => !Number.isNaN(v));
      means[key] = defined.reduce((a, b) => a + b, 0) / defined.length;
    }
    if (options.withoutRankingArrow !== model) writeTable(e.ranking, RANKING_SCHEMA, table);
    const summary: RankingSummary = { protocol: implicit ? 'sampled' : 'full', users: table.user!.length, means };
    if (implicit) summary.negatives = FIXTURE_NEGATIVES;
    if (catalogueAsked.length > 0 && catalogues.length > 0) {
      summary.catalogue = Object.fromEntries(catalogueAsked.map((key) => [key, catalogues.reduce((a, c) => a + c[key]!, 0) / catalogues.length]));
    }
    writeMetrics(e.metrics, { ...readMetrics(e.metrics), ranking: summary });
  }
  return fixture;
}
