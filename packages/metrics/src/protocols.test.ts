import { Rng } from '@deeprec/base';
import { coverage, novelty } from './ranking';
import { evaluateFullRanking, evaluateSampled, groupByUser } from './protocols';

const L3 = Math.log2(3);

describe('groupByUser', () => {
  it('groups, sorts and de-duplicates items per user', () => {
    const g = groupByUser([2, 0, 2, 2, 0], [5, 1, 3, 5, 0], 4);
    expect(g.map((x) => Array.from(x))).toEqual([[0, 1], [], [3, 5], []]);
    expect(() => groupByUser([4], [0], 4)).toThrow(RangeError);
  });
});

describe('evaluateFullRanking', () => {
  // 4 users, 6 items.
  // user 0: train {0, 1}, test {2, 5}; scores 0:.9 1:.8 2:.1 3:.7 4:.05 5:.5
  //   candidates (train left out) ranked: 3 (.7), 5 (.5), 2 (.1), 4 (.05): hits at ranks 2 and 3
  // user 1: no test items -> skipped
  // user 2: test item 3 is also a training item -> nothing relevant -> skipped
  // user 3: train {}, test {0}; scores favour item 0 -> hit at rank 1
  const scoreTable: number[][] = [
    [0.9, 0.8, 0.1, 0.7, 0.05, 0.5],
    [0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [0.6, 0.2, 0.2, 0.2, 0.1, 0.3],
  ];
  const input = {
    numItems: 6,
    trainItems: [[0, 1], [], [3], []],
    testItems: [[2, 5], [], [3], [0]],
    ks: [2, 4],
    scoreUser: (u: number) => Float32Array.from(scoreTable[u] as number[]),
  };
  const r = evaluateFullRanking(input);

  it('skips users without a relevant test item and keeps the given order', () => {
    expect(Array.from(r.users)).toEqual([0, 3]);
    expect(Array.from(r.skipped)).toEqual([1, 2]);
  });

  it('pins every metric for user 0 by hand', () => {
    const at = (key: string): number => (r.perUser[key] as Float64Array)[0] as number;
    // K = 2: ranked [3, 5]: hit at rank 2
    expect(at('hr@2')).toBe(1);
    expect(at('precision@2')).toBeCloseTo(0.5, 12);
    expect(at('recall@2')).toBeCloseTo(0.5, 12);
    expect(at('ndcg@2')).toBeCloseTo(1 / L3 / (1 + 1 / L3), 12);
    expect(at('map@2')).toBeCloseTo(0.5 / 2, 12); // P@2 / min(2, 2)
    expect(at('mrr@2')).toBeCloseTo(0.5, 12);
    // K = 4: ranked [3, 5, 2, 4]: hits at ranks 2, 3
    expect(at('precision@4')).toBeCloseTo(0.5, 12);
    expect(at('recall@4')).toBeCloseTo(1, 12);
    expect(at('ndcg@4')).toBeCloseTo((1 / L3 + 1 / 2) / (1 + 1 / L3), 12);
    expect(at('map@4')).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12); // (P@2 + P@3) / 2 = 7/12
    expect(at('mrr@4')).toBeCloseTo(0.5, 12);
    // AUC over candidates {2, 3, 4, 5}: positive 5 (.5) loses to 3 (.7), beats 4 (.05); 2 (.1) the same: 2/4
    expect(at('auc')).toBeCloseTo(0.5, 12);
  });

  it('averages over evaluated users', () => {
    // user 3: ranked [0, 5, 1, 2]: hit at rank 1, everything 1 except precision (1/K) ...
    const u3 = (key: string): number => (r.perUser[key] as Float64Array)[1] as number;
    expect(u3('ndcg@4')).toBe(1);
    expect(u3('precision@4')).toBeCloseTo(0.25, 12);
    expect(u3('auc')).toBe(1);
    expect(r.means['ndcg@2']).toBeCloseTo((1 / L3 / (1 + 1 / L3) + 1) / 2, 12);
    expect(r.means['precision@4']).toBeCloseTo((0.5 + 0.25) / 2, 12);
    expect(r.means['auc']).toBeCloseTo(0.75, 12);
  });

  it('reports catalogue coverage and novelty over the top-K lists', () => {
    // top-2 lists: user 0 [3, 5], user 3 [0, 5] -> {0, 3, 5} of 6 items
    expect(r.catalogue['coverage@2']).toBeCloseTo(3 / 6, 12);
    // top-4: [3, 5, 2, 4] and [0, 5, 1, 2]: {0, 1, 2, 3, 4, 5}
    expect(r.catalogue['coverage@4']).toBe(1);
    // popularity over 4 users: item 0 -> 1/4, 1 -> 1/4, 3 -> 1/4, others 0 -> floor 1/4 too: 2 bits each
    expect(r.catalogue['novelty@2']).toBeCloseTo(2, 12);
    expect(r.catalogue['coverage@2']).toBe(coverage([[3, 5], [0, 5]], 6));
    expect(r.catalogue['novelty@4']).toBe(novelty([[3, 5, 2, 4], [0, 5, 1, 2]], [0.25, 0.25, 0, 0.25, 0, 0], { minPopularity: 0.25 }));
  });

  it('can leave AUC out, evaluate a chosen user list, and checks its inputs', () => {
    const noAuc = evaluateFullRanking({ ...input, auc: false, users: [3, 0] });
    expect(noAuc.perUser.auc).toBeUndefined();
    expect(Array.from(noAuc.users)).toEqual([3, 0]);
    expect(noAuc.perUser['ndcg@4']?.[1]).toBe(r.perUser['ndcg@4']?.[0]);
    expect(() => evaluateFullRanking({ ...input, users: [4] })).toThrow(RangeError);
    expect(() => evaluateFullRanking({ ...input, scoreUser: () => new Float32Array(5) })).toThrow(/5 scores for 6 items/);
    expect(() => evaluateFullRanking({ ...input, testItems: [[9]] })).toThrow(RangeError);
  });
});

/** Random train sets and exactly one test positive per user; scores on a coarse grid (ties). */
function randomWorld(seed: number, numUsers: number, numItems: number) {
  const rng = new Rng(seed, 'protocols-test');
  const trainItems: number[][] = [];
  const testItems: number[][] = [];
  for (let u = 0; u < numUsers; u += 1) {
    const perm = Array.from(rng.permutation(numItems));
    const nTrain = rng.int(numItems / 2);
    trainItems.push(perm.slice(0, nTrain));
    testItems.push([perm[nTrain] as number]);
  }
  const table = Array.from({ length: numUsers }, () => Float32Array.from({ length: numItems }, () => rng.int(8) / 8));
  return { trainItems, testItems, table };
}

describe('evaluateSampled', () => {
  it('equals full ranking when the negatives cover every non-train item (one test positive per user)', () => {
    const numItems = 30;
    const { trainItems, testItems, table } = randomWorld(11, 12, numItems);
    const ks = [1, 3, 5, 10];
    const full = evaluateFullRanking({ numItems, trainItems, testItems, ks, scoreUser: (u) => table[u] as Float32Array });
    const sampled = evaluateSampled({
      numItems,
      trainItems,
      testItems,
      ks,
      numNegatives: numItems, // more than any pool: every non-interacted item
      seed: 1,
      scorePairs: (users, items) => Float32Array.from(users, (u, j) => (table[u] as Float32Array)[items[j] as number] as number),
    });
    expect(Array.from(sampled.users)).toEqual(Array.from(full.users));
    for (const key of [...ks.flatMap((k) => [`hr@${k}`, `ndcg@${k}`, `mrr@${k}`]), 'auc']) {
      const a = Array.from(full.perUser[key] as Float64Array);
      const b = Array.from(sampled.perUser[key] as Float64Array);
      b.forEach((v, j) => expect([key, j, v]).toEqual([key, j, expect.closeTo(a[j] as number, 12)]));
      expect(sampled.means[key]).toBeCloseTo(full.means[key] as number, 12);
    }
  });

  it('ranks each positive among its own negatives (hand example, He et al. per-positive metrics)', () => {
    // user 0, positives 1 and 4 (train {0}); scores by item: 0:.9 1:.6 2:.7 3:.6 4:.2 5:.1 6:.3
    const scores = [0.9, 0.6, 0.7, 0.6, 0.2, 0.1, 0.3];
    const negatives: Record<number, number[]> = { 1: [2, 3, 5], 4: [5, 6] };
    const r = evaluateSampled({
      numItems: 7,
      trainItems: [[0]],
      testItems: [[4, 1]],
      ks: [1, 2],
      numNegatives: 3,
      seed: 0,
      negatives: (_u, pos) => negatives[pos] as number[],
      scorePairs: (_users, items) => Float32Array.from(items, (i) => scores[i] as number),
    });
    // positive 1 (.6) vs 2 (.7), 3 (.6, tie: higher index ranks after), 5 (.1): rank 2; AUC (0 + 1/2 + 1) / 3
    // positive 4 (.2) vs 5 (.1), 6 (.3): rank 2; AUC (1 + 0) / 2
    const v = (key: string): number => (r.perUser[key] as Float64Array)[0] as number;
    expect(v('hr@1')).toBe(0);
    expect(v('hr@2')).toBe(1);
    expect(v('ndcg@2')).toBeCloseTo(1 / L3, 12); // both at rank 2: mean of 1/log2(3) twice
    expect(v('mrr@2')).toBeCloseTo(0.5, 12);
    expect(v('auc')).toBeCloseTo((1.5 / 3 + 1 / 2) / 2, 12);
  });

  it('samples N distinct non-interacted negatives per positive, deterministically per seed', () => {
    for (const numItems of [30, 2000]) {
      // 30 items: the explicit-pool branch; 2000: rejection sampling
      const trainItems = [[0, 1, 2], [5]];
      const testItems = [[3, 4], [6]];
      const seen: number[][] = [];
      const run = (seed: number) => {
        seen.length = 0;
        return evaluateSampled({
          numItems,
          trainItems,
          testItems,
          ks: [5],
          numNegatives: 10,
          seed,
          scorePairs: (users, items) => {
            // pairs come as [positive, negatives...] blocks of 11
            for (let j = 0; j < items.length; j += 11) seen.push([users[j] as number, ...Array.from(items.subarray(j, j + 11))]);
            return Float32Array.from(items, (i) => Math.sin(i));
          },
        });
      };
      const first = run(3);
      const firstSeen = seen.map((s) => s.slice());
      expect(firstSeen).toHaveLength(3);
      for (const [u, pos, ...negs] of firstSeen) {
        expect(negs).toHaveLength(10);
        expect(new Set(negs).size).toBe(10);
        const interacted = new Set([...(trainItems[u as number] as number[]), ...(testItems[u as number] as number[])]);
        expect(interacted.has(pos as number)).toBe(true);
        for (const n of negs) expect(interacted.has(n)).toBe(false);
      }
      const again = run(3);
      expect(seen).toEqual(firstSeen);
      expect(again.perUser).toEqual(first.perUser);
      run(4);
      expect(seen).not.toEqual(firstSeen);
    }
  });

  it('gives the same values whatever the scoring batch size', () => {
    const numItems = 40;
    const { trainItems, testItems, table } = randomWorld(5, 15, numItems);
    const args = {
      numItems,
      trainItems,
      testItems,
      ks: [3],
      numNegatives: 7,
      seed: 9,
      scorePairs: (users: Int32Array, items: Int32Array) => Float32Array.from(users, (u, j) => (table[u] as Float32Array)[items[j] as number] as number),
    };
    const big = evaluateSampled(args);
    let calls = 0;
    const small = evaluateSampled({
      ...args,
      batchPairs: 10,
      scorePairs: (u, i) => {
        calls += 1;
        return args.scorePairs(u, i);
      },
    });
    expect(calls).toBeGreaterThan(1);
    expect(small.perUser).toEqual(big.perUser);
    expect(small.means).toEqual(big.means);
    expect(Array.from(small.users)).toEqual(Array.from(big.users));
  });

  it('skips users without a relevant test item and checks scorePairs output', () => {
    const r = evaluateSampled({
      numItems: 5,
      trainItems: [[0], [1]],
      testItems: [[0], [2]],
      ks: [1],
      numNegatives: 2,
      seed: 0,
      scorePairs: (u) => new Float32Array(u.length),
    });
    expect(Array.from(r.users)).toEqual([1]);
    expect(Array.from(r.skipped)).toEqual([0]);
    expect(() =>
      evaluateSampled({ numItems: 5, trainItems: [[0]], testItems: [[2]], ks: [1], numNegatives: 2, seed: 0, scorePairs: () => new Float32Array(1) }),
    ).toThrow(/1 scores for 3 pairs/);
  });
});
