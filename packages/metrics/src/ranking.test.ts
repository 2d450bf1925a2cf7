import { Rng } from '@deeprec/base';
import { auc, coverage, idealDcg, itemPopularity, novelty, rankingMetricsForUser, RANKING_METRICS } from './ranking';

const L3 = Math.log2(3);
const L5 = Math.log2(5);
const L6 = Math.log2(6);

function expectMetrics(actual: Record<string, number>, expected: Record<string, number>): void {
  for (const [key, value] of Object.entries(expected)) {
    expect([key, actual[key]]).toEqual([key, expect.closeTo(value, 12)]);
  }
}

describe('rankingMetricsForUser', () => {
  // ranked [3, 1, 7, 2], relevant {1, 2}: hits at ranks 2 and 4
  const ranked = [3, 1, 7, 2];
  const relevant = new Set([1, 2]);
  const m = rankingMetricsForUser(ranked, relevant, [1, 2, 4, 10]);

  it('gives every metric at every K', () => {
    expect(Object.keys(m).sort()).toEqual(
      [1, 2, 4, 10].flatMap((k) => RANKING_METRICS.map((name) => `${name}@${k}`)).sort(),
    );
  });

  it('K = 1: the first item misses, so everything is 0', () => {
    expectMetrics(m, { 'hr@1': 0, 'precision@1': 0, 'recall@1': 0, 'ndcg@1': 0, 'map@1': 0, 'mrr@1': 0 });
  });

  it('K = 2: one hit at rank 2', () => {
    expectMetrics(m, {
      'hr@2': 1,
      'precision@2': 0.5, // 1 hit / K = 2
      'recall@2': 0.5, // 1 hit / |R| = 2
      'ndcg@2': 1 / L3 / (1 + 1 / L3), // DCG = 1/log2(3); IDCG = 1/log2(2) + 1/log2(3)
      'map@2': 0.5 / 2, // precision@2 = 1/2 at the hit, / min(|R|, K) = 2
      'mrr@2': 0.5, // first hit at rank 2
    });
  });

  it('K = 4: hits at ranks 2 and 4', () => {
    expectMetrics(m, {
      'hr@4': 1,
      'precision@4': 0.5, // 2 / 4
      'recall@4': 1, // 2 / 2
      'ndcg@4': (1 / L3 + 1 / L5) / (1 + 1 / L3), // DCG = 1/log2 3 + 1/log2 5; IDCG over min(2, 4) = 2 hits
      'map@4': (1 / 2 + 2 / 4) / 2, // (P@2 + P@4) / 2 = 0.5
      'mrr@4': 0.5,
    });
  });

  it('K = 10 beyond the list: precision still divides by K, the rest as at K = 4', () => {
    expectMetrics(m, {
      'hr@10': 1,
      'precision@10': 0.2, // 2 / 10
      'recall@10': 1,
      'ndcg@10': (1 / L3 + 1 / L5) / (1 + 1 / L3),
      'map@10': 0.5,
      'mrr@10': 0.5,
    });
  });

  it('more relevant items than K: recall over |R|, IDCG and MAP over min(|R|, K)', () => {
    // ranked [5, 6, 7, 8, 9], relevant {5, 7, 9, 11}: hits at ranks 1, 3, 5
    const r = rankingMetricsForUser([5, 6, 7, 8, 9], new Set([5, 7, 9, 11]), [3, 5]);
    expectMetrics(r, {
      'hr@3': 1,
      'precision@3': 2 / 3,
      'recall@3': 2 / 4, // hits / |R|, not hits / min(|R|, K) = 2/3
      'ndcg@3': (1 + 1 / 2) / (1 + 1 / L3 + 1 / 2), // DCG = 1/log2 2 + 1/log2 4; IDCG = 3 ideal hits
      'map@3': (1 / 1 + 2 / 3) / 3, // (P@1 + P@3) / min(4, 3) = 5/9
      'mrr@3': 1,
      'precision@5': 3 / 5,
      'recall@5': 3 / 4,
      'ndcg@5': (1 + 1 / 2 + 1 / L6) / (1 + 1 / L3 + 1 / 2 + 1 / L5), // IDCG over min(4, 5) = 4 hits
      'map@5': (1 + 2 / 3 + 3 / 5) / 4, // = 17/30
      'mrr@5': 1,
    });
    expect(r['map@5']).toBeCloseTo(17 / 30, 14);
  });

  it('a perfect list scores 1 everywhere except precision', () => {
    const r = rankingMetricsForUser([4, 2, 9], new Set([2, 4]), [2, 3]);
    expectMetrics(r, { 'ndcg@2': 1, 'map@2': 1, 'recall@2': 1, 'ndcg@3': 1, 'map@3': 1, 'precision@3': 2 / 3 });
  });

  it('no relevant items: every metric is NaN (undefined; the protocols skip such users)', () => {
    const r = rankingMetricsForUser([1, 2, 3], new Set(), [2]);
    for (const name of RANKING_METRICS) expect(r[`${name}@2`]).toBeNaN();
  });

  it('an empty list with relevant items scores 0', () => {
    const r = rankingMetricsForUser([], new Set([1]), [5]);
    for (const name of RANKING_METRICS) expect(r[`${name}@5`]).toBe(0);
  });

  it('rejects bad cut-offs', () => {
    expect(() => rankingMetricsForUser([1], new Set([1]), [])).toThrow(RangeError);
    expect(() => rankingMetricsForUser([1], new Set([1]), [0])).toThrow(RangeError);
    expect(() => rankingMetricsForUser([1], new Set([1]), [2.5])).toThrow(RangeError);
  });

  it('idealDcg sums the first min(|R|, K) discounts', () => {
    expect(idealDcg(2, 10)).toBeCloseTo(1 + 1 / L3, 14);
    expect(idealDcg(5, 1)).toBe(1);
    expect(idealDcg(0, 3)).toBe(0);
  });
});

describe('auc', () => {
  it('counts correctly ordered pairs, ties as 1/2', () => {
    // relevant 0.9 beats 0.8, 0.3, 0.1 (3); relevant 0.8 ties 0.8 (1/2), beats 0.3 and 0.1 (2): 5.5 / (2 * 3)
    expect(auc([0.9, 0.8, 0.8, 0.3, 0.1], [1, 0, 1, 0, 0])).toBeCloseTo(5.5 / 6, 14);
    expect(auc([0.1, 0.2], [true, false])).toBe(0);
    expect(auc([0.5, 0.5], [true, false])).toBe(0.5);
    expect(auc([Number.NaN, 0.5], [1, 0])).toBe(0); // NaN ranks below every number
    expect(auc([Number.NaN, Number.NaN], [1, 0])).toBe(0.5);
  });

  it('is NaN without relevant or without non-relevant candidates', () => {
    expect(auc([0.1, 0.2], [0, 0])).toBeNaN();
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(() => auc([0.1], [1, 0])).toThrow(RangeError);
  });

  it('matches brute-force pair counting on random data with ties', () => {
    const rng = new Rng(1, 'auc-test');
    for (let trial = 0; trial < 50; trial += 1) {
      const n = 2 + rng.int(60);
      const s = Array.from({ length: n }, () => rng.int(6));
      const rel = Array.from({ length: n }, () => rng.uniform() < 0.3);
      let good = 0;
      let pairs = 0;
      for (let i = 0; i < n; i += 1) {
        for (let j = 0; j < n; j += 1) {
          if (!rel[i] || rel[j]) continue;
          pairs += 1;
          good += (s[i] as number) > (s[j] as number) ? 1 : s[i] === s[j] ? 0.5 : 0;
        }
      }
      const expected = pairs === 0 ? Number.NaN : good / pairs;
      if (Number.isNaN(expected)) expect(auc(s, rel)).toBeNaN();
      else expect(auc(s, rel)).toBeCloseTo(expected, 12);
    }
  });
});

describe('coverage', () => {
  const lists = [
    [0, 1, 2],
    [1, 2, 3],
    [2, 5, 6],
  ];
  it('is the share of the catalogue recommended to anyone', () => {
    expect(coverage(lists, 10, 2)).toBeCloseTo(4 / 10, 14); // {0, 1, 2, 5}
    expect(coverage(lists, 10)).toBeCloseTo(6 / 10, 14); // {0, 1, 2, 3, 5, 6}
    expect(coverage([], 10)).toBe(0);
    expect(() => coverage(lists, 0)).toThrow(RangeError);
    expect(() => coverage([[12]], 10)).toThrow(RangeError);
  });
});

describe('itemPopularity and novelty', () => {
  it('popularity is the fraction of users with a training interaction', () => {
    // item 0: users {0, 1, 2}; item 1: {0}; item 2: {2}; (2, 0) twice counts once; 4 users
    const p = itemPopularity([0, 0, 1, 2, 2, 2], [0, 1, 0, 0, 0, 2], 4, 3);
    expect(Array.from(p)).toEqual([0.75, 0.25, 0.25]);
  });

  it('novelty is the mean self-information -log2 p(i) over recommended slots', () => {
    const pop = [0.5, 0.25, 1, 0.125, 0];
    // -log2: item 0 -> 1, item 1 -> 2, item 2 -> 0, item 3 -> 3; mean over 4 slots = 6/4
    expect(novelty([[0, 1], [2, 3]], pop)).toBeCloseTo(1.5, 14);
    // cut to k = 1: items 0 and 2 -> (1 + 0) / 2
    expect(novelty([[0, 1], [2, 3]], pop, { k: 1 })).toBeCloseTo(0.5, 14);
    // an item nobody trained on (p = 0) counts at the floor: 1/16 -> 4 bits; default floor = rarest seen (1/8 -> 3 bits)
    expect(novelty([[4]], pop, { minPopularity: 1 / 16 })).toBeCloseTo(4, 14);
    expect(novelty([[4]], pop)).toBeCloseTo(3, 14);
    expect(novelty([], pop)).toBeNaN();
    expect(() => novelty([[9]], pop)).toThrow(RangeError);
    expect(() => novelty([[0]], [0, 0])).toThrow(RangeError);
  });
});
