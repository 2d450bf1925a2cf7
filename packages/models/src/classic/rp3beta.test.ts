import { ArtifactError, ConfigError, DataError } from '@deeprec/base';
import { generateInteractions, runReference, worstRelativeError } from './factors.testutil';
import { RP3BETA_DEFAULTS, fitRp3beta, rp3betaFromColumns, rp3betaToColumns, scoreRp3beta, type Rp3betaOptions } from './rp3beta';
import { buildCsr, type Interactions } from './sparse';

interface Rp3betaReference {
  offsets: number[];
  neighbours: number[];
  weights: number[];
  scores: number[];
}

const allUsers = (n: number): number[] => Array.from({ length: n }, (_, u) => u);

describe('rp3beta against the NumPy reference (bench/classic/rp3beta.py)', () => {
  const data = generateInteractions(45, 35, 0.15, 21);
  const cases: Array<Partial<Rp3betaOptions>> = [
    { topK: 5 },
    { alpha: 0.5, beta: 0.2, topK: 50, normalizeRows: true },
    { alpha: 1.3, beta: 0, topK: 3, normalizeRows: true },
  ];
  it.each(cases)('%j', (options) => {
    const o = { ...RP3BETA_DEFAULTS, ...options };
    const fit = fitRp3beta(data, o);
    const reference = runReference('rp3beta.py', {
      numUsers: data.numUsers,
      numItems: data.numItems,
      user: Array.from(data.user),
      item: Array.from(data.item),
      options: o,
    }) as Rp3betaReference;
    expect(Array.from(fit.weights.offsets)).toEqual(reference.offsets);
    expect(Array.from(fit.weights.columns)).toEqual(reference.neighbours);
    expect(worstRelativeError(fit.weights.weights, reference.weights)).toBeLessThan(1e-5);
    const scores = scoreRp3beta(fit, buildCsr(data, 'user'), allUsers(data.numUsers));
    expect(worstRelativeError(scores, reference.scores)).toBeLessThan(1e-4);
  });
});

describe('rp3beta by hand', () => {
  // Users u0 {i0, i1}, u1 {i0, i1, i2}, u2 {i2}, u3 {i1}: |I_u| = 2, 3, 1, 1 and
  // |U_i| = 2, 3, 2. With alpha = beta = 1, W[i, j] = sum_{u in U_i, U_j} (1/|I_u|) / (|U_i| |U_j|):
  // W01 = (1/2 + 1/3)/6 = 5/36, W02 = (1/3)/4 = 1/12, W10 = 5/36, W12 = (1/3)/6 = 1/18,
  // W20 = 1/12, W21 = 1/18. topK 1 keeps, per source: 0 -> 1, 1 -> 0, 2 -> 0.
  const data: Interactions = {
    numUsers: 4,
    numItems: 3,
    user: Int32Array.from([0, 0, 1, 1, 1, 2, 3]),
    item: Int32Array.from([0, 1, 0, 1, 2, 2, 1]),
    rating: Float32Array.from([5, 1, 2, 3, 4, 5, 1]), // ignored: every pair is an edge
  };

  it('keeps each source item top targets and sums them over the user items', () => {
    const full = fitRp3beta(data, { alpha: 1, beta: 1, topK: 3 });
    expect(Array.from(full.weights.columns)).toEqual([1, 2, 0, 2, 0, 1]);
    expect(worstRelativeError(full.weights.weights, [5 / 36, 1 / 12, 5 / 36, 1 / 18, 1 / 12, 1 / 18])).toBeLessThan(1e-6);

    const pruned = fitRp3beta(data, { alpha: 1, beta: 1, topK: 1 });
    expect(Array.from(pruned.weights.columns)).toEqual([1, 0, 0]);
    const scores = scoreRp3beta(pruned, buildCsr(data, 'user'), [0, 2]);
    // u0: W[0, :] + W[1, :] = (5/36, 5/36, 0); u2: W[2, :] = (1/12, 0, 0).
    expect(worstRelativeError(scores, [5 / 36, 5 / 36, 0, 1 / 12, 0, 0])).toBeLessThan(1e-6);

    const normalized = fitRp3beta(data, { alpha: 1, beta: 1, topK: 2, normalizeRows: true });
    expect(worstRelativeError(normalized.weights.weights, [5 / 8, 3 / 8, 5 / 7, 2 / 7, 3 / 5, 2 / 5])).toBeLessThan(1e-6);
  });
});

describe('rp3beta saved columns and errors', () => {
  const data = generateInteractions(20, 15, 0.2, 4);
  const history = buildCsr(data, 'user');

  it('round-trips through rp3betaToColumns / rp3betaFromColumns', () => {
    const fit = fitRp3beta(data, { topK: 4, beta: 0.3 });
    const restored = rp3betaFromColumns(rp3betaToColumns(fit), fit.meta);
    expect(restored.meta).toEqual(fit.meta);
    expect(Array.from(scoreRp3beta(restored, history, [2, 5]))).toEqual(Array.from(scoreRp3beta(fit, history, [2, 5])));
    const shortOffsets = fit.weights.offsets.slice(1);
    expect(() => rp3betaFromColumns({ ...rp3betaToColumns(fit), offsets: shortOffsets }, fit.meta)).toThrow(ArtifactError);
  });

  it('names invalid options and bad ids', () => {
    expect(() => fitRp3beta(data, { alpha: -1, topK: 2.5 })).toThrow(ConfigError);
    expect(() => fitRp3beta(data, { alpha: -1, topK: 2.5 })).toThrow(/alpha -1.*topK 2.5/);
    const fit = fitRp3beta(data);
    expect(() => scoreRp3beta(fit, history, [20])).toThrow(DataError);
    expect(() => scoreRp3beta(fit, history, [0], new Float32Array(3))).toThrow(/output buffer of at least 15/);
  });
});
