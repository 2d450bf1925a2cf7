/**
 * Small dense kernels on Float64Arrays shared by the classic models: a Gram matrix
 * (iALS's per-row correction, PureSVD's B B^T) and orthonormalisation of a tall matrix's
 * columns (PureSVD's range finder). dense.test.ts checks them against ml-matrix.
 */
import { choleskyFactor } from './cholesky';

/**
 * Lower triangle of a = base + g g^T (dim x dim, row-major) for g dim x m row-major, i.e.
 * the Gram matrix of g's rows. Entries are dot products of g's rows, computed two rows by
 * two rows so each loaded value is used twice (about 3x faster than rank-1 updates in
 * V8); the blocks on the diagonal also write one upper-triangle entry, which callers
 * must not read.
 */
export function addLowerGram(g: Float64Array, m: number, dim: number, base: Float64Array, a: Float64Array): void {
  let i = 0;
  for (; i + 2 <= dim; i += 2) {
    const gi = i * m;
    const gi2 = gi + m;
    for (let j = 0; j <= i; j += 2) {
      const gj = j * m;
      const gj2 = gj + m;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < m; k += 1) {
        const p = g[gi + k] as number;
        const q = g[gi2 + k] as number;
        const r = g[gj + k] as number;
        const t = g[gj2 + k] as number;
        s00 += p * r;
        s01 += p * t;
        s10 += q * r;
        s11 += q * t;
      }
      const at = i * dim + j;
      a[at] = (base[at] as number) + s00;
      a[at + 1] = (base[at + 1] as number) + s01;
      a[at + dim] = (base[at + dim] as number) + s10;
      a[at + dim + 1] = (base[at + dim + 1] as number) + s11;
    }
  }
  if (i < dim) {
    // odd dim: the last row alone
    const gi = i * m;
    for (let j = 0; j <= i; j += 1) {
      const gj = j * m;
      let s = 0;
      for (let k = 0; k < m; k += 1) s += (g[gi + k] as number) * (g[gj + k] as number);
      a[i * dim + j] = (base[i * dim + j] as number) + s;
    }
  }
}

/**
 * Orthonormalises the `cols` columns of y (rows x cols, stored column-major: column j is
 * y[j*rows .. (j+1)*rows)) in place, spanning the same space.
 *
 * CholeskyQR2 (Fukaya et al., "CholeskyQR2: a simple and communication-avoiding algorithm
 * for computing a tall-skinny QR factorization", ScalA 2014): G = Y^T Y = L L^T, then
 * Y <- Y L^{-T}, twice. Its Gram step runs about 15x faster in V8 than Gram-Schmidt's
 * dot-and-subtract loops. It needs Y well conditioned (orthogonality is lost as
 * cond(Y)^2 eps), so a column that keeps less than 1e-8 of its squared norm after
 * projection onto the ones before it sends the whole matrix to modified Gram-Schmidt
 * instead, which also handles exactly dependent columns (set to zero).
 */
export function orthonormalizeColumns(y: Float64Array, rows: number, cols: number): void {
  if (choleskyQr(y, rows, cols) && choleskyQr(y, rows, cols)) return;
  gramSchmidt(y, rows, cols);
}

const WELL_CONDITIONED = 1e-8;

function choleskyQr(y: Float64Array, rows: number, cols: number): boolean {
  const gram = new Float64Array(cols * cols);
  addLowerGram(y, rows, cols, gram, gram);
  const diagonal = Float64Array.from({ length: cols }, (_, j) => gram[j * cols + j] as number);
  if (!choleskyFactor(gram, cols)) return false;
  for (let j = 0; j < cols; j += 1) {
    const pivot = gram[j * cols + j] as number;
    if (!(pivot * pivot > WELL_CONDITIONED * (diagonal[j] as number))) return false;
  }
  // Y <- Y L^{-T}: column j becomes (y_j - sum_{i<j} L[j][i] q_i) / L[j][j], four q_i at a time.
  for (let j = 0; j < cols; j += 1) {
    const vj = j * rows;
    const lRow = j * cols;
    let i = 0;
    for (; i + 4 <= j; i += 4) {
      const a = gram[lRow + i] as number;
      const b = gram[lRow + i + 1] as number;
      const c = gram[lRow + i + 2] as number;
      const d = gram[lRow + i + 3] as number;
      const q0 = i * rows;
      const q1 = q0 + rows;
      const q2 = q1 + rows;
      const q3 = q2 + rows;
      for (let r = 0; r < rows; r += 1) {
        y[vj + r] =
          (y[vj + r] as number) -
          a * (y[q0 + r] as number) -
          b * (y[q1 + r] as number) -
          c * (y[q2 + r] as number) -
          d * (y[q3 + r] as number);
      }
    }
    for (; i < j; i += 1) {
      const a = gram[lRow + i] as number;
      const q0 = i * rows;
      for (let r = 0; r < rows; r += 1) y[vj + r] = (y[vj + r] as number) - a * (y[q0 + r] as number);
    }
    const inverse = 1 / (gram[lRow + j] as number);
    for (let r = 0; r < rows; r += 1) y[vj + r] = (y[vj + r] as number) * inverse;
  }
  return true;
}

/**
 * Modified Gram-Schmidt, run twice per column ("twice is enough": Giraud, Langou,
 * Rozložník 2005). A column that vanishes (dependent on the ones before it) becomes zero.
 */
export function gramSchmidt(y: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j += 1) {
    const vj = j * rows;
    let original = 0;
    for (let r = 0; r < rows; r += 1) original += (y[vj + r] as number) ** 2;
    for (let pass = 0; pass < 2; pass += 1) {
      for (let i = 0; i < j; i += 1) {
        const qi = i * rows;
        let dot = 0;
        for (let r = 0; r < rows; r += 1) dot += (y[qi + r] as number) * (y[vj + r] as number);
        if (dot === 0) continue;
        for (let r = 0; r < rows; r += 1) y[vj + r] = (y[vj + r] as number) - dot * (y[qi + r] as number);
      }
    }
    let norm = 0;
    for (let r = 0; r < rows; r += 1) norm += (y[vj + r] as number) ** 2;
    if (!(norm > 1e-24 * original)) {
      y.fill(0, vj, vj + rows);
      continue;
    }
    const inverse = 1 / Math.sqrt(norm);
    for (let r = 0; r < rows; r += 1) y[vj + r] = (y[vj + r] as number) * inverse;
  }
}
