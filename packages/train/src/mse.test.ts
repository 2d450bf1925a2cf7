import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@deeprec/compute';
import { meanSquaredError } from './mse';

describe.each(['cpu', 'wasm'])('meanSquaredError on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('has the value and gradient of tf.losses.meanSquaredError', () => {
    const targets = tf.tensor1d([4, 1, 3.5, 5, 2]);
    const p = tf.variable(tf.tensor1d([3.2, 1.5, 3.5, 4.1, 2.9]));
    const ours = tf.variableGrads(() => meanSquaredError(targets, p as unknown as tf.Tensor1D), [p]);
    const theirs = tf.variableGrads(() => tf.losses.meanSquaredError(targets, p) as tf.Scalar, [p]);
    // By hand: squared errors 0.64, 0.25, 0, 0.81, 0.81 -> mean 0.502; gradient 2 (p - t) / 5.
    expect(ours.value.dataSync()[0]).toBeCloseTo(0.502, 6);
    expect(ours.value.dataSync()[0]).toBeCloseTo(theirs.value.dataSync()[0] as number, 6);
    const expected = [-0.32, 0.2, 0, -0.36, 0.36];
    Array.from(ours.grads[p.name]!.dataSync()).forEach((g, i) => {
      expect(g).toBeCloseTo(expected[i] as number, 6);
      expect(g).toBeCloseTo(theirs.grads[p.name]!.dataSync()[i] as number, 6);
    });
  });
});
