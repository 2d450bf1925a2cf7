// The kernel engine's compute, the entry point of the WebAssembly module (AssemblyScript,
// compiled with SIMD into packages/train/dist/kernels.wasm by tools/build-kernels.js; not
// TypeScript for tsc). Every function works on pointers into this module's one memory, which
// the engine (src/kernels/layout.ts) lays out: weights, Adam moments, activations and
// gradients. Pointers are byte addresses; strides and counts are in elements. Every sum runs
// in a fixed order (the inner index ascending), so reruns give the same bits.

/** Where the engine may start laying out its buffers. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

export { gemm, transpose, matmulPeak } from './gemm';
export { gather, copyBlock, rowProduct, rowProductGrad, rowDot, rowDotGrad, multiply, reluGrad, columnSums, axpy, sumSquares, mseLoss, bceLoss, zero } from './rows';
export { adamDense, lazyAdamRows, scatterRows } from './adam';
export { dropoutMask } from './dropout';
