/**
 * Seeded samplers for hyper-parameter search: grid, random, and TPE.
 *
 * J. Bergstra, R. Bardenet, Y. Bengio, B. Kegl. Algorithms for Hyper-Parameter
 * Optimization. NeurIPS 2011 (the tree-structured Parzen estimator).
 *
 * Written here rather than taken from npm: no maintained JavaScript TPE was found that
 * draws from a caller's seeded stream (a trial must propose the same values on any
 * machine, from the experiment seed) and keeps no state between calls (each trial is
 * its own process, an Nx task, given only the earlier trials' results).
 *
 * - grid: trial k is the k-th point of the grid (gridPoint), whatever came before.
 * - random: every parameter from its prior, from the stream (seed, 'search', k): trial k
 *   never depends on another, so trials run in parallel.
 * - tpe: the first `startupTrials` trials are exactly the random ones; after that the
 *   observations are split into the best `gamma` fraction (at least one) and the rest
 *   (failed trials, with a NaN loss, count among the rest), each parameter gets a Parzen
 *   estimator l(x) over the good values and g(x) over the others (parzen.ts), and of
 *   `candidates` draws from l the one with the largest l(x) / g(x) is kept, parameter by
 *   parameter, as in the paper's factorised form. Integers and quantised values are
 *   modelled as continuous and rounded after the choice.
 */
import { Rng } from '@deeprec/base';
import { categorical, density, parzen, sample, sampleCategory } from './parzen';
import { checkSpace, gridPoint, quantize, type ParamSpec, type ParamValue, type Params, type Space } from './space';

export type SearchAlgorithm = 'grid' | 'random' | 'tpe';

/** One finished trial: its values and its loss (lower is better; NaN or infinite: failed). */
export interface Observation {
  params: Params;
  loss: number;
}

export interface TpeOptions {
  /** Random trials before the estimator takes over. */
  startupTrials: number;
  /** Draws from l(x) among which the best l/g is kept. */
  candidates: number;
  /** Share of the observations that count as good. */
  gamma: number;
}

/** hyperopt's defaults: 20 start-up trials there, 10 here for smaller budgets. */
export const TPE_DEFAULTS: TpeOptions = { startupTrials: 10, candidates: 24, gamma: 0.25 };

function priorDraw(spec: ParamSpec, rng: Rng): ParamValue {
  switch (spec.type) {
    case 'choice':
      return spec.values[rng.int(spec.values.length)] as ParamValue;
    case 'uniform':
      return spec.low + (spec.high - spec.low) * rng.uniform();
    case 'loguniform':
      return Math.exp(Math.log(spec.low) + (Math.log(spec.high) - Math.log(spec.low)) * rng.uniform());
    case 'int':
      return spec.low + rng.int(spec.high - spec.low + 1);
    case 'quniform':
      return quantize(spec.low + (spec.high - spec.low) * rng.uniform(), spec.low, spec.high, spec.q);
  }
}

function randomTrial(space: Space, index: number, seed: number): Params {
  const out: Params = {};
  for (const [key, spec] of Object.entries(space)) out[key] = priorDraw(spec, new Rng(seed, 'search', 'random', index, key));
  return out;
}

/** A numeric parameter's sampling scale: its bounds there and how values map to and from it. */
function scaleOf(spec: Exclude<ParamSpec, { type: 'choice' }>): { low: number; high: number; to: (v: number) => number; from: (x: number) => ParamValue } {
  if (spec.type === 'loguniform') return { low: Math.log(spec.low), high: Math.log(spec.high), to: Math.log, from: Math.exp };
  if (spec.type === 'int') return { low: spec.low - 0.5, high: spec.high + 0.4999, to: (v) => v, from: (x) => Math.min(spec.high, Math.max(spec.low, Math.round(x))) };
  if (spec.type === 'quniform') return { low: spec.low, high: spec.high, to: (v) => v, from: (x) => quantize(x, spec.low, spec.high, spec.q) };
  return { low: spec.low, high: spec.high, to: (v) => v, from: (x) => x };
}

function tpeParam(key: string, spec: ParamSpec, good: Observation[], bad: Observation[], rng: Rng, candidates: number): ParamValue {
  if (spec.type === 'choice') {
    const index = (o: Observation) => spec.values.findIndex((v) => v === o.params[key]);
    const known = (list: Observation[]) => list.map(index).filter((i) => i >= 0);
    const l = categorical(known(good), spec.values.length);
    const g = categorical(known(bad), spec.values.length);
    let best = sampleCategory(l, rng);
    for (let c = 1; c < candidates; c += 1) {
      const draw = sampleCategory(l, rng);
      if ((l[draw] as number) / (g[draw] as number) > (l[best] as number) / (g[best] as number)) best = draw;
    }
    return spec.values[best] as ParamValue;
  }
  const s = scaleOf(spec);
  const values = (list: Observation[]) => list.map((o) => o.params[key]).filter((v): v is number => typeof v === 'number').map(s.to);
  const l = parzen(values(good), s.low, s.high);
  const g = parzen(values(bad), s.low, s.high);
  let best = sample(l, rng);
  let bestScore = Math.log(density(l, best)) - Math.log(density(g, best));
  for (let c = 1; c < candidates; c += 1) {
    const x = sample(l, rng);
    const score = Math.log(density(l, x)) - Math.log(density(g, x));
    if (score > bestScore) {
      best = x;
      bestScore = score;
    }
  }
  return s.from(best);
}

/** Which earlier trials trial `index` reads: none for grid, random and tpe's start-up trials; every earlier one after. */
export function dependsOnTrials(algorithm: SearchAlgorithm, index: number, tpe: Partial<TpeOptions> = {}): number[] {
  const startup = tpe.startupTrials ?? TPE_DEFAULTS.startupTrials;
  return algorithm === 'tpe' && index >= startup ? Array.from({ length: index }, (_, k) => k) : [];
}

/** The values of trial `index` (0-based); `previous` are the trials dependsOnTrials names, in index order. */
export function proposeTrial(algorithm: SearchAlgorithm, space: Space, index: number, previous: readonly Observation[], seed: number, tpe: Partial<TpeOptions> = {}): Params {
  checkSpace(space);
  if (!(Number.isInteger(index) && index >= 0)) throw new RangeError(`trial index: expected an integer >= 0, found ${index}`);
  if (algorithm === 'grid') return gridPoint(space, index);
  const o: TpeOptions = { ...TPE_DEFAULTS, ...tpe };
  if (algorithm === 'random' || index < o.startupTrials) return randomTrial(space, index, seed);
  if (previous.length !== index) throw new RangeError(`tpe trial ${index}: expected the ${index} earlier trials, found ${previous.length}`);
  const ranked = previous.map((p, k) => ({ p, k })).sort((a, b) => {
    const fa = Number.isFinite(a.p.loss);
    const fb = Number.isFinite(b.p.loss);
    if (fa !== fb) return fa ? -1 : 1;
    return fa ? a.p.loss - b.p.loss || a.k - b.k : a.k - b.k;
  });
  const finite = ranked.filter((r) => Number.isFinite(r.p.loss)).length;
  const nGood = Math.min(finite, Math.max(1, Math.ceil(o.gamma * previous.length)));
  const good = ranked.slice(0, nGood).map((r) => r.p);
  const bad = ranked.slice(nGood).map((r) => r.p);
  const out: Params = {};
  for (const [key, spec] of Object.entries(space)) out[key] = tpeParam(key, spec, good, bad, new Rng(seed, 'search', 'tpe', index, key), o.candidates);
  return out;
}
