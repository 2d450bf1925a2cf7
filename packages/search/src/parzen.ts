/**
 * The one-dimensional Parzen estimators of TPE (Bergstra et al. 2011, section 4): a
 * mixture of Gaussians, one per observation plus one for the prior, truncated to the
 * parameter's range, for numeric parameters (in log space for loguniform ones); a
 * smoothed frequency table for choices. Bandwidths follow the paper's rule as hyperopt
 * implements it: each component's sigma is the larger distance to its neighbours
 * (sorted, the range's ends counting as neighbours), clipped to
 * [range / min(100, 1 + n), range]; the prior is centred on the range with sigma = range.
 */
import type { Rng } from '@deeprec/base';

/** erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): enough for mixture weights. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

export interface Mixture {
  mus: number[];
  sigmas: number[];
  low: number;
  high: number;
}

/** The estimator over [low, high] from observed values (already in the space sampled: log for loguniform). */
export function parzen(observed: readonly number[], low: number, high: number): Mixture {
  const range = high - low;
  const mus = [...observed, (low + high) / 2].sort((a, b) => a - b);
  const minSigma = range / Math.min(100, 1 + mus.length);
  const sigmas = mus.map((mu, i) => {
    const left = mu - (i > 0 ? (mus[i - 1] as number) : low);
    const right = (i < mus.length - 1 ? (mus[i + 1] as number) : high) - mu;
    return Math.min(range, Math.max(minSigma, left, right));
  });
  // the prior's own component: the widest, so unexplored regions keep some density
  const prior = mus.indexOf((low + high) / 2);
  sigmas[prior] = range;
  return { mus, sigmas, low, high };
}

/** Density of the truncated mixture at x (equal component weights). */
export function density(m: Mixture, x: number): number {
  let sum = 0;
  for (let i = 0; i < m.mus.length; i += 1) {
    const mu = m.mus[i] as number;
    const s = m.sigmas[i] as number;
    const mass = normalCdf((m.high - mu) / s) - normalCdf((m.low - mu) / s);
    const z = (x - mu) / s;
    sum += Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
  }
  return sum / m.mus.length;
}

/** One draw from the truncated mixture: a component at random, then its Gaussian until the draw falls in range. */
export function sample(m: Mixture, rng: Rng): number {
  const i = rng.int(m.mus.length);
  const mu = m.mus[i] as number;
  const s = m.sigmas[i] as number;
  for (let tries = 0; tries < 100; tries += 1) {
    const x = mu + s * rng.normal();
    if (x >= m.low && x <= m.high) return x;
  }
  return Math.min(m.high, Math.max(m.low, mu));
}

/** Smoothed category probabilities: (count + 1) / (n + K), the prior adding one to every category. */
export function categorical(observed: readonly number[], categories: number): number[] {
  const counts = new Array<number>(categories).fill(1);
  for (const c of observed) counts[c] = (counts[c] as number) + 1;
  const total = observed.length + categories;
  return counts.map((c) => c / total);
}

export function sampleCategory(p: readonly number[], rng: Rng): number {
  let u = rng.uniform();
  for (let c = 0; c < p.length; c += 1) {
    u -= p[c] as number;
    if (u < 0) return c;
  }
  return p.length - 1;
}
