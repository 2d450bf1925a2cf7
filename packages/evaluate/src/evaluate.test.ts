import * as tf from '@tensorflow/tfjs';
import { initBackend, mae, rmse, type TrainDetails } from '@deeprec/core';
import { runEvaluate } from './run';

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
    const out = runEvaluate('e', 'm', {
      network,
      test: { user: Int32Array.from([0, 1, 2]), item: Int32Array.from([0, 0, 0]), rating: Float32Array.from([1, 3, 4]) },
      info: { numUsers: 3, numItems: 1, scale: { min: 1, max: 5 }, trainMean: 3, counts: { train: 0, valid: 0, test: 3 }, source: 'test' },
      train,
      backend: 'wasm',
    });
    expect(Array.from(out.predictions)).toEqual([1, 2, 5]);
    // errors 0, 1, 1 -> rmse sqrt(2/3), mae 2/3; mean baseline errors 2, 0, 1 -> rmse sqrt(5/3), mae 1
    expect(out.metrics).toMatchObject({ experiment: 'e', model: 'm', type: 'ncf', count: 3, params: 3, trainSeconds: 2, trainSamplesPerSecond: 50, epochs: 3, bestEpoch: 2, backend: 'wasm' });
    expect(out.metrics.rmse).toBeCloseTo(Math.sqrt(2 / 3), 6);
    expect(out.metrics.mae).toBeCloseTo(2 / 3, 6);
    expect(out.metrics.meanBaseline.rmse).toBeCloseTo(Math.sqrt(5 / 3), 6);
    expect(out.metrics.meanBaseline.mae).toBeCloseTo(1, 6);
  });
});
