/** The data artifacts of an experiment, as every stage after datagen reads them. */
import { ArtifactCatalogue, ITEMS_SCHEMA, USERS_SCHEMA, type RatingSplit } from './catalogue';
import { readTable, type Columns } from './arrow';
import type { DataInfo } from './dataInfo';
import { readManifest, type ManifestOf } from './manifest';
import { openRatingSource, type RatingSource } from './ratingBlocks';
import { readRatings, type Ratings } from './ratings';

export interface Dataset {
  info: DataInfo;
  manifest: ManifestOf<'datagen'>;
  /** A split's ratings, whole; `fold` (0-based) for k-fold data. Read once, then kept. */
  ratings(split: RatingSplit, fold?: number): Ratings;
  /** A split's ratings one record batch at a time (nothing kept); close it when done. */
  ratingSource(split: RatingSplit, fold?: number): RatingSource;
  users(): Columns;
  items(): Columns;
}

/** Opens the data artifacts of an experiment; tables are read when first asked for. */
export function openDataset(catalogue: ArtifactCatalogue): Dataset {
  const paths = catalogue.data();
  const manifest = readManifest(paths.manifest, 'datagen');
  const { info } = manifest.details;
  const cache = new Map<string, unknown>();
  const once = <T>(key: string, read: () => T): T => {
    if (!cache.has(key)) cache.set(key, read());
    return cache.get(key) as T;
  };
  const file = (split: RatingSplit, fold: number) => (info.folds.length > 1 ? paths.fold(fold).ratings(split) : paths.ratings(split));
  return {
    info,
    manifest,
    ratings: (split, fold = 0) => once(`${split}/${fold}`, () => readRatings(file(split, fold))),
    ratingSource: (split, fold = 0) => openRatingSource(file(split, fold)),
    users: () => once('users', () => readTable(paths.users, USERS_SCHEMA)),
    items: () => once('items', () => readTable(paths.items, ITEMS_SCHEMA)),
  };
}

/** The data facts of data/manifest.json, validated. */
export function readDataInfo(file: string): DataInfo {
  return readManifest(file, 'datagen').details.info;
}
