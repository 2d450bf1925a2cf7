/** The `csv` source: any delimited ratings file described by data.csv. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, DataError } from '@deeprec/base';
import { type ExperimentConfig } from '@deeprec/config';
import type { RatingsLayout } from './delimited';
import { isFolder, requireFolder, resolveDelimiter, separatedBy } from './text';

/** The reading layout data.csv describes. */
export function csvLayout(config: ExperimentConfig): RatingsLayout {
  const csv = config.data.csv;
  const delimiter = resolveDelimiter(csv.delimiter);
  const { user, item, rating, timestamp } = csv.columns;
  const names = [user, item, rating, ...(timestamp === undefined ? [] : [timestamp])].map(String).join(', ');
  return {
    what: `ratings as data.csv describes them (${separatedBy(delimiter)}${csv.header ? ', a header line,' : ''} columns ${names})`,
    encoding: csv.encoding,
    delimiter,
    quotes: true,
    header: csv.header,
    columns: { user, item, rating, timestamp },
    columnsKey: 'data.csv.columns',
    encodingKey: 'data.csv.encoding',
  };
}

/**
 * The CSV file: data.csv.path inside data.path when that is a folder (or next to the
 * YAML file when data.path is unset), else data.path itself.
 */
export function csvFile(config: ExperimentConfig): string {
  const base = config.data.path;
  const inner = config.data.csv.path;
  if (base === undefined) {
    if (inner === undefined) throw new ConfigError('data.path: is required for source csv (or data.csv.path, relative to the YAML file)');
    return resolve(dirname(config.configPath), inner);
  }
  if (isFolder(base)) {
    if (inner === undefined) throw new DataError(`${base}: is a folder; expected data.csv.path to name the CSV file inside it`);
    return resolve(base, inner);
  }
  if (inner !== undefined && !existsSync(base)) {
    throw new DataError(`${base}: folder not found; expected the folder (data.path) that holds data.csv.path '${inner}'`);
  }
  return base;
}

/** The folder that split.train and split.test are looked up in. */
export function csvFolder(config: ExperimentConfig): string {
  const base = config.data.path;
  if (base === undefined) return dirname(config.configPath);
  requireFolder(base, 'the folder (data.path) that holds the split.train and split.test files');
  return base;
}
