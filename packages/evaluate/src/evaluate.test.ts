import * as tf from '@tensorflow/tfjs';
import { type TrainDetails } from '@deeprec/artifacts';
import { initBackend } from '@deeprec/compute';
import { mae, rmse } from '@deeprec/metrics';
import { runEvaluate } from './run';
import { networkScorer } from './scorer';

describe('rmse and mae', () => {
  it('match hand-computed values', () => {
    // errors: 1, -2, 0, 3 -> squares 1, 4, 0, 9 -> mean 3.5; absolute mean 6 / 4
    expect(rmse([3, 1, 4, 5], [2, 3, 4, 2])).toBeCloseTo(Math.sqrt(3.5), 12);
    expect(mae([3, 1, 4, 5], [2, 3, 4, 2])).toBe(1.5);
    expect(Number.isNaN(rmse([], []))).toBe(true);
    expect(() => mae([1], [1, 2])).toThrow('metrics: expected equal lengths, found 1 actual and 2 predicted');
  });
});

describe('runEvaluate', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('clips predictions to the rating scale and reports metrics, the mean baseline and training facts', () => {
    // A network whose prediction is user index * 3 - 1: users 0..2 predict -1, 2, 5 -> clipped to 1, 2, 5.
    const user = tf.input({ shape: [1], dtype: 'int32', name: 'user' });
    const item = tf.input({ shape: [1], dtype: 'int32', name: 'item' });
    const scaled = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.constant({ value: 3 }), biasInitializer: tf.initializers.constant({ value: -1 }) }).apply(user) as tf.SymbolicTensor;
    const zero = tf.layers.dense({ units: 1, kernelInitializer: 'zeros', useBias: false }).apply(item) as tf.SymbolicTensor;
    const network = tf.model({ inputs: [user, item], outputs: tf.layers.add().apply([scaled, zero]) as tf.SymbolicTensor });
    const train: TrainDetails = { type: 'ncf', params: 3, layers: 2, trainSeconds: 2, trainSamples: 100, trainSamplesPerSecond: 50, epochs: 3, bestEpoch: 2, stoppedEarly: false, modelConfig: {} };
    // User 2 has no training rating: its test rating is cold-start.
    const trainRatings = { user: Int32Array.from([0, 1]), item: Int32Array.from([0, 0]), rating: Float32Array.from([3, 3]) };
    const out = runEvaluate('e', 'm', {
      folds: [{ scorer: networkScorer(network, 1), test: { user: Int32Array.from([0, 1, 2]), item: Int32Array.from([0, 0, 0]), rating: Float32Array.from([1, 3, 4]) }, train: trainRatings, trainMean: 3 }],
      numUsers: 3,
      numItems: 1,
      scale: { min: 1, max: 5 },
      train,
      backend: 'wasm',
    });
    expect(Array.from(out.predictions)).toEqual([1, 2, 5]);
    // errors 0, 1, 1 -> rmse sqrt(2/3), mae 2/3; mean baseline errors 2, 0, 1 -> rmse sqrt(5/3), mae 1
    expect(out.metrics).toMatchObject({ experiment: 'e', model: 'm', type: 'ncf', count: 3, params: 3, trainSeconds: 2, trainSamplesPerSecond: 50, epochs: 3, bestEpoch: 2, backend: 'wasm' });
    expect(out.metrics.rmse).toBeCloseTo(Math.sqrt(2 / 3), 6);
    expect(out.metrics.mae).toBeCloseTo(2 / 3, 6);
    expect(out.metrics.meanBaseline.rmse).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(out.metrics.meanBaseline.mae).toBeCloseTo(1, 12);
    // baseline warm errors 2, 0; cold 1
    expect(out.metrics.meanBaseline.coldStart).toEqual({ warm: { rmse: Math.SQRT2, mae: 1, count: 2 }, cold: { rmse: 1, mae: 1, count: 1 } });
    // warm: users 0 and 1, errors 0 and 1; cold: user 2, error 1
    expect(out.metrics.coldStart.warm).toEqual({ rmse: Math.sqrt(1 / 2), mae: 0.5, count: 2 });
    expect(out.metrics.coldStart.cold).toEqual({ rmse: 1, mae: 1, count: 1 });
    expect(out.metrics.folds).toBeUndefined();
  });

  it('k-fold: metrics are the mean over folds, with their spread', () => {
    const constant = (value: number) => {
      const user = tf.input({ shape: [1], dtype: 'int32' });
      const item = tf.input({ shape: [1], dtype: 'int32' });
      const out = tf.layers.dense({ units: 1, kernelInitializer: 'zeros', biasInitializer: tf.initializers.constant({ value }) }).apply(tf.layers.add().apply([user, item])) as tf.SymbolicTensor;
      return tf.model({ inputs: [user, item], outputs: out });
    };
    const ratings = (values: number[]) => ({ user: Int32Array.from(values, () => 0), item: Int32Array.from(values, () => 0), rating: Float32Array.from(values) });
    const train: TrainDetails = { type: 'mf', params: 1, layers: 1, trainSeconds: 1, trainSamples: 1, trainSamplesPerSecond: 1, epochs: 1, bestEpoch: 1, stoppedEarly: false, modelConfig: {} };
    const out = runEvaluate('e', 'm', {
      // fold 1 predicts 3 for [3, 5]: errors 0, 2 -> rmse sqrt(2), mae 1; fold 2 predicts 4 for [4]: 0, 0
      folds: [
        { scorer: networkScorer(constant(3), 1), test: ratings([3, 5]), train: ratings([3]), trainMean: 3 },
        { scorer: networkScorer(constant(4), 1), test: ratings([4]), train: ratings([4]), trainMean: 4 },
      ],
      numUsers: 1,
      numItems: 1,
      scale: { min: 1, max: 5 },
      train,
      backend: 'wasm',
    });
    expect(out.metrics.folds).toEqual([{ rmse: Math.SQRT2, mae: 1, count: 2 }, { rmse: 0, mae: 0, count: 1 }]);
    expect(out.metrics.rmse).toBeCloseTo(Math.SQRT2 / 2, 6);
    expect(out.metrics.rmseStd).toBeCloseTo(1, 6); // sample sd of [sqrt2, 0] = sqrt2 / sqrt2
    expect(Array.from(out.fold)).toEqual([1, 1, 2]);
    // The train-mean baseline predicts 3 and 4: the same errors as the model here, and the same
    // k-fold definition: the mean of the fold RMSEs (sqrt2 / 2), not the pooled RMSE (sqrt(4/3)).
    expect(out.metrics.meanBaseline.folds).toEqual(out.metrics.folds);
    expect(out.metrics.meanBaseline.rmse).toBe(out.metrics.rmse);
    expect(out.metrics.meanBaseline.rmseStd).toBe(out.metrics.rmseStd);
    expect(out.metrics.meanBaseline.coldStart).toEqual(out.metrics.coldStart);
  });
});
