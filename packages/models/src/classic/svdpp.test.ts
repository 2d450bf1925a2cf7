import { ConfigError } from '@deeprec/base';
import { generateInteractions, runReference, worstRelativeError } from './factors.testutil';
import {
  SVDPP_DEFAULTS,
  fitSvdpp,
  scorePairsSvdpp,
  scoreSvdpp,
  svdppEffectiveFactors,
  svdppEpochOrder,
  svdppFromColumns,
  svdppInitialFactors,
  svdppToColumns,
  type SvdppOptions,
} from './svdpp';

const data = generateInteractions(25, 30, 0.2, 13, true);
const allUsers = Array.from({ length: data.numUsers }, (_, u) => u);

interface ReferenceState {
  userBias: number[];
  itemBias: number[];
  userFactors: number[];
  itemFactors: number[];
  implicitFactors: number[];
  predictions: number[];
}

describe('fitSvdpp against the NumPy reference (bench/classic/svdpp.py), same init and sample order', () => {
  it.each([
    [1, 1],
    [2, 1],
    [2, 0.5],
  ])('matches parameters and predictions after %i epoch(s), learning-rate decay %d', (epochs, lrDecay) => {
    // A larger learning rate than the default so one epoch moves everything visibly.
    const options: SvdppOptions = { ...SVDPP_DEFAULTS, factors: 5, epochs, lrBias: 0.02, lrFactors: 0.03, lrDecay };
    const seed = 21;
    const init = svdppInitialFactors(data.numUsers, data.numItems, 5, options.initStddev, seed);
    const orders = Array.from({ length: epochs }, (_, e) => Array.from(svdppEpochOrder(data.rating.length, e, seed)));
    const expected = runReference('svdpp.py', {
      numUsers: data.numUsers,
      numItems: data.numItems,
      user: Array.from(data.user),
      item: Array.from(data.item),
      rating: Array.from(data.rating),
      options,
      init: { userFactors: Array.from(init.userFactors), itemFactors: Array.from(init.itemFactors), implicitFactors: Array.from(init.implicitFactors) },
      orders,
    }) as ReferenceState;
    const fit = fitSvdpp(data, options, seed, init);
    expect(worstRelativeError(fit.userBias, expected.userBias, 1e-4)).toBeLessThan(1e-4);
    expect(worstRelativeError(fit.itemBias, expected.itemBias, 1e-4)).toBeLessThan(1e-4);
    expect(worstRelativeError(fit.userFactors, expected.userFactors, 1e-4)).toBeLessThan(1e-4);
    expect(worstRelativeError(fit.itemFactors, expected.itemFactors, 1e-4)).toBeLessThan(1e-4);
    expect(worstRelativeError(fit.implicitFactors, expected.implicitFactors, 1e-4)).toBeLessThan(1e-4);
    expect(worstRelativeError(scoreSvdpp(fit, null, allUsers), expected.predictions)).toBeLessThan(1e-5);
    // Training moved the implicit factors away from their start, so the match means something.
    expect(worstRelativeError(fit.implicitFactors, init.implicitFactors, 1e-4)).toBeGreaterThan(1e-2);
  });

  it('differs from the reference when the sample order differs', () => {
    const options: SvdppOptions = { ...SVDPP_DEFAULTS, factors: 5, epochs: 1, lrBias: 0.02, lrFactors: 0.03 };
    const init = svdppInitialFactors(data.numUsers, data.numItems, 5, options.initStddev, 21);
    const expected = runReference('svdpp.py', {
      ...data,
      user: Array.from(data.user),
      item: Array.from(data.item),
      rating: Array.from(data.rating),
      options,
      init: { userFactors: Array.from(init.userFactors), itemFactors: Array.from(init.itemFactors), implicitFactors: Array.from(init.implicitFactors) },
      orders: [Array.from(svdppEpochOrder(data.rating.length, 0, 22))],
    }) as ReferenceState;
    const fit = fitSvdpp(data, options, 21, init);
    expect(worstRelativeError(fit.userBias, expected.userBias, 1e-4)).toBeGreaterThan(1e-3);
  });
});

describe('fitSvdpp', () => {
  const options: Partial<SvdppOptions> = { factors: 4, epochs: 30 };
  const fit = fitSvdpp(data, options, 3);

  it('fits the training ratings better than their mean', () => {
    const predicted = scorePairsSvdpp(fit, null, data.user, data.item);
    const mean = fit.meta.globalMean;
    let model = 0;
    let baseline = 0;
    data.rating.forEach((r, k) => {
      model += (r - (predicted[k] as number)) ** 2;
      baseline += (r - mean) ** 2;
    });
    expect(model).toBeLessThan(0.8 * baseline);
  });

  it('exposes p_u + |N(u)|^-1/2 sum y_j as the effective user factor', () => {
    const u = 6;
    const rated: number[] = [];
    data.user.forEach((v, k) => v === u && rated.push(data.item[k] as number));
    const effective = svdppEffectiveFactors(fit);
    for (let c = 0; c < 4; c += 1) {
      const sum = rated.reduce((s, j) => s + (fit.implicitFactors[j * 4 + c] as number), 0);
      expect(effective.userFactors[u * 4 + c]).toBeCloseTo((fit.userFactors[u * 4 + c] as number) + sum / Math.sqrt(rated.length), 5);
    }
    expect(effective.globalBias).toBeCloseTo(data.rating.reduce((s, r) => s + r, 0) / data.rating.length, 6);
  });

  it('predicts mu + b_i for a user unseen in training', () => {
    const withCold = { ...data, numUsers: data.numUsers + 1 };
    const coldFit = fitSvdpp(withCold, options, 3);
    const scores = scoreSvdpp(coldFit, null, [data.numUsers]);
    for (let i = 0; i < data.numItems; i += 1) {
      expect(scores[i]).toBeCloseTo(coldFit.meta.globalMean + (coldFit.itemBias[i] as number), 5);
    }
  });

  it('clips pair predictions to the training rating range but not ranking scores', () => {
    const narrow = svdppFromColumns(svdppToColumns(fit), { ...fit.meta, ratingMin: 3, ratingMax: 3.5 });
    const ranking = scoreSvdpp(narrow, null, [0]);
    const items = Array.from({ length: data.numItems }, (_, i) => i);
    const pairs = scorePairsSvdpp(narrow, null, new Array<number>(data.numItems).fill(0), items);
    expect(Math.max(...ranking)).toBeGreaterThan(3.5);
    pairs.forEach((v, i) => expect(v).toBeCloseTo(Math.min(3.5, Math.max(3, ranking[i] as number)), 6));
  });

  it('is deterministic for a seed, round-trips through columns, and names a missing column', () => {
    const again = fitSvdpp(data, options, 3);
    expect(Array.from(again.effectiveUserFactors)).toEqual(Array.from(fit.effectiveUserFactors));
    const back = svdppFromColumns(svdppToColumns(fit), fit.meta);
    expect(Array.from(scoreSvdpp(back, null, [1, 2]))).toEqual(Array.from(scoreSvdpp(fit, null, [1, 2])));
    const { userBias: _dropped, ...rest } = svdppToColumns(fit);
    expect(() => svdppFromColumns(rest, fit.meta)).toThrow(/'userBias'.*found nothing/);
  });

  it('rejects invalid options, naming them', () => {
    expect(() => fitSvdpp(data, { lrFactors: -1 })).toThrow(ConfigError);
    expect(() => fitSvdpp(data, { factors: 2.5 })).toThrow(/factors 2.5/);
  });
});
