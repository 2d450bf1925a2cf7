import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { Rng } from '@deeprec/base';
import { choleskyFactor, choleskySolve } from './cholesky';

/** A random symmetric positive definite matrix M M^T + n I. */
function spd(n: number, seed: number): number[][] {
  const rng = new Rng(seed, 'spd');
  const m = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
  return m.map((row, i) => m.map((other, j) => row.reduce((s, v, k) => s + v * (other[k] as number), 0) + (i === j ? n : 0)));
}

describe('choleskyFactor / choleskySolve', () => {
  it.each([1, 3, 17, 64])('match ml-matrix on a %i x %i system', (n) => {
    const a = spd(n, n);
    const rng = new Rng(n, 'rhs');
    const b = Array.from({ length: n }, () => rng.normal());
    const library = new CholeskyDecomposition(new Matrix(a));
    const expectedL = library.lowerTriangularMatrix;
    const expectedX = library.solve(Matrix.columnVector(b)).getColumn(0);

    const flat = Float64Array.from(a.flat());
    expect(choleskyFactor(flat, n)).toBe(true);
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j <= i; j += 1) expect(flat[i * n + j]).toBeCloseTo(expectedL.get(i, j), 10);
    }
    const x = Float64Array.from(b);
    choleskySolve(flat, n, x);
    x.forEach((v, i) => expect(v).toBeCloseTo(expectedX[i] as number, 10));
  });

  it('reports a matrix that is not positive definite', () => {
    expect(choleskyFactor(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
  });
});
