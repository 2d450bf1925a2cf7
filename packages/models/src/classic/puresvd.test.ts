import { ConfigError, Rng } from '@deeprec/base';
import { generateInteractions, runReference, worstRelativeError } from './factors.testutil';
import { buildCsr, type Interactions } from './sparse';
import { PURESVD_DEFAULTS, fitPureSvd, puresvdFromColumns, puresvdToColumns, scorePureSvd, type PureSvdOptions } from './puresvd';

/**
 * Four user groups that mostly interact with their own item group: the spectrum has a
 * gap after the 4th singular value (about 7.3 to 3.7), so the top-4 subspace is well
 * defined. Singular values converge much faster than the subspace (4 power iterations
 * give them to 1e-7 but the scores only to 2e-2 here), hence 8 iterations.
 */
function planted(explicit: boolean): Interactions {
  const rng = new Rng(11, 'planted');
  const numUsers = 40;
  const numItems = 48;
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  for (let u = 0; u < numUsers; u += 1) {
    for (let i = 0; i < numItems; i += 1) {
      const p = u % 4 === i % 4 ? 0.7 : 0.05;
      if (rng.uniform() >= p) continue;
      user.push(u);
      item.push(i);
      rating.push(explicit ? 1 + rng.int(5) : 1);
    }
  }
  return { numUsers, numItems, user: Int32Array.from(user), item: Int32Array.from(item), rating: Float32Array.from(rating) };
}

function reference(data: Interactions, options: PureSvdOptions): { singularValues: number[]; scores: number[] } {
  return runReference('puresvd.py', {
    numUsers: data.numUsers,
    numItems: data.numItems,
    user: Array.from(data.user),
    item: Array.from(data.item),
    rating: Array.from(data.rating),
    factors: options.factors,
    values: options.values,
  }) as { singularValues: number[]; scores: number[] };
}

function allUsers(n: number): number[] {
  return Array.from({ length: n }, (_, u) => u);
}

describe('fitPureSvd against scipy.sparse.linalg.svds (bench/classic/puresvd.py)', () => {
  it.each(['binary', 'rating'] as const)('finds the top singular values and folded-in scores (%s values)', (values) => {
    const data = planted(values === 'rating');
    const options: PureSvdOptions = { ...PURESVD_DEFAULTS, factors: 4, values, oversampling: 6, powerIterations: 8 };
    const fit = fitPureSvd(data, options, 1);
    const expected = reference(data, options);
    expect(worstRelativeError(fit.singularValues, expected.singularValues)).toBeLessThan(1e-4);
    const scores = scorePureSvd(fit, buildCsr(data, 'user'), allUsers(data.numUsers));
    const largest = Math.max(...expected.scores.map(Math.abs));
    expect(worstRelativeError(scores, expected.scores, 1e-3 * largest)).toBeLessThan(1e-3);
  });

  it('is exact on unstructured data once the sketch spans the row space', () => {
    const data = generateInteractions(24, 36, 0.2, 5);
    const options: PureSvdOptions = { ...PURESVD_DEFAULTS, factors: 6, oversampling: 30, powerIterations: 0 };
    const fit = fitPureSvd(data, options, 2);
    const expected = reference(data, options);
    expect(worstRelativeError(fit.singularValues, expected.singularValues)).toBeLessThan(1e-5);
  });
});

describe('fitPureSvd', () => {
  const data = planted(false);

  it('with too few power iterations on unstructured data, misses the tail (the test above can fail)', () => {
    const noisy = generateInteractions(60, 80, 0.1, 9);
    const options: PureSvdOptions = { ...PURESVD_DEFAULTS, factors: 10, oversampling: 0, powerIterations: 0 };
    const fit = fitPureSvd(noisy, options, 3);
    expect(worstRelativeError(fit.singularValues, reference(noisy, options).singularValues)).toBeGreaterThan(1e-2);
  });

  it('gives item factors with orthonormal columns', () => {
    const fit = fitPureSvd(data, { factors: 5 }, 4);
    for (let a = 0; a < 5; a += 1) {
      for (let b = 0; b < 5; b += 1) {
        let dot = 0;
        for (let i = 0; i < data.numItems; i += 1) dot += (fit.itemFactors[i * 5 + a] as number) * (fit.itemFactors[i * 5 + b] as number);
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
      }
    }
  });

  it('is deterministic for a seed and round-trips through columns', () => {
    const a = fitPureSvd(data, { factors: 5 }, 4);
    const b = fitPureSvd(data, { factors: 5 }, 4);
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
    const history = buildCsr(data, 'user');
    const back = puresvdFromColumns(puresvdToColumns(a), a.meta);
    expect(Array.from(scorePureSvd(back, history, [3, 7]))).toEqual(Array.from(scorePureSvd(a, history, [3, 7])));
    expect(() => puresvdFromColumns({ itemFactors: a.itemFactors, singularValues: new Float32Array(2) }, a.meta)).toThrow(
      /'singularValues' as a Float32Array of length 5, found Float32Array of length 2/,
    );
  });

  it('rejects more factors than the matrix has sides', () => {
    expect(() => fitPureSvd(data, { factors: 41 })).toThrow(ConfigError);
    expect(() => fitPureSvd(data, { factors: 41 })).toThrow(/1\.\.40/);
  });
});
