import { Rng } from '@deeprec/base';
import { RankedRowsBuilder, transposeRanked } from './topk';

/** Brute force: non-zero candidates sorted by float32 weight descending, then column. */
function expectedRow(columns: number[], weights: number[], k: number): Array<[number, number]> {
  return columns
    .map((c, at): [number, number] => [c, Math.fround(weights[at] as number)])
    .filter(([, w]) => w !== 0)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, k);
}

describe('RankedRowsBuilder', () => {
  it('keeps the k best non-zero candidates per row, best first, ties by smaller column', () => {
    const rng = new Rng(7, 'topk-test');
    const numCols = 50;
    const rows: Array<{ columns: number[]; weights: number[] }> = [];
    for (let r = 0; r < 30; r += 1) {
      const columns = Array.from(rng.permutation(numCols)).slice(0, rng.int(numCols + 1));
      // Few distinct values (many ties), negatives and zeros.
      const weights = columns.map(() => (rng.int(7) - 2) / 4);
      rows.push({ columns, weights });
    }
    for (const k of [1, 3, 10, 60]) {
      const builder = new RankedRowsBuilder(rows.length, numCols, k);
      for (const row of rows) builder.addRow(Int32Array.from(row.columns), Float64Array.from(row.weights), row.columns.length);
      const ranked = builder.finish();
      rows.forEach((row, r) => {
        const got: Array<[number, number]> = [];
        for (let p = ranked.offsets[r] as number; p < (ranked.offsets[r + 1] as number); p += 1) {
          got.push([ranked.columns[p] as number, ranked.weights[p] as number]);
        }
        expect(got).toEqual(expectedRow(row.columns, row.weights, k));
      });
    }
  });

  it('grows past its first guess of the room needed (64Ki entries)', () => {
    const numRows = 20;
    const numCols = 4000;
    const builder = new RankedRowsBuilder(numRows, numCols, numCols);
    const columns = Int32Array.from({ length: numCols }, (_, c) => c);
    for (let r = 0; r < numRows; r += 1) {
      builder.addRow(columns, Float64Array.from({ length: numCols }, (_, c) => r * numCols + c + 1), numCols);
    }
    const ranked = builder.finish();
    expect(ranked.columns.length).toBe(numRows * numCols);
    for (let r = 0; r < numRows; r += 1) {
      const first = ranked.offsets[r] as number;
      expect([ranked.columns[first], ranked.weights[first]]).toEqual([numCols - 1, (r + 1) * numCols]);
      expect([ranked.columns[first + numCols - 1], ranked.weights[first + numCols - 1]]).toEqual([0, r * numCols + 1]);
    }
  });

  it('refuses to finish before every row is in', () => {
    const builder = new RankedRowsBuilder(2, 4, 2);
    builder.addRow(Int32Array.from([1]), Float64Array.from([0.5]), 1);
    expect(() => builder.finish()).toThrow(/1 of 2 rows/);
  });
});

describe('transposeRanked', () => {
  it('lists, for each column, the rows holding it in ascending order with their weights', () => {
    const builder = new RankedRowsBuilder(3, 4, 2);
    builder.addRow(Int32Array.from([2, 3, 1]), Float64Array.from([0.5, 0.75, 0.25]), 3); // keeps 3, 2
    builder.addRow(Int32Array.from([0, 2]), Float64Array.from([1, 2]), 2); // keeps 2, 0
    builder.addRow(Int32Array.from([3]), Float64Array.from([-1]), 1);
    const byColumn = transposeRanked(builder.finish());
    expect(Array.from(byColumn.offsets)).toEqual([0, 1, 1, 3, 5]);
    expect(Array.from(byColumn.columns)).toEqual([1, 0, 1, 0, 2]);
    expect(Array.from(byColumn.weights)).toEqual([1, 0.5, 2, 0.75, -1]);
  });
});
