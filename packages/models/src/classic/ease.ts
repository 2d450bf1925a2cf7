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
 * easeSolve.ts computes B in float64 either from the n x n inverse of G (Steck's listing;
 * spdInverse.ts) or, with fewer users than items, from the m x m inverse of X X^T + lambda I
 * by the Woodbury identity (same B, about 4x less work on ML-100k), as `solver` says; B is
 * stored as float32.
 * EASE is dense by nature: a fit holds 12 numItems^2 bytes on the first path (float64 P and
 * float32 B), 4 n^2 + 8 m^2 + 8 m n on the second (easeFitBytes), so `maxItems` refuses
 * larger catalogues before allocating anything.
 *
 * Saved format (easeToColumns): `weights` Float32 numItems x numItems row-major (B);
 * meta: EaseMeta.
 */
import { ConfigError, DataError, messageOf } from '@deeprec/base';
import { checkIds, outputBuffer } from './batch';
import { float32Column, type SavedColumns } from './columns';
import { addScaledRows, easeSolverBytes, easeSolverFor, solveByItems, solveByUsers, type EaseSolver } from './easeSolve';

export type { EaseSolver } from './easeSolve';
import { buildCsr, checkInteractions, type Csr, type Interactions } from './sparse';

export interface EaseOptions {
  /** L2 weight lambda added to the Gram matrix's diagonal (> 0). */
  readonly lambda: number;
  /** 'binary': x_ui = 1 for each training pair; 'rating': x_ui = the rating. */
  readonly values: 'binary' | 'rating';
  /** Largest catalogue accepted (a fit holds easeFitBytes, about 12 numItems^2 bytes). */
  readonly maxItems: number;
  /** 'items': invert the n x n Gram matrix; 'users': the Woodbury form; 'auto': the cheaper one. */
  readonly solver: 'auto' | EaseSolver;
}

export const EASE_DEFAULTS: EaseOptions = { lambda: 500, values: 'binary', maxItems: 20000, solver: 'auto' };

/** Bytes a fit holds at its peak (float64 working matrices plus the float32 B). */
export function easeFitBytes(numUsers: number, numItems: number, solver: EaseOptions['solver'] = 'auto'): number {
  return easeSolverBytes(solver === 'auto' ? easeSolverFor(numUsers, numItems) : solver, numUsers, numItems);
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

function checkOptions(o: EaseOptions, numUsers: number, numItems: number): void {
  const problems: string[] = [];
  if (!(Number.isFinite(o.lambda) && o.lambda > 0)) problems.push(`lambda ${o.lambda} (expected a number > 0)`);
  if (o.values !== 'binary' && o.values !== 'rating') problems.push(`values '${String(o.values)}' (expected 'binary' or 'rating')`);
  if (!(Number.isInteger(o.maxItems) && o.maxItems >= 1)) problems.push(`maxItems ${o.maxItems} (expected an integer >= 1)`);
  if (!['auto', 'items', 'users'].includes(o.solver)) problems.push(`solver '${String(o.solver)}' (expected 'auto', 'items' or 'users')`);
  if (problems.length > 0) throw new ConfigError(`ease: invalid options: ${problems.join('; ')}`);
  checkEaseSize(numUsers, numItems, o);
}

/** Refuses, before allocating anything, a catalogue above maxItems, naming the memory a fit would need. */
export function checkEaseSize(numUsers: number, numItems: number, o: Pick<EaseOptions, 'maxItems' | 'solver'>): void {
  if (numItems > o.maxItems) {
    const bytes = easeFitBytes(numUsers, numItems, o.solver);
    throw new ConfigError(
      `ease: ${numItems} items exceed maxItems ${o.maxItems}; EASE's dense item-item fit would need ${bytes} bytes ` +
        `(${(bytes / 2 ** 30).toFixed(1)} GiB). Raise maxItems if the memory is there, or filter the catalogue`,
    );
  }
}

export function fitEase(data: Interactions, options: Partial<EaseOptions> = {}): FittedEase {
  const o: EaseOptions = { ...EASE_DEFAULTS, ...options };
  checkInteractions(data, 'ease');
  checkOptions(o, data.numUsers, data.numItems);
  const { numUsers, numItems } = data;
  const x = o.values === 'binary' ? { ...data, rating: new Float32Array(data.rating.length).fill(1) } : data;
  const byUser = buildCsr(x, 'user');
  const byItem = buildCsr(x, 'item');
  const solver = o.solver === 'auto' ? easeSolverFor(numUsers, numItems) : o.solver;
  let weights: Float32Array;
  let solved: boolean;
  try {
    weights = new Float32Array(numItems * numItems);
    solved = solver === 'items' ? solveByItems(byUser, byItem, o.lambda, weights) : solveByUsers(byUser, byItem, o.lambda, weights);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const bytes = easeSolverBytes(solver, numUsers, numItems);
    throw new ConfigError(`ease: could not allocate the ${bytes} bytes a fit on ${numItems} items needs (${messageOf(error)}); lower maxItems or filter the catalogue`, {
      cause: error,
    });
  }
  if (!solved) {
    const gram = solver === 'items' ? 'X^T X' : 'X X^T';
    throw new DataError(`ease: ${gram} + ${o.lambda} I is not numerically positive definite (non-finite or huge ratings?)`);
  }
  return { meta: { numUsers, numItems, lambda: o.lambda, values: o.values }, weights };
}

/** users.length x numItems scores, row-major: score(u, j) = sum_{i in I_u} x_ui B[i][j]. */
export function scoreEase(fit: FittedEase, history: Csr, users: ArrayLike<number>, out?: Float32Array): Float32Array {
  const { numItems: n, values } = fit.meta;
  if (history.numCols !== n) throw new DataError(`ease: expected a history over ${n} items, found one over ${history.numCols}`);
  checkIds(users, history.numRows, 'user', 'ease');
  const result = outputBuffer(out, users.length * n, 'ease');
  // Binary fits score with x = 1 whatever the history holds, as they were fitted.
  const weighted = values === 'binary' ? { ...history, values: new Float32Array(history.values.length).fill(1) } : history;
  const sum = new Float64Array(n);
  for (let row = 0; row < users.length; row += 1) {
    addScaledRows(weighted, users[row] as number, fit.weights, n, sum, 0);
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
