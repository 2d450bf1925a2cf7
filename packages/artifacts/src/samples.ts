/** eval/<model>/samples.arrow (SAMPLES_SCHEMA): sample users' top-K lists, as typed columns. */
import { column, readTable, writeTable } from './arrow';
import { SAMPLES_SCHEMA } from './catalogue';

/** One row per (sample user, rank). */
export interface SampleLists {
  user: Int32Array;
  /** The user's place in the seeded draw (0 first). */
  draw: Int32Array;
  /** 1-based. */
  rank: Int32Array;
  item: Int32Array;
  /** The network's raw score (NaN when it gave none). */
  score: Float32Array;
}

export function writeSampleLists(file: string, lists: SampleLists): void {
  writeTable(file, SAMPLES_SCHEMA, { ...lists });
}

export function readSampleLists(file: string): SampleLists {
  const columns = readTable(file, SAMPLES_SCHEMA);
  return {
    user: column(columns, 'user', Int32Array, file),
    draw: column(columns, 'draw', Int32Array, file),
    rank: column(columns, 'rank', Int32Array, file),
    item: column(columns, 'item', Int32Array, file),
    score: column(columns, 'score', Float32Array, file),
  };
}
