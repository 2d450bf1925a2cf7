/**
 * The browser recommender's order: `deeprec recommend`'s (higher score first, ties to the
 * lower item index, NaN last, training items left out), checked against a full sort on
 * seeded scores with many ties. The lists themselves are checked against the CLI in
 * Chromium (packages/cli/src/webmodel.test.ts).
 */
import { Rng } from '@deeprec/base';
import { ranksBefore, topK } from '../browser/recommender';

/** The k best by a full sort: the definition topK must meet. */
function bySort(scores: number[], k: number, excluded: ReadonlySet<number>): number[] {
  const key = (i: number) => (Number.isNaN(scores[i]) ? Number.NEGATIVE_INFINITY : (scores[i] as number));
  return scores
    .map((_, i) => i)
    .filter((i) => !excluded.has(i))
    .sort((a, b) => {
      const nanA = Number.isNaN(scores[a]);
      const nanB = Number.isNaN(scores[b]);
      if (nanA !== nanB) return nanA ? 1 : -1;
      return key(b) - key(a) || a - b;
    })
    .slice(0, k);
}

describe('browser topK', () => {
  it('equals a full sort (score, then lower index, NaN last) with exclusions, over seeded catalogues', () => {
    const rng = new Rng(11, 'webmodel-topk');
    for (let trial = 0; trial < 200; trial += 1) {
      const n = 1 + rng.int(60);
      // Few distinct values: ties everywhere; some NaN.
      const scores = Array.from({ length: n }, () => (rng.int(10) === 0 ? Number.NaN : rng.int(6) / 4 - 0.5));
      const excluded = new Set(Array.from({ length: rng.int(n) }, () => rng.int(n)));
      const k = rng.int(n + 3);
      expect({ trial, list: topK(scores, k, excluded) }).toEqual({ trial, list: bySort(scores, k, excluded) });
    }
  });

  it('k = 0 gives nothing; every item excluded gives nothing', () => {
    expect(topK([1, 2, 3], 0, new Set())).toEqual([]);
    expect(topK([1, 2, 3], 5, new Set([0, 1, 2]))).toEqual([]);
  });

  it('ranksBefore: higher first, equal scores by the lower index, NaN after every number', () => {
    expect(ranksBefore(2, 5, 1, 0)).toBe(true);
    expect(ranksBefore(1, 0, 1, 5)).toBe(true);
    expect(ranksBefore(1, 5, 1, 0)).toBe(false);
    expect(ranksBefore(-1e9, 9, Number.NaN, 0)).toBe(true);
    expect(ranksBefore(Number.NaN, 0, Number.NaN, 1)).toBe(true);
  });
});
