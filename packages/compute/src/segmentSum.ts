/**
 * UnsortedSegmentSum, the gradient of an embedding lookup (tf.gather). tfjs 4.22
 * has no wasm kernel for it and a quadratic cpu one (it builds a one-hot mask per
 * segment); this linear kernel serves both backends.
 */
import type * as tf from '@tensorflow/tfjs';
import type { CpuBackendInternals, KernelOverride, WasmBackendInternals } from './tfjsInternals';

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

function kernelFunc(backendName: 'wasm' | 'cpu', access: SegmentSumAccess): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const numSegments = (attrs as { numSegments: number }).numSegments;
    if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum: expected float32 input, found ${x.dtype}`);
    const b = backendName === 'wasm' ? access.wasm(backend) : access.cpu(backend);
    const values = b.readSync(x.dataId) as Float32Array;
    const ids = b.readSync(segmentIds.dataId) as Int32Array;
    const rowSize = x.shape.slice(1).reduce((a, d) => a * d, 1);
    const out = unsortedSegmentSumValues(values, ids, numSegments, rowSize);
    const shape = [numSegments, ...x.shape.slice(1)];
    return backendName === 'wasm' ? access.wasm(backend).makeOutput(shape, 'float32', undefined, out) : access.cpu(backend).makeTensorInfo(shape, 'float32', out);
  };
}

/** The checked views of the backends the kernel is called with (tfjsInternals). */
export interface SegmentSumAccess {
  wasm: (backend: unknown) => WasmBackendInternals;
  cpu: (backend: unknown) => CpuBackendInternals;
}

/** The kernel on wasm (which has none in tfjs 4.22) and cpu (replacing its quadratic one), for tfjsInternals.install. */
export function segmentSumOverrides(access: SegmentSumAccess): KernelOverride[] {
  return (['wasm', 'cpu'] as const).map((backendName) => ({
    kernelName: 'UnsortedSegmentSum',
    backendName,
    why: backendName === 'wasm' ? 'tfjs has no wasm kernel (the gradient of every tf.gather)' : "linear instead of tfjs's quadratic one-hot kernel",
    make: () => kernelFunc(backendName, access),
  }));
}
