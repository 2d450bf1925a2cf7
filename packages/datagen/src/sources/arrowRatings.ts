/**
 * Reads an Arrow IPC ratings file (file or stream format) for predefined splits:
 * columns user, item, rating and optional timestamp, where user and item are raw ids
 * (integers or strings) that share the id space of the other split's file.
 */
import { readFileSync } from 'node:fs';
import { DataType, tableFromIPC, type Table, type Vector } from 'apache-arrow';
import { DataError, messageOf } from '@deeprec/base';
import type { RatingsBuilder } from './builder';
import { clip, requireFile } from './text';

const ARROW_WHAT = 'an Arrow ratings file with columns user, item, rating (and optional timestamp)';

function values(vector: Vector): ArrayLike<unknown> {
  if (DataType.isDictionary(vector.type)) return Array.from({ length: vector.length }, (_, i) => vector.get(i) as unknown);
  return vector.toArray() as ArrayLike<unknown>;
}

/** Streams nothing: Arrow is binary and column-wise, so the file is read whole (as bytes, not text). */
export function readArrowRatings(file: string, builder: RatingsBuilder, what = ARROW_WHAT): number {
  requireFile(file, what);
  let table: Table;
  try {
    table = tableFromIPC(readFileSync(file));
  } catch (error) {
    throw new DataError(`${file}: not a readable Arrow file (${messageOf(error)}); expected ${ARROW_WHAT}`, { cause: error });
  }
  const names = table.schema.fields.map((f) => f.name);
  if (names.length === 0) throw new DataError(`${file}: not a readable Arrow file (no columns; truncated?); expected ${ARROW_WHAT}`);
  const column = (name: string, required: boolean, accepts: (t: DataType) => boolean, kinds: string): ArrayLike<unknown> | undefined => {
    const vector = table.getChild(name);
    if (!vector) {
      if (!required) return undefined;
      throw new DataError(`${file}: expected a column named '${name}' in the Arrow file, found: ${clip(names.join(', '))}`);
    }
    if (!accepts(vector.type)) throw new DataError(`${file}: column '${name}': expected ${kinds}, found ${clip(String(vector.type))}`);
    if (vector.nullCount > 0) {
      let row = 0;
      while (vector.isValid(row)) row += 1;
      throw new DataError(`${file}: row ${row + 1}: expected a ${name}, found null`);
    }
    return values(vector);
  };
  const isId = (t: DataType) =>
    DataType.isInt(t) || DataType.isUtf8(t) || DataType.isLargeUtf8(t) || (DataType.isDictionary(t) && (DataType.isUtf8(t.dictionary) || DataType.isInt(t.dictionary)));
  const user = column('user', true, isId, 'integer or utf8 raw ids') as ArrayLike<unknown>;
  const item = column('item', true, isId, 'integer or utf8 raw ids') as ArrayLike<unknown>;
  const rating = column('rating', true, (t) => DataType.isInt(t) || DataType.isFloat(t), 'numbers') as ArrayLike<unknown>;
  const timestamp = column('timestamp', false, (t) => DataType.isInt(t), 'integers (seconds)');
  const n = table.numRows;
  if (n === 0) throw new DataError(`${file} is empty; expected rating rows`);
  builder.beginFile(file, 'row', timestamp !== undefined);
  for (let i = 0; i < n; i += 1) {
    const r = Number(rating[i]);
    if (!Number.isFinite(r)) throw new DataError(`${file}: row ${i + 1}: expected a numeric rating, found ${String(rating[i])}`);
    const outside = builder.checkRating(r);
    if (outside) throw new DataError(`${file}: row ${i + 1}: ${outside}`);
    const userId = String(user[i]);
    const itemId = String(item[i]);
    if (userId.length === 0) throw new DataError(`${file}: row ${i + 1}: expected a user id, found an empty string`);
    if (itemId.length === 0) throw new DataError(`${file}: row ${i + 1}: expected an item id, found an empty string`);
    let t = 0;
    if (timestamp) {
      t = Number(timestamp[i]);
      if (!Number.isSafeInteger(t)) throw new DataError(`${file}: row ${i + 1}: expected a timestamp below 2^53, found ${String(timestamp[i])}`);
    }
    builder.add(userId, itemId, r, t, i + 1);
  }
  return n;
}
