/**
 * In-place access to a variable's values. On wasm the values live in the module's
 * heap and are updated there, with no copy; on other backends they are read,
 * updated, and written back with assign.
 */
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

export function isHeapBackend(): boolean {
  return tf.getBackend() === 'wasm';
}

/** Runs `update` on the variable's values and makes sure the variable holds the result. */
export function updateInPlace(variable: tf.Variable, update: (values: Float32Array) => void): void {
  if (isHeapBackend()) {
    // A fresh view every time: the wasm heap may have grown (and moved) since the last step.
    update((tf.backend() as unknown as HeapBackend).typedArrayFromHeap(variable));
    return;
  }
  const values = variable.dataSync().slice() as Float32Array;
  update(values);
  variable.assign(tf.tensor(values, variable.shape, 'float32'));
}

/** A read-only snapshot of (or, on wasm, a view into) the variable's values, for gathering rows. */
export function currentValues(variable: tf.Variable): Float32Array {
  return isHeapBackend() ? (tf.backend() as unknown as HeapBackend).typedArrayFromHeap(variable) : (variable.dataSync() as Float32Array);
}
