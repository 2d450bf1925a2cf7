import { Rng } from '@deeprec/base';
import { Matrix, inverse } from 'ml-matrix';
import { invertSpd } from './spdInverse';
import { worstRelativeError } from './factors.testutil';

/** M M^T + n I for a seeded Gaussian M: well conditioned, dense, symmetric positive definite. */
function randomSpd(n: number, seed: number): number[][] {
  const rng = new Rng(seed, 'spd-test');
  const m = Matrix.from1DArray(n, n, Array.from({ length: n * n }, () => rng.normal()));
  return m.mmul(m.transpose()).add(Matrix.eye(n, n).mul(n)).to2DArray();
}

describe('invertSpd', () => {
  // Sizes around the 48-wide panels and odd sizes hit every edge of the 2 x 2 blocking.
  it.each([1, 2, 3, 7, 47, 48, 49, 50, 96, 101, 150])('matches ml-matrix inverse at n = %i', (n) => {
    const rows = randomSpd(n, n);
    const a = new Float64Array(n * n);
    rows.forEach((row, i) => row.forEach((v, j) => (a[i * n + j] = j <= i ? v : Number.NaN)));
    expect(invertSpd(a, n)).toBe(true);
    const expected = inverse(new Matrix(rows)).to1DArray();
    // Relative to the largest entry: off-diagonal entries of an inverse can be tiny.
    const scale = Math.max(...expected.map(Math.abs));
    expect(worstRelativeError(a, expected, 1e-12 * scale)).toBeLessThan(1e-9);
    for (let i = 0; i < n; i += 1) for (let j = 0; j < i; j += 1) expect(a[i * n + j]).toBe(a[j * n + i]);
  });

  it('reports a matrix that is not positive definite', () => {
    // [[1, 2], [2, 1]] has eigenvalues 3 and -1.
    expect(invertSpd(Float64Array.from([1, 0, 2, 1]), 2)).toBe(false);
    const singular = new Float64Array(60 * 60);
    for (let i = 0; i < 60; i += 1) for (let j = 0; j <= i; j += 1) singular[i * 60 + j] = 1;
    expect(invertSpd(singular, 60)).toBe(false);
  });
});
