import { Rng } from '@deeprec/base';
import { ranksBefore, topK } from './topk';

/** Reference: full sort by (score desc, index asc), NaN last, then cut. */
function sortedTopK(scores: Float32Array, k: number, excluded: (i: number) => boolean): number[] {
  const items = Array.from({ length: scores.length }, (_, i) => i).filter((i) => !excluded(i));
  items.sort((a, b) => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    const na = Number.isNaN(sa);
    const nb = Number.isNaN(sb);
    if (na !== nb) return na ? 1 : -1;
    if (!na && sa !== sb) return sb - sa;
    return a - b;
  });
  return items.slice(0, k);
}

describe('topK', () => {
  it('selects the best scores, best first, ties by lower index', () => {
    // item:      0    1    2    3    4    5
    const s = Float32Array.from([0.5, 0.9, 0.5, 0.1, 0.9, 0.7]);
    // order: 1 (0.9), 4 (0.9, higher index), 5 (0.7), 0 (0.5), 2 (0.5), 3
    expect(Array.from(topK(s, 4))).toEqual([1, 4, 5, 0]);
    expect(Array.from(topK(s, 6))).toEqual([1, 4, 5, 0, 2, 3]);
  });

  it('excludes items by set or by mask, and returns fewer when fewer are eligible', () => {
    const s = Float32Array.from([0.5, 0.9, 0.5, 0.1, 0.9, 0.7]);
    expect(Array.from(topK(s, 3, new Set([1, 5])))).toEqual([4, 0, 2]);
    expect(Array.from(topK(s, 3, Uint8Array.from([0, 1, 0, 0, 0, 1])))).toEqual([4, 0, 2]);
    expect(Array.from(topK(s, 10, new Set([0, 1, 2, 3])))).toEqual([4, 5]); // k larger than what is left
    expect(topK(s, 0).length).toBe(0);
    expect(topK(new Float32Array(0), 5).length).toBe(0);
    expect(() => topK(s, -1)).toThrow(RangeError);
    expect(() => topK(s, 1.5)).toThrow(RangeError);
  });

  it('ranks NaN scores after every number', () => {
    const s = Float32Array.from([Number.NaN, -Infinity, 0, Number.NaN, 2]);
    expect(Array.from(topK(s, 5))).toEqual([4, 2, 1, 0, 3]);
    expect(ranksBefore(Number.NaN, 0, -Infinity, 1)).toBe(false);
    expect(ranksBefore(-Infinity, 1, Number.NaN, 0)).toBe(true);
  });

  it('agrees with a full sort on random data with many ties', () => {
    const rng = new Rng(7, 'topk-test');
    for (let trial = 0; trial < 200; trial += 1) {
      const n = 1 + rng.int(300);
      // scores on a coarse grid (many ties), some NaN
      const s = Float32Array.from({ length: n }, () => (rng.uniform() < 0.03 ? Number.NaN : Math.round(rng.uniform() * 10) / 10));
      const mask = Uint8Array.from({ length: n }, () => (rng.uniform() < 0.2 ? 1 : 0));
      const k = 1 + rng.int(n + 5);
      expect(Array.from(topK(s, k, mask))).toEqual(sortedTopK(s, k, (i) => mask[i] === 1));
      expect(Array.from(topK(s, k))).toEqual(sortedTopK(s, k, () => false));
    }
  });
});
