/**
 * EASE: an item-item linear model with a closed-form fit.
 *
 * H. Steck. Embarrassingly Shallow Autoencoders for Sparse Data. WWW 2019, pp. 3251-3257.
 * DOI 10.1145/3308558.3313710.
 *
 * With X the users x items matrix, the weights B (items x items) minimise
 * ||X - X B||_F^2 + lambda ||B||_F^2 subject to diag(B) = 0, solved in closed form:
 *
 *   G = X^T X + lambda I,   P = G^-1,   B[i][j] = -P[i][j] / P[j][j] (i != j),   B[j][j] = 0,
 *
 * and score(u, j) = x_u . B[:, j] = sum_{i in I_u} x_ui B[i][j]. X holds 1 for every training
 * pair with `values: 'binary'` (the paper's setting, and implicit data) or the rating with
 * `values: 'rating'`: the same closed form then reconstructs ratings from the user's other
 * ratings, with missing entries read as 0, so its scores rank items but are not rating
 * predictions (no scorePairs).
 *
 * G is formed from the user CSR (cost sum_u |I_u|^2, lower triangle only) and inverted in
 * place in float64 (spdInverse.ts: Cholesky, triangular inverse, U U^T); B is stored as
 * float32. EASE is dense by nature: fitting holds 12 * numItems^2 bytes (the float64 G/P
 * and the float32 B), so `maxItems` refuses catalogues above it before allocating.
 *
 * Saved format (easeToColumns): `weights` Float32 numItems x numItems row-major (B);
 * meta: EaseMeta.
 */
import { ConfigError, DataError, messageOf } from '@deeprec/base';
import { checkIds, outputBuffer } from './batch';
import { float32Column, type SavedColumns } from './columns';
import { invertSpd } from './spdInverse';
import { buildCsr, checkInteractions, type Csr, type Interactions } from './sparse';

export interface EaseOptions {
  /** L2 weight lambda added to the Gram matrix's diagonal (> 0). */
  readonly lambda: number;
  /** 'binary': x_ui = 1 for each training pair; 'rating': x_ui = the rating. */
  readonly values: 'binary' | 'rating';
  /** Largest catalogue accepted (fitting needs 12 * numItems^2 bytes). */
  readonly maxItems: number;
}

export const EASE_DEFAULTS: EaseOptions = { lambda: 500, values: 'binary', maxItems: 20000 };

/** Bytes a fit holds for a catalogue of numItems: float64 G / P plus float32 B. */
export function easeFitBytes(numItems: number): number {
  return 12 * numItems * numItems;
}

export interface EaseMeta {
  readonly numUsers: number;
  readonly numItems: number;
  readonly lambda: number;
  readonly values: 'binary' | 'rating';
}

export interface FittedEase {
  readonly meta: EaseMeta;
  /** B, numItems x numItems row-major, zero diagonal. */
  readonly weights: Float32Array;
}

function checkOptions(o: EaseOptions, numItems: number): void {
  const problems: string[] = [];
  if (!(Number.isFinite(o.lambda) && o.lambda > 0)) problems.push(`lambda ${o.lambda} (expected a number > 0)`);
  if (o.values !== 'binary' && o.values !== 'rating') problems.push(`values '${String(o.values)}' (expected 'binary' or 'rating')`);
  if (!(Number.isInteger(o.maxItems) && o.maxItems >= 1)) problems.push(`maxItems ${o.maxItems} (expected an integer >= 1)`);
  if (problems.length > 0) throw new ConfigError(`ease: invalid options: ${problems.join('; ')}`);
  if (numItems > o.maxItems) {
    throw new ConfigError(
      `ease: ${numItems} items exceed maxItems ${o.maxItems}; EASE's dense item-item fit would need ${easeFitBytes(numItems)} bytes ` +
        `(${(easeFitBytes(numItems) / 2 ** 30).toFixed(1)} GiB: 12 x numItems^2). Raise maxItems if the memory is there, or filter the catalogue`,
    );
  }
}

export function fitEase(data: Interactions, options: Partial<EaseOptions> = {}): FittedEase {
  const o: EaseOptions = { ...EASE_DEFAULTS, ...options };
  checkInteractions(data, 'ease');
  checkOptions(o, data.numItems);
  const n = data.numItems;
  const byUser = buildCsr(data, 'user');
  let p: Float64Array;
  let weights: Float32Array;
  try {
    p = new Float64Array(n * n);
    weights = new Float32Array(n * n);
  } catch (error) {
    throw new ConfigError(`ease: could not allocate ${easeFitBytes(n)} bytes for ${n} items (${messageOf(error)}); lower maxItems or filter the catalogue`, {
      cause: error,
    });
  }
  addLowerGram(byUser, o.values, p);
  for (let i = 0; i < n; i += 1) p[i * n + i] = (p[i * n + i] as number) + o.lambda;
  if (!invertSpd(p, n)) {
    throw new DataError(`ease: X^T X + ${o.lambda} I is not numerically positive definite (non-finite or huge ratings?)`);
  }
  for (let i = 0; i < n; i += 1) {
    const row = i * n;
    for (let j = 0; j < n; j += 1) weights[row + j] = -(p[row + j] as number) / (p[j * n + j] as number);
    weights[row + i] = 0;
  }
  return { meta: { numUsers: data.numUsers, numItems: n, lambda: o.lambda, values: o.values }, weights };
}

/** g[i][j] += sum_u x_ui x_uj for j <= i: each user's sorted items give the lower triangle. */
function addLowerGram(byUser: Csr, values: EaseOptions['values'], g: Float64Array): void {
  const n = byUser.numCols;
  const binary = values === 'binary';
  for (let u = 0; u < byUser.numRows; u += 1) {
    const start = byUser.indptr[u] as number;
    const end = byUser.indptr[u + 1] as number;
    for (let p = start; p < end; p += 1) {
      const row = (byUser.indices[p] as number) * n;
      const xi = binary ? 1 : (byUser.values[p] as number);
      for (let q = start; q <= p; q += 1) {
        const xj = binary ? 1 : (byUser.values[q] as number);
        const at = row + (byUser.indices[q] as number);
        g[at] = (g[at] as number) + xi * xj;
      }
    }
  }
}

/** users.length x numItems scores, row-major: score(u, j) = sum_{i in I_u} x_ui B[i][j]. */
export function scoreEase(fit: FittedEase, history: Csr, users: ArrayLike<number>, out?: Float32Array): Float32Array {
  const { numItems: n, values } = fit.meta;
  if (history.numCols !== n) throw new DataError(`ease: expected a history over ${n} items, found one over ${history.numCols}`);
  checkIds(users, history.numRows, 'user', 'ease');
  const result = outputBuffer(out, users.length * n, 'ease');
  const b = fit.weights;
  const binary = values === 'binary';
  const sum = new Float64Array(n);
  for (let row = 0; row < users.length; row += 1) {
    const u = users[row] as number;
    const end = history.indptr[u + 1] as number;
    let p = history.indptr[u] as number;
    // Two of the user's items per sweep over the row: half the loads and stores of `sum`.
    for (; p + 1 < end; p += 2) {
      const x = binary ? 1 : (history.values[p] as number);
      const y = binary ? 1 : (history.values[p + 1] as number);
      const bi = (history.indices[p] as number) * n;
      const bk = (history.indices[p + 1] as number) * n;
      for (let j = 0; j < n; j += 1) sum[j] = (sum[j] as number) + x * (b[bi + j] as number) + y * (b[bk + j] as number);
    }
    if (p < end) {
      const x = binary ? 1 : (history.values[p] as number);
      const bi = (history.indices[p] as number) * n;
      for (let j = 0; j < n; j += 1) sum[j] = (sum[j] as number) + x * (b[bi + j] as number);
    }
    result.set(sum, row * n);
    sum.fill(0);
  }
  return result;
}

export function easeToColumns(fit: FittedEase): Record<string, Float32Array> {
  return { weights: fit.weights };
}

export function easeFromColumns(columns: SavedColumns, meta: EaseMeta): FittedEase {
  return { meta: { ...meta }, weights: float32Column(columns, 'weights', meta.numItems * meta.numItems) };
}
