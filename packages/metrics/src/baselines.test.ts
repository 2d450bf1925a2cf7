import { errorSummary, meanBaseline, ratingErrors, sampleStd, warmRatings, withoutRatingErrors } from './baselines';

const pairs = (user: number[], item: number[]) => ({ user: Int32Array.from(user), item: Int32Array.from(item) });

describe('sampleStd', () => {
  it('divides by n - 1', () => {
    // mean 5; squared deviations 9, 1, 1, 9 -> 20 / 3
    expect(sampleStd([2, 4, 6, 8])).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect(sampleStd([Math.SQRT2, 0])).toBeCloseTo(1, 12);
    expect(sampleStd([3, 3, 3])).toBe(0);
  });

  it('is NaN for fewer than two values (no spread to estimate)', () => {
    expect(sampleStd([4])).toBeNaN();
    expect(sampleStd([])).toBeNaN();
  });
});

describe('errorSummary', () => {
  it('gives RMSE, MAE and count', () => {
    // errors 1, -2, 0, 3: squares 14 / 4, absolute 6 / 4
    expect(errorSummary([3, 1, 4, 5], [2, 3, 4, 2])).toEqual({ rmse: Math.sqrt(3.5), mae: 1.5, count: 4 });
    expect(errorSummary([], [])).toEqual({ rmse: Number.NaN, mae: Number.NaN, count: 0 });
  });
});

describe('warmRatings', () => {
  it('marks test ratings whose user and item both have a training rating', () => {
    const train = pairs([0, 1], [0, 1]);
    // (0, 1) warm: user 0 and item 1 are both in training, though never together; user 2 and item 2 are cold.
    expect(Array.from(warmRatings(train, pairs([0, 0, 2, 1], [1, 2, 0, 0]), 3, 3))).toEqual([1, 0, 0, 1]);
  });
});

describe('ratingErrors', () => {
  it('single split: the errors of every test rating, warm and cold apart, no fold figures', () => {
    // errors 0, 1, 1 (the last cold): rmse sqrt(2/3), mae 2/3; warm 0, 1; cold 1
    const errors = ratingErrors([{ actual: [1, 3, 4], predicted: [1, 2, 5], warm: Uint8Array.of(1, 1, 0) }]);
    expect(errors.rmse).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(errors.mae).toBeCloseTo(2 / 3, 12);
    expect(errors.count).toBe(3);
    expect(errors.coldStart).toEqual({ warm: { rmse: Math.SQRT1_2, mae: 0.5, count: 2 }, cold: { rmse: 1, mae: 1, count: 1 } });
    expect(errors).not.toHaveProperty('folds');
    expect(errors).not.toHaveProperty('rmseStd');
  });

  it('k-fold: the mean of the fold figures with their sample sd; warm and cold pooled over folds', () => {
    // fold 1 errors 0, 2 -> rmse sqrt(2), mae 1; fold 2 error 0 -> 0, 0.
    // The pooled RMSE would be sqrt(4 / 3) = 1.155; the mean of the folds is sqrt(2) / 2 = 0.707.
    const errors = ratingErrors([
      { actual: [3, 5], predicted: [3, 3], warm: Uint8Array.of(1, 0) },
      { actual: [4], predicted: [4], warm: Uint8Array.of(1) },
    ]);
    expect(errors.folds).toEqual([
      { rmse: Math.SQRT2, mae: 1, count: 2 },
      { rmse: 0, mae: 0, count: 1 },
    ]);
    expect(errors.rmse).toBeCloseTo(Math.SQRT2 / 2, 12);
    expect(errors.mae).toBeCloseTo(0.5, 12);
    expect(errors.rmseStd).toBeCloseTo(1, 12);
    expect(errors.maeStd).toBeCloseTo(Math.SQRT1_2, 12);
    expect(errors.count).toBe(3);
    // warm: errors 0 (fold 1) and 0 (fold 2); cold: 2 (fold 1)
    expect(errors.coldStart).toEqual({ warm: { rmse: 0, mae: 0, count: 2 }, cold: { rmse: 2, mae: 2, count: 1 } });
  });

  it('rejects a warm mask that does not match the ratings', () => {
    expect(() => ratingErrors([{ actual: [1, 2], predicted: [1, 2], warm: Uint8Array.of(1) }])).toThrow('expected a warm flag per test rating, found 1 for 2');
    expect(() => ratingErrors([])).toThrow('at least one fold');
  });
});

describe('meanBaseline', () => {
  it('scores each fold with its own training mean, pools warm and cold ratings, and averages the folds', () => {
    // Fold 1: errors +1 (warm) and -1 (cold). Fold 2: one warm error of +2.
    const one = { actual: [4, 2], trainMean: 3, warm: Uint8Array.of(1, 0) };
    const two = { actual: [5], trainMean: 3, warm: Uint8Array.of(1) };
    expect(meanBaseline([one])).toEqual({ rmse: 1, mae: 1, count: 2, coldStart: { warm: { rmse: 1, mae: 1, count: 1 }, cold: { rmse: 1, mae: 1, count: 1 } } });
    const folds = meanBaseline([one, two]);
    expect(folds.rmse).toBeCloseTo(1.5, 12);
    expect(folds.rmseStd).toBeCloseTo(Math.SQRT1_2, 12);
    expect(folds.folds).toEqual([
      { rmse: 1, mae: 1, count: 2 },
      { rmse: 2, mae: 2, count: 1 },
    ]);
    expect(folds.coldStart.warm).toEqual({ rmse: Math.sqrt(2.5), mae: 1.5, count: 2 });
  });

  it('predicts the training mean unrounded (a float32 mean would be off in the 8th digit)', () => {
    const trainMean = 3.1;
    expect(Math.fround(trainMean)).not.toBe(trainMean);
    expect(meanBaseline([{ actual: [4], trainMean, warm: Uint8Array.of(1) }]).mae).toBe(4 - trainMean);
  });
});

describe('withoutRatingErrors', () => {
  it('keeps the counts and makes every error NaN (implicit data)', () => {
    const errors = withoutRatingErrors(ratingErrors([
      { actual: [1, 1], predicted: [0.2, 0.9], warm: Uint8Array.of(1, 0) },
      { actual: [1], predicted: [0.5], warm: Uint8Array.of(1) },
    ]));
    expect(errors).toEqual({
      rmse: Number.NaN,
      mae: Number.NaN,
      count: 3,
      coldStart: { warm: { rmse: Number.NaN, mae: Number.NaN, count: 2 }, cold: { rmse: Number.NaN, mae: Number.NaN, count: 1 } },
      folds: [
        { rmse: Number.NaN, mae: Number.NaN, count: 2 },
        { rmse: Number.NaN, mae: Number.NaN, count: 1 },
      ],
      rmseStd: Number.NaN,
      maeStd: Number.NaN,
    });
  });
});
