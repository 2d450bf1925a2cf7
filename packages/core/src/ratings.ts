/** Rating tables as typed columns, and the data artifacts every later stage reads. */
import { ArtifactCatalogue, ITEMS_SCHEMA, RATINGS_SCHEMA, USERS_SCHEMA, type RatingSplit } from './artifacts';
import { readTable, writeTable, type Columns } from './arrow';
import { ArtifactError } from './errors';
import { readJson } from './fs';
import type { Manifest } from './manifest';

export interface Ratings {
  user: Int32Array;
  item: Int32Array;
  rating: Float32Array;
  timestamp?: BigInt64Array;
}

/** Facts about the data that models and evaluation need; kept in data/manifest.json. */
export interface DataInfo {
  numUsers: number;
  numItems: number;
  scale: { min: number; max: number };
  /** Mean training rating: the baseline every model must beat, and the output bias init. */
  trainMean: number;
  counts: Record<RatingSplit, number>;
  source: string;
}

export function ratingsToColumns(r: Ratings): Columns {
  const columns: Columns = { user: r.user, item: r.item, rating: r.rating };
  if (r.timestamp) columns.timestamp = r.timestamp;
  return columns;
}

export function columnsToRatings(columns: Columns, where: string): Ratings {
  const { user, item, rating, timestamp } = columns;
  if (!(user instanceof Int32Array) || !(item instanceof Int32Array) || !(rating instanceof Float32Array)) {
    throw new ArtifactError(`${where}: ratings table has the wrong column types`);
  }
  return timestamp instanceof BigInt64Array ? { user, item, rating, timestamp } : { user, item, rating };
}

export function writeRatings(file: string, ratings: Ratings): void {
  writeTable(file, RATINGS_SCHEMA, ratingsToColumns(ratings));
}

export function readRatings(file: string): Ratings {
  return columnsToRatings(readTable(file, RATINGS_SCHEMA), file);
}

export function subsetRatings(r: Ratings, rows: ArrayLike<number>): Ratings {
  const n = rows.length;
  const out: Ratings = { user: new Int32Array(n), item: new Int32Array(n), rating: new Float32Array(n) };
  const ts = r.timestamp ? new BigInt64Array(n) : undefined;
  for (let i = 0; i < n; i += 1) {
    const j = rows[i] as number;
    out.user[i] = r.user[j] as number;
    out.item[i] = r.item[j] as number;
    out.rating[i] = r.rating[j] as number;
    if (ts && r.timestamp) ts[i] = r.timestamp[j] as bigint;
  }
  if (ts) out.timestamp = ts;
  return out;
}

export function meanRating(r: Ratings): number {
  let sum = 0;
  for (let i = 0; i < r.rating.length; i += 1) sum += r.rating[i] as number;
  return r.rating.length === 0 ? 0 : sum / r.rating.length;
}

export interface Dataset {
  info: DataInfo;
  manifest: Manifest;
  ratings(split: RatingSplit): Ratings;
  users(): Columns;
  items(): Columns;
}

/** Opens the data artifacts of an experiment; tables are read when first asked for. */
export function openDataset(catalogue: ArtifactCatalogue): Dataset {
  const paths = catalogue.data();
  const manifest = readJson<Manifest>(paths.manifest, 'data manifest');
  const info = manifest.details.info as DataInfo | undefined;
  if (!info || typeof info.numUsers !== 'number') throw new ArtifactError(`${paths.manifest}: data manifest has no 'details.info' section`);
  const cache = new Map<string, unknown>();
  const once = <T>(key: string, read: () => T): T => {
    if (!cache.has(key)) cache.set(key, read());
    return cache.get(key) as T;
  };
  return {
    info,
    manifest,
    ratings: (split) => once(split, () => readRatings(paths.ratings(split))),
    users: () => once('users', () => readTable(paths.users, USERS_SCHEMA)),
    items: () => once('items', () => readTable(paths.items, ITEMS_SCHEMA)),
  };
}
