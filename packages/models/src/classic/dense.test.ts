import { Matrix, QrDecomposition } from 'ml-matrix';
import { Rng } from '@deeprec/base';
import { addLowerGram, gramSchmidt, orthonormalizeColumns } from './dense';

/** A rows x cols matrix with N(0, 1) entries, row-major. */
function gaussian(rows: number, cols: number, seed: number): Float64Array {
  const rng = new Rng(seed, 'dense-test');
  return Float64Array.from({ length: rows * cols }, () => rng.normal());
}

/** The column-major array as an ml-matrix (rows x cols). */
function fromColumnMajor(y: Float64Array, rows: number, cols: number): Matrix {
  return new Matrix(Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => y[c * rows + r] as number)));
}

function expectOrthonormalSpanning(q: Matrix, original: Matrix): void {
  const cols = q.columns;
  const qtq = q.transpose().mmul(q);
  for (let i = 0; i < cols; i += 1) for (let j = 0; j < cols; j += 1) expect(qtq.get(i, j)).toBeCloseTo(i === j ? 1 : 0, 10);
  // Same column space as ml-matrix's Householder QR: equal projectors Q Q^T.
  const reference = new QrDecomposition(original).orthogonalMatrix;
  const ours = q.mmul(q.transpose());
  const theirs = reference.mmul(reference.transpose());
  for (let i = 0; i < q.rows; i += 1) for (let j = 0; j < q.rows; j += 1) expect(ours.get(i, j)).toBeCloseTo(theirs.get(i, j), 9);
}

describe('addLowerGram', () => {
  it.each([
    [6, 4],
    [9, 5],
  ])('adds the Gram matrix of g (lower triangle), rows of length %i, dim %i', (m, dim) => {
    const g = gaussian(dim, m, m);
    const base = gaussian(dim, dim, 1);
    const out = new Float64Array(dim * dim);
    addLowerGram(g, m, dim, base, out);
    const gm = new Matrix(Array.from({ length: dim }, (_, i) => Array.from(g.subarray(i * m, (i + 1) * m))));
    const expected = gm.mmul(gm.transpose());
    for (let i = 0; i < dim; i += 1) {
      for (let j = 0; j <= i; j += 1) expect(out[i * dim + j]).toBeCloseTo(expected.get(i, j) + (base[i * dim + j] as number), 10);
    }
  });
});

describe('orthonormalizeColumns', () => {
  it('spans the same space as ml-matrix QR with orthonormal columns', () => {
    const rows = 50;
    const cols = 7;
    const y = gaussian(cols, rows, 2); // column-major: 7 columns of 50
    const original = fromColumnMajor(y, rows, cols);
    orthonormalizeColumns(y, rows, cols);
    expectOrthonormalSpanning(fromColumnMajor(y, rows, cols), original);
  });

  it('falls back to Gram-Schmidt for nearly dependent columns and still spans the space', () => {
    const rows = 30;
    const cols = 4;
    const y = gaussian(cols, rows, 3);
    // column 3 = column 0 + 1e-6 noise: Y^T Y is too ill-conditioned for CholeskyQR
    const rng = new Rng(4, 'noise');
    for (let r = 0; r < rows; r += 1) y[3 * rows + r] = (y[r] as number) + 1e-6 * rng.normal();
    const original = fromColumnMajor(y, rows, cols);
    orthonormalizeColumns(y, rows, cols);
    expectOrthonormalSpanning(fromColumnMajor(y, rows, cols), original);
  });

  it('zeroes an exactly dependent column', () => {
    const rows = 5;
    const y = Float64Array.from([1, 2, 0, 0, 1, 2, 4, 0, 0, 2]);
    gramSchmidt(y, rows, 2);
    expect(Array.from(y.subarray(5))).toEqual([0, 0, 0, 0, 0]);
    expect(y[0]).toBeCloseTo(1 / Math.sqrt(6), 12);
  });
});
