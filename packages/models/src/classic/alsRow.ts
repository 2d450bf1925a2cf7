/**
 * One row of an implicit alternating-least-squares sweep: given the fixed side's factors
 * H (rows x dim, row-major) and its Gramian G = H^T H, find x minimising
 *
 *   sum_{i in S} (x . h_i - 1)^2 + alpha0 * sum_{all i} (x . h_i)^2 + lambda * ||x||^2,
 *
 * i.e. solve A x = b with A = alpha0 G + sum_{i in S} h_i h_i^T + lambda I and
 * b = sum_{i in S} h_i, S being the row's observed columns. Precomputing G once per sweep
 * is the "Gramian trick" (Hu et al. 2008, section 4): a row costs O(|S| dim^2) to form A,
 * not O(numCols dim^2).
 *
 * Two solvers:
 * - `cholesky`: form A's lower triangle and factor it, exact;
 * - `cg`: a few conjugate-gradient steps warm-started from the row's current factors
 *   (Takács, Pilászy, Tikk 2011), multiplying by A implicitly as
 *   A v = alpha0 G v + sum_{i in S} (h_i . v) h_i + lambda v, so a step costs
 *   O(dim^2 + |S| dim) and A is never formed. Inexact unless steps >= dim.
 *
 * Both first copy the row's |S| fixed-side vectors into a float64 scratch buffer: the
 * inner loops then read contiguous doubles, which V8 runs about 3x faster than strided
 * Float32Array reads (measured on ML-100k shapes, dim 64).
 */
import { ConfigError } from '@deeprec/base';
import { choleskyFactor, choleskySolve } from './cholesky';
import { addLowerGram } from './dense';

/** Scratch buffers reused across the rows of a sweep; `gathered` grows to the longest row. */
export interface RowWorkspace {
  readonly dim: number;
  readonly a: Float64Array;
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
  gathered: Float64Array;
}

export function rowWorkspace(dim: number): RowWorkspace {
  return {
    dim,
    a: new Float64Array(dim * dim),
    x: new Float64Array(dim),
    r: new Float64Array(dim),
    p: new Float64Array(dim),
    ap: new Float64Array(dim),
    gathered: new Float64Array(dim * 64),
  };
}

/** The fixed side of a sweep: factors, their Gramian times alpha0, and the row's columns. */
export interface RowProblem {
  readonly fixed: Float32Array;
  readonly scaledGramian: Float64Array;
  readonly columns: Int32Array;
  readonly start: number;
  readonly end: number;
  readonly lambda: number;
}

/** H^T H (dim x dim, row-major) in float64. */
export function gramian(factors: Float32Array, rows: number, dim: number): Float64Array {
  const g = new Float64Array(dim * dim);
  const h = new Float64Array(dim);
  for (let row = 0; row < rows; row += 1) {
    for (let a = 0; a < dim; a += 1) h[a] = factors[row * dim + a] as number;
    for (let a = 0; a < dim; a += 1) {
      const ha = h[a] as number;
      const gRow = a * dim;
      for (let b = 0; b <= a; b += 1) g[gRow + b] = (g[gRow + b] as number) + ha * (h[b] as number);
    }
  }
  for (let a = 0; a < dim; a += 1) for (let b = a + 1; b < dim; b += 1) g[a * dim + b] = g[b * dim + a] as number;
  return g;
}

/**
 * Copies the row's fixed-side vectors into work.gathered as float64, either
 * dimension-major (dim x m, for the Gramian correction) or vector-major (m x dim, for CG).
 */
function gather(problem: RowProblem, work: RowWorkspace, dimensionMajor: boolean): number {
  const { dim } = work;
  const { fixed, columns, start, end } = problem;
  const m = end - start;
  if (work.gathered.length < m * dim) work.gathered = new Float64Array(m * dim * 2);
  const g = work.gathered;
  for (let k = 0; k < m; k += 1) {
    const offset = (columns[start + k] as number) * dim;
    if (dimensionMajor) for (let i = 0; i < dim; i += 1) g[i * m + k] = fixed[offset + i] as number;
    else for (let i = 0; i < dim; i += 1) g[k * dim + i] = fixed[offset + i] as number;
  }
  return m;
}

/** Exact solve; writes the row's new factors into `target` at `targetOffset`. */
export function solveRowCholesky(problem: RowProblem, work: RowWorkspace, target: Float32Array, targetOffset: number): void {
  const { dim, a, x } = work;
  const { scaledGramian, lambda } = problem;
  const m = gather(problem, work, true);
  const g = work.gathered;
  for (let i = 0; i < dim; i += 1) {
    let sum = 0;
    for (let k = 0; k < m; k += 1) sum += g[i * m + k] as number;
    x[i] = sum;
  }
  addLowerGram(g, m, dim, scaledGramian, a);
  for (let i = 0; i < dim; i += 1) a[i * dim + i] = (a[i * dim + i] as number) + lambda;
  if (!choleskyFactor(a, dim)) {
    throw new ConfigError(
      `ials: expected positive definite normal equations, found a row (${m} observed) that is not (regularization term ${lambda}); raise regularization or unobservedWeight`,
    );
  }
  choleskySolve(a, dim, x);
  for (let i = 0; i < dim; i += 1) target[targetOffset + i] = x[i] as number;
}

/** `steps` conjugate-gradient steps from the row's current factors in `target`. */
export function solveRowCg(
  problem: RowProblem,
  work: RowWorkspace,
  target: Float32Array,
  targetOffset: number,
  steps: number,
): void {
  const { dim, x, r, p, ap } = work;
  const m = gather(problem, work, false);
  const g = work.gathered;
  for (let i = 0; i < dim; i += 1) x[i] = target[targetOffset + i] as number;
  // r = b - A x, with b the sum of the gathered vectors
  multiplyA(problem, work, m, x, r);
  for (let i = 0; i < dim; i += 1) r[i] = -(r[i] as number);
  for (let k = 0; k < m; k += 1) for (let i = 0; i < dim; i += 1) r[i] = (r[i] as number) + (g[k * dim + i] as number);
  p.set(r);
  let rsOld = dot(r, r, dim);
  for (let step = 0; step < steps && rsOld > 1e-20; step += 1) {
    multiplyA(problem, work, m, p, ap);
    const alpha = rsOld / dot(p, ap, dim);
    for (let i = 0; i < dim; i += 1) {
      x[i] = (x[i] as number) + alpha * (p[i] as number);
      r[i] = (r[i] as number) - alpha * (ap[i] as number);
    }
    const rsNew = dot(r, r, dim);
    const beta = rsNew / rsOld;
    for (let i = 0; i < dim; i += 1) p[i] = (r[i] as number) + beta * (p[i] as number);
    rsOld = rsNew;
  }
  for (let i = 0; i < dim; i += 1) target[targetOffset + i] = x[i] as number;
}

/**
 * out = alpha0 G v + sum_{i in S} (h_i . v) h_i + lambda v, from the vector-major gathered
 * h_i; two rows of G and two h_i per pass, so each loaded v entry serves both.
 */
function multiplyA(problem: RowProblem, work: RowWorkspace, m: number, v: Float64Array, out: Float64Array): void {
  const { dim, gathered: h } = work;
  const { scaledGramian: g, lambda } = problem;
  let i = 0;
  for (; i + 2 <= dim; i += 2) {
    const g0 = i * dim;
    const g1 = g0 + dim;
    let s0 = lambda * (v[i] as number);
    let s1 = lambda * (v[i + 1] as number);
    for (let j = 0; j < dim; j += 1) {
      const vj = v[j] as number;
      s0 += (g[g0 + j] as number) * vj;
      s1 += (g[g1 + j] as number) * vj;
    }
    out[i] = s0;
    out[i + 1] = s1;
  }
  if (i < dim) {
    let s0 = lambda * (v[i] as number);
    for (let j = 0; j < dim; j += 1) s0 += (g[i * dim + j] as number) * (v[j] as number);
    out[i] = s0;
  }
  let k = 0;
  for (; k + 2 <= m; k += 2) {
    const a = k * dim;
    const b = a + dim;
    let pa = 0;
    let pb = 0;
    for (let c = 0; c < dim; c += 1) {
      const vc = v[c] as number;
      pa += (h[a + c] as number) * vc;
      pb += (h[b + c] as number) * vc;
    }
    for (let c = 0; c < dim; c += 1) out[c] = (out[c] as number) + pa * (h[a + c] as number) + pb * (h[b + c] as number);
  }
  if (k < m) {
    const a = k * dim;
    let pa = 0;
    for (let c = 0; c < dim; c += 1) pa += (h[a + c] as number) * (v[c] as number);
    for (let c = 0; c < dim; c += 1) out[c] = (out[c] as number) + pa * (h[a + c] as number);
  }
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
