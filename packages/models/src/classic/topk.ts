/**
 * Pruned similarity lists for the neighbourhood models (itemknn, userknn, rp3beta).
 *
 * Each row keeps its `k` largest non-zero weights, ordered by weight descending; equal
 * weights are ordered by column ascending, so the kept set is unique and the NumPy
 * references keep exactly the same columns. Weights are ranked as the float32 values that
 * are stored: the saved lists are then in the order their own weights imply, and
 * mathematically equal weights (e.g. every pair with a single co-rating under co-rated
 * norms is exactly +-1) tie even when float64 rounding noise tells them apart. The order matters
 * beyond the set: the k-NN rating form walks a row's list from the most similar
 * neighbour and stops after its first few usable ones.
 */
import { ArtifactError } from '@deeprec/base';
import { float32Column, int32Column, type SavedColumns } from './columns';

/**
 * Row r's kept columns are `columns[offsets[r] .. offsets[r+1])` with `weights` alongside,
 * in the order above (not sorted by column, unlike a Csr).
 */
export interface RankedRows {
  readonly numRows: number;
  readonly numCols: number;
  readonly offsets: Int32Array;
  readonly columns: Int32Array;
  readonly weights: Float32Array;
}

const INITIAL_ROOM = 1 << 16;

/** True when (wa, a) ranks before (wb, b): larger weight first, then smaller column. */
function ranksBefore(wa: number, a: number, wb: number, b: number): boolean {
  return wa > wb || (wa === wb && a < b);
}

/**
 * Collects ranked rows one at a time: `addRow` takes a row's candidate columns and their
 * weights, drops zeros and keeps the best k. Selection is a size-k binary heap whose root
 * is the worst kept candidate, O(candidates log k) per row.
 */
export class RankedRowsBuilder {
  private readonly offsets: Int32Array;
  private columns: Int32Array;
  private weights: Float32Array;
  private rows = 0;
  private size = 0;
  private readonly heapColumns: Int32Array;
  private readonly heapWeights: Float64Array;

  constructor(
    private readonly numRows: number,
    private readonly numCols: number,
    private readonly k: number,
  ) {
    this.offsets = new Int32Array(numRows + 1);
    const kept = Math.max(0, Math.min(k, numCols));
    // numRows * k bounds the size, but rows are often shorter than k: start at most at
    // 64Ki entries and double when needed.
    const initial = Math.max(16, Math.min(numRows * kept, INITIAL_ROOM));
    this.columns = new Int32Array(initial);
    this.weights = new Float32Array(initial);
    this.heapColumns = new Int32Array(kept);
    this.heapWeights = new Float64Array(kept);
  }

  /** Adds the next row from `count` candidates (column, weight); each column at most once. */
  addRow(candidates: Int32Array, candidateWeights: Float64Array, count: number): void {
    const heapColumns = this.heapColumns;
    const heapWeights = this.heapWeights;
    const capacity = heapColumns.length;
    let heapSize = 0;
    for (let c = 0; c < count; c += 1) {
      const w = Math.fround(candidateWeights[c] as number);
      if (w === 0 || Number.isNaN(w)) continue;
      const column = candidates[c] as number;
      if (heapSize < capacity) {
        siftUp(heapColumns, heapWeights, heapSize, column, w);
        heapSize += 1;
      } else if (capacity > 0 && ranksBefore(w, column, heapWeights[0] as number, heapColumns[0] as number)) {
        siftDown(heapColumns, heapWeights, heapSize, column, w);
      }
    }
    this.ensureRoom(heapSize);
    // Popping the worst first fills the row from its end, giving best-first order.
    const start = this.size;
    for (let end = heapSize; end > 0; end -= 1) {
      this.columns[start + end - 1] = heapColumns[0] as number;
      this.weights[start + end - 1] = heapWeights[0] as number;
      const lastColumn = heapColumns[end - 1] as number;
      const lastWeight = heapWeights[end - 1] as number;
      siftDown(heapColumns, heapWeights, end - 1, lastColumn, lastWeight);
    }
    this.size += heapSize;
    this.rows += 1;
    this.offsets[this.rows] = this.size;
  }

  private ensureRoom(extra: number): void {
    if (this.size + extra <= this.columns.length) return;
    const grown = Math.max(this.size + extra, this.columns.length * 2);
    const columns = new Int32Array(grown);
    columns.set(this.columns.subarray(0, this.size));
    const weights = new Float32Array(grown);
    weights.set(this.weights.subarray(0, this.size));
    this.columns = columns;
    this.weights = weights;
  }

  /** The rows added so far; call once all numRows rows are in. */
  finish(): RankedRows {
    if (this.rows !== this.numRows) throw new Error(`RankedRowsBuilder: ${this.rows} of ${this.numRows} rows added`);
    return {
      numRows: this.numRows,
      numCols: this.numCols,
      offsets: this.offsets,
      columns: this.columns.slice(0, this.size),
      weights: this.weights.slice(0, this.size),
    };
  }
}

/** Inserts (column, w) into a heap of `size` entries whose root is the worst-ranked one. */
function siftUp(columns: Int32Array, weights: Float64Array, size: number, column: number, w: number): void {
  let at = size;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    const pw = weights[parent] as number;
    const pc = columns[parent] as number;
    // The parent must rank after (be worse than) the child; stop when it already does.
    if (!ranksBefore(pw, pc, w, column)) break;
    columns[at] = pc;
    weights[at] = pw;
    at = parent;
  }
  columns[at] = column;
  weights[at] = w;
}

/** Replaces the root of a heap of `size` entries by (column, w) and restores the order. */
function siftDown(columns: Int32Array, weights: Float64Array, size: number, column: number, w: number): void {
  let at = 0;
  for (;;) {
    let child = 2 * at + 1;
    if (child >= size) break;
    const right = child + 1;
    if (right < size && ranksBefore(weights[child] as number, columns[child] as number, weights[right] as number, columns[right] as number)) {
      child = right;
    }
    const cw = weights[child] as number;
    const cc = columns[child] as number;
    if (!ranksBefore(w, column, cw, cc)) break;
    columns[at] = cc;
    weights[at] = cw;
    at = child;
  }
  columns[at] = column;
  weights[at] = w;
}

/**
 * The same weights grouped by column: row c of the result lists the rows r whose list
 * holds c, ascending, with the weight W[r, c]. Turns "neighbours of each target" into
 * "targets each source feeds", which is what scatter-style scoring walks.
 */
export function transposeRanked(rows: RankedRows): RankedRows {
  const { numRows, numCols, offsets, columns, weights } = rows;
  const nnz = columns.length;
  const outOffsets = new Int32Array(numCols + 1);
  for (let p = 0; p < nnz; p += 1) {
    const next = (columns[p] as number) + 1;
    outOffsets[next] = (outOffsets[next] as number) + 1;
  }
  for (let c = 0; c < numCols; c += 1) outOffsets[c + 1] = (outOffsets[c + 1] as number) + (outOffsets[c] as number);
  const fill = outOffsets.slice(0, numCols);
  const outColumns = new Int32Array(nnz);
  const outWeights = new Float32Array(nnz);
  for (let r = 0; r < numRows; r += 1) {
    for (let p = offsets[r] as number; p < (offsets[r + 1] as number); p += 1) {
      const c = columns[p] as number;
      const at = fill[c] as number;
      outColumns[at] = r;
      outWeights[at] = weights[p] as number;
      fill[c] = at + 1;
    }
  }
  return { numRows: numCols, numCols: numRows, offsets: outOffsets, columns: outColumns, weights: outWeights };
}

/**
 * Ranked rows from the saved columns `offsets` (Int32, numRows + 1), `neighbours` (Int32)
 * and `weights` (Float32), checking that they describe numRows lists of ids below numCols.
 */
export function rankedRowsFromColumns(columns: SavedColumns, numRows: number, numCols: number): RankedRows {
  const offsets = int32Column(columns, 'offsets', numRows + 1);
  if (offsets[0] !== 0) throw new ArtifactError(`expected column 'offsets' to start at 0, found ${offsets[0]}`);
  for (let r = 0; r < numRows; r += 1) {
    if ((offsets[r] as number) > (offsets[r + 1] as number)) {
      throw new ArtifactError(`expected column 'offsets' never to decrease, found ${offsets[r]} then ${offsets[r + 1]} at row ${r}`);
    }
  }
  const nnz = offsets[numRows] as number;
  const neighbours = int32Column(columns, 'neighbours', nnz);
  const bad = neighbours.findIndex((c) => c < 0 || c >= numCols);
  if (bad >= 0) throw new ArtifactError(`expected column 'neighbours' to hold ids in [0, ${numCols}), found ${neighbours[bad]} at position ${bad}`);
  return { numRows, numCols, offsets, columns: neighbours, weights: float32Column(columns, 'weights', nnz) };
}
