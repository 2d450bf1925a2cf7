/**
 * Pairwise similarities between the rows of a sparse matrix (items, for itemknn; users,
 * for userknn), pruned to each row's top k. knn.ts documents the formulas; this file
 * computes them.
 *
 * The matrix is given twice, grouped by row (entity -> features) and by feature (feature
 * -> entities), with centred values aligned to each grouping. For one row e, walking its
 * features f and then every entity e' that also has f visits exactly the pairs (e, e')
 * with something in common, so a row costs sum_{f in F(e)} |E(f)| and the whole pass
 * sum_f |E(f)|^2 (about 13 million steps for ML-100k's item similarities), with dense
 * accumulators of one row's length and never a rows x rows matrix.
 */
import { RankedRowsBuilder, type RankedRows } from './topk';
import type { Csr } from './sparse';

/** How far a similarity's norms reach: all of each vector, or only the co-rated part. */
export type NormScope = 'all' | 'common';

export interface CentredMatrix {
  /** Entities x features, e.g. items x users for itemknn. */
  readonly byRow: Csr;
  /** The same entries grouped by feature. */
  readonly byFeature: Csr;
  /** The centred value of each byRow entry. */
  readonly rowValues: Float64Array;
  /** The centred value of each byFeature entry (the same numbers, in that order). */
  readonly featureValues: Float64Array;
}

export interface PruneOptions {
  readonly norms: NormScope;
  /** s <- s n / (n + shrink), n = number of co-rated features. */
  readonly shrink: number;
  /** Neighbours kept per row. */
  readonly topK: number;
}

/** Mean stored value of each row (0 for an empty row). */
export function rowMeans(csr: Csr): Float64Array {
  const means = new Float64Array(csr.numRows);
  for (let r = 0; r < csr.numRows; r += 1) {
    const start = csr.indptr[r] as number;
    const end = csr.indptr[r + 1] as number;
    let sum = 0;
    for (let p = start; p < end; p += 1) sum += csr.values[p] as number;
    means[r] = end > start ? sum / (end - start) : 0;
  }
  return means;
}

/**
 * Each stored value minus entityShift[e] + featureShift[f], for a CSR whose rows are
 * entities (`rows: 'entities'`) or features. The shift is one sum, the same whichever way
 * the matrix is grouped, so both groupings hold bit-identical values.
 */
export function centredValues(
  csr: Csr,
  rows: 'entities' | 'features',
  entityShift: Float64Array | null,
  featureShift: Float64Array | null,
): Float64Array {
  const out = new Float64Array(csr.values.length);
  for (let r = 0; r < csr.numRows; r += 1) {
    for (let p = csr.indptr[r] as number; p < (csr.indptr[r + 1] as number); p += 1) {
      const c = csr.indices[p] as number;
      const e = rows === 'entities' ? r : c;
      const f = rows === 'entities' ? c : r;
      const shift = (entityShift === null ? 0 : (entityShift[e] as number)) + (featureShift === null ? 0 : (featureShift[f] as number));
      out[p] = (csr.values[p] as number) - shift;
    }
  }
  return out;
}

/** The similarity lists: row e keeps its topK most similar other rows (non-zero only). */
export function pruneSimilarities(matrix: CentredMatrix, options: PruneOptions): RankedRows {
  const { byRow, byFeature, rowValues, featureValues } = matrix;
  const n = byRow.numRows;
  const common = options.norms === 'common';
  const shrink = options.shrink;
  const norms = common ? new Float64Array(0) : rowNorms(byRow, rowValues);
  const dot = new Float64Array(n);
  const count = new Int32Array(n);
  const squaresHere = new Float64Array(common ? n : 0);
  const squaresThere = new Float64Array(common ? n : 0);
  const touched = new Int32Array(n);
  const weights = new Float64Array(n);
  const builder = new RankedRowsBuilder(n, n, options.topK);

  // The CSR arrays and loop bounds are read into locals once: left as `byFeature.indices[q]`
  // and `byFeature.indptr[feature + 1]` in the loop, V8 reloaded them after every store into
  // the accumulators (same arithmetic in the same order either way).
  const rowStart = byRow.indptr;
  const rowFeatures = byRow.indices;
  const featureStart = byFeature.indptr;
  const featureEntities = byFeature.indices;
  for (let e = 0; e < n; e += 1) {
    let numTouched = 0;
    const rowEnd = rowStart[e + 1] as number;
    for (let p = rowStart[e] as number; p < rowEnd; p += 1) {
      const feature = rowFeatures[p] as number;
      const a = rowValues[p] as number;
      const end = featureStart[feature + 1] as number;
      for (let q = featureStart[feature] as number; q < end; q += 1) {
        const other = featureEntities[q] as number;
        const b = featureValues[q] as number;
        if (count[other] === 0) {
          touched[numTouched] = other;
          numTouched += 1;
        }
        count[other] = (count[other] as number) + 1;
        dot[other] = (dot[other] as number) + a * b;
        if (common) {
          squaresHere[other] = (squaresHere[other] as number) + a * a;
          squaresThere[other] = (squaresThere[other] as number) + b * b;
        }
      }
    }
    for (let t = 0; t < numTouched; t += 1) {
      const other = touched[t] as number;
      const shared = count[other] as number;
      let s = 0;
      if (other !== e) {
        const denominator = common
          ? Math.sqrt((squaresHere[other] as number) * (squaresThere[other] as number))
          : (norms[e] as number) * (norms[other] as number);
        // A zero norm (all-zero centred vector) has no direction: similarity 0, not NaN.
        if (denominator > 0) s = (dot[other] as number) / denominator;
        s *= shared / (shared + shrink);
      }
      weights[t] = s;
      count[other] = 0;
      dot[other] = 0;
      if (common) {
        squaresHere[other] = 0;
        squaresThere[other] = 0;
      }
    }
    builder.addRow(touched, weights, numTouched);
  }
  return builder.finish();
}

/** Euclidean norm of each row's centred values. */
function rowNorms(csr: Csr, values: Float64Array): Float64Array {
  const norms = new Float64Array(csr.numRows);
  for (let r = 0; r < csr.numRows; r += 1) {
    let sum = 0;
    for (let p = csr.indptr[r] as number; p < (csr.indptr[r + 1] as number); p += 1) {
      const v = values[p] as number;
      sum += v * v;
    }
    norms[r] = Math.sqrt(sum);
  }
  return norms;
}
