import { ArtifactError, ConfigError, DataError } from '@deeprec/base';
import { EASE_DEFAULTS, easeFitBytes, easeFromColumns, easeToColumns, fitEase, scoreEase, type EaseOptions } from './ease';
import { generateInteractions, runReference, worstRelativeError } from './factors.testutil';
import { buildCsr, type Interactions } from './sparse';

interface EaseReference {
  weights: number[];
  scores: number[];
}

const allUsers = (n: number): number[] => Array.from({ length: n }, (_, u) => u);

function largest(values: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < values.length; k += 1) m = Math.max(m, Math.abs(values[k] as number));
  return m;
}

describe('ease against the NumPy reference (bench/classic/ease.py)', () => {
  const cases: Array<[string, Interactions, Partial<EaseOptions>]> = [
    // More users than items: the n x n inverse; fewer: the Woodbury form (easeSolve.ts).
    ['implicit, items path, lambda 5', generateInteractions(60, 55, 0.15, 31), { lambda: 5 }],
    ['implicit, users path, lambda 5', generateInteractions(35, 70, 0.15, 34), { lambda: 5 }],
    ['implicit, users path, lambda 200', generateInteractions(40, 60, 0.15, 32), { lambda: 200 }],
    ['ratings as values, users path, lambda 30', generateInteractions(50, 53, 0.2, 33, true), { lambda: 30, values: 'rating' }],
    ['ratings as values, items path, lambda 0.5', generateInteractions(70, 45, 0.2, 35, true), { lambda: 0.5, values: 'rating' }],
    ['implicit, fewer users but items path forced, lambda 20', generateInteractions(30, 50, 0.2, 36), { lambda: 20, solver: 'items' }],
    ['ratings, more users but users path forced, lambda 20', generateInteractions(50, 30, 0.2, 37, true), { lambda: 20, values: 'rating', solver: 'users' }],
  ];
  it.each(cases)('%s', (_, data, options) => {
    const o = { ...EASE_DEFAULTS, ...options };
    const fit = fitEase(data, o);
    const reference = runReference('ease.py', {
      numUsers: data.numUsers,
      numItems: data.numItems,
      user: Array.from(data.user),
      item: Array.from(data.item),
      rating: Array.from(data.rating),
      options: o,
    }) as EaseReference;
    // Entries of B range over orders of magnitude: compare relative to the largest.
    expect(worstRelativeError(fit.weights, reference.weights, 1e-3 * largest(reference.weights))).toBeLessThan(1e-4);
    const scores = scoreEase(fit, buildCsr(data, 'user'), allUsers(data.numUsers));
    expect(worstRelativeError(scores, reference.scores, 1e-3 * largest(reference.scores))).toBeLessThan(1e-4);
  });
});

describe('ease by hand', () => {
  it('solves the two-item case in closed form', () => {
    // Users {0, 1}, {0}, {1}, {0, 1}: G = [[3, 2], [2, 3]] + lambda I. With lambda 1, G = [[4, 2], [2, 4]],
    // P = [[4, -2], [-2, 4]] / 12 and B[0][1] = -P01 / P11 = 1/2 = B[1][0].
    const data: Interactions = {
      numUsers: 4,
      numItems: 2,
      user: Int32Array.from([0, 0, 1, 2, 3, 3]),
      item: Int32Array.from([0, 1, 0, 1, 0, 1]),
      rating: new Float32Array(6).fill(1),
    };
    const fit = fitEase(data, { lambda: 1 });
    expect(Array.from(fit.weights)).toEqual([0, 0.5, 0.5, 0]);
    // User 1 has item 0 only: scores (B00, B01) = (0, 1/2).
    expect(Array.from(scoreEase(fit, buildCsr(data, 'user'), [1, 3]))).toEqual([0, 0.5, 0.5, 0.5]);
  });
});

describe('ease limits, saved columns and errors', () => {
  const data = generateInteractions(12, 10, 0.3, 2);

  it('refuses a catalogue above maxItems and says how much memory it would need', () => {
    // 12 n^2 on the items path; 4 n^2 + 8 m^2 + 8 m n with fewer users than items.
    expect(easeFitBytes(40000, 30000)).toBe(10_800_000_000);
    expect(easeFitBytes(943, 1682)).toBe(4 * 1682 ** 2 + 8 * 943 ** 2 + 8 * 943 * 1682);
    expect(easeFitBytes(943, 1682, 'items')).toBe(12 * 1682 ** 2);
    expect(() => fitEase(data, { maxItems: 9 })).toThrow(ConfigError);
    expect(() => fitEase(data, { maxItems: 9 })).toThrow(/10 items exceed maxItems 9.*1200 bytes/);
  });

  it('round-trips through easeToColumns / easeFromColumns', () => {
    const fit = fitEase(data, { lambda: 3 });
    const restored = easeFromColumns(easeToColumns(fit), fit.meta);
    const history = buildCsr(data, 'user');
    expect(Array.from(scoreEase(restored, history, [0, 4]))).toEqual(Array.from(scoreEase(fit, history, [0, 4])));
    expect(() => easeFromColumns({ weights: new Float32Array(99) }, fit.meta)).toThrow(ArtifactError);
  });

  it('names invalid options and bad scoring input', () => {
    expect(() => fitEase(data, { lambda: 0, values: 'counts' as never, solver: 'lu' as never })).toThrow(/lambda 0.*values 'counts'.*solver 'lu'/);
    const fit = fitEase(data);
    expect(() => scoreEase(fit, buildCsr({ ...data, numItems: 11 }, 'user'), [0])).toThrow(DataError);
    expect(() => scoreEase(fit, buildCsr(data, 'user'), [-1])).toThrow(/user ids in \[0, 12\), found -1/);
  });
});
