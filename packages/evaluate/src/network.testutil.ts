/** Tiny tfjs networks with known scores, for evaluate's tests. */
import * as tf from '@tensorflow/tfjs';

/** score(u, i) = U[u] . V[i], with fixed embedding tables. */
export function dotNetwork(U: number[][], V: number[][]): tf.LayersModel {
  const dim = (U[0] as number[]).length;
  const user = tf.input({ shape: [1], dtype: 'int32' });
  const item = tf.input({ shape: [1], dtype: 'int32' });
  const embed = (rows: number[][], input: tf.SymbolicTensor) =>
    tf.layers.flatten().apply(tf.layers.embedding({ inputDim: rows.length, outputDim: dim, weights: [tf.tensor2d(rows)] }).apply(input)) as tf.SymbolicTensor;
  const out = tf.layers.dot({ axes: 1 }).apply([embed(U, user), embed(V, item)]) as tf.SymbolicTensor;
  return tf.model({ inputs: [user, item], outputs: out });
}
