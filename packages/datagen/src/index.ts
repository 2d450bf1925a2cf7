/** @deeprec/datagen: synthetic data, importers and splits -> data artifacts. */
export { runDatagen, writeDatagen, loadSource, datagenSection, splitTables, type DatagenOutput, type DatagenWriteOptions } from './run';
export { generateSynthetic, latentScore } from './synthetic';
export { splitRatings, kFoldSplits, makeSplits, makeSplitRows, cutSplit, splitRows, kFoldRows, type SplitRows, type PredefinedRows } from './split';
export type { RawRatings, SplitRatings } from './types';
export { importRatings } from './sources';
