/**
 * RP3beta: a three-step random walk on the user-item graph, re-ranked by item popularity.
 *
 * B. Paudel, F. Christoffel, C. Newell, A. Bernstein. Updatable, Accurate, Diverse, and
 * Scalable Recommendations for Interactive Applications. ACM TiiS 7(1), 2017, article 1.
 * DOI 10.1145/2955101. Built on P^3_alpha: F. Christoffel, B. Paudel, C. Newell,
 * A. Bernstein. Blockbusters and Wallflowers: Accurate, Diverse, and Scalable
 * Recommendations with Random Walks. RecSys 2015, pp. 163-170. DOI 10.1145/2792838.2800180.
 *
 * Implicit only: every training pair is an edge, whatever its rating. With the transition
 * probabilities P_ui = 1/|I_u| (user -> item) and P_iu = 1/|U_i| (item -> user), each raised
 * elementwise to alpha, the item-item weights are
 *
 *   W[i, j] = (P_iu^alpha P_uj^alpha)[i, j] / pop(j)^beta
 *           = |U_i|^-alpha |U_j|^-beta sum_{u in U_i and U_j} |I_u|^-alpha,   W[i, i] = 0,
 *
 * pop(j) = |U_j|. Row i (a SOURCE item) keeps its topK largest weights (topk.ts order),
 * as in Dacrema et al.'s RP3betaRecommender; with `normalizeRows` the kept row is then
 * divided by its sum (their normalize_similarity; not in the paper). Scores follow the walk
 * from user u, whose first step P_ui^alpha is the same for all of u's items and so is left
 * out (ranking unchanged):
 *
 *   score(u, j) = sum_{i in I_u} W[i, j].
 *
 * Rows are computed one at a time from the CSRs (cost sum_u |I_u|^2) with a dense
 * accumulator of numItems; the numItems x numItems matrix is never formed.
 *
 * Saved format (rp3betaToColumns): `offsets` Int32 (numItems + 1), `neighbours` Int32 and
 * `weights` Float32 (source item i's targets are neighbours/weights[offsets[i] ..
 * offsets[i+1]), best first); meta: Rp3betaMeta.
 */
import { ConfigError, DataError } from '@deeprec/base';
import { checkIds, outputBuffer } from './batch';
import type { SavedColumns } from './columns';
import { buildCsr, checkInteractions, type Csr, type Interactions } from './sparse';
import { RankedRowsBuilder, rankedRowsFromColumns, type RankedRows } from './topk';

export interface Rp3betaOptions {
  /** Exponent on the transition probabilities (1: plain P^3). */
  readonly alpha: number;
  /** Popularity penalty exponent on the target item (0: none). */
  readonly beta: number;
  /** Targets kept per source item. */
  readonly topK: number;
  /** Divide each kept row by its sum. */
  readonly normalizeRows: boolean;
}

export const RP3BETA_DEFAULTS: Rp3betaOptions = { alpha: 1, beta: 0.6, topK: 100, normalizeRows: false };

export interface Rp3betaMeta extends Rp3betaOptions {
  readonly numUsers: number;
  readonly numItems: number;
}

export interface FittedRp3beta {
  readonly meta: Rp3betaMeta;
  /** Rows: source items; columns: target items. */
  readonly weights: RankedRows;
}

function checkOptions(o: Rp3betaOptions): void {
  const problems: string[] = [];
  if (!(Number.isFinite(o.alpha) && o.alpha >= 0)) problems.push(`alpha ${o.alpha} (expected a number >= 0)`);
  if (!(Number.isFinite(o.beta) && o.beta >= 0)) problems.push(`beta ${o.beta} (expected a number >= 0)`);
  if (!(Number.isInteger(o.topK) && o.topK >= 1)) problems.push(`topK ${o.topK} (expected an integer >= 1)`);
  if (typeof o.normalizeRows !== 'boolean') problems.push(`normalizeRows ${String(o.normalizeRows)} (expected true or false)`);
  if (problems.length > 0) throw new ConfigError(`rp3beta: invalid options: ${problems.join('; ')}`);
}

export function fitRp3beta(data: Interactions, options: Partial<Rp3betaOptions> = {}): FittedRp3beta {
  const o: Rp3betaOptions = { ...RP3BETA_DEFAULTS, ...options };
  checkInteractions(data, 'rp3beta');
  checkOptions(o);
  const { numUsers, numItems } = data;
  const byUser = buildCsr(data, 'user');
  const byItem = buildCsr(data, 'item');
  const userStep = new Float64Array(numUsers);
  for (let u = 0; u < numUsers; u += 1) userStep[u] = degreePower(byUser, u, -o.alpha);
  const itemStep = new Float64Array(numItems);
  const popularity = new Float64Array(numItems);
  for (let i = 0; i < numItems; i += 1) {
    itemStep[i] = degreePower(byItem, i, -o.alpha);
    popularity[i] = degreePower(byItem, i, -o.beta);
  }

  const sum = new Float64Array(numItems);
  const touched = new Int32Array(numItems);
  const isTouched = new Uint8Array(numItems);
  const candidates = new Float64Array(numItems);
  const builder = new RankedRowsBuilder(numItems, numItems, o.topK);
  // CSR arrays and loop bounds in locals: V8 otherwise reloads `byUser.indices` and
  // `byUser.indptr[u + 1]` after every store into `sum` (same sums in the same order).
  const { indptr: itemStart, indices: itemUsers } = byItem;
  const { indptr: userStart, indices: userItems } = byUser;
  for (let i = 0; i < numItems; i += 1) {
    let numTouched = 0;
    const usersEnd = itemStart[i + 1] as number;
    for (let p = itemStart[i] as number; p < usersEnd; p += 1) {
      const u = itemUsers[p] as number;
      const step = userStep[u] as number;
      const end = userStart[u + 1] as number;
      for (let q = userStart[u] as number; q < end; q += 1) {
        const j = userItems[q] as number;
        if (isTouched[j] === 0) {
          isTouched[j] = 1;
          touched[numTouched] = j;
          numTouched += 1;
        }
        sum[j] = (sum[j] as number) + step;
      }
    }
    for (let t = 0; t < numTouched; t += 1) {
      const j = touched[t] as number;
      candidates[t] = j === i ? 0 : (sum[j] as number) * (itemStep[i] as number) * (popularity[j] as number);
      sum[j] = 0;
      isTouched[j] = 0;
    }
    builder.addRow(touched, candidates, numTouched);
  }
  const weights = builder.finish();
  if (o.normalizeRows) normalizeRows(weights);
  return { meta: { numUsers, numItems, ...o }, weights };
}

/** |row|^exponent, and 0 for an empty row (it has no walk through it). */
function degreePower(csr: Csr, row: number, exponent: number): number {
  const degree = (csr.indptr[row + 1] as number) - (csr.indptr[row] as number);
  return degree > 0 ? degree ** exponent : 0;
}

/** Each row divided by the sum of its (positive) weights, in place. */
function normalizeRows(rows: RankedRows): void {
  for (let r = 0; r < rows.numRows; r += 1) {
    const start = rows.offsets[r] as number;
    const end = rows.offsets[r + 1] as number;
    let total = 0;
    for (let p = start; p < end; p += 1) total += rows.weights[p] as number;
    if (total > 0) for (let p = start; p < end; p += 1) rows.weights[p] = (rows.weights[p] as number) / total;
  }
}

/** users.length x numItems scores, row-major: score(u, j) = sum_{i in I_u} W[i, j]. */
export function scoreRp3beta(fit: FittedRp3beta, history: Csr, users: ArrayLike<number>, out?: Float32Array): Float32Array {
  const { numItems } = fit.meta;
  if (history.numCols !== numItems) throw new DataError(`rp3beta: expected a history over ${numItems} items, found one over ${history.numCols}`);
  checkIds(users, history.numRows, 'user', 'rp3beta');
  const result = outputBuffer(out, users.length * numItems, 'rp3beta');
  const { offsets, columns, weights } = fit.weights;
  const { indptr, indices } = history;
  const sum = new Float64Array(numItems);
  for (let row = 0; row < users.length; row += 1) {
    const u = users[row] as number;
    const historyEnd = indptr[u + 1] as number;
    for (let p = indptr[u] as number; p < historyEnd; p += 1) {
      const i = indices[p] as number;
      const end = offsets[i + 1] as number;
      for (let q = offsets[i] as number; q < end; q += 1) {
        const j = columns[q] as number;
        sum[j] = (sum[j] as number) + (weights[q] as number);
      }
    }
    result.set(sum, row * numItems);
    sum.fill(0);
  }
  return result;
}

export function rp3betaToColumns(fit: FittedRp3beta): Record<string, Int32Array | Float32Array> {
  return { offsets: fit.weights.offsets, neighbours: fit.weights.columns, weights: fit.weights.weights };
}

export function rp3betaFromColumns(columns: SavedColumns, meta: Rp3betaMeta): FittedRp3beta {
  return { meta: { ...meta }, weights: rankedRowsFromColumns(columns, meta.numItems, meta.numItems) };
}
