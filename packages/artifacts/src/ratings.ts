/** Rating tables as typed columns; the facts datagen records about them are in dataInfo.ts. */
import { RATINGS_SCHEMA } from './catalogue';
import { readTable, type Columns } from './arrow';
import { ArtifactError } from '@deeprec/base';
import type { ColdStart } from './dataInfo';

export interface Ratings {
  user: Int32Array;
  item: Int32Array;
  rating: Float32Array;
  timestamp?: BigInt64Array;
}

/**
 * 1 for every user and every item with a training rating (among rows `rows` of `train`
 * when given), 0 for the others: what makes a test rating warm or cold start.
 */
export function seenInTraining(
  train: { user: ArrayLike<number>; item: ArrayLike<number> },
  numUsers: number,
  numItems: number,
  rows?: Int32Array,
): { user: Uint8Array; item: Uint8Array } {
  const user = new Uint8Array(numUsers);
  const item = new Uint8Array(numItems);
  const count = rows ? rows.length : train.user.length;
  for (let i = 0; i < count; i += 1) {
    const row = rows ? (rows[i] as number) : i;
    user[train.user[row] as number] = 1;
    item[train.item[row] as number] = 1;
  }
  return { user, item };
}

/**
 * Counts the cold-start users, items and ratings of a test set. With `rows`, train and
 * test are the rows `rows.train` and `rows.test` of one table (datagen summarises a
 * split by its row indices, never copying a 10M-rating split just to count it).
 */
export function coldStart(train: Ratings, test: Ratings, numUsers: number, numItems: number, rows?: { train: Int32Array; test: Int32Array }): ColdStart {
  const { user: seenUser, item: seenItem } = seenInTraining(train, numUsers, numItems, rows?.train);
  const coldUsers = new Set<number>();
  const coldItems = new Set<number>();
  let ratings = 0;
  const testCount = rows ? rows.test.length : test.user.length;
  for (let i = 0; i < testCount; i += 1) {
    const row = rows ? (rows.test[i] as number) : i;
    const u = test.user[row] as number;
    const it = test.item[row] as number;
    if (!seenUser[u]) coldUsers.add(u);
    if (!seenItem[it]) coldItems.add(it);
    if (!seenUser[u] || !seenItem[it]) ratings += 1;
  }
  return { users: coldUsers.size, items: coldItems.size, ratings };
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

/** Rows of a followed by rows of b. */
export function concatRatings(a: Ratings, b: Ratings): Ratings {
  const join = <T extends Int32Array | Float32Array | BigInt64Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x as never);
    out.set(y as never, x.length);
    return out;
  };
  const out: Ratings = {
    user: join(a.user, b.user, (n) => new Int32Array(n)),
    item: join(a.item, b.item, (n) => new Int32Array(n)),
    rating: join(a.rating, b.rating, (n) => new Float32Array(n)),
  };
  if (a.timestamp && b.timestamp) out.timestamp = join(a.timestamp, b.timestamp, (n) => new BigInt64Array(n));
  return out;
}

/** Ratings per item index (0..numItems-1), added into `counts` (a new array by default); indices outside are ignored. */
export function countItems(items: ArrayLike<number>, numItems: number, counts: Int32Array = new Int32Array(numItems)): Int32Array {
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i] as number;
    if (item >= 0 && item < numItems) counts[item] = (counts[item] as number) + 1;
  }
  return counts;
}

/** Mean rating of a table, or of its rows `rows` (summed in the order given). */
export function meanRating(r: Ratings, rows?: Int32Array): number {
  const n = rows ? rows.length : r.rating.length;
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += r.rating[rows ? (rows[i] as number) : i] as number;
  return n === 0 ? 0 : sum / n;
}
