import { Rng } from '@deeprec/base';
import {
  bootstrapMeanCI,
  bootstrapPairedDiffCI,
  compareModels,
  holmAdjust,
  pairedTTest,
  quantileSorted,
  signedRankCounts,
  wilcoxonSignedRank,
} from './significance';

/** Independent check: enumerate all 2^n sign patterns of the given ranks. */
function bruteForceSignedRankP(ranks: number[], wPlus: number): number {
  const n = ranks.length;
  let le = 0;
  let ge = 0;
  for (let mask = 0; mask < 1 << n; mask += 1) {
    let s = 0;
    for (let j = 0; j < n; j += 1) if (mask & (1 << j)) s += ranks[j] as number;
    if (s <= wPlus + 1e-9) le += 1;
    if (s >= wPlus - 1e-9) ge += 1;
  }
  return Math.min(1, (2 * Math.min(le, ge)) / 2 ** n);
}

/** Mid-ranks of |d| over non-zero d, computed the slow way (count smaller + half the equal ones). */
function slowRanks(d: number[]): number[] {
  const abs = d.map(Math.abs);
  return abs.map((x) => abs.filter((y) => y < x).length + (abs.filter((y) => y === x).length + 1) / 2);
}

describe('pairedTTest', () => {
  it('matches the hand computation and SciPy ttest_rel', () => {
    // d = [1, 2, 3, 4, 5]: mean 3, sd = sqrt(10 / 4), t = 3 / (sqrt(2.5) / sqrt(5)) = 3 / sqrt(0.5) = 4.2426, df 4
    const r = pairedTTest([2, 4, 6, 8, 10], [1, 2, 3, 4, 5]);
    expect(r.n).toBe(5);
    expect(r.df).toBe(4);
    expect(r.meanDiff).toBeCloseTo(3, 14);
    expect(r.sdDiff).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(r.t).toBeCloseTo(3 / Math.sqrt(0.5), 12);
    expect(r.pValue).toBeCloseTo(0.01323559956368269, 12); // scipy.stats.ttest_rel
    const s = pairedTTest([0.9, 0.8, 0.75, 0.6, 0.95, 0.7, 0.85, 0.65], [0.85, 0.7, 0.8, 0.5, 0.9, 0.6, 0.8, 0.7]);
    expect(s.meanDiff).toBeCloseTo(0.04375, 14);
    expect(s.t).toBeCloseTo(1.985580201259114, 10);
    expect(s.pValue).toBeCloseTo(0.08745934260808017, 10);
  });

  it('is antisymmetric in a and b', () => {
    const r = pairedTTest([1, 5, 2, 8], [2, 3, 3, 1]);
    const q = pairedTTest([2, 3, 3, 1], [1, 5, 2, 8]);
    expect(q.t).toBeCloseTo(-r.t, 14);
    expect(q.pValue).toBeCloseTo(r.pValue, 14);
  });

  it('drops NaN pairs and handles degenerate samples', () => {
    const r = pairedTTest([2, Number.NaN, 4, 6, 8, 10], [1, 0, 2, 3, 4, 5]);
    expect(r.n).toBe(5);
    expect(r.pValue).toBeCloseTo(0.01323559956368269, 12);
    expect(pairedTTest([1], [0]).pValue).toBeNaN(); // n < 2
    expect(pairedTTest([1, 2], [1, 2]).pValue).toBeNaN(); // all differences 0
    const constant = pairedTTest([2, 3], [1, 2]); // every difference 1, sd 0
    expect(constant.t).toBe(Number.POSITIVE_INFINITY);
    expect(constant.pValue).toBe(0);
    expect(() => pairedTTest([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedTTest([1, Number.POSITIVE_INFINITY], [1, 2])).toThrow(RangeError);
  });
});

describe('wilcoxonSignedRank', () => {
  it('exact p-value by hand (n = 8, no ties)', () => {
    // |d| ranks 1..8; negative differences -0.5 (rank 1) and -4.5 (rank 5): W- = 6, W+ = 30.
    // Subsets of {1..8} with sum <= 6: sums 0,1,2 (1 each), 3 ({3},{1,2}), 4 ({4},{1,3}), 5 ({5},{1,4},{2,3}),
    // 6 ({6},{1,5},{2,4},{1,2,3}) = 1+1+1+2+2+3+4 = 14 of 2^8 = 256; p = 2 * 14 / 256 = 0.109375 (SciPy agrees)
    const d = [1.5, -0.5, 2.5, 3.5, -4.5, 5.5, 6.5, 7.5];
    const r = wilcoxonSignedRank(d, new Array(8).fill(0));
    expect(r).toMatchObject({ n: 8, zeros: 0, wPlus: 30, wMinus: 6, statistic: 6, method: 'exact' });
    expect(r.pValue).toBeCloseTo(0.109375, 14);
  });

  it('exact p-value matches SciPy (n = 12)', () => {
    const d = [0.3, -1.2, 2.2, 1.7, 2.9, -0.4, 3.3, 1.1, 0.8, 2.6, -2.0, 1.4];
    const r = wilcoxonSignedRank(d, new Array(12).fill(0));
    expect(r.statistic).toBe(15);
    expect(r.pValue).toBeCloseTo(0.06396484375, 14); // scipy.stats.wilcoxon(d, method='exact')
  });

  it('with ties and zeros: zeros dropped, mid-ranks, exact permutation distribution', () => {
    // d = [0.5, -0.5, 1, 1, 2, -1, 3, 0, 2, 1]: the 0 is dropped (n = 9);
    // |d| mid-ranks: 0.5 -> 1.5, 1 -> 4.5 (four of them), 2 -> 7.5, 3 -> 9; W- = 1.5 + 4.5 = 6, W+ = 45 - 6 = 39;
    // enumerating the 2^9 = 512 sign patterns of these ranks: 16 give W+ <= 6 (and, by symmetry, 16 give
    // W+ >= 39), so p = 2 * 16 / 512 = 0.0625
    const d = [0.5, -0.5, 1, 1, 2, -1, 3, 0, 2, 1];
    const r = wilcoxonSignedRank(d, new Array(10).fill(0));
    expect(r).toMatchObject({ n: 9, zeros: 1, wPlus: 39, wMinus: 6, method: 'exact' });
    expect(r.pValue).toBeCloseTo(0.0625, 14);
  });

  it('exact p-values equal brute-force enumeration on random small samples with ties', () => {
    const rng = new Rng(3, 'wilcoxon-test');
    for (let trial = 0; trial < 60; trial += 1) {
      const size = 1 + rng.int(14);
      const a = Array.from({ length: size }, () => rng.int(5));
      const b = Array.from({ length: size }, () => rng.int(5));
      const r = wilcoxonSignedRank(a, b);
      const d = a.map((x, j) => x - (b[j] as number)).filter((x) => x !== 0);
      if (d.length === 0) {
        expect(r.pValue).toBeNaN();
        continue;
      }
      const ranks = slowRanks(d);
      const wPlus = ranks.reduce((s, x, j) => s + ((d[j] as number) > 0 ? x : 0), 0);
      expect(r.wPlus).toBeCloseTo(wPlus, 12);
      expect(r.pValue).toBeCloseTo(bruteForceSignedRankP(ranks, wPlus), 12);
      // swapping the models gives the same two-sided p
      expect(wilcoxonSignedRank(b, a).pValue).toBeCloseTo(r.pValue, 14);
    }
  });

  it('signedRankCounts is the distribution of W+ over 2^n sign patterns', () => {
    // ranks 1, 2, 3: W+ in {0, 1, 2, 3, 3, 4, 5, 6} -> at 2 W+ = 0, 2, 4, 6, 8, 10, 12 counts 1,1,1,2,1,1,1
    const c = signedRankCounts([1, 2, 3]);
    expect(Array.from(c).filter((_, s) => s % 2 === 0)).toEqual([1, 1, 1, 2, 1, 1, 1]);
    expect(signedRankCounts(Array.from({ length: 25 }, (_, j) => j + 1)).reduce((s, x) => s + x, 0)).toBe(2 ** 25);
  });

  it('normal approximation with tie and continuity correction for n > 25 (SciPy asymptotic)', () => {
    // 40 differences, 6 of them zero (n = 34), many ties;
    // scipy.stats.wilcoxon(d, zero_method='wilcox', correction=True, method='asymptotic'):
    // statistic 216.5, z = -1.3788411348538412, p = 0.16794374082171315
    const d = [
      0, 0, 0, -0.3, -0.2, 0.1, -1.7, 0.1, -0.6, 3.6, 0.5, -0.1, 0, -0.4, -0.8, -0.1, 0.8, 0.1, 1.3, 0.1, 0.3, 1.8, 0.8,
      -0.2, 0.1, 0.8, 2.2, 0, 0.1, 1.3, -0.6, 0, 1.2, 0.9, 0.4, 1, -2.5, 1.3, -0.7, -1.4,
    ];
    const r = wilcoxonSignedRank(d, new Array(d.length).fill(0));
    expect(r).toMatchObject({ n: 34, zeros: 6, statistic: 216.5, method: 'normal' });
    expect(r.z).toBeCloseTo(1.3788411348538412, 12); // W+ > n(n+1)/4 here, so +z (SciPy reports the min side)
    expect(r.pValue).toBeCloseTo(0.16794374082171315, 12);
  });

  it('switches from exact to normal above n = 25', () => {
    const d25 = Array.from({ length: 25 }, (_, j) => (j % 3 === 0 ? -(j + 1) : j + 1));
    const d26 = [...d25, 26];
    expect(wilcoxonSignedRank(d25, new Array(25).fill(0)).method).toBe('exact');
    expect(wilcoxonSignedRank(d26, new Array(26).fill(0)).method).toBe('normal');
    expect(wilcoxonSignedRank([1, 1], [1, 1]).pValue).toBeNaN(); // every difference zero
  });
});

describe('bootstrap confidence intervals', () => {
  const rng = new Rng(42, 'bootstrap-test-data');
  const values = Array.from({ length: 200 }, () => 0.3 + 0.1 * rng.normal());

  it('contains the mean, is deterministic per seed and differs between seeds', () => {
    const ci = bootstrapMeanCI(values, { seed: 1 });
    expect(ci.resamples).toBe(1000);
    expect(ci.level).toBe(0.95);
    expect(ci.n).toBe(200);
    expect(ci.lower).toBeLessThan(ci.estimate);
    expect(ci.upper).toBeGreaterThan(ci.estimate);
    expect(bootstrapMeanCI(values, { seed: 1 })).toEqual(ci);
    expect(bootstrapMeanCI(values, { seed: 2 }).lower).not.toBe(ci.lower);
    // close to the normal-theory interval mean +- 1.96 s / sqrt(n)
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
    const half = (1.96 * sd) / Math.sqrt(values.length);
    expect(ci.estimate).toBeCloseTo(mean, 14);
    expect(Math.abs(ci.upper - ci.lower - 2 * half)).toBeLessThan(0.15 * 2 * half);
  });

  it('narrows with the level and honours resamples', () => {
    const wide = bootstrapMeanCI(values, { seed: 5, level: 0.99, resamples: 500 });
    const narrow = bootstrapMeanCI(values, { seed: 5, level: 0.8, resamples: 500 });
    expect(wide.resamples).toBe(500);
    expect(wide.lower).toBeLessThan(narrow.lower);
    expect(wide.upper).toBeGreaterThan(narrow.upper);
    expect(() => bootstrapMeanCI(values, { seed: 5, level: 1 })).toThrow(RangeError);
    expect(() => bootstrapMeanCI(values, { seed: 5, resamples: 0 })).toThrow(RangeError);
  });

  it('a constant sample has a zero-width interval; an empty one NaN', () => {
    expect(bootstrapMeanCI([0.5, 0.5, 0.5], { seed: 0 })).toMatchObject({ estimate: 0.5, lower: 0.5, upper: 0.5 });
    const empty = bootstrapMeanCI([Number.NaN], { seed: 0 });
    expect(empty.n).toBe(0);
    expect(empty.lower).toBeNaN();
  });

  it('the paired interval is the interval of the differences', () => {
    const b = values.map((x, j) => x - 0.02 + (j % 2 === 0 ? 0.01 : -0.01));
    const paired = bootstrapPairedDiffCI(values, b, { seed: 9 });
    const direct = bootstrapMeanCI(values.map((x, j) => x - (b[j] as number)), { seed: 9 });
    expect(paired).toEqual(direct);
    expect(paired.estimate).toBeCloseTo(0.02, 12);
    expect(paired.lower).toBeLessThanOrEqual(0.02);
    expect(paired.upper).toBeGreaterThanOrEqual(0.02);
  });

  it('quantiles interpolate linearly between order statistics (type 7)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 14); // h = 3 * 0.25 = 0.75
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([7], 0.3)).toBe(7);
  });
});

describe('holmAdjust', () => {
  it('applies the step-down multipliers m, m-1, ... with monotonicity', () => {
    // sorted: 0.005 (x4 = 0.02), 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04 -> max with 0.06 = 0.06)
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(Array.from(adj).map((x) => Number(x.toFixed(12)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(Array.from(holmAdjust([0.5, 0.9]))).toEqual([1, 1]); // capped at 1
    // NaN is not part of the family: m = 2
    const withNaN = holmAdjust([0.01, Number.NaN, 0.02]);
    expect(withNaN[0]).toBeCloseTo(0.02, 14);
    expect(withNaN[1]).toBeNaN();
    expect(withNaN[2]).toBeCloseTo(0.02, 14);
  });
});

describe('compareModels', () => {
  const rng = new Rng(8, 'compare-test');
  const n = 60;
  const base = Array.from({ length: n }, () => rng.uniform());
  const models = {
    good: base.map((x) => x + 0.1 + 0.05 * rng.normal()),
    same: base.map((x) => x + 0.05 * rng.normal()),
    twin: base.map((x) => x + 0.05 * rng.normal()),
  };

  it('compares every pair in order with both tests', () => {
    const m = compareModels(models);
    expect(m.models).toEqual(['good', 'same', 'twin']);
    expect(m.pairs.map((p) => [p.a, p.b])).toEqual([
      ['good', 'same'],
      ['good', 'twin'],
      ['same', 'twin'],
    ]);
    const first = m.pairs[0]!;
    const t = pairedTTest(models.good, models.same);
    const w = wilcoxonSignedRank(models.good, models.same);
    expect(first.n).toBe(n);
    expect(first.diff).toBeCloseTo(first.meanA - first.meanB, 14);
    expect(first.diff).toBeCloseTo(t.meanDiff, 12);
    expect(first.tP).toBe(t.pValue);
    expect(first.wilcoxonP).toBe(w.pValue);
    expect(first.tPAdjusted).toBe(first.tP);
    expect(first.tSignificant).toBe(true);
    expect(first.wilcoxonSignificant).toBe(true);
    expect(m.pairs[2]!.tSignificant).toBe(false);
  });

  it('Holm-corrects across pairs on request', () => {
    const m = compareModels(models, { correction: 'holm', alpha: 0.01 });
    const adj = holmAdjust(m.pairs.map((p) => p.tP));
    const wilcoxonAdj = holmAdjust(m.pairs.map((p) => p.wilcoxonP));
    m.pairs.forEach((p, k) => {
      expect(p.tPAdjusted).toBe(adj[k]);
      expect(p.tSignificant).toBe(p.tPAdjusted <= 0.01);
      expect(p.wilcoxonPAdjusted).toBe(wilcoxonAdj[k]);
      expect(p.wilcoxonSignificant).toBe(p.wilcoxonPAdjusted <= 0.01);
    });
    // Not vacuous: the correction raised some p-value.
    expect(m.pairs.some((p) => p.wilcoxonPAdjusted > p.wilcoxonP)).toBe(true);
    expect(m.correction).toBe('holm');
  });

  it('uses only users where both models have a value', () => {
    const m = compareModels({ a: [1, Number.NaN, 3, 4], b: [0, 5, Number.NaN, 2] });
    expect(m.pairs[0]).toMatchObject({ n: 2, meanA: 2.5, meanB: 1, diff: 1.5 });
  });
});
