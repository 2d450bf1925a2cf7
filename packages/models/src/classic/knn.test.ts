import { ArtifactError, ConfigError, DataError } from '@deeprec/base';
import { generateInteractions, runReference, worstRelativeError } from './factors.testutil';
import { KNN_DEFAULTS, fitItemKnn, fitUserKnn, knnFromColumns, knnToColumns, type FittedKnn, type KnnKind, type KnnOptions } from './knn';
import { scoreItemKnn, scorePairsItemKnn, scorePairsUserKnn, scoreUserKnn } from './knnScore';
import { buildCsr, type Interactions } from './sparse';

interface KnnReference {
  globalMean: number;
  userBias: number[];
  itemBias: number[];
  offsets: number[];
  neighbours: number[];
  weights: number[];
  scores: number[];
  predictions: number[];
}

const allUsers = (n: number): number[] => Array.from({ length: n }, (_, u) => u);

/** Every user paired with a few items, rated or not, to exercise both rating-form branches. */
function somePairs(data: Interactions): { user: number[]; item: number[] } {
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < data.numUsers; u += 1) {
    for (const i of [u % data.numItems, (3 * u + 1) % data.numItems, (7 * u + 5) % data.numItems]) {
      user.push(u);
      item.push(i);
    }
  }
  return { user, item };
}

function compareWithReference(kind: KnnKind, data: Interactions, options: Partial<KnnOptions>): void {
  const o = { ...KNN_DEFAULTS, ...options };
  const fit = kind === 'item' ? fitItemKnn(data, o) : fitUserKnn(data, o);
  const pairs = somePairs(data);
  const reference = runReference('knn.py', {
    numUsers: data.numUsers,
    numItems: data.numItems,
    user: Array.from(data.user),
    item: Array.from(data.item),
    rating: Array.from(data.rating),
    kind,
    options: o,
    pairs,
  }) as KnnReference;
  expect(fit.meta.globalMean).toBeCloseTo(reference.globalMean, 10);
  expect(worstRelativeError(fit.userBias, reference.userBias)).toBeLessThan(1e-5);
  expect(worstRelativeError(fit.itemBias, reference.itemBias)).toBeLessThan(1e-5);
  expect(Array.from(fit.neighbours.offsets)).toEqual(reference.offsets);
  expect(Array.from(fit.neighbours.columns)).toEqual(reference.neighbours);
  expect(worstRelativeError(fit.neighbours.weights, reference.weights)).toBeLessThan(1e-5);

  const history = buildCsr(data, 'user');
  const scores = kind === 'item' ? scoreItemKnn(fit, history, allUsers(data.numUsers)) : scoreUserKnn(fit, history, allUsers(data.numUsers));
  expect(worstRelativeError(scores, reference.scores)).toBeLessThan(1e-4);
  const predict = kind === 'item' ? scorePairsItemKnn : scorePairsUserKnn;
  expect(worstRelativeError(predict(fit, history, pairs.user, pairs.item), reference.predictions)).toBeLessThan(1e-5);
}

describe('itemknn and userknn against the NumPy reference (bench/classic/knn.py)', () => {
  const implicit = generateInteractions(40, 30, 0.15, 11);
  const explicit = generateInteractions(40, 30, 0.25, 12, true);

  it.each<KnnKind>(['item', 'user'])('%sknn: implicit cosine, pruned to 5 with shrink 3', (kind) => {
    compareWithReference(kind, implicit, { topK: 5, shrink: 3 });
  });

  const explicitCases: Array<[KnnKind, Partial<KnnOptions>]> = [
    ['item', { similarity: 'cosine', norms: 'all', topK: 8, shrink: 0 }],
    ['item', { similarity: 'pearson', norms: 'all', topK: 6, shrink: 5 }],
    ['item', { similarity: 'adjusted-cosine', norms: 'common', topK: 30, shrink: 2, ratingNeighbours: 4 }],
    ['item', { similarity: 'pearson-baseline', norms: 'common', topK: 10, shrink: 10, ratingNeighbours: 3 }],
    ['user', { similarity: 'cosine', norms: 'common', topK: 7, shrink: 1 }],
    ['user', { similarity: 'pearson', norms: 'common', topK: 40, shrink: 0, ratingNeighbours: 5 }],
    ['user', { similarity: 'adjusted-cosine', norms: 'all', topK: 9, shrink: 4 }],
    ['user', { similarity: 'pearson-baseline', norms: 'all', topK: 12, shrink: 20, baselineEpochs: 3, baselineRegUser: 2, baselineRegItem: 0 }],
  ];
  it.each(explicitCases)('%sknn: explicit %j', (kind, options) => {
    compareWithReference(kind, explicit, options);
  });
});

describe('itemknn by hand', () => {
  // Items as user vectors: i0 = i1 = {u0, u1}, i2 = {u1, u2}. Cosines: s01 = 2/2 = 1,
  // s02 = s12 = 1/2; shrink 1 scales by n/(n+1): s01 = 2/3 (n = 2), s02 = s12 = 1/4 (n = 1).
  // topK 1 keeps per target: N(0) = {1}, N(1) = {0}, N(2) = {0} (a tie with 1; smaller id wins).
  const data: Interactions = {
    numUsers: 3,
    numItems: 3,
    user: Int32Array.from([0, 0, 1, 1, 1, 2]),
    item: Int32Array.from([0, 1, 0, 1, 2, 2]),
    rating: new Float32Array(6).fill(1),
  };

  it('keeps the top k per target item and scores with the target lists', () => {
    const fit = fitItemKnn(data, { topK: 1, shrink: 1 });
    expect(Array.from(fit.neighbours.offsets)).toEqual([0, 1, 2, 3]);
    expect(Array.from(fit.neighbours.columns)).toEqual([1, 0, 0]);
    expect(Array.from(fit.neighbours.weights)).toEqual([Math.fround(2 / 3), Math.fround(2 / 3), 0.25]);
    const scores = scoreItemKnn(fit, buildCsr(data, 'user'), [1, 2]);
    // u1 has all three items: score(u1, i) = s(i, N(i)). u2 has only i2, which is in no list.
    expect(Array.from(scores)).toEqual([Math.fround(2 / 3), Math.fround(2 / 3), 0.25, 0, 0, 0]);
  });

  it('predicts b_ui + weighted residuals of the rated neighbours, and b_ui alone without one', () => {
    const rated: Interactions = { ...data, rating: Float32Array.from([5, 3, 4, 2, 1, 5]) };
    // No baseline epochs: b_ui = mu = 20 / 6 = 10/3. Adjusted cosine (user means u0 4,
    // u1 7/3, u2 5), no shrink: i0 = (1, 5/3, .), i1 = (-1, -1/3, .), i2 = (., -4/3, 0), so
    // s(2, 0) = (-20/9) / (4/3 sqrt(34/9)) < 0 and s(2, 1) = (4/9) / (4/3 sqrt(10/9)) > 0;
    // s(0, 1) = (-14/9) / (sqrt(34/9) sqrt(10/9)) ranks above s(0, 2), so N(0) = [1, 2].
    const fit = fitItemKnn(rated, { similarity: 'adjusted-cosine', topK: 2, shrink: 0, baselineEpochs: 0 });
    const mu = 10 / 3;
    const s20 = -20 / 9 / ((4 / 3) * Math.sqrt(34 / 9));
    const s21 = 4 / 9 / ((4 / 3) * Math.sqrt(10 / 9));
    const [u0i2, u2i0, u2i2] = scorePairsItemKnn(fit, buildCsr(rated, 'user'), [0, 2, 2], [2, 0, 2]);
    // u0 rated both of i2's neighbours: i1 (3, residual -1/3) and i0 (5, residual 5/3).
    expect(u0i2).toBeCloseTo(mu + (s21 * (-1 / 3) + s20 * (5 / 3)) / (Math.abs(s21) + Math.abs(s20)), 5);
    // u2 rated only i2 (residual 5/3), a neighbour of i0 with a negative weight: mu - 5/3.
    expect(u2i0).toBeCloseTo(mu - 5 / 3, 5);
    // Neither of i2's neighbours (i1, i0) is rated by u2: the baseline alone.
    expect(u2i2).toBeCloseTo(mu, 5);
  });
});

describe('knn saved columns', () => {
  const data = generateInteractions(25, 20, 0.2, 5, true);
  const history = buildCsr(data, 'user');

  it.each<KnnKind>(['item', 'user'])('%sknn round-trips through knnToColumns / knnFromColumns', (kind) => {
    const fit = kind === 'item' ? fitItemKnn(data, { similarity: 'pearson', topK: 4 }) : fitUserKnn(data, { topK: 4 });
    const restored = knnFromColumns(knnToColumns(fit), fit.meta);
    const score = kind === 'item' ? scoreItemKnn : scoreUserKnn;
    expect(Array.from(score(restored, history, [0, 3, 7]))).toEqual(Array.from(score(fit, history, [0, 3, 7])));
    const predict = kind === 'item' ? scorePairsItemKnn : scorePairsUserKnn;
    expect(Array.from(predict(restored, history, [1, 2], [4, 5]))).toEqual(Array.from(predict(fit, history, [1, 2], [4, 5])));
  });

  it('rejects columns that do not describe ranked lists', () => {
    const fit: FittedKnn = fitItemKnn(data, { topK: 3 });
    const columns = knnToColumns(fit);
    const decreasing = Int32Array.from(fit.neighbours.offsets);
    decreasing[5] = (decreasing[6] as number) + 1;
    expect(() => knnFromColumns({ ...columns, offsets: decreasing }, fit.meta)).toThrow(/never to decrease.*row 5/);
    const outOfRange = Int32Array.from(fit.neighbours.columns);
    outOfRange[2] = data.numItems;
    expect(() => knnFromColumns({ ...columns, neighbours: outOfRange }, fit.meta)).toThrow(ArtifactError);
    expect(() => knnFromColumns({ ...columns, weights: new Float32Array(1) }, fit.meta)).toThrow(/'weights'.*length/);
  });
});

describe('knn errors', () => {
  const data = generateInteractions(10, 8, 0.3, 3);

  it('names every invalid option', () => {
    expect(() => fitItemKnn(data, { topK: 0, shrink: -1, similarity: 'jaccard' as never })).toThrow(
      /itemknn: invalid options: similarity 'jaccard'.*topK 0.*shrink -1/,
    );
    expect(() => fitUserKnn(data, { norms: 'some' as never, ratingNeighbours: 1.5 })).toThrow(ConfigError);
  });

  it('refuses centred similarities on implicit data, where they are all zero', () => {
    expect(() => fitItemKnn(data, { similarity: 'pearson' })).toThrow(/every rating is 1/);
  });

  it('checks the model kind, the history shape and the ids', () => {
    const fit = fitItemKnn(data);
    const history = buildCsr(data, 'user');
    expect(() => scoreUserKnn(fit, history, [0])).toThrow(/expected a fitted userknn model/);
    expect(() => scoreItemKnn(fit, buildCsr({ ...data, numItems: 9 }, 'user'), [0])).toThrow(DataError);
    expect(() => scoreItemKnn(fit, history, [10])).toThrow(/user ids in \[0, 10\), found 10/);
    expect(() => scorePairsItemKnn(fit, history, [0, 1], [0])).toThrow(/as many users as items/);
  });
});
