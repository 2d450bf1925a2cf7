/**
 * In-place inverse of a dense symmetric positive definite matrix, for EASE's
 * P = (X^T X + lambda I)^-1 (numItems x numItems, thousands wide).
 *
 * ml-matrix has the textbook algorithms (spdInverse.test.ts checks against its inverse) but
 * works on arrays of row arrays with a call per element; this version runs on one
 * Float64Array (row-major n x n) in three passes of n^3/6 multiply-adds each, the same
 * split as LAPACK's dpotrf + dpotri:
 *
 *   1. Cholesky A = L L^T, L in the lower triangle (left-looking, blocked by column panels);
 *   2. U = L^-T into the upper triangle: U[j][i] = -(sum_{k=j}^{i-1} L[i][k] U[j][k]) / L[i][i],
 *      U[i][i] = 1 / L[i][i] (L's diagonal is kept aside, since U's takes its place);
 *   3. P = A^-1 = L^-T L^-1 = U U^T: P[i][j] = sum_{k>=i} U[i][k] U[j][k] into the lower triangle
 *      (free once L is spent), then mirrored.
 *
 * Every inner loop is a dot product of two contiguous row segments, two rows by two rows
 * so that each loaded value serves two products: on the U U^T pass at n = 1682 that is
 * about 2.4x faster in V8 than one pair at a time (about 2 G multiply-adds/s on this
 * machine); 2 x 4 blocks and k-tiling measured no better. The panels keep the reused
 * rows in cache.
 */

/** Column panel width: the panel rows reused across a pass stay in cache. */
const PANEL = 48;

/**
 * Replaces the SPD matrix `a` (n x n row-major; only its lower triangle is read) by its
 * inverse, both triangles. Returns false, leaving `a` scrambled, when a pivot is not
 * positive (not numerically positive definite).
 */
export function invertSpd(a: Float64Array, n: number): boolean {
  if (!choleskyLower(a, n)) return false;
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i += 1) diagonal[i] = a[i * n + i] as number;
  invertFactorIntoUpper(a, n, diagonal);
  multiplyUpperByTranspose(a, n, diagonal);
  for (let i = 0; i < n; i += 1) {
    a[i * n + i] = diagonal[i] as number;
    for (let j = 0; j < i; j += 1) a[j * n + i] = a[i * n + j] as number;
  }
  return true;
}

/** A = L L^T in place (lower triangle); false on a non-positive pivot. */
export function choleskyLower(a: Float64Array, n: number): boolean {
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const j1 = Math.min(n, j0 + PANEL);
    // Bulk: subtract the contributions of all columns left of the panel.
    if (j0 > 0) {
      for (let i = j0; i < n; i += 2) {
        const pairEnd = Math.min(j1, i + 2);
        for (let j = j0; j < pairEnd; j += 2) subtractDots2x2(a, n, i, j, 0, j0);
      }
    }
    // Panel: the columns inside it, one after the other.
    for (let j = j0; j < j1; j += 1) {
      const rowJ = j * n;
      let pivot = a[rowJ + j] as number;
      for (let k = j0; k < j; k += 1) pivot -= (a[rowJ + k] as number) * (a[rowJ + k] as number);
      if (!(pivot > 0)) return false;
      const ljj = Math.sqrt(pivot);
      a[rowJ + j] = ljj;
      const inverse = 1 / ljj;
      for (let i = j + 1; i < n; i += 1) {
        const rowI = i * n;
        let sum = a[rowI + j] as number;
        for (let k = j0; k < j; k += 1) sum -= (a[rowI + k] as number) * (a[rowJ + k] as number);
        a[rowI + j] = sum * inverse;
      }
    }
  }
  return true;
}

/**
 * a[r][c] -= sum_{k in [from, to)} a[r][k] a[s][k] for rows r in {i, i+1} and s in {j, j+1}
 * (each clipped to n), writing only entries with c <= r (the lower triangle).
 */
function subtractDots2x2(a: Float64Array, n: number, i: number, j: number, from: number, to: number): void {
  const ri = i * n;
  const sj = j * n;
  const twoRows = i + 1 < n;
  const twoCols = j + 1 < n && j + 1 <= i + 1;
  const ri2 = twoRows ? ri + n : ri;
  const sj2 = twoCols ? sj + n : sj;
  let s00 = 0;
  let s01 = 0;
  let s10 = 0;
  let s11 = 0;
  for (let k = from; k < to; k += 1) {
    const p = a[ri + k] as number;
    const q = a[ri2 + k] as number;
    const x = a[sj + k] as number;
    const y = a[sj2 + k] as number;
    s00 += p * x;
    s01 += p * y;
    s10 += q * x;
    s11 += q * y;
  }
  a[ri + j] = (a[ri + j] as number) - s00;
  if (twoCols && j + 1 <= i) a[ri + j + 1] = (a[ri + j + 1] as number) - s01;
  if (twoRows) {
    a[ri2 + j] = (a[ri2 + j] as number) - s10;
    if (twoCols) a[ri2 + j + 1] = (a[ri2 + j + 1] as number) - s11;
  }
}

/**
 * U = L^-T into the upper triangle (diagonal included), L read from the strict lower
 * triangle and `diagonal`. Rows of L are taken in panels [i0, i1): first every U[j][i] of the
 * panel gets the part of its sum over k < i0 (bulk, two by two), then the panel finishes
 * in order, since U[j][i] needs U[j][k] for j <= k < i.
 */
function invertFactorIntoUpper(a: Float64Array, n: number, diagonal: Float64Array): void {
  for (let i0 = 0; i0 < n; i0 += PANEL) {
    const i1 = Math.min(n, i0 + PANEL);
    // Bulk: S[j][i] = sum_{k=j}^{i0-1} L[i][k] U[j][k] for j < i0, kept in U's slot (j, i).
    for (let j = 0; j < i0; j += 2) {
      for (let i = i0; i < i1; i += 2) bulkInverseDots(a, n, j, i, i0, i1);
    }
    for (let i = i0; i < i1; i += 1) {
      const rowI = i * n;
      const inverse = 1 / (diagonal[i] as number);
      for (let j = 0; j < i; j += 1) {
        const rowJ = j * n;
        let sum = j < i0 ? (a[rowJ + i] as number) : 0;
        for (let k = Math.max(j, i0); k < i; k += 1) sum += (a[rowI + k] as number) * (a[rowJ + k] as number);
        a[rowJ + i] = -sum * inverse;
      }
      a[rowI + i] = inverse;
    }
  }
}

/** The bulk sums of invertFactorIntoUpper for U rows {j, j+1} (< i0) and L rows {i, i+1} (< i1). */
function bulkInverseDots(a: Float64Array, n: number, j: number, i: number, i0: number, i1: number): void {
  const twoJ = j + 1 < i0;
  const twoI = i + 1 < i1;
  const uj = j * n;
  const uj2 = twoJ ? uj + n : uj;
  const li = i * n;
  const li2 = twoI ? li + n : li;
  // k = j belongs to row j only: position (j+1, j) is L's, not U's.
  const ujj = a[uj + j] as number;
  let s00 = (a[li + j] as number) * ujj;
  let s01 = (a[li2 + j] as number) * ujj;
  let s10 = 0;
  let s11 = 0;
  for (let k = j + 1; k < i0; k += 1) {
    const p = a[uj + k] as number;
    const q = a[uj2 + k] as number;
    const x = a[li + k] as number;
    const y = a[li2 + k] as number;
    s00 += p * x;
    s01 += p * y;
    s10 += q * x;
    s11 += q * y;
  }
  a[uj + i] = s00;
  if (twoI) a[uj + i + 1] = s01;
  if (twoJ) {
    a[uj2 + i] = s10;
    if (twoI) a[uj2 + i + 1] = s11;
  }
}

/**
 * P = U U^T: P[i][j] = sum_{k>=i} U[i][k] U[j][k] for j < i into the strict lower triangle,
 * P[i][i] into `diagonal`. Rows j come in panels that stay cached while every later row i
 * is paired with them.
 */
function multiplyUpperByTranspose(a: Float64Array, n: number, diagonal: Float64Array): void {
  for (let i = 0; i < n; i += 1) {
    const rowI = i * n;
    let sum = 0;
    for (let k = i; k < n; k += 1) sum += (a[rowI + k] as number) * (a[rowI + k] as number);
    diagonal[i] = sum;
  }
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const j1 = Math.min(n, j0 + PANEL);
    for (let i = j0; i < n; i += 2) {
      for (let j = j0; j < Math.min(j1, i + 1); j += 2) upperDots2x2(a, n, i, j);
    }
  }
}

/**
 * P entries of rows {i, i+1} against rows {j, j+1} (j <= i, both pairs clipped to n),
 * written only below the diagonal (column < row).
 */
function upperDots2x2(a: Float64Array, n: number, i: number, j: number): void {
  const twoI = i + 1 < n;
  const twoJ = j + 1 < n;
  const ui = i * n;
  const ui2 = twoI ? ui + n : ui;
  const uj = j * n;
  const uj2 = twoJ ? uj + n : uj;
  // k = i belongs to row i only: position (i+1, i) is in the lower triangle. Terms read
  // from there feed only entries that are not written.
  const uii = a[ui + i] as number;
  let s00 = uii * (a[uj + i] as number);
  let s01 = uii * (a[uj2 + i] as number);
  let s10 = 0;
  let s11 = 0;
  for (let k = i + 1; k < n; k += 1) {
    const p = a[ui + k] as number;
    const q = a[ui2 + k] as number;
    const x = a[uj + k] as number;
    const y = a[uj2 + k] as number;
    s00 += p * x;
    s01 += p * y;
    s10 += q * x;
    s11 += q * y;
  }
  if (j < i) a[ui + j] = s00;
  if (twoJ && j + 1 < i) a[ui + j + 1] = s01;
  if (twoI) {
    a[ui2 + j] = s10;
    if (twoJ && j < i) a[ui2 + j + 1] = s11;
  }
}
