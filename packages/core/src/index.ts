/** @deeprec/core: the shared kernel every stage meets through. */
export * from './errors';
export * from './config/schema';
export { loadConfig, resolveConfig } from './config/resolve';
export { loadConfigSource, parseOverride, formatPath, type ConfigSource, type KeyPath } from './config/yamlSource';
export { configJsonSchema } from './config/jsonSchema';
export * from './artifacts';
export * from './arrow';
export * from './fs';
export * from './rng';
export * from './hash';
export * from './log';
export * from './manifest';
export * from './ratings';
export { initBackend, parseBackend, BACKENDS, type BackendName, type BackendInfo } from './compute/backend';
export { unsortedSegmentSumValues, registerSegmentSumKernels } from './compute/segmentSum';
export { fileSaveHandler, fileLoadHandler, registerFileRouters } from './compute/fileHandlers';
export * from './results';
