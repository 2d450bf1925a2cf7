import { RANKING_SCHEMA, decodeTable, encodeTable, type Ratings, type TrainDetails } from '@deeprec/artifacts';
import { Rng } from '@deeprec/base';
import { initBackend } from '@deeprec/compute';
import { checkProtocol, NegativesIndex, rankingRequest, resolveProtocol, runRanking, type RankingFoldInputs } from './ranking';
import { runEvaluate } from './run';
import { scoreUsersAllItems } from '@deeprec/compute';
import { blockScorer } from './scoring';
import { dotNetwork } from './network.testutil';
import { networkScorer } from './scorer';

const ratings = (rows: Array<[number, number, number?]>): Ratings => ({
  user: Int32Array.from(rows, (r) => r[0]),
  item: Int32Array.from(rows, (r) => r[1]),
  rating: Float32Array.from(rows, (r) => r[2] ?? 1),
});

const TRAIN_DETAILS: TrainDetails = { type: 'mf', params: 1, layers: 1, trainSeconds: 1, trainSamples: 1, trainSamplesPerSecond: 1, epochs: 1, bestEpoch: 1, stoppedEarly: false, modelConfig: {} };

/*
 * 3 users x 6 items. User 0 scores item i as i, user 1 as -i, user 2 by V[i][1]:
 *   user 0 order 5 4 3 2 1 0;  user 1 order 0 1 2 3 4 5;  user 2 order 5 4 2 0 3 1.
 * Training: user 0 item 5; user 1 items 0, 4 (+ item 1 in valid); user 2 item 4.
 * Test: user 0 items 4 (rated 5), 2 (2); user 1 item 3 (4); user 2 items 1 (5), 2 (3).
 * Candidates and top 2:
 *   user 0: 4 3 2 1 0  -> [4, 3]   relevant {4, 2}: hit at rank 1
 *   user 1: 2 3 5      -> [2, 3]   relevant {3}: hit at rank 2 (without the valid exclusion: [1, 2], a miss)
 *   user 2: 5 2 0 3 1  -> [5, 2]   relevant {1, 2}: hit at rank 2
 */
const V1 = [0.3, 0.1, 0.4, 0.15, 0.5, 0.9];
const U = [[1, 0], [-1, 0], [0, 1]];
const V = V1.map((v, i) => [i, v]);
const L3 = 1 / Math.log2(3);

function tinyFold(): RankingFoldInputs {
  return {
    scorer: networkScorer(dotNetwork(U, V), 6),
    train: ratings([[0, 5, 4], [1, 0, 3], [1, 4, 2], [2, 4, 5]]),
    valid: ratings([[1, 1, 4]]),
    test: ratings([[0, 4, 5], [0, 2, 2], [1, 3, 4], [2, 1, 5], [2, 2, 3]]),
  };
}

describe('ranking metrics in evaluate', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('rankingRequest: the ranking keys asked, cut-offs, catalogue metrics apart', () => {
    expect(rankingRequest(['rmse', 'mae'])).toBeUndefined();
    expect(rankingRequest(['rmse', 'ndcg@10', 'hr@10', 'coverage@5', 'auc', 'hr@10', 'novelty@10'])).toEqual({
      perUser: ['ndcg@10', 'hr@10', 'auc'],
      catalogue: ['coverage@5', 'novelty@10'],
      ks: [5, 10],
      auc: true,
    });
    expect(rankingRequest(['auc'])).toEqual({ perUser: ['auc'], catalogue: [], ks: [], auc: true });
  });

  it('protocol: auto is sampled with stored negatives, else full; sampled without negatives or with metrics it lacks is a config error', () => {
    expect(resolveProtocol('auto', 0)).toBe('full');
    expect(resolveProtocol('auto', 100)).toBe('sampled');
    expect(resolveProtocol('full', 100)).toBe('full');
    expect(() => resolveProtocol('sampled', 0)).toThrow(
      'evaluate.protocol: sampled needs the negatives datagen writes (data/negatives.arrow); expected split.negatives > 0, or protocol full or auto',
    );
    const request = rankingRequest(['hr@10', 'precision@10', 'coverage@10', 'auc'])!;
    expect(() => checkProtocol(request, 'full')).not.toThrow();
    expect(() => checkProtocol(request, 'sampled')).toThrow(
      'evaluate.metrics: precision@10, coverage@10 are not available with the sampled protocol (it gives hr@K, ndcg@K, mrr@K and auc); set evaluate.protocol: full, or drop them',
    );
    expect(() => checkProtocol(rankingRequest(['hr@5', 'ndcg@5', 'mrr@5', 'auc'])!, 'sampled')).not.toThrow();
  });

  it('full ranking: per-user values by hand, training and validation items excluded, catalogue metrics', () => {
    const request = rankingRequest(['rmse', 'hr@2', 'ndcg@2', 'precision@2', 'recall@2', 'mrr@2', 'map@2', 'auc', 'coverage@2', 'novelty@2'])!;
    const out = runRanking([tinyFold()], { request, protocol: 'full', numUsers: 3, numItems: 6 });
    expect(Object.keys(out.table)).toEqual(['user', 'hr@2', 'ndcg@2', 'precision@2', 'recall@2', 'mrr@2', 'map@2', 'auc']);
    expect(Array.from(out.table.user as Int32Array)).toEqual([0, 1, 2]);
    const col = (key: string) => Array.from(out.table[key] as Float64Array);
    expect(col('hr@2')).toEqual([1, 1, 1]);
    expect(col('precision@2')).toEqual([0.5, 0.5, 0.5]);
    expect(col('recall@2')).toEqual([0.5, 1, 0.5]);
    expect(col('mrr@2')).toEqual([1, 0.5, 0.5]);
    // map@2: user 0 hit at 1 -> 1 / min(2, 2); user 1 hit at 2 -> (1/2) / 1; user 2 hit at 2 -> (1/2) / 2
    expect(col('map@2')).toEqual([0.5, 0.5, 0.25]);
    const ndcg = col('ndcg@2');
    expect(ndcg[0]).toBeCloseTo(1 / (1 + L3), 12);
    expect(ndcg[1]).toBeCloseTo(L3, 12);
    expect(ndcg[2]).toBeCloseTo(L3 / (1 + L3), 12);
    // auc: user 0 {4, 2} vs {3, 1, 0}: 3 + 2 of 6 pairs; user 1: 3 beats 5, not 2; user 2: {2, 1} vs {5, 0, 3}: 2 + 0 of 6
    const auc = col('auc');
    expect(auc[0]).toBeCloseTo(5 / 6, 12);
    expect(auc[1]).toBeCloseTo(1 / 2, 12);
    expect(auc[2]).toBeCloseTo(1 / 3, 12);
    expect(out.summary.protocol).toBe('full');
    expect(out.summary.users).toBe(3);
    expect(out.summary.negatives).toBeUndefined();
    expect(Object.keys(out.summary.means)).toEqual(['hr@2', 'ndcg@2', 'precision@2', 'recall@2', 'mrr@2', 'map@2', 'auc']);
    expect(out.summary.means['recall@2']).toBeCloseTo(2 / 3, 12);
    expect(out.summary.means.auc).toBeCloseTo((5 / 6 + 1 / 2 + 1 / 3) / 3, 12);
    // lists [4, 3], [2, 3], [5, 2]: items 2, 3, 4, 5 of 6; popularity (train + valid users / 3): item 4 2/3, 5 1/3, 2 and 3 none (floor 1/3)
    expect(Object.keys(out.summary.catalogue!)).toEqual(['coverage@2', 'novelty@2']);
    expect(out.summary.catalogue!['coverage@2']).toBeCloseTo(4 / 6, 12);
    expect(out.summary.catalogue!['novelty@2']).toBeCloseTo((-Math.log2(2 / 3) + 5 * Math.log2(3)) / 6, 12);
  });

  it('full ranking: only the keys asked; relevance keeps test ratings at or above it; users without relevant items are left out', () => {
    const request = rankingRequest(['hr@2', 'ndcg@2'])!;
    const out = runRanking([tinyFold()], { request, protocol: 'full', relevance: 4, numUsers: 3, numItems: 6 });
    expect(Object.keys(out.table)).toEqual(['user', 'hr@2', 'ndcg@2']);
    // relevant: user 0 {4}, user 1 {3}, user 2 {1}: hits at 1, 2, none
    expect(Array.from(out.table['hr@2'] as Float64Array)).toEqual([1, 1, 0]);
    expect(Array.from(out.table['ndcg@2'] as Float64Array)).toEqual([1, L3, 0]);
    expect(out.summary.catalogue).toBeUndefined();
    const strict = runRanking([tinyFold()], { request, protocol: 'full', relevance: 5, numUsers: 3, numItems: 6 });
    expect(Array.from(strict.table.user as Int32Array)).toEqual([0, 2]);
    expect(strict.summary.users).toBe(2);
  });

  it('sampled: each positive among its stored negatives; a positive without negatives names the file', () => {
    const fold = tinyFold();
    // user 0: positive 4 vs [3, 0] -> rank 1; positive 2 vs [3, 1] -> rank 2 (3 scores higher)
    // user 1: positive 3 vs [2, 5] -> rank 2; user 2: positive 1 vs [0] -> rank 2, positive 2 vs [3] -> rank 1
    const rows: Array<[number, number, number]> = [[0, 4, 3], [0, 4, 0], [0, 2, 3], [0, 2, 1], [1, 3, 2], [1, 3, 5], [2, 1, 0], [2, 2, 3]];
    const columns = { user: Int32Array.from(rows, (r) => r[0]), item: Int32Array.from(rows, (r) => r[1]), negative: Int32Array.from(rows, (r) => r[2]) };
    fold.negatives = new NegativesIndex(columns, 6, 'data/negatives.arrow');
    const request = rankingRequest(['hr@1', 'ndcg@2', 'mrr@2', 'auc'])!;
    const out = runRanking([fold], { request, protocol: 'sampled', negatives: 2, numUsers: 3, numItems: 6 });
    expect(out.summary).toMatchObject({ protocol: 'sampled', users: 3, negatives: 2 });
    expect(Object.keys(out.table)).toEqual(['user', 'hr@1', 'ndcg@2', 'mrr@2', 'auc']);
    expect(Array.from(out.table['hr@1'] as Float64Array)).toEqual([0.5, 0, 0.5]);
    expect(Array.from(out.table['mrr@2'] as Float64Array)).toEqual([0.75, 0.5, 0.75]);
    const ndcg = Array.from(out.table['ndcg@2'] as Float64Array);
    expect(ndcg[0]).toBeCloseTo((1 + L3) / 2, 12);
    expect(ndcg[1]).toBeCloseTo(L3, 12);
    // auc: user 0 (1 + 1/2) / 2; user 1 1/2; user 2 (0 + 1) / 2
    expect(Array.from(out.table.auc as Float64Array)).toEqual([0.75, 0.5, 0.5]);

    const partial = tinyFold();
    partial.negatives = new NegativesIndex({ user: Int32Array.of(0), item: Int32Array.of(4), negative: Int32Array.of(3) }, 6, '/x/data/negatives.arrow');
    expect(() => runRanking([partial], { request, protocol: 'sampled', negatives: 1, numUsers: 3, numItems: 6 })).toThrow(
      '/x/data/negatives.arrow: no negatives for the test positive (user 0, item 2); the file does not match the test split (rerun datagen)',
    );
  });

  it('sampled with every candidate as a negative equals full ranking (one test positive per user)', () => {
    const numUsers = 40;
    const numItems = 30;
    const rng = new Rng(7, 'ranking-test');
    const normal = () => Array.from({ length: 4 }, () => rng.uniform() * 2 - 1);
    const network = dotNetwork(Array.from({ length: numUsers }, normal), Array.from({ length: numItems }, normal));
    const train: Array<[number, number]> = [];
    const valid: Array<[number, number]> = [];
    const test: Array<[number, number]> = [];
    const negatives: number[][] = [];
    for (let u = 0; u < numUsers; u += 1) {
      const items = Array.from({ length: numItems }, (_, i) => i).sort(() => rng.uniform() - 0.5);
      const [pos, v, ...rest] = items as [number, number, ...number[]];
      const seen = rest.slice(0, 3 + (u % 5));
      for (const i of seen) train.push([u, i]);
      valid.push([u, v]);
      test.push([u, pos]);
      for (const i of rest.slice(seen.length)) negatives.push([u, pos, i]);
    }
    const index = new NegativesIndex(
      { user: Int32Array.from(negatives, (r) => r[0] as number), item: Int32Array.from(negatives, (r) => r[1] as number), negative: Int32Array.from(negatives, (r) => r[2] as number) },
      numItems,
      'negatives.arrow',
    );
    const fold: RankingFoldInputs = { scorer: networkScorer(network, numItems), train: ratings(train), valid: ratings(valid), test: ratings(test), negatives: index };
    const request = rankingRequest(['hr@1', 'hr@5', 'ndcg@5', 'ndcg@10', 'mrr@10', 'auc'])!;
    const full = runRanking([fold], { request, protocol: 'full', numUsers, numItems });
    const sampled = runRanking([fold], { request, protocol: 'sampled', negatives: 25, numUsers, numItems });
    expect(Array.from(sampled.table.user as Int32Array)).toEqual(Array.from(full.table.user as Int32Array));
    for (const key of request.perUser) {
      const a = Array.from(full.table[key] as Float64Array);
      const b = Array.from(sampled.table[key] as Float64Array);
      b.forEach((v, j) => expect(v).toBeCloseTo(a[j] as number, 12));
    }
    // not trivially equal: the metrics vary across users
    expect(new Set(Array.from(full.table['ndcg@5'] as Float64Array)).size).toBeGreaterThan(2);
  });

  it('k-fold: a row per (user, fold) with the fold column; means pooled over rows; the table matches RANKING_SCHEMA', () => {
    const first = tinyFold();
    const second = tinyFold();
    second.test = ratings([[0, 0, 5], [1, 3, 4]]); // user 0: candidates 4 3 2 1 0 -> item 0 at rank 5: a miss; user 1 as before
    const request = rankingRequest(['hr@2', 'auc'])!;
    const out = runRanking([first, second], { request, protocol: 'full', numUsers: 3, numItems: 6 });
    expect(Array.from(out.table.user as Int32Array)).toEqual([0, 1, 2, 0, 1]);
    expect(Array.from(out.table.fold as Int32Array)).toEqual([1, 1, 1, 2, 2]);
    expect(Array.from(out.table['hr@2'] as Float64Array)).toEqual([1, 1, 1, 0, 1]);
    expect(out.summary.users).toBe(5);
    expect(out.summary.means['hr@2']).toBeCloseTo(4 / 5, 12);
    const decoded = decodeTable(encodeTable(RANKING_SCHEMA, out.table), RANKING_SCHEMA, 'ranking.arrow');
    expect(Object.keys(decoded)).toEqual(['user', 'fold', 'hr@2', 'auc']);
    expect(decoded['hr@2']).toBeInstanceOf(Float64Array);
    expect(decoded.fold).toBeInstanceOf(Int32Array);
  });

  it('block scoring gives the same scores as one pair at a time', () => {
    const network = dotNetwork(U, V);
    const all = scoreUsersAllItems(network, [2, 0], 6);
    expect(Array.from(all.subarray(0, 6))).toEqual(V1.map((v) => Math.fround(v)));
    expect(Array.from(all.subarray(6))).toEqual([0, 1, 2, 3, 4, 5]);
    // blocks of 2 users (12 pairs): user 1 comes from a second block
    const score = blockScorer(networkScorer(network, 6), Int32Array.of(0, 2, 1), 6, 12);
    expect(Array.from(score(0))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(score(1), (x) => x + 0)).toEqual([0, -1, -2, -3, -4, -5]);
    expect(() => score(7)).toThrow('blockScorer: user 7 was not announced');
  });
});

describe('runEvaluate with ranking metrics and implicit data', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('explicit: rmse and mae as before, ranking summary in metrics and per-user rows', () => {
    const fold = tinyFold();
    const started = performance.now();
    const out = runEvaluate('e', 'm', {
      folds: [{ ...fold, trainMean: 3.5 }],
      numUsers: 3,
      numItems: 6,
      scale: { min: 1, max: 5 },
      train: TRAIN_DETAILS,
      backend: 'wasm',
      ranking: { request: rankingRequest(['rmse', 'mae', 'hr@2', 'coverage@2'])!, protocol: 'full' },
    });
    const elapsed = (performance.now() - started) / 1000;
    // Scores 4, 2, -3, 0.1, 0.4 clipped to 1-5 against ratings 5, 2, 4, 5, 3: errors 1, 0, 3, 4, 2.
    expect(out.metrics.rmse).toBeCloseTo(Math.sqrt(30 / 5), 6);
    expect(out.metrics.mae).toBeCloseTo(10 / 5, 6);
    expect(out.metrics.ranking).toEqual({ protocol: 'full', users: 3, means: { 'hr@2': 1 }, catalogue: { 'coverage@2': 4 / 6 } });
    expect(Object.keys(out.ranking!.table)).toEqual(['user', 'hr@2']);
    // Seconds, not milliseconds: a part of the call's own wall time.
    expect(out.ranking!.seconds).toBeGreaterThan(0);
    expect(out.ranking!.seconds).toBeLessThanOrEqual(elapsed);
  });

  it('implicit: predictions are the raw scores (not clipped), rating errors are NaN and serialise as null', () => {
    const fold = tinyFold();
    const out = runEvaluate('e', 'm', {
      folds: [{ ...fold, test: ratings([[0, 4], [0, 2], [1, 3]]), trainMean: 1 }],
      numUsers: 3,
      numItems: 6,
      scale: { min: 1, max: 1 },
      train: TRAIN_DETAILS,
      backend: 'wasm',
      feedback: 'implicit',
      ranking: { request: rankingRequest(['hr@2'])!, protocol: 'full' },
    });
    expect(Array.from(out.predictions)).toEqual([4, 2, -3]);
    const json = JSON.parse(JSON.stringify(out.metrics)) as Record<string, unknown>;
    expect(json).toMatchObject({ rmse: null, mae: null, count: 3, meanBaseline: { rmse: null, mae: null } });
    // item 4 was trained on; items 2 and 3 were not (cold)
    expect(json.coldStart).toEqual({ warm: { rmse: null, mae: null, count: 1 }, cold: { rmse: null, mae: null, count: 2 } });
    expect(out.metrics.ranking?.means).toEqual({ 'hr@2': 1 });
  });
});
