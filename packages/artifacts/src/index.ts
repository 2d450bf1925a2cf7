/** @deeprec/artifacts: The artifact catalogue: paths, Arrow schemas and paired read/write functions for every artifact, JSON ones through zod. */
export { ArtifactCatalogue, HISTORY_SCHEMA, ITEMS_SCHEMA, NEGATIVES_SCHEMA, PREDICTIONS_SCHEMA, RANKING_SCHEMA, RATINGS_BATCH_ROWS, RATINGS_SCHEMA, RATING_SPLITS, RECOMMENDATIONS_SCHEMA, SAMPLES_SCHEMA, USERS_SCHEMA, defaultArtifactsRoot, foldName, indexReport, seedFolder, type RatingSplit } from './catalogue';
export { arrowColumnTypes, checkColumns, checkWritable, column, decodeTable, encodeTable, readTable, rowCount, toVector, typeOfColumn, unreadableArtifact, writeTable, type Column, type ColumnSpec, type ColumnType, type Columns, type TableSchema } from './arrow';
export { TableBatchReader, TableBatchWriter, writeTableBatches } from './arrowBatches';
export { openFileAtomic, writeArtifactDir, writeFileAtomic, type AtomicFile } from './fs';
export { MANIFEST_SCHEMAS, ManifestSchema, makeManifest, readManifest, toolVersions, writeManifest, type Manifest, type ManifestFields, type ManifestOf, type Stage } from './manifest';
export { ColdStartSchema, DataInfoSchema, FoldInfoSchema, type ColdStart, type DataInfo, type FoldInfo } from './dataInfo';
export { coldStart, columnsToRatings, concatRatings, countItems, meanRating, ratingsToColumns, readRatings, seenInTraining, subsetRatings, type Ratings } from './ratings';
export { appendRatings, collectRatings, memorySource, openRatingSource, writeRatings, type RatingSource } from './ratingBlocks';
export { openDataset, readDataInfo, type Dataset } from './dataset';
export { ErrorSummarySchema, EvalMetricsSchema, RankingSummarySchema, RatingErrorsSchema, SeedRunsSchema, TrainDetailsSchema, readMetrics, readSeedRuns, writeMetrics, writeSeedRuns, type ErrorSummary, type EvalMetrics, type RankingSummary, type RatingErrors, type SeedRuns, type TrainDetails } from './results';
export { readSampleLists, writeSampleLists, type SampleLists } from './samples';
export { userItems, type UserItems } from './userItems';
export { CLASSIC_FILE, CLASSIC_FORMAT, ClassicModelSchema, readClassicModel, writeClassicModel, type ClassicModelFile, type SavedClassicModel } from './classicModel';
export { SelectedRecordSchema, TrialRecordSchema, readSelectedRecord, readTrialRecord, writeSelectedRecord, writeTrialRecord, type SelectedRecord, type TrialRecord } from './searchRecords';
