import type { Columns, Ratings } from '@deeprec/artifacts';
import type { InvalidRowsReport } from './sources/invalidRows';

/** What an importer or the generator hands on: ratings with dense indices and the raw ids behind them. */
export interface RawRatings {
  ratings: Ratings;
  /** Raw id of each dense user index. */
  userIds: string[];
  itemIds: string[];
  /** The rating scale: from the config, or the data's lowest and highest rating. */
  scale: { min: number; max: number };
  /** For already-split inputs: which rows of `ratings` are training and which are test. */
  predefined?: { train: Int32Array; test: Int32Array };
  /** Side features, one row per dense index: extra columns of users.arrow / items.arrow. */
  userFeatures?: Columns;
  itemFeatures?: Columns;
  /** Facts about the import for the manifest and the report. */
  stats?: ImportStats;
  /** data.csv.invalidRows: skip: the malformed rows left out (details.invalidRows of the data manifest). */
  invalidRows?: InvalidRowsReport;
}

export interface ImportStats {
  /** Rating lines (or rows) read. */
  rows: number;
  /** Repeated (user, item) pairs merged by the duplicates policy. */
  duplicates: number;
}

export interface SplitRatings {
  train: Ratings;
  valid: Ratings;
  test: Ratings;
}
