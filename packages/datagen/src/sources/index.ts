/**
 * Importers for data.source: a user's rating files in, RawRatings out (dense int32
 * user and item indices numbered in order of first appearance, the raw ids behind
 * them, the scale, predefined train/test rows, side features and import stats).
 *
 * Every problem with the input is a DataError naming the file, the line and the
 * offending text, and saying what was expected.
 */
import { join } from 'node:path';
import { ConfigError } from '@deeprec/base';
import { shownPath, type ExperimentConfig } from '@deeprec/config';
import type { RawRatings } from '../types';
import { readArrowRatings } from './arrowRatings';
import { RatingsBuilder } from './builder';
import { csvFile, csvFolder, csvLayout } from './csv';
import { readDelimitedRatings, type RatingsLayout } from './delimited';
import { InvalidRowLog, STOP_AT_FIRST } from './invalidRows';
import { MOVIELENS_100K, MOVIELENS_1M, MOVIELENS_LATEST, type FolderSource, type SideFeatures } from './movielens';
import { requireFolder } from './text';

export { RatingsBuilder, IdIndex } from './builder';
export { readDelimitedRatings, type RatingsLayout, type RatingColumns } from './delimited';
export { readArrowRatings } from './arrowRatings';
export { readLines } from './lines';
export { FieldSplitter } from './fields';
export { type InvalidRow, type InvalidRowsReport } from './invalidRows';
export { MOVIELENS_100K, MOVIELENS_1M, MOVIELENS_LATEST, ML1M_OCCUPATIONS } from './movielens';
export { csvFile, csvLayout } from './csv';

const FOLDER_SOURCES: Record<string, FolderSource> = {
  'movielens-100k': MOVIELENS_100K,
  'movielens-1m': MOVIELENS_1M,
  'movielens-latest': MOVIELENS_LATEST,
};

interface ImportPlan {
  /** Rating files in order: the one file, or split.train then split.test. */
  files: Array<{ file: string; what: string }>;
  layout: RatingsLayout;
  features?: FolderSource['features'];
  folder: string;
}

function predefinedFiles(config: ExperimentConfig, folder: string, what: string): ImportPlan['files'] {
  const { train, test } = config.split;
  if (!train || typeof test !== 'string') {
    throw new ConfigError('split: method predefined expects split.train and split.test to name files inside data.path');
  }
  const format = (name: string) => (name.endsWith('.arrow') ? 'an Arrow ratings file with columns user, item, rating (and optional timestamp)' : what);
  return [
    { file: join(folder, train), what: `the training ratings named by split.train: ${format(train)}` },
    { file: join(folder, test), what: `the test ratings named by split.test: ${format(test)}` },
  ];
}

function plan(config: ExperimentConfig): ImportPlan {
  const { source } = config.data;
  const predefined = config.split.method === 'predefined';
  if (source === 'csv') {
    const layout = csvLayout(config);
    if (predefined) {
      const folder = csvFolder(config);
      return { files: predefinedFiles(config, folder, layout.what), layout, folder };
    }
    return { files: [{ file: csvFile(config), what: layout.what }], layout, folder: '' };
  }
  const spec = FOLDER_SOURCES[source];
  if (!spec) throw new ConfigError(`data.source: '${source}' has no files to import; expected one of ${Object.keys(FOLDER_SOURCES).join(', ')}, csv`);
  const folder = config.data.path;
  if (folder === undefined) throw new ConfigError(`data.path: is required for source ${source}; expected ${spec.folderWhat}`);
  requireFolder(folder, spec.folderWhat);
  const files = predefined ? predefinedFiles(config, folder, spec.layout.what) : [{ file: join(folder, spec.ratingsFile), what: spec.layout.what }];
  return { files, layout: spec.layout, features: spec.features.bind(spec), folder };
}

/** Imports the ratings of `config.data` (with split.train + split.test for predefined splits). */
export async function importRatings(config: ExperimentConfig): Promise<RawRatings> {
  const p = plan(config);
  const builder = new RatingsBuilder(config.data.scale);
  const csv = config.data.csv;
  const skipping = config.data.source === 'csv' && csv.invalidRows === 'skip';
  const invalid = new InvalidRowLog(skipping ? { policy: 'skip', maxShare: csv.maxInvalidShare } : STOP_AT_FIRST);
  for (const { file, what } of p.files) {
    if (file.endsWith('.arrow')) readArrowRatings(file, builder, what);
    else await readDelimitedRatings(file, { ...p.layout, what }, builder, invalid);
  }
  let features: SideFeatures = {};
  if (config.data.features && p.features) features = await p.features(p.folder, builder.users, builder.items);
  const raw = builder.finish(config.data.duplicates);
  if (features.userFeatures) raw.userFeatures = features.userFeatures;
  if (features.itemFeatures) raw.itemFeatures = features.itemFeatures;
  // The manifest lists the files as artifacts show paths (relative to the workspace); errors above name them as read.
  if (skipping) raw.invalidRows = { ...invalid.report, first: invalid.report.first.map((row) => ({ ...row, file: shownPath(config.paths, row.file) })) };
  return raw;
}
