/**
 * Ratings in blocks: what a stage streams when a split is too large to hold whole.
 * On disk a block is one Arrow record batch of a ratings artifact (datagen writes splits
 * in batches of at most RATINGS_BATCH_ROWS rows); in memory it is a view of typed arrays.
 */
import { RATINGS_BATCH_ROWS, RATINGS_SCHEMA } from './catalogue';
import { TableBatchReader, TableBatchWriter } from './arrowBatches';
import { ArtifactError } from '@deeprec/base';
import { columnsToRatings, concatRatings, ratingsToColumns, subsetRatings, type Ratings } from './ratings';

/** A split's ratings, one block at a time. */
export interface RatingSource {
  /** Rows of all blocks together. */
  readonly rows: number;
  readonly blocks: number;
  /** Rows of block b, known without reading it. */
  blockRows(b: number): number;
  /** Block b (0-based). A file-backed source reads it afresh on every call and keeps nothing. */
  block(b: number): Ratings;
  /** Releases the file behind the source, if any. */
  close(): void;
}

function view(r: Ratings, start: number, end: number): Ratings {
  const out: Ratings = { user: r.user.subarray(start, end), item: r.item.subarray(start, end), rating: r.rating.subarray(start, end) };
  if (r.timestamp) out.timestamp = r.timestamp.subarray(start, end);
  return out;
}

/** Ratings held in memory as a source: one block, or blocks of `blockRows` rows (views, no copies). */
export function memorySource(r: Ratings, blockRows = Number.POSITIVE_INFINITY): RatingSource {
  const rows = r.user.length;
  const size = Math.max(1, Math.min(blockRows, rows));
  const blocks = rows === 0 ? 0 : Math.ceil(rows / size);
  const check = (b: number) => {
    if (!(b >= 0 && b < blocks)) throw new Error(`memorySource: block ${b} requested; expected 0 to ${blocks - 1}`);
  };
  return {
    rows,
    blocks,
    blockRows: (b) => (check(b), Math.min(rows, (b + 1) * size) - b * size),
    block: (b) => (check(b), blocks === 1 ? r : view(r, b * size, Math.min(rows, (b + 1) * size))),
    close: () => undefined,
  };
}

/** A ratings artifact read one record batch per block; the schema is checked on open and on every read. */
export function openRatingSource(file: string): RatingSource {
  const reader = TableBatchReader.open(file, RATINGS_SCHEMA);
  return {
    rows: reader.rows,
    blocks: reader.numBatches,
    blockRows: (b) => reader.rowsOf(b),
    block: (b) => columnsToRatings(reader.read(b), file),
    close: () => reader.close(),
  };
}

/** Every row of a source in block order, in memory (one allocation; a single block is returned as it is). */
export function collectRatings(source: RatingSource): Ratings {
  if (source.blocks === 1) return source.block(0);
  const n = source.rows;
  const all: Ratings = { user: new Int32Array(n), item: new Int32Array(n), rating: new Float32Array(n) };
  let timestamp: BigInt64Array | undefined = new BigInt64Array(n);
  let offset = 0;
  for (let b = 0; b < source.blocks; b += 1) {
    const block = source.block(b);
    all.user.set(block.user, offset);
    all.item.set(block.item, offset);
    all.rating.set(block.rating, offset);
    // Timestamps only when every block has them, as concatRatings keeps them.
    if (timestamp && block.timestamp) timestamp.set(block.timestamp, offset);
    else timestamp = undefined;
    offset += block.user.length;
  }
  if (offset !== n) throw new ArtifactError(`collectRatings: the record batches held ${offset} rows, expected ${n} (the rows the source declares)`);
  if (timestamp) all.timestamp = timestamp;
  return all;
}

/**
 * The source's rows followed by `extra` (train + valid for a refit). One block stays one
 * block, holding both, so small data is shuffled exactly as one concatenated table;
 * a multi-block source gets `extra` as one more block.
 */
export function appendRatings(source: RatingSource, extra: Ratings): RatingSource {
  if (source.blocks <= 1) return memorySource(concatRatings(collectRatings(source), extra));
  const n = source.blocks;
  return {
    rows: source.rows + extra.user.length,
    blocks: n + 1,
    blockRows: (b) => (b === n ? extra.user.length : source.blockRows(b)),
    block: (b) => (b === n ? extra : source.block(b)),
    close: () => source.close(),
  };
}

/**
 * Writes ratings as an Arrow file of record batches of at most `batchRows` rows, atomically.
 * With `rows`, only those rows of `ratings`, in the given order, gathered one batch at a
 * time (a split is written without a copy of it in memory).
 */
export function writeRatings(file: string, ratings: Ratings, options: { rows?: Int32Array; batchRows?: number } = {}): void {
  const { rows, batchRows = RATINGS_BATCH_ROWS } = options;
  if (!(Number.isInteger(batchRows) && batchRows > 0)) throw new Error(`writeRatings: batchRows must be a positive integer, found ${batchRows}`);
  const n = rows ? rows.length : ratings.user.length;
  const writer = new TableBatchWriter(file, RATINGS_SCHEMA);
  try {
    // An empty table is one empty batch: the file still has its columns.
    for (let start = 0; start === 0 || start < n; start += batchRows) {
      const end = Math.min(n, start + batchRows);
      writer.write(ratingsToColumns(rows ? subsetRatings(ratings, rows.subarray(start, end)) : view(ratings, start, end)));
    }
    writer.close();
  } finally {
    writer.abort();
  }
}
