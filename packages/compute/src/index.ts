/** @deeprec/compute: tfjs backends, kernels, model file handlers and batched scoring. */
export { BACKENDS, detectNative, initBackend, parseBackend, type BackendInfo, type BackendName, type NativeLoad } from './backend';
export { fileLoadHandler, fileSaveHandler, registerFileRouters } from './fileHandlers';
export { SCORE_BATCH, clip, scoreAllItems, scorePairs, scoreUsersAllItems } from './scoring';
export { registerSegmentSumKernels, unsortedSegmentSumValues } from './segmentSum';
export { copyRows, registerFastWasmKernels } from './wasmKernels';
