/**
 * Paired comparison of two models from their per-user metric values (same users, same
 * order: a[j] and b[j] belong to user j). Differences are a - b.
 *
 * Missing values: a pair where either value is NaN (a metric undefined for that user)
 * is dropped from every test here; `n` reports the pairs used. Infinite values throw.
 *
 * - Paired t-test: t = mean(d) / (sd(d) / sqrt n), sd with n - 1, df = n - 1, two-sided
 *   p from Student's t. n < 2 gives NaN; sd = 0 gives t = +-Infinity, p = 0 when
 *   mean(d) != 0 and t = NaN, p = NaN when every difference is 0 (as SciPy's ttest_rel).
 * - Wilcoxon signed-rank test, two-sided. Zero differences are dropped (Wilcoxon's
 *   method; SciPy zero_method='wilcox'), |d| ranked with average ranks for ties, W+ =
 *   sum of ranks of positive differences. With n (non-zero differences) <= 25 the
 *   p-value is exact: the permutation distribution of W+ over all 2^n sign patterns of
 *   the observed (mid-)ranks, counted by dynamic programming, p = min(1, 2 min(P(W+ <=
 *   w), P(W+ >= w))); with ties this is the exact conditional test. With n > 25 it is the
 *   normal approximation with tie correction, var = n(n+1)(2n+1)/24 - sum(t^3 - t)/48
 *   over tie groups of size t, and continuity correction 1/2 toward the mean. n = 0
 *   (every difference zero) gives p = NaN.
 * - Bootstrap percentile CI: resample users with replacement `resamples` times
 *   (default 1000) from a seeded core Rng stream (seed, 'bootstrap'), take the mean (of
 *   the values, or of the paired differences) of each resample, and report the
 *   (1 - level)/2 and (1 + level)/2 quantiles (linear interpolation between order
 *   statistics, NumPy's default / Hyndman-Fan type 7); level defaults to 0.95.
 * - Holm (1979) step-down correction: sort the m finite p-values ascending,
 *   adjusted p_(i) = min(1, max_{j <= i} (m - j + 1) p_(j)); reject where adjusted <= alpha.
 *   It controls the family-wise error rate under any dependence. NaN p-values are not part
 *   of the family and stay NaN (never significant).
 */
import { Rng } from '@deeprec/base';
import { normalTwoSidedP, studentTTwoSidedP } from './distributions';

/** The pairs where neither value is NaN, as differences plus the kept values. */
function pairUp(a: ArrayLike<number>, b: ArrayLike<number>, where: string): { a: number[]; b: number[] } {
  if (a.length !== b.length) throw new RangeError(`${where}: paired samples differ in length (${a.length} and ${b.length})`);
  const outA: number[] = [];
  const outB: number[] = [];
  for (let j = 0; j < a.length; j += 1) {
    const x = a[j] as number;
    const y = b[j] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`${where}: infinite value at position ${j}`);
    outA.push(x);
    outB.push(y);
  }
  return { a: outA, b: outB };
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < values.length; j += 1) sum += values[j] as number;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

export interface PairedTTestResult {
  /** Pairs used. */
  n: number;
  /** mean(a - b). */
  meanDiff: number;
  /** Sample standard deviation of a - b (n - 1 denominator). */
  sdDiff: number;
  t: number;
  df: number;
  /** Two-sided p-value. */
  pValue: number;
}

export function pairedTTest(a: ArrayLike<number>, b: ArrayLike<number>): PairedTTestResult {
  const pairs = pairUp(a, b, 'pairedTTest');
  const n = pairs.a.length;
  const d = pairs.a.map((x, j) => x - (pairs.b[j] as number));
  const meanDiff = mean(d);
  if (n < 2) return { n, meanDiff, sdDiff: Number.NaN, t: Number.NaN, df: n - 1, pValue: Number.NaN };
  let ss = 0;
  for (const x of d) ss += (x - meanDiff) * (x - meanDiff);
  const sdDiff = Math.sqrt(ss / (n - 1));
  const df = n - 1;
  if (sdDiff === 0) {
    if (meanDiff === 0) return { n, meanDiff, sdDiff, t: Number.NaN, df, pValue: Number.NaN };
    return { n, meanDiff, sdDiff, t: meanDiff > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, df, pValue: 0 };
  }
  const t = meanDiff / (sdDiff / Math.sqrt(n));
  return { n, meanDiff, sdDiff, t, df, pValue: studentTTwoSidedP(t, df) };
}

export interface WilcoxonResult {
  /** Non-zero differences used (after dropping zeros and NaN pairs). */
  n: number;
  /** Zero differences dropped. */
  zeros: number;
  /** Sum of the ranks of positive differences (a > b). */
  wPlus: number;
  /** Sum of the ranks of negative differences. */
  wMinus: number;
  /** min(W+, W-), the usual two-sided statistic (as SciPy reports). */
  statistic: number;
  /** The normal deviate (continuity-corrected); NaN for the exact method. */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'normal';
}

/** Largest n (non-zero differences) for which the exact distribution is used. */
export const WILCOXON_EXACT_MAX_N = 25;

/** Average (mid-)ranks, 1-based, of non-negative values; also the tie-group sizes. */
function midRanks(values: readonly number[]): { ranks: Float64Array; ties: number[] } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (values[x] as number) - (values[y] as number));
  const ranks = new Float64Array(n);
  const ties: number[] = [];
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end] as number] === values[order[start] as number]) end += 1;
    const r = (start + 1 + end) / 2;
    for (let j = start; j < end; j += 1) ranks[order[j] as number] = r;
    if (end - start > 1) ties.push(end - start);
    start = end;
  }
  return { ranks, ties };
}

/**
 * Exact distribution of W+ for the given ranks (each rank carries its sign with
 * probability 1/2): counts[s] = number of sign patterns with 2 W+ = s. Ranks are whole or
 * half numbers, so twice the ranks are integers.
 */
export function signedRankCounts(ranks: ArrayLike<number>): Float64Array {
  let total = 0;
  const doubled: number[] = [];
  for (let j = 0; j < ranks.length; j += 1) {
    const r2 = Math.round(2 * (ranks[j] as number));
    doubled.push(r2);
    total += r2;
  }
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  let reach = 0;
  for (const r2 of doubled) {
    for (let s = reach; s >= 0; s -= 1) {
      const c = counts[s] as number;
      if (c !== 0) counts[s + r2] = (counts[s + r2] as number) + c;
    }
    reach += r2;
  }
  return counts;
}

export function wilcoxonSignedRank(a: ArrayLike<number>, b: ArrayLike<number>): WilcoxonResult {
  const pairs = pairUp(a, b, 'wilcoxonSignedRank');
  const d: number[] = [];
  let zeros = 0;
  for (let j = 0; j < pairs.a.length; j += 1) {
    const x = (pairs.a[j] as number) - (pairs.b[j] as number);
    if (x === 0) zeros += 1;
    else d.push(x);
  }
  const n = d.length;
  const method = n <= WILCOXON_EXACT_MAX_N ? 'exact' : 'normal';
  if (n === 0) return { n, zeros, wPlus: 0, wMinus: 0, statistic: 0, z: Number.NaN, pValue: Number.NaN, method };
  const { ranks, ties } = midRanks(d.map(Math.abs));
  let wPlus = 0;
  for (let j = 0; j < n; j += 1) if ((d[j] as number) > 0) wPlus += ranks[j] as number;
  const totalRank = (n * (n + 1)) / 2;
  const wMinus = totalRank - wPlus;
  const statistic = Math.min(wPlus, wMinus);
  if (method === 'exact') {
    const counts = signedRankCounts(ranks);
    const w2 = Math.round(2 * wPlus);
    let lower = 0;
    let all = 0;
    for (let s = 0; s < counts.length; s += 1) {
      const c = counts[s] as number;
      all += c;
      if (s <= w2) lower += c;
    }
    const atOrAbove = all - lower + (counts[w2] as number);
    const pValue = Math.min(1, (2 * Math.min(lower, atOrAbove)) / all);
    return { n, zeros, wPlus, wMinus, statistic, z: Number.NaN, pValue, method };
  }
  const mu = totalRank / 2;
  let variance = (n * (n + 1) * (2 * n + 1)) / 24;
  for (const t of ties) variance -= (t * t * t - t) / 48;
  const diff = wPlus - mu;
  const z = variance > 0 ? (diff - 0.5 * Math.sign(diff)) / Math.sqrt(variance) : Number.NaN;
  return { n, zeros, wPlus, wMinus, statistic, z, pValue: normalTwoSidedP(z), method };
}

export interface BootstrapOptions {
  seed: number | string;
  /** Number of bootstrap resamples; default 1000. */
  resamples?: number;
  /** Confidence level; default 0.95. */
  level?: number;
}

export interface BootstrapInterval {
  /** The statistic on the observed sample (mean, or mean difference). */
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  resamples: number;
  /** Values (or pairs) used. */
  n: number;
}

/** Quantile q of ascending sorted values, linear interpolation (type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const x = sorted[lo] as number;
  return x + (h - lo) * ((sorted[hi] as number) - x);
}

function bootstrapOf(values: readonly number[], options: BootstrapOptions, where: string): BootstrapInterval {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`${where}: resamples must be a positive integer, found ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`${where}: level must lie in (0, 1), found ${level}`);
  const n = values.length;
  const estimate = mean(values);
  if (n === 0) return { estimate, lower: Number.NaN, upper: Number.NaN, level, resamples, n };
  const rng = new Rng(options.seed, 'bootstrap');
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b += 1) {
    let sum = 0;
    for (let j = 0; j < n; j += 1) sum += values[rng.int(n)] as number;
    means[b] = sum / n;
  }
  means.sort();
  const alpha = 1 - level;
  return { estimate, lower: quantileSorted(means, alpha / 2), upper: quantileSorted(means, 1 - alpha / 2), level, resamples, n };
}

/** Percentile bootstrap CI of the mean (NaN values dropped). */
export function bootstrapMeanCI(values: ArrayLike<number>, options: BootstrapOptions): BootstrapInterval {
  const kept: number[] = [];
  for (let j = 0; j < values.length; j += 1) {
    const v = values[j] as number;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) throw new RangeError(`bootstrapMeanCI: infinite value at position ${j}`);
    kept.push(v);
  }
  return bootstrapOf(kept, options, 'bootstrapMeanCI');
}

/** Percentile bootstrap CI of the paired mean difference mean(a - b), resampling users. */
export function bootstrapPairedDiffCI(a: ArrayLike<number>, b: ArrayLike<number>, options: BootstrapOptions): BootstrapInterval {
  const pairs = pairUp(a, b, 'bootstrapPairedDiffCI');
  return bootstrapOf(pairs.a.map((x, j) => x - (pairs.b[j] as number)), options, 'bootstrapPairedDiffCI');
}

/** Holm step-down adjusted p-values, in the input order (see the module comment). */
export function holmAdjust(pValues: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pValues.length).fill(Number.NaN);
  const finite: number[] = [];
  for (let j = 0; j < pValues.length; j += 1) {
    const p = pValues[j] as number;
    if (Number.isNaN(p)) continue;
    if (p < 0 || p > 1) throw new RangeError(`holmAdjust: p-value ${p} outside [0, 1]`);
    finite.push(j);
  }
  finite.sort((x, y) => (pValues[x] as number) - (pValues[y] as number) || x - y);
  const m = finite.length;
  let running = 0;
  finite.forEach((j, i) => {
    running = Math.max(running, Math.min(1, (m - i) * (pValues[j] as number)));
    out[j] = running;
  });
  return out;
}

export interface ModelComparison {
  a: string;
  b: string;
  /** Pairs used (users where both values are defined). */
  n: number;
  /** Means over those users. */
  meanA: number;
  meanB: number;
  /** meanA - meanB. */
  diff: number;
  t: number;
  tP: number;
  wilcoxonP: number;
  /** Holm-adjusted across all pairs when correction = 'holm'; the raw p-value otherwise. */
  tPAdjusted: number;
  wilcoxonPAdjusted: number;
  /** Adjusted p <= alpha. */
  tSignificant: boolean;
  wilcoxonSignificant: boolean;
}

export interface CompareOptions {
  /** Significance level; default 0.05. */
  alpha?: number;
  /** Multiple-comparison correction across pairs, per test; default 'none'. */
  correction?: 'none' | 'holm';
}

export interface ComparisonMatrix {
  models: string[];
  alpha: number;
  correction: 'none' | 'holm';
  /** Every pair (models[i], models[j]) with i < j, in that order. */
  pairs: ModelComparison[];
}

/**
 * All pairwise comparisons of models on one metric. `models` maps a model name to its
 * per-user values (every array aligned with the same user list); insertion order is kept.
 */
export function compareModels(models: Readonly<Record<string, ArrayLike<number>>>, options: CompareOptions = {}): ComparisonMatrix {
  const alpha = options.alpha ?? 0.05;
  const correction = options.correction ?? 'none';
  const names = Object.keys(models);
  const pairs: ModelComparison[] = [];
  for (let i = 0; i < names.length; i += 1) {
    for (let j = i + 1; j < names.length; j += 1) {
      const a = names[i] as string;
      const b = names[j] as string;
      const va = models[a] as ArrayLike<number>;
      const vb = models[b] as ArrayLike<number>;
      const kept = pairUp(va, vb, `compareModels(${a}, ${b})`);
      const meanA = mean(kept.a);
      const meanB = mean(kept.b);
      const t = pairedTTest(kept.a, kept.b);
      const w = wilcoxonSignedRank(kept.a, kept.b);
      pairs.push({
        a,
        b,
        n: kept.a.length,
        meanA,
        meanB,
        diff: meanA - meanB,
        t: t.t,
        tP: t.pValue,
        wilcoxonP: w.pValue,
        tPAdjusted: t.pValue,
        wilcoxonPAdjusted: w.pValue,
        tSignificant: false,
        wilcoxonSignificant: false,
      });
    }
  }
  if (correction === 'holm') {
    const tAdj = holmAdjust(pairs.map((p) => p.tP));
    const wAdj = holmAdjust(pairs.map((p) => p.wilcoxonP));
    pairs.forEach((p, k) => {
      p.tPAdjusted = tAdj[k] as number;
      p.wilcoxonPAdjusted = wAdj[k] as number;
    });
  }
  for (const p of pairs) {
    p.tSignificant = p.tPAdjusted <= alpha;
    p.wilcoxonSignificant = p.wilcoxonPAdjusted <= alpha;
  }
  return { models: names, alpha, correction, pairs };
}
