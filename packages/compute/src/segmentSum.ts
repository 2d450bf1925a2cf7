/**
 * UnsortedSegmentSum, the gradient of an embedding lookup (tf.gather). tfjs 4.22
 * has no wasm kernel for it and a quadratic cpu one (it builds a one-hot mask per
 * segment); this linear kernel serves both backends.
 */
import * as tf from '@tensorflow/tfjs';

/** out[ids[i], :] += x[i, :] for every row i; rows with an id outside [0, numSegments) are dropped, as in TensorFlow. */
export function unsortedSegmentSumValues(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  numSegments: number,
  rowSize: number,
): Float32Array {
  const out = new Float32Array(numSegments * rowSize);
  for (let i = 0; i < ids.length; i += 1) {
    const segment = ids[i] as number;
    if (segment < 0 || segment >= numSegments) continue;
    const src = i * rowSize;
    const dst = segment * rowSize;
    for (let j = 0; j < rowSize; j += 1) out[dst + j] = (out[dst + j] as number) + (x[src + j] as number);
  }
  return out;
}

interface SyncBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
}
interface WasmLikeBackend extends SyncBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}
interface CpuLikeBackend extends SyncBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

function kernelFunc(backendName: 'wasm' | 'cpu'): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const numSegments = (attrs as { numSegments: number }).numSegments;
    if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum: expected float32 input, found ${x.dtype}`);
    const b = backend as SyncBackend;
    const values = b.readSync(x.dataId) as Float32Array;
    const ids = b.readSync(segmentIds.dataId) as Int32Array;
    const rowSize = x.shape.slice(1).reduce((a, d) => a * d, 1);
    const out = unsortedSegmentSumValues(values, ids, numSegments, rowSize);
    const shape = [numSegments, ...x.shape.slice(1)];
    return backendName === 'wasm'
      ? (backend as unknown as WasmLikeBackend).makeOutput(shape, 'float32', undefined, out)
      : (backend as unknown as CpuLikeBackend).makeTensorInfo(shape, 'float32', out);
  };
}

let kernelsRegistered = false;
/** Registers the kernel on wasm and cpu (replacing cpu's quadratic one). Idempotent. */
export function registerSegmentSumKernels(): void {
  if (kernelsRegistered) return;
  kernelsRegistered = true;
  for (const backendName of ['wasm', 'cpu'] as const) {
    if (tf.getKernel('UnsortedSegmentSum', backendName)) tf.unregisterKernel('UnsortedSegmentSum', backendName);
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName, kernelFunc: kernelFunc(backendName) });
  }
}
