/**
 * The faceted charts (one panel per model) never leave a bare x axis under an empty
 * cell of their grid: the rating distribution used to put 3 models on 2 columns,
 * predicted vs actual 4 models on 3, and Vega-Lite drew the shared axis of the
 * empty cell beside the last model (the "empty facet panel").
 */
import { rmSync } from 'node:fs';
import { distributionSpec, predictedVsActualSpec } from './charts';
import { facetColumns } from './charts/common';
import { loadFixture, tempRoot, writeFixture, type Fixture } from './fixture.testutil';
import type { ExperimentReportInput } from './types';

let fixture: Fixture;
let input: ExperimentReportInput;

beforeAll(() => {
  fixture = writeFixture(tempRoot(), { testRatings: 120, epochs: 3 });
  input = loadFixture(fixture);
});
afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

/** The grid facts of a faceted spec, checked at run time so a changed spec shape fails here. */
function grid(spec: unknown): { columns: number; ownXAxis: boolean } {
  const s = spec as { columns?: unknown; facet?: unknown; resolve?: { axis?: { x?: unknown } } };
  if (s.facet === undefined || typeof s.columns !== 'number') throw new Error(`expected a wrapped facet spec with numeric columns, found columns ${String(s.columns)}`);
  return { columns: s.columns, ownXAxis: s.resolve?.axis?.x === 'independent' };
}

const FACETED = { 'predicted vs actual': predictedVsActualSpec, 'rating distribution': distributionSpec } as const;

describe('facetColumns', () => {
  it('takes the most columns up to the maximum that fill every row', () => {
    const counts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(counts.map((n) => facetColumns(n, 3))).toEqual([1, 2, 3, 2, 3, 3, 3, 2, 3, 2]);
    expect(counts.map((n) => facetColumns(n, 2))).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  });
});

describe.each(Object.entries(FACETED))('%s facets', (_, specOf) => {
  it('fills every row when a column count up to 3 divides the model count (1-4 models)', () => {
    for (let n = 1; n <= 4; n += 1) {
      const { columns } = grid(specOf({ ...input, models: input.models.slice(0, n) }));
      expect({ models: n, columns, emptyCells: (columns - (n % columns)) % columns }).toEqual({ models: n, columns: n === 4 ? 2 : n, emptyCells: 0 });
    }
  });

  it('gives every panel its own x axis, so a ragged last row (5 models in rows of 3) has no axis under its empty cell', () => {
    expect(input.models).toHaveLength(5);
    expect(grid(specOf(input))).toEqual({ columns: 3, ownXAxis: true });
  });
});
