/** Search spaces: the distributions a parameter is drawn from, their checks, and the grid's enumeration. */

export type ParamValue = number | string | boolean;
export type ParamSpec =
  | { type: 'choice'; values: ParamValue[] }
  | { type: 'uniform'; low: number; high: number }
  /** low > 0: uniform in log space. */
  | { type: 'loguniform'; low: number; high: number }
  /** Integers in [low, high], both included. */
  | { type: 'int'; low: number; high: number }
  /** round(x / q) * q, kept within [low, high]. */
  | { type: 'quniform'; low: number; high: number; q: number };
/** Keys are dotted config paths inside a model section (embeddingDim, train.optimizer.learningRate). */
export type Space = Record<string, ParamSpec>;
export type Params = Record<string, ParamValue>;

/** A RangeError naming the key for a space no sampler can draw from. */
export function checkSpace(space: Space): void {
  const keys = Object.keys(space);
  if (keys.length === 0) throw new RangeError('search space: expected at least one parameter');
  for (const key of keys) {
    const p = space[key] as ParamSpec;
    const bad = (what: string) => new RangeError(`search space ${key}: ${what}`);
    if (p.type === 'choice') {
      if (p.values.length === 0) throw bad('expected at least one value');
      if (new Set(p.values.map((v) => JSON.stringify(v))).size !== p.values.length) throw bad('expected distinct values');
      continue;
    }
    if (!(Number.isFinite(p.low) && Number.isFinite(p.high) && p.low < p.high)) throw bad(`expected finite low < high, found ${p.low} and ${p.high}`);
    if (p.type === 'loguniform' && !(p.low > 0)) throw bad(`expected low > 0 on a log scale, found ${p.low}`);
    if (p.type === 'int' && !(Number.isInteger(p.low) && Number.isInteger(p.high))) throw bad(`expected integer bounds, found ${p.low} and ${p.high}`);
    if (p.type === 'quniform' && !(p.q > 0)) throw bad(`expected q > 0, found ${p.q}`);
  }
}

/** round(x / q) * q within [low, high], without binary noise (0.30000000000000004). */
export function quantize(x: number, low: number, high: number, q: number): number {
  let v = Math.round(x / q) * q;
  if (v < low) v += q;
  if (v > high) v -= q;
  return Number(v.toPrecision(12));
}

/** The values a grid visits for one parameter; undefined for a continuous one. */
export function gridValues(spec: ParamSpec): ParamValue[] | undefined {
  switch (spec.type) {
    case 'choice':
      return spec.values;
    case 'int':
      return Array.from({ length: spec.high - spec.low + 1 }, (_, k) => spec.low + k);
    case 'quniform': {
      const first = quantize(spec.low, spec.low, spec.high, spec.q);
      const out: number[] = [];
      for (let v = first; v <= spec.high + 1e-9 * Math.abs(spec.q); v = Number((v + spec.q).toPrecision(12))) out.push(v);
      return out;
    }
    default:
      return undefined;
  }
}

/** Number of grid points: the product of every parameter's values. */
export function gridSize(space: Space): number {
  checkSpace(space);
  return Object.entries(space).reduce((n, [key, spec]) => {
    const values = gridValues(spec);
    if (!values) throw new RangeError(`search space ${key}: a grid needs choice, int or quniform parameters, found ${spec.type}`);
    return n * values.length;
  }, 1);
}

/** Grid point `index`: the last key varies fastest. */
export function gridPoint(space: Space, index: number): Params {
  const size = gridSize(space);
  if (!(Number.isInteger(index) && index >= 0 && index < size)) throw new RangeError(`grid: trial ${index} is beyond the grid's ${size} points`);
  const keys = Object.keys(space);
  const out: Params = {};
  let rest = index;
  for (let k = keys.length - 1; k >= 0; k -= 1) {
    const key = keys[k] as string;
    const values = gridValues(space[key] as ParamSpec) as ParamValue[];
    out[key] = values[rest % values.length] as ParamValue;
    rest = Math.floor(rest / values.length);
  }
  return Object.fromEntries(keys.map((key) => [key, out[key] as ParamValue]));
}
