/**
 * Faster wasm kernels for the shapes recommender training uses (DESIGN section 6):
 * - BatchMatMul with a transposed operand (every dense layer's backward pass) runs
 *   ~20x slower than the plain product in tfjs-backend-wasm 4.22; we transpose the
 *   operand physically and call the plain product.
 * - GatherV2 of rows (every embedding lookup) costs ~250 us for 256 rows; a row copy
 *   straight between wasm heap views takes a few microseconds.
 * - SplitV of a matrix along its last axis (the gradient of every concatenation of
 *   embeddings) costs ~150 us for 256 x 64 in two; a plain typed loop, ~70 us in all.
 * - Sum of a matrix over its rows (every bias gradient) transposes it first in
 *   tfjs-backend-wasm; summing rows into a float32 accumulator in the same order gives
 *   the same bits without the transpose (~75 us -> ~30 us for 256 x 64).
 * All delegate every other case to the original kernel.
 */
import type * as tf from '@tensorflow/tfjs';
import type { KernelOverride, WasmBackendInternals } from './tfjsInternals';

type Kernel = tf.KernelFunc;
/** The checked view of the wasm backend a kernel is called with (tfjsInternals.wasmInternals). */
type WasmAccess = (backend: unknown) => WasmBackendInternals;

function transpose(original: Kernel, x: tf.TensorInfo, backend: object): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => (i < rank - 2 ? i : i === rank - 2 ? rank - 1 : rank - 2));
  return original({ inputs: { x }, backend: backend as tf.KernelBackend, attrs: { perm } }) as tf.TensorInfo;
}

function batchMatMulKernel(original: Kernel, transposeKernel: Kernel, wasmOf: WasmAccess): Kernel {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original(args);
    const at = transposeA ? transpose(transposeKernel, a, backend) : a;
    const bt = transposeB ? transpose(transposeKernel, b, backend) : b;
    const out = original({ inputs: { a: at, b: bt }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    const wasm = wasmOf(backend);
    if (at !== a) wasm.disposeData(at.dataId);
    if (bt !== b) wasm.disposeData(bt.dataId);
    return out;
  };
}

function gatherKernel(original: Kernel, wasmOf: WasmAccess): Kernel {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = attrs as { axis: number; batchDims: number };
    if (axis !== 0 || batchDims !== 0 || x.shape.length < 1 || indices.dtype !== 'int32' || (x.dtype !== 'float32' && x.dtype !== 'int32')) {
      return original(args);
    }
    const wasm = wasmOf(backend);
    const rowSize = x.shape.slice(1).reduce((n, d) => n * d, 1);
    const rows = x.shape[0] as number;
    const ids = wasm.typedArrayFromHeap(indices) as Int32Array;
    for (const id of ids) {
      if (id < 0 || id >= rows) return original(args); // let tfjs report the bad index
    }
    const out = wasm.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    // Views taken again after makeOutput: allocating may grow (and move) the heap, and the views
    // above would then read a detached buffer (a large first lookup read zeros: the autoencoders'
    // 500-wide code tables, scored 8192 pairs at a time, on a fresh process).
    const target = wasm.typedArrayFromHeap(out);
    copyRows(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(indices) as Int32Array, rowSize, target);
    return out;
  };
}

/** Float32 matrices (rank 2): the case the column kernels below handle. */
function isFloatMatrix(t: tf.TensorInfo): boolean {
  return t.dtype === 'float32' && t.shape.length === 2;
}

function lastAxis(axis: number | number[], rank: number): boolean {
  const a = Array.isArray(axis) ? (axis[0] as number) : axis;
  return a === rank - 1 || a === -1;
}

function splitKernel(original: Kernel, wasmOf: WasmAccess): Kernel {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: tf.TensorInfo };
    const { numOrSizeSplits, axis } = attrs as { numOrSizeSplits: number | number[]; axis: number | number[] };
    if (!isFloatMatrix(x) || !lastAxis(axis, 2) || !Array.isArray(numOrSizeSplits) || numOrSizeSplits.some((w) => w <= 0)) return original(args);
    const width = x.shape[1] as number;
    if (numOrSizeSplits.reduce((n, w) => n + w, 0) !== width) return original(args);
    const wasm = wasmOf(backend);
    const rows = x.shape[0] as number;
    let offset = 0;
    return numOrSizeSplits.map((w) => {
      const out = wasm.makeOutput([rows, w], 'float32');
      // Views taken after makeOutput: allocating may grow (and move) the heap.
      const source = wasm.typedArrayFromHeap(x) as Float32Array;
      const target = wasm.typedArrayFromHeap(out) as Float32Array;
      for (let i = 0; i < rows; i += 1) {
        const from = i * width + offset;
        const to = i * w;
        for (let j = 0; j < w; j += 1) target[to + j] = source[from + j] as number;
      }
      offset += w;
      return out;
    });
  };
}

function columnSumKernel(original: Kernel, wasmOf: WasmAccess): Kernel {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const axes = Array.isArray(axis) ? axis : [axis];
    if (!isFloatMatrix(x) || axes.length !== 1 || axes[0] !== 0) return original(args);
    const wasm = wasmOf(backend);
    const [rows, cols] = x.shape as [number, number];
    const out = wasm.makeOutput(keepDims ? [1, cols] : [cols], 'float32');
    const source = wasm.typedArrayFromHeap(x) as Float32Array;
    const total = wasm.typedArrayFromHeap(out) as Float32Array;
    total.fill(0);
    // Row by row: each column is summed in row order, rounded to float32 at every step, as the wasm kernel does.
    for (let i = 0; i < rows; i += 1) {
      const row = i * cols;
      for (let j = 0; j < cols; j += 1) total[j] = (total[j] as number) + (source[row + j] as number);
    }
    return out;
  };
}

/** target[i] = source row ids[i]; a plain loop for short rows, where subarray + set costs more than the copy. */
export function copyRows(source: ArrayLike<number>, ids: ArrayLike<number>, rowSize: number, target: { [i: number]: number; set?: unknown }): void {
  const src = source as Float32Array;
  const dst = target as Float32Array;
  if (rowSize >= 16) {
    for (let i = 0; i < ids.length; i += 1) {
      const start = (ids[i] as number) * rowSize;
      dst.set(src.subarray(start, start + rowSize), i * rowSize);
    }
    return;
  }
  for (let i = 0; i < ids.length; i += 1) {
    const from = (ids[i] as number) * rowSize;
    const to = i * rowSize;
    for (let j = 0; j < rowSize; j += 1) dst[to + j] = src[from + j] as number;
  }
}

/** The wasm kernels above, for tfjsInternals.install (which registers them on tfjs 4.22 only). */
export function wasmKernelOverrides(wasmOf: WasmAccess): KernelOverride[] {
  return [
    {
      kernelName: 'BatchMatMul',
      backendName: 'wasm',
      why: 'a transposed operand is transposed physically, then the plain product (~20x faster)',
      make: (kernel) => batchMatMulKernel(kernel('BatchMatMul'), kernel('Transpose'), wasmOf),
    },
    { kernelName: 'GatherV2', backendName: 'wasm', why: 'rows copied between heap views (embedding lookups)', make: (kernel) => gatherKernel(kernel('GatherV2'), wasmOf) },
    { kernelName: 'SplitV', backendName: 'wasm', why: 'a matrix split along its last axis in one loop (concat gradients)', make: (kernel) => splitKernel(kernel('SplitV'), wasmOf) },
    { kernelName: 'Sum', backendName: 'wasm', why: 'a sum over matrix rows without the transpose (bias gradients), same bits', make: (kernel) => columnSumKernel(kernel('Sum'), wasmOf) },
  ];
}
