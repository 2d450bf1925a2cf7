/**
 * Baseline estimates b_ui = mu + b_u + b_i for the neighbourhood models' rating form.
 *
 * Y. Koren. Factor in the Neighbors: Scalable and Accurate Collaborative Filtering. ACM
 * TKDD 4(1), 2010, article 1. DOI 10.1145/1644873.1644874 (section 2.1, baseline
 * predictors). The fit is regularised least squares on
 *
 *   sum_(u,i) (r_ui - mu - b_u - b_i)^2 + regUser sum_u b_u^2 + regItem sum_i b_i^2,
 *
 * with mu the mean training rating, by alternating exact minimisation ("ALS" in Surprise's
 * baseline options, which are the conventions and defaults here): starting from b = 0,
 * each epoch sets every item bias, then every user bias, to its closed form given the other:
 *
 *   b_i = sum_{u in U_i} (r_ui - mu - b_u) / (regItem + |U_i|)
 *   b_u = sum_{i in I_u} (r_ui - mu - b_i) / (regUser + |I_u|)
 *
 * Surprise's defaults are 10 epochs, reg_i = 10, reg_u = 15 (its BaselineOnly / KNNBaseline
 * 'als' method); baselineEpochs 1 is the single items-then-users pass of Koren's section 2.1.
 */
import type { Csr } from './sparse';

export interface BaselineOptions {
  /** Alternating sweeps (items, then users). */
  readonly baselineEpochs: number;
  /** L2 weight on user biases (Surprise's reg_u). */
  readonly baselineRegUser: number;
  /** L2 weight on item biases (Surprise's reg_i). */
  readonly baselineRegItem: number;
}

export const BASELINE_DEFAULTS: BaselineOptions = { baselineEpochs: 10, baselineRegUser: 15, baselineRegItem: 10 };

export interface Baselines {
  readonly globalMean: number;
  readonly userBias: Float32Array;
  readonly itemBias: Float32Array;
}

/** Fits mu, b_u, b_i from the same ratings grouped by user and by item. */
export function fitBaselines(byUser: Csr, byItem: Csr, options: BaselineOptions): Baselines {
  const numUsers = byUser.numRows;
  const numItems = byItem.numRows;
  let total = 0;
  for (let p = 0; p < byUser.values.length; p += 1) total += byUser.values[p] as number;
  const globalMean = byUser.values.length === 0 ? 0 : total / byUser.values.length;
  const userBias = new Float64Array(numUsers);
  const itemBias = new Float64Array(numItems);
  for (let epoch = 0; epoch < options.baselineEpochs; epoch += 1) {
    solveSide(byItem, userBias, itemBias, globalMean, options.baselineRegItem);
    solveSide(byUser, itemBias, userBias, globalMean, options.baselineRegUser);
  }
  return { globalMean, userBias: Float32Array.from(userBias), itemBias: Float32Array.from(itemBias) };
}

/** Every row's bias in closed form given the other side's biases. */
function solveSide(rows: Csr, otherBias: Float64Array, bias: Float64Array, globalMean: number, reg: number): void {
  for (let r = 0; r < rows.numRows; r += 1) {
    const start = rows.indptr[r] as number;
    const end = rows.indptr[r + 1] as number;
    let deviation = 0;
    for (let p = start; p < end; p += 1) {
      deviation += (rows.values[p] as number) - globalMean - (otherBias[rows.indices[p] as number] as number);
    }
    // An empty row has nothing to fit (and would be 0/0 with reg 0): its bias stays 0.
    bias[r] = end > start ? deviation / (reg + end - start) : 0;
  }
}
