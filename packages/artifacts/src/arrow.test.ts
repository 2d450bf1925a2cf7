import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HISTORY_SCHEMA, ITEMS_SCHEMA, PREDICTIONS_SCHEMA, RATINGS_SCHEMA } from './catalogue';
import { decodeTable, encodeTable, readTable, writeTable } from './arrow';
import { ArtifactError, DataError } from '@deeprec/base';
import { readRatings } from './ratings';
import { writeRatings } from './ratingBlocks';

const dir = mkdtempSync(join(tmpdir(), 'deeprec-arrow-'));

describe('readTable / writeTable', () => {
  it('round-trips ratings with int64 timestamps', () => {
    const ratings = {
      user: Int32Array.from([0, 1, 2]),
      item: Int32Array.from([5, 4, 3]),
      rating: Float32Array.from([1, 4.5, 3]),
      timestamp: BigInt64Array.from([1n, 2n, 9_000_000_000n]),
    };
    const file = join(dir, 'ratings.arrow');
    writeRatings(file, ratings);
    expect(readRatings(file)).toEqual(ratings);
  });

  it('round-trips utf8 id columns with extra feature columns', () => {
    const file = join(dir, 'items.arrow');
    const columns = { item: Int32Array.from([0, 1]), id: ['Toy Story (1995)', 'Café'], year: Int32Array.from([1995, 1996]) };
    writeTable(file, ITEMS_SCHEMA, columns);
    expect(readTable(file, ITEMS_SCHEMA)).toEqual(columns);
  });

  it('round-trips history and predictions', () => {
    const history = {
      epoch: Int32Array.from([1, 2]),
      loss: Float64Array.from([1.5, 1.25]),
      val_loss: Float64Array.from([1.6, Number.NaN]),
      val_rmse: Float64Array.from([1.3, 1.2]),
      val_mae: Float64Array.from([1, 0.9]),
      lr: Float64Array.from([0.001, 0.0005]),
      seconds: Float64Array.from([0.1, 0.2]),
    };
    const bytes = encodeTable(HISTORY_SCHEMA, history);
    expect(decodeTable(bytes, HISTORY_SCHEMA, 'history')).toEqual(history);
    const predictions = { user: Int32Array.from([1]), item: Int32Array.from([2]), rating: Float32Array.from([4]), prediction: Float32Array.from([3.5]) };
    expect(decodeTable(encodeTable(PREDICTIONS_SCHEMA, predictions), PREDICTIONS_SCHEMA, 'p')).toEqual(predictions);
  });

  it('refuses to write a column of the wrong type or length', () => {
    expect(() => encodeTable(RATINGS_SCHEMA, { user: Float32Array.from([1]), item: Int32Array.from([1]), rating: Float32Array.from([1]) })).toThrow(
      new DataError("writing ratings: ratings column 'user': expected int32, found float32"),
    );
    expect(() => encodeTable(RATINGS_SCHEMA, { user: Int32Array.from([1, 2]), item: Int32Array.from([1]), rating: Float32Array.from([1]) })).toThrow(
      "writing ratings: column 'item' has 1 rows, expected 2",
    );
  });

  it('names the file and the problem when reading a missing, truncated or mismatched artifact', () => {
    const file = join(dir, 'ok.arrow');
    writeRatings(file, { user: Int32Array.from([0]), item: Int32Array.from([0]), rating: Float32Array.from([3]) });
    const truncated = join(dir, 'truncated.arrow');
    const bytes = readFileSync(file);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(() => readTable(truncated, RATINGS_SCHEMA)).toThrow(ArtifactError);
    expect(() => readTable(truncated, RATINGS_SCHEMA)).toThrow(new RegExp(`^${truncated}: not a readable Arrow file`));
    expect(() => readTable(join(dir, 'none.arrow'), RATINGS_SCHEMA)).toThrow(`${join(dir, 'none.arrow')}: ratings artifact is missing (run the stage that writes it first)`);
    expect(() => readTable(file, PREDICTIONS_SCHEMA)).toThrow(`${file}: predictions table is missing column 'prediction' (float32)`);
  });
});
