/** Batched scoring of (user, item) pairs with a saved or freshly built network. */
import * as tf from '@tensorflow/tfjs';

/** Predictions for each pair, in order; batches bound memory for large catalogues. */
export function scorePairs(network: tf.LayersModel, users: Int32Array, items: Int32Array, batchSize = 8192): Float32Array {
  const out = new Float32Array(users.length);
  for (let start = 0; start < users.length; start += batchSize) {
    const end = Math.min(users.length, start + batchSize);
    const values = tf.tidy(() => {
      const u = tf.tensor2d(users.subarray(start, end), [end - start, 1], 'int32');
      const i = tf.tensor2d(items.subarray(start, end), [end - start, 1], 'int32');
      // predict's own batchSize defaults to 32: without it each batch runs as hundreds of tiny ones (~14x slower)
      return (network.predict([u, i], { batchSize: end - start }) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(values, start);
  }
  return out;
}

/** Scores of every item for one user (index = item). */
export function scoreAllItems(network: tf.LayersModel, user: number, numItems: number, batchSize = 8192): Float32Array {
  const items = Int32Array.from({ length: numItems }, (_, i) => i);
  return scorePairs(network, new Int32Array(numItems).fill(user), items, batchSize);
}

export function clip(values: Float32Array, min: number, max: number): Float32Array {
  return values.map((v) => (v < min ? min : v > max ? max : v));
}
