/** @deeprec/artifacts: The artifact catalogue: paths, Arrow schemas and paired read/write functions for every artifact, JSON ones through zod. */
export { ArtifactCatalogue, HISTORY_SCHEMA, ITEMS_SCHEMA, NEGATIVES_SCHEMA, PREDICTIONS_SCHEMA, RANKING_SCHEMA, RATINGS_BATCH_ROWS, RATINGS_SCHEMA, RATING_SPLITS, RECOMMENDATIONS_SCHEMA, USERS_SCHEMA, defaultArtifactsRoot, foldName, indexReport, type RatingSplit } from './catalogue';
export { arrowColumnTypes, checkColumns, checkWritable, column, decodeTable, encodeTable, readTable, rowCount, toVector, typeOfColumn, unreadableArtifact, writeTable, type Column, type ColumnSpec, type ColumnType, type Columns, type TableSchema } from './arrow';
export { TableBatchReader, TableBatchWriter, writeTableBatches } from './arrowBatches';
export { openFileAtomic, readJson, writeArtifactDir, writeFileAtomic, writeJson, type AtomicFile } from './fs';
export { makeManifest, toolVersions, type Manifest } from './manifest';
export { coldStart, columnsToRatings, concatRatings, countItems, meanRating, ratingsToColumns, readRatings, subsetRatings, type ColdStart, type DataInfo, type FoldInfo, type Ratings } from './ratings';
export { appendRatings, collectRatings, memorySource, openRatingSource, writeRatings, type RatingSource } from './ratingBlocks';
export { openDataset, type Dataset } from './dataset';
export { type ErrorSummary, type EvalMetrics, type RankingSummary, type TrainDetails } from './results';
export { userItems, type UserItems } from './userItems';
