import { ConfigError } from '@deeprec/base';
import { generateInteractions, runReference, worstRelativeError } from './factors.testutil';
import { IALS_DEFAULTS, fitIals, ialsFromColumns, ialsInitialFactors, ialsToColumns, scoreIals, type IalsOptions } from './ials';

const data = generateInteractions(30, 40, 0.15, 7);

function reference(options: IalsOptions, init: { userFactors: Float32Array; itemFactors: Float32Array }) {
  const out = runReference('ials.py', {
    numUsers: data.numUsers,
    numItems: data.numItems,
    user: Array.from(data.user),
    item: Array.from(data.item),
    options,
    userFactors: Array.from(init.userFactors),
    itemFactors: Array.from(init.itemFactors),
  }) as { userFactors: number[]; itemFactors: number[] };
  return out;
}

describe('fitIals against the NumPy reference (bench/classic/ials.py)', () => {
  // Large initial factors so the CG warm start and one sweep visibly move things.
  const init = ialsInitialFactors(data.numUsers, data.numItems, 8, 1, 3);

  it.each<[string, Partial<IalsOptions>]>([
    ['cholesky, frequency-scaled lambda', { solver: 'cholesky', regularizationExponent: 1 }],
    ['cholesky, plain lambda', { solver: 'cholesky', regularizationExponent: 0, regularization: 0.5 }],
    ['cg, 3 steps', { solver: 'cg', cgSteps: 3 }],
  ])('matches after one user sweep and one item sweep (%s)', (_name, overrides) => {
    const options: IalsOptions = { ...IALS_DEFAULTS, dim: 8, epochs: 1, unobservedWeight: 0.3, regularization: 0.05, ...overrides };
    const fit = fitIals(data, options, 0, init);
    const expected = reference(options, init);
    expect(worstRelativeError(fit.userFactors, expected.userFactors, 1e-4)).toBeLessThan(1e-4);
    expect(worstRelativeError(fit.itemFactors, expected.itemFactors, 1e-4)).toBeLessThan(1e-4);
    // The sweep changed the factors, so matching is not matching the starting point.
    expect(worstRelativeError(fit.itemFactors, init.itemFactors, 1e-4)).toBeGreaterThan(0.1);
  });

  it('matches with an odd dimension (remainder paths of the blocked loops)', () => {
    const odd = ialsInitialFactors(data.numUsers, data.numItems, 7, 1, 4);
    for (const solver of ['cholesky', 'cg'] as const) {
      const options: IalsOptions = { ...IALS_DEFAULTS, dim: 7, epochs: 1, unobservedWeight: 0.3, regularization: 0.05, solver };
      const fit = fitIals(data, options, 0, odd);
      expect(worstRelativeError(fit.itemFactors, reference(options, odd).itemFactors, 1e-4)).toBeLessThan(1e-4);
    }
  });

  it('matches after three epochs with the exact solver', () => {
    const options: IalsOptions = { ...IALS_DEFAULTS, dim: 8, epochs: 3, unobservedWeight: 0.3, regularization: 0.05 };
    const fit = fitIals(data, options, 0, init);
    const expected = reference(options, init);
    expect(worstRelativeError(fit.itemFactors, expected.itemFactors, 1e-4)).toBeLessThan(1e-4);
  });
});

describe('fitIals', () => {
  const options: Partial<IalsOptions> = { dim: 6, epochs: 2, unobservedWeight: 0.2, regularization: 0.05 };

  it('converges to the Cholesky solution when CG runs dim steps per row', () => {
    const init = ialsInitialFactors(data.numUsers, data.numItems, 6, 0.1, 1);
    const exact = fitIals(data, { ...options, solver: 'cholesky' }, 0, init);
    const cg = fitIals(data, { ...options, solver: 'cg', cgSteps: 6 }, 0, init);
    expect(worstRelativeError(cg.itemFactors, exact.itemFactors, 1e-3)).toBeLessThan(1e-3);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = fitIals(data, options, 5);
    const b = fitIals(data, options, 5);
    const c = fitIals(data, options, 6);
    expect(Array.from(a.userFactors)).toEqual(Array.from(b.userFactors));
    expect(Array.from(a.userFactors)).not.toEqual(Array.from(c.userFactors));
  });

  it('gives an item nobody interacted with the zero vector', () => {
    const withCold = { ...data, numItems: data.numItems + 1 };
    const fit = fitIals(withCold, options, 1);
    expect(Array.from(fit.itemFactors.subarray(data.numItems * 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('ranks a user held-in item above the unobserved ones on average', () => {
    const fit = fitIals(data, { ...options, epochs: 8 }, 2);
    const scores = scoreIals(fit, null, [0, 1, 2]);
    for (const u of [0, 1, 2]) {
      const row = scores.subarray(u * data.numItems, (u + 1) * data.numItems);
      const seen = new Set<number>();
      for (let k = 0; k < data.user.length; k += 1) if (data.user[k] === u) seen.add(data.item[k] as number);
      const mean = (pick: boolean) => {
        const values = Array.from(row).filter((_, i) => seen.has(i) === pick);
        return values.reduce((s, v) => s + v, 0) / values.length;
      };
      expect(mean(true)).toBeGreaterThan(mean(false));
    }
  });

  it('scores with w_u . h_i and round-trips through columns', () => {
    const fit = fitIals(data, options, 3);
    const scores = scoreIals(fit, null, [4]);
    let dot = 0;
    for (let f = 0; f < 6; f += 1) dot += (fit.userFactors[4 * 6 + f] as number) * (fit.itemFactors[7 * 6 + f] as number);
    expect(scores[7]).toBeCloseTo(dot, 6);
    const back = ialsFromColumns(ialsToColumns(fit), fit.meta);
    expect(Array.from(scoreIals(back, null, [4]))).toEqual(Array.from(scores));
    expect(() => ialsFromColumns({ userFactors: fit.userFactors }, fit.meta)).toThrow(/'itemFactors'.*found nothing/);
  });

  it('rejects invalid options, naming them', () => {
    expect(() => fitIals(data, { dim: 0, solver: 'lu' as 'cg' })).toThrow(ConfigError);
    expect(() => fitIals(data, { dim: 0 })).toThrow(/dim 0/);
  });
});
