/**
 * Access to a variable's values for the fused step. Embedding tables on wasm are
 * updated in place in the module's heap, with no copy (a heap view from
 * @deeprec/compute's tfjsInternals; null where that is off, and then the values are
 * copied out and assigned back). Everything else is read, updated and written back with
 * assign: tfjs-backend-wasm caches XNNPACK operators with the weights packed, keyed by
 * the tensor, so a matmul operand changed in place would keep being multiplied by its old
 * values; a new tensor gets a new operator.
 */
import * as tf from '@tensorflow/tfjs';
import { heapView } from '@deeprec/compute';

/** Whether tf.tensor copies its values at once (wasm copies them into its heap), so arrays handed to it can be reused. */
export function tensorCopiesInput(): boolean {
  return tf.getBackend() === 'wasm';
}

/** Runs `update` on the values of a variable that only the fused step's lookups read (an embedding table). */
export function updateInPlace(variable: tf.Variable, update: (values: Float32Array) => void): void {
  // A fresh view every time: the wasm heap may have grown (and moved) since the last step.
  const view = heapView(variable);
  if (view) {
    update(view);
    return;
  }
  updateByAssign(variable, update);
}

/** Runs `update` on a copy of the values and assigns the result (dense layer weights). */
export function updateByAssign(variable: tf.Variable, update: (values: Float32Array) => void): void {
  const values = variable.dataSync().slice() as Float32Array;
  update(values);
  variable.assign(tf.tensor(values, variable.shape, 'float32'));
}

/** A read-only snapshot of (or, on wasm, a view into) the variable's values, for gathering rows. */
export function currentValues(variable: tf.Variable): Float32Array {
  return heapView(variable) ?? (variable.dataSync() as Float32Array);
}
