import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ITEMS_SCHEMA, PREDICTIONS_SCHEMA, RATINGS_SCHEMA } from './catalogue';
import { readTable, writeTable } from './arrow';
import { TableBatchReader, TableBatchWriter, writeTableBatches } from './arrowBatches';
import { ArtifactError, DataError } from '@deeprec/base';
import { appendRatings, collectRatings, memorySource, openRatingSource, writeRatings } from './ratingBlocks';
import { ratingsToColumns, readRatings, type Ratings } from './ratings';

const dir = mkdtempSync(join(tmpdir(), 'deeprec-batches-'));

const ratings = (n: number, from = 0): Ratings => ({
  user: Int32Array.from({ length: n }, (_, i) => from + i),
  item: Int32Array.from({ length: n }, (_, i) => (from + i) * 7),
  rating: Float32Array.from({ length: n }, (_, i) => 1 + ((from + i) % 5)),
  timestamp: BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i) * 9_000_000_000n),
});

describe('TableBatchWriter / TableBatchReader', () => {
  it('round-trips several record batches, each read alone by index, and readTable reads them all', () => {
    const file = join(dir, 'items.arrow');
    const batches = [
      { item: Int32Array.from([0, 1, 2]), id: ['a', 'Café', 'c'], year: Int32Array.from([1995, 1996, 1997]) },
      { item: Int32Array.from([3]), id: ['d'], year: Int32Array.from([2001]) },
      { item: Int32Array.from([4, 5]), id: ['', 'f'], year: Int32Array.from([0, 2]) },
    ];
    writeTableBatches(file, ITEMS_SCHEMA, batches);
    const reader = TableBatchReader.open(file, ITEMS_SCHEMA);
    expect([reader.numBatches, reader.rows, reader.rowsOf(0), reader.rowsOf(1), reader.rowsOf(2)]).toEqual([3, 6, 3, 1, 2]);
    // out of order: random access through the footer
    expect(reader.read(2)).toEqual(batches[2]);
    expect(reader.read(0)).toEqual(batches[0]);
    expect(reader.read(1)).toEqual(batches[1]);
    reader.close();
    expect(readTable(file, ITEMS_SCHEMA)).toEqual({
      item: Int32Array.from([0, 1, 2, 3, 4, 5]),
      id: ['a', 'Café', 'c', 'd', '', 'f'],
      year: Int32Array.from([1995, 1996, 1997, 2001, 0, 2]),
    });
  });

  it('writes ratings in batches of batchRows (a subset of rows gathered per batch) that read back as blocks', () => {
    const all = ratings(5);
    const file = join(dir, 'train.arrow');
    writeRatings(file, all, { batchRows: 2 });
    const source = openRatingSource(file);
    expect([source.rows, source.blocks, source.blockRows(2)]).toEqual([5, 3, 1]);
    expect(source.block(1)).toEqual(ratings(2, 2));
    expect(collectRatings(source)).toEqual(all);
    source.close();
    expect(readRatings(file)).toEqual(all);

    // a file from the whole-table writer (earlier datagen) is one block
    writeTable(file, RATINGS_SCHEMA, ratingsToColumns(all));
    const whole = openRatingSource(file);
    expect([whole.blocks, whole.rows]).toEqual([1, 5]);
    expect(whole.block(0)).toEqual(all);
    whole.close();

    writeRatings(file, all, { rows: Int32Array.from([4, 1, 3]), batchRows: 2 });
    expect(TableBatchReader.open(file, RATINGS_SCHEMA).numBatches).toBe(2);
    expect(Array.from(readRatings(file).user)).toEqual([4, 1, 3]);
  });

  it('writes an empty table as one batch of no rows, columns intact', () => {
    const file = join(dir, 'empty.arrow');
    writeRatings(file, ratings(0), { batchRows: 2 });
    const source = openRatingSource(file);
    expect(source.rows).toBe(0);
    source.close();
    expect(readRatings(file)).toEqual(ratings(0));
  });

  it('refuses a batch whose columns differ from the first, and leaves no temporary file', () => {
    const sub = join(dir, 'mismatch');
    mkdirSync(sub);
    const writer = new TableBatchWriter(join(sub, 'r.arrow'), RATINGS_SCHEMA);
    writer.write({ user: Int32Array.from([1]), item: Int32Array.from([2]), rating: Float32Array.from([3]) });
    expect(() => writer.write({ user: Int32Array.from([1]), item: Int32Array.from([2]), rating: Float32Array.from([3]), timestamp: BigInt64Array.from([1n]) })).toThrow(
      new DataError('writing ratings: record batch 2 has columns (user int32, item int32, rating float32, timestamp int64), expected those of the first batch (user int32, item int32, rating float32)'),
    );
    expect(readdirSync(sub)).toEqual([]);
    expect(() => writer.close()).toThrow('the writer was closed or failed');
  });

  it('names the file and the problem: schema mismatch, truncation, a missing file, an I/O error (with its cause)', () => {
    const file = join(dir, 'ok.arrow');
    writeRatings(file, ratings(6), { batchRows: 4 });
    expect(() => TableBatchReader.open(file, PREDICTIONS_SCHEMA)).toThrow(new ArtifactError(`${file}: predictions table is missing column 'prediction' (float32)`));

    const truncated = join(dir, 'truncated.arrow');
    const bytes = readFileSync(file);
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    expect(() => openRatingSource(truncated)).toThrow(new ArtifactError(`${truncated}: not a readable Arrow file (no footer at the end; truncated?)`));
    writeFileSync(truncated, bytes.subarray(0, 5));
    expect(() => openRatingSource(truncated)).toThrow(`${truncated}: not a readable Arrow file (expected the Arrow IPC file format, found 5 bytes)`);

    const none = join(dir, 'none.arrow');
    expect(() => openRatingSource(none)).toThrow(`${none}: ratings artifact is missing (run the stage that writes it first)`);

    const folder = join(dir, 'a-folder.arrow');
    mkdirSync(folder);
    let error: unknown;
    try {
      openRatingSource(folder);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as Error).message).toMatch(new RegExp(`^${folder}: ratings artifact cannot be read \\((Error: )?EISDIR`));
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EISDIR');
  });
});

describe('memorySource / appendRatings', () => {
  it('cuts ratings into views of blockRows rows', () => {
    const source = memorySource(ratings(5), 2);
    expect([source.rows, source.blocks, source.blockRows(0), source.blockRows(2)]).toEqual([5, 3, 2, 1]);
    expect(source.block(2)).toEqual(ratings(1, 4));
    expect(collectRatings(source)).toEqual(ratings(5));
    expect(memorySource(ratings(0)).blocks).toBe(0);
  });

  it('appends extra rows: into the one block of a single-block source, as a last block otherwise', () => {
    const one = appendRatings(memorySource(ratings(3)), ratings(2, 3));
    expect([one.blocks, one.rows]).toEqual([1, 5]);
    expect(one.block(0)).toEqual(ratings(5));
    const many = appendRatings(memorySource(ratings(3), 2), ratings(2, 3));
    expect([many.blocks, many.rows, many.blockRows(2)]).toEqual([3, 5, 2]);
    expect(many.block(2)).toEqual(ratings(2, 3));
  });
});
