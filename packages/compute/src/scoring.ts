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

/** Pairs per predict call when scoring catalogues: keeps the backend busy, bounds activations. */
export const SCORE_BATCH = 32768;

/**
 * Scores of every item for each of `users`, user-major: the score of (users[j], item i)
 * is at j * numItems + i.
 */
export function scoreUsersAllItems(network: tf.LayersModel, users: ArrayLike<number>, numItems: number, batchSize = SCORE_BATCH): Float32Array {
  const n = users.length;
  const pairUsers = new Int32Array(n * numItems);
  const pairItems = new Int32Array(n * numItems);
  for (let j = 0; j < n; j += 1) {
    const base = j * numItems;
    pairUsers.fill(users[j] as number, base, base + numItems);
    for (let i = 0; i < numItems; i += 1) pairItems[base + i] = i;
  }
  return scorePairs(network, pairUsers, pairItems, batchSize);
}

/** Scores of every item for one user (index = item). */
export function scoreAllItems(network: tf.LayersModel, user: number, numItems: number): Float32Array {
  return scoreUsersAllItems(network, [user], numItems);
}

export function clip(values: Float32Array, min: number, max: number): Float32Array {
  return values.map((v) => (v < min ? min : v > max ? max : v));
}
