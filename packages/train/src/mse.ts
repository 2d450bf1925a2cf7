/**
 * Mean squared error as one op with its gradient written out. tf.losses.meanSquaredError
 * records a subtraction, a square, a sum and a division (each with a backward kernel);
 * here the tape holds one op whose gradient is one multiply, 2 (p - t) / n. Same value
 * and gradient up to float rounding (a test compares both with tfjs's).
 */
import * as tf from '@tensorflow/tfjs';

export function meanSquaredError(targets: tf.Tensor1D, predictions: tf.Tensor1D): tf.Scalar {
  const n = predictions.size;
  const op = tf.customGrad(((p: tf.Tensor, save: tf.GradSaveFunc) => {
    const diff = tf.sub(p, targets);
    save([diff]);
    return {
      value: tf.mean(tf.square(diff)),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.mul(saved[0] as tf.Tensor, tf.mul(dy as tf.Tensor, 2 / n))],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as (p: tf.Tensor) => tf.Scalar)(predictions);
}
