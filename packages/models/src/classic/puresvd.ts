/**
 * PureSVD: a truncated SVD of the user-item matrix, used for top-N ranking.
 *
 * P. Cremonesi, Y. Koren, R. Turrin. Performance of Recommender Algorithms on Top-N
 * Recommendation Tasks. RecSys 2010, pp. 39-46. DOI 10.1145/1864708.1864721.
 *
 * R (numUsers x numItems) holds r_ui for the training pairs and 0 elsewhere: 1 for every
 * pair with `values: 'binary'` (implicit data, or explicit data read as "rated"), the
 * rating itself with `values: 'rating'`. With R ~ U S Q^T its rank-k truncated SVD
 * (Q: numItems x k, orthonormal columns), the paper's score is the folded-in row
 *
 *   score(u) = r_u Q Q^T,     i.e. s(u, i) = q_i . (sum_{j in I_u} r_uj q_j),
 *
 * so only Q and the user's own row are needed (users unseen at fit time can be scored).
 * With ratings the scores are not rating predictions: like the paper, treat them as a
 * ranking only (no scorePairs).
 *
 * The SVD is randomized (randomizedSvd.ts, Halko et al. 2011) with a Gaussian test matrix
 * from Rng(seed, 'puresvd', 'omega'); scipy.sparse.linalg.svds is the reference. For
 * scale: ml-matrix's dense SingularValueDecomposition of ML-100k's 943 x 1682 matrix takes
 * tens of seconds here (bench/classic/README.md), the randomized one well under one.
 *
 * Saved format (puresvdToColumns): `itemFactors` Float32 numItems x k row-major (Q) and
 * `singularValues` Float32 k (descending, for inspection; scoring does not use them);
 * meta { numUsers, numItems, factors, values }.
 */
import { ConfigError, DataError, Rng } from '@deeprec/base';
import { float32Column, type SavedColumns } from './columns';
import { scoreLatent } from './latent';
import { randomizedSvd } from './randomizedSvd';
import { buildCsr, checkInteractions, type Csr, type Interactions } from './sparse';

export interface PureSvdOptions {
  /** k, the number of singular vectors kept. */
  readonly factors: number;
  /** 'binary': r_ui = 1 for every training pair; 'rating': r_ui = the rating. */
  readonly values: 'binary' | 'rating';
  /** Extra random directions beyond k (Halko et al.'s p). */
  readonly oversampling: number;
  /** Subspace (power) iterations (Halko et al.'s q). */
  readonly powerIterations: number;
}

/**
 * k = 20: best of 10-100 on ML-100k leave-one-out validation (bench/classic/tune.js,
 * HR@10 0.68 at 20-30, 0.64 at 50); the paper used 50 on its larger MovieLens data.
 * Oversampling and power iterations follow Halko et al.'s advice (p ~ k, q a few).
 */
export const PURESVD_DEFAULTS: PureSvdOptions = { factors: 20, values: 'binary', oversampling: 20, powerIterations: 4 };

export interface PureSvdMeta {
  readonly numUsers: number;
  readonly numItems: number;
  readonly factors: number;
  readonly values: 'binary' | 'rating';
}

export interface FittedPureSvd {
  readonly meta: PureSvdMeta;
  readonly itemFactors: Float32Array;
  readonly singularValues: Float32Array;
}

function checkOptions(o: PureSvdOptions, numUsers: number, numItems: number): void {
  const problems: string[] = [];
  const most = Math.min(numUsers, numItems);
  if (!Number.isInteger(o.factors) || o.factors < 1 || o.factors > most) problems.push(`factors ${o.factors} (expected an integer in 1..${most}, the smaller side of the matrix)`);
  if (o.values !== 'binary' && o.values !== 'rating') problems.push(`values ${String(o.values)} (expected 'binary' or 'rating')`);
  if (!Number.isInteger(o.oversampling) || o.oversampling < 0) problems.push(`oversampling ${o.oversampling} (expected an integer >= 0)`);
  if (!Number.isInteger(o.powerIterations) || o.powerIterations < 0) problems.push(`powerIterations ${o.powerIterations} (expected an integer >= 0)`);
  if (problems.length > 0) throw new ConfigError(`puresvd: invalid options: ${problems.join('; ')}`);
}

/** The matrix R as CSR by user and by item, with values per `values`. */
function interactionMatrix(data: Interactions, values: PureSvdOptions['values']): { byUser: Csr; byItem: Csr } {
  const weighted = values === 'binary' ? { ...data, rating: new Float32Array(data.rating.length).fill(1) } : data;
  return { byUser: buildCsr(weighted, 'user'), byItem: buildCsr(weighted, 'item') };
}

export function fitPureSvd(data: Interactions, options: Partial<PureSvdOptions> = {}, seed = 0): FittedPureSvd {
  const o: PureSvdOptions = { ...PURESVD_DEFAULTS, ...options };
  checkInteractions(data, 'puresvd');
  checkOptions(o, data.numUsers, data.numItems);
  const { byUser, byItem } = interactionMatrix(data, o.values);
  const svd = randomizedSvd(
    byUser,
    byItem,
    { rank: o.factors, oversampling: o.oversampling, powerIterations: o.powerIterations },
    new Rng(seed, 'puresvd', 'omega'),
  );
  return {
    meta: { numUsers: data.numUsers, numItems: data.numItems, factors: o.factors, values: o.values },
    itemFactors: Float32Array.from(svd.rightVectors),
    singularValues: Float32Array.from(svd.singularValues),
  };
}

/**
 * users.length x numItems scores r_u Q Q^T, row-major; `history` is the training CSR by
 * user (rows = all users), whose values are used when the model was fitted on ratings.
 */
export function scorePureSvd(fit: FittedPureSvd, history: Csr, users: ArrayLike<number>, out?: Float32Array): Float32Array {
  const { numItems, factors: k, values } = fit.meta;
  if (history.numCols !== numItems) {
    throw new DataError(`puresvd: expected a history over ${numItems} items, found one over ${history.numCols}`);
  }
  const folded = new Float32Array(users.length * k);
  const sum = new Float64Array(k);
  for (let row = 0; row < users.length; row += 1) {
    const u = users[row] as number;
    if (!Number.isInteger(u) || u < 0 || u >= history.numRows) {
      throw new DataError(`puresvd: expected user ids in [0, ${history.numRows}) of the history, found ${u}`);
    }
    sum.fill(0);
    for (let e = history.indptr[u] as number; e < (history.indptr[u + 1] as number); e += 1) {
      const weight = values === 'binary' ? 1 : (history.values[e] as number);
      const offset = (history.indices[e] as number) * k;
      for (let c = 0; c < k; c += 1) sum[c] = (sum[c] as number) + weight * (fit.itemFactors[offset + c] as number);
    }
    for (let c = 0; c < k; c += 1) folded[row * k + c] = sum[c] as number;
  }
  const batchRows = Int32Array.from({ length: users.length }, (_, row) => row);
  return scoreLatent(
    { numUsers: users.length, numItems, dim: k, userFactors: folded, itemFactors: fit.itemFactors },
    batchRows,
    'puresvd',
    out,
  );
}

export function puresvdToColumns(fit: FittedPureSvd): Record<string, Float32Array> {
  return { itemFactors: fit.itemFactors, singularValues: fit.singularValues };
}

export function puresvdFromColumns(columns: SavedColumns, meta: PureSvdMeta): FittedPureSvd {
  return {
    meta: { numUsers: meta.numUsers, numItems: meta.numItems, factors: meta.factors, values: meta.values },
    itemFactors: float32Column(columns, 'itemFactors', meta.numItems * meta.factors),
    singularValues: float32Column(columns, 'singularValues', meta.factors),
  };
}
