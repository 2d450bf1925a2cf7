/** @deeprec/compute: tfjs backends, kernels, model file handlers and batched scoring. */
export { BACKENDS, detectNative, initBackend, installOverrides, parseBackend, type BackendInfo, type BackendName, type NativeLoad } from './backend';
export { fileLoadHandler, fileSaveHandler, registerFileRouters } from './fileHandlers';
export { SCORE_BATCH, clip, scoreAllItems, scorePairs, scoreUsersAllItems } from './scoring';
export { unsortedSegmentSumValues } from './segmentSum';
export {
  InternalsError,
  LAYER_KINDS,
  TESTED_TFJS_VERSION,
  activeOverrides,
  heapView,
  layerKind,
  overrideNames,
  setOptimizerLearningRate,
  storageId,
  type ActiveOverride,
  type LayerKind,
} from './tfjsInternals';
export { copyRows } from './wasmKernels';
