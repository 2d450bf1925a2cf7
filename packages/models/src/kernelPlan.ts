/**
 * What the kernel engine (@deeprec/train's kernels/) needs to know of a model to train it
 * without tfjs ops: which layers play which part in one fixed shape of network,
 *
 *   tower input  = [user row of tower.user, item row of tower.item]  ->  ReLU layers with dropout
 *   dense head   : out = head([gmf_u * gmf_i, tower output]) + b_u + b_i   (ncf, widedeep, neumf)
 *   scaled head  : out = scale(gmf_u . gmf_i + b_u + b_i) + mlp(tower output)   (mf, neumf gmfOutput: sum)
 *
 * with each part optional as the model has it. A model whose network has anything else
 * (side features, another activation) has no plan, and trains with the fused engine.
 */
import type * as tf from '@tensorflow/tfjs';

export interface KernelPlan {
  /** Embedding tables concatenated (user's row, then item's) into a tower of ReLU dense layers. */
  tower: { user: tf.layers.Layer; item: tf.layers.Layer; layers: tf.layers.Layer[]; rates: number[] } | null;
  /** The GMF / MF factors: their element-wise product (dense head) or dot product (scaled head). */
  gmf: { user: tf.layers.Layer; item: tf.layers.Layer } | null;
  /** User and item bias tables ([rows, 1]), added to the output (dense head) or to the dot product (scaled head). */
  biases: { user: tf.layers.Layer; item: tf.layers.Layer } | null;
  /**
   * dense: one linear Dense layer with 1 unit on [gmf product, tower output];
   * scaled: a 1 x 1 Dense `scale` on the dot product plus biases, and `mlp` (1 unit, no bias) on the tower output.
   */
  head: { kind: 'dense'; layer: tf.layers.Layer } | { kind: 'scaled'; scale: tf.layers.Layer; mlp: tf.layers.Layer | null };
}
