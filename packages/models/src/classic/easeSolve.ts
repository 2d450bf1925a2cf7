/**
 * The two ways ease.ts computes B = -P / diag(P) with P = (X^T X + lambda I)^-1, for X
 * (m users x n items) given as CSRs by user and by item with the values already chosen.
 *
 * 'items' (Steck's listing): form G = X^T X + lambda I (n x n) and invert it in place
 * (spdInverse.ts), about n^3 / 2 multiply-adds.
 *
 * 'users', when m < n: the Woodbury identity gives
 *   P = (I - X^T K^-1 X) / lambda,   K = X X^T + lambda I (m x m),
 * so with Q = X^T K^-1 X, B[i][j] = -P[i][j] / P[j][j] = Q[i][j] / (1 - Q[j][j]) for i != j
 * (lambda cancels; 1 - Q[j][j] = lambda P[j][j] > 0). Cost: m^3 / 2 for K^-1, then
 * Z = K^-1 X and Q's rows as sums of rows (of K^-1, of Z), m nnz + n nnz multiply-adds; on ML-100k
 * (943 x 1682, 80k ratings) about 4x fewer operations than the n x n inverse. Both are
 * exact; the tests check each against the NumPy listing on data shaped to take it.
 */
import type { Csr } from './sparse';
import { invertSpd } from './spdInverse';

export type EaseSolver = 'items' | 'users';

/** The cheaper path: the users' Gram matrix when there are fewer users than items. */
export function easeSolverFor(numUsers: number, numItems: number): EaseSolver {
  return numUsers < numItems ? 'users' : 'items';
}

/** Bytes the chosen path holds: float64 working matrices plus the float32 B. */
export function easeSolverBytes(solver: EaseSolver, numUsers: number, numItems: number): number {
  const b = 4 * numItems * numItems;
  return solver === 'items' ? b + 8 * numItems * numItems : b + 8 * numUsers * numUsers + 8 * numUsers * numItems;
}

/**
 * out[r][c] += sum_k x_rk x_ck for c <= r (the lower triangle of A A^T), with A's rows in
 * `byRow` and its columns in `byCol`. Row r of the result is built from r's entries, each
 * pointing at the rows c sharing a column with r, so the writes stay within one row.
 */
export function addLowerGram(byRow: Csr, byCol: Csr, out: Float64Array): void {
  const n = byRow.numRows;
  for (let r = 0; r < n; r += 1) {
    const row = r * n;
    for (let p = byRow.indptr[r] as number; p < (byRow.indptr[r + 1] as number); p += 1) {
      const k = byRow.indices[p] as number;
      const x = byRow.values[p] as number;
      const end = byCol.indptr[k + 1] as number;
      for (let q = byCol.indptr[k] as number; q < end; q += 1) {
        const c = byCol.indices[q] as number;
        if (c > r) break; // rows within a column are sorted
        out[row + c] = (out[row + c] as number) + x * (byCol.values[q] as number);
      }
    }
  }
}

/** B via the n x n inverse; false when G is not numerically positive definite. */
export function solveByItems(byUser: Csr, byItem: Csr, lambda: number, weights: Float32Array): boolean {
  const n = byItem.numRows;
  const p = new Float64Array(n * n);
  addLowerGram(byItem, byUser, p);
  for (let i = 0; i < n; i += 1) p[i * n + i] = (p[i * n + i] as number) + lambda;
  if (!invertSpd(p, n)) return false;
  const diagonal = new Float64Array(n);
  for (let j = 0; j < n; j += 1) diagonal[j] = p[j * n + j] as number;
  for (let i = 0; i < n; i += 1) {
    const row = i * n;
    for (let j = 0; j < n; j += 1) weights[row + j] = -(p[row + j] as number) / (diagonal[j] as number);
    weights[row + i] = 0;
  }
  return true;
}

/** B via the m x m inverse and the Woodbury identity; false when K is not positive definite. */
export function solveByUsers(byUser: Csr, byItem: Csr, lambda: number, weights: Float32Array): boolean {
  const m = byUser.numRows;
  const n = byItem.numRows;
  const kInverse = new Float64Array(m * m);
  addLowerGram(byUser, byItem, kInverse);
  for (let u = 0; u < m; u += 1) kInverse[u * m + u] = (kInverse[u * m + u] as number) + lambda;
  if (!invertSpd(kInverse, m)) return false;

  // Z = K^-1 X (m x n). Its transpose's rows are contiguous sums of K^-1's rows,
  // Z^T[j, :] = sum_{v in U_j} x_vj K^-1[v, :]; a blocked transpose then gives Z's rows.
  const zT = new Float64Array(n * m);
  for (let j = 0; j < n; j += 1) addScaledRows(byItem, j, kInverse, m, zT, j * m);
  const z = transpose(zT, n, m);
  // 1 - Q[j][j], Q[j][j] = sum_{u in U_j} x_uj Z[u][j].
  const oneMinusDiagonal = new Float64Array(n);
  for (let j = 0; j < n; j += 1) {
    let q = 0;
    for (let p = byItem.indptr[j] as number; p < (byItem.indptr[j + 1] as number); p += 1) {
      q += (byItem.values[p] as number) * (z[(byItem.indices[p] as number) * n + j] as number);
    }
    oneMinusDiagonal[j] = 1 - q;
  }
  for (let j = 0; j < n; j += 1) if (!((oneMinusDiagonal[j] as number) > 0)) return false;

  // Row i of Q is sum_{u in U_i} x_ui Z[u, :].
  const q = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    q.fill(0);
    addScaledRows(byItem, i, z, n, q, 0);
    const row = i * n;
    for (let j = 0; j < n; j += 1) weights[row + j] = (q[j] as number) / (oneMinusDiagonal[j] as number);
    weights[row + i] = 0;
  }
  return true;
}

/**
 * out[at .. at+width) += sum over the entries (c, x) of CSR row r of x * rows[c, :], where
 * rows is row-major with rows of `width` (float64 while fitting, the float32 B when
 * scoring). Four entries per sweep cut the loads and stores of `out` to a quarter (about
 * 30% faster than two at a time on ML-100k's scoring).
 */
export function addScaledRows(csr: Csr, r: number, rows: Float64Array | Float32Array, width: number, out: Float64Array, at: number): void {
  const end = csr.indptr[r + 1] as number;
  let p = csr.indptr[r] as number;
  for (; p + 3 < end; p += 4) {
    const w0 = csr.values[p] as number;
    const w1 = csr.values[p + 1] as number;
    const w2 = csr.values[p + 2] as number;
    const w3 = csr.values[p + 3] as number;
    const r0 = (csr.indices[p] as number) * width;
    const r1 = (csr.indices[p + 1] as number) * width;
    const r2 = (csr.indices[p + 2] as number) * width;
    const r3 = (csr.indices[p + 3] as number) * width;
    for (let k = 0; k < width; k += 1) {
      out[at + k] =
        (out[at + k] as number) +
        (w0 * (rows[r0 + k] as number) + w1 * (rows[r1 + k] as number)) +
        (w2 * (rows[r2 + k] as number) + w3 * (rows[r3 + k] as number));
    }
  }
  for (; p < end; p += 1) {
    const w = csr.values[p] as number;
    const first = (csr.indices[p] as number) * width;
    for (let k = 0; k < width; k += 1) out[at + k] = (out[at + k] as number) + w * (rows[first + k] as number);
  }
}

/** The rows x cols row-major matrix a transposed, in 32 x 32 tiles to keep both sides cached. */
function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  const TILE = 32;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r += 1) for (let c = c0; c < c1; c += 1) out[c * rows + r] = a[r * cols + c] as number;
    }
  }
  return out;
}
