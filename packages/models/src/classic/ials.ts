/**
 * iALS: implicit alternating least squares.
 *
 * Y. Hu, Y. Koren, C. Volinsky. Collaborative Filtering for Implicit Feedback Datasets.
 * ICDM 2008, pp. 263-272. DOI 10.1109/ICDM.2008.22.
 * S. Rendle, W. Krichene, L. Zhang, Y. Koren. Revisiting the Performance of iALS on Item
 * Recommendation Benchmarks. RecSys 2022, pp. 427-435. DOI 10.1145/3523227.3548486.
 * G. Takács, I. Pilászy, D. Tikk. Applications of the Conjugate Gradient Method for
 * Implicit Feedback Collaborative Filtering. RecSys 2011, pp. 297-300.
 * DOI 10.1145/2043932.2043987.
 *
 * Loss (Rendle et al. 2022, section 2: the "unobserved weight" formulation, not Hu's
 * c_ui = 1 + alpha r_ui), with S the observed (user, item) pairs, W user and H item
 * factors:
 *
 *   L = sum_{(u,i) in S} (w_u . h_i - 1)^2 + alpha0 sum_{u} sum_{i} (w_u . h_i)^2
 *       + lambda sum_u (|I_u| + alpha0 |I|)^nu ||w_u||^2
 *       + lambda sum_i (|U_i| + alpha0 |U|)^nu ||h_i||^2.
 *
 * Every listed pair is an observed positive whatever its rating (implicit only). For
 * binary data this is Hu et al.'s loss divided by (1 + alpha) with alpha0 = 1 / (1 + alpha),
 * except that here observed pairs also carry the alpha0 (w.h)^2 term. nu = 0 gives plain
 * L2; nu = 1 the frequency-scaled regularisation Rendle et al. recommend.
 *
 * An epoch solves every user row with H fixed, then every item row with W fixed (see
 * alsRow.ts for the row system and the two solvers). A row with no observations gets the
 * zero vector, its exact minimiser. Factors start as N(0, initStddev^2 / dim), drawn
 * user-major then item-major from Rng(seed, 'ials', 'init').
 *
 * Score: s(u, i) = w_u . h_i; the user's history is not needed.
 *
 * Saved format (ialsToColumns): `userFactors` Float32 numUsers x dim and `itemFactors`
 * Float32 numItems x dim, both row-major; meta { numUsers, numItems, dim }.
 */
import { ConfigError, Rng } from '@deeprec/base';
import { gramian, rowWorkspace, solveRowCg, solveRowCholesky, type RowProblem } from './alsRow';
import { float32Column, type SavedColumns } from './columns';
import { scoreLatent } from './latent';
import { buildCsr, checkInteractions, type Csr, type Interactions } from './sparse';

export interface IalsOptions {
  /** Latent dimension. */
  readonly dim: number;
  /** Full epochs (a user sweep then an item sweep). */
  readonly epochs: number;
  /** alpha0: weight of the squared score on every (user, item) pair. */
  readonly unobservedWeight: number;
  /** lambda. */
  readonly regularization: number;
  /** nu in lambda (|I_u| + alpha0 |I|)^nu; 0 = plain L2, 1 = frequency-scaled. */
  readonly regularizationExponent: number;
  /** Initial factors ~ N(0, (initStddev / sqrt(dim))^2). */
  readonly initStddev: number;
  /** 'cholesky' solves each row exactly; 'cg' runs cgSteps conjugate-gradient steps. */
  readonly solver: 'cholesky' | 'cg';
  readonly cgSteps: number;
}

/**
 * Starting values: 16 epochs, init stddev 0.1 and frequency-scaled L2 (nu = 1) as in
 * Rendle et al. 2022; dim, alpha0 and lambda from a validation check on ML-100k
 * leave-one-out (bench/classic/tune.js: HR@10 0.67-0.69 over alpha0 0.03-1, lambda
 * 0.003-0.03, dim 32-128; best near alpha0 0.3, lambda 0.01).
 */
export const IALS_DEFAULTS: IalsOptions = {
  dim: 64,
  epochs: 16,
  unobservedWeight: 0.3,
  regularization: 0.01,
  regularizationExponent: 1,
  initStddev: 0.1,
  solver: 'cholesky',
  cgSteps: 3,
};

export interface IalsMeta {
  readonly numUsers: number;
  readonly numItems: number;
  readonly dim: number;
}

export interface FittedIals {
  readonly meta: IalsMeta;
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
}

function checkOptions(o: IalsOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(o.dim) || o.dim < 1 || o.dim > 1024) problems.push(`dim ${o.dim} (expected an integer in 1..1024)`);
  if (!Number.isInteger(o.epochs) || o.epochs < 0) problems.push(`epochs ${o.epochs} (expected an integer >= 0)`);
  if (!(o.unobservedWeight >= 0)) problems.push(`unobservedWeight ${o.unobservedWeight} (expected >= 0)`);
  if (!(o.regularization >= 0)) problems.push(`regularization ${o.regularization} (expected >= 0)`);
  if (!(o.regularizationExponent >= 0)) problems.push(`regularizationExponent ${o.regularizationExponent} (expected >= 0)`);
  if (!(o.initStddev >= 0)) problems.push(`initStddev ${o.initStddev} (expected >= 0)`);
  if (o.solver !== 'cholesky' && o.solver !== 'cg') problems.push(`solver ${String(o.solver)} (expected 'cholesky' or 'cg')`);
  if (!Number.isInteger(o.cgSteps) || o.cgSteps < 1) problems.push(`cgSteps ${o.cgSteps} (expected an integer >= 1)`);
  if (problems.length > 0) throw new ConfigError(`ials: invalid options: ${problems.join('; ')}`);
}

/** The seeded starting point, exported so tests can hand the same factors to the reference. */
export function ialsInitialFactors(numUsers: number, numItems: number, dim: number, initStddev: number, seed: number): {
  userFactors: Float32Array;
  itemFactors: Float32Array;
} {
  const rng = new Rng(seed, 'ials', 'init');
  const scale = initStddev / Math.sqrt(dim);
  const userFactors = new Float32Array(numUsers * dim);
  const itemFactors = new Float32Array(numItems * dim);
  for (let k = 0; k < userFactors.length; k += 1) userFactors[k] = rng.normal() * scale;
  for (let k = 0; k < itemFactors.length; k += 1) itemFactors[k] = rng.normal() * scale;
  return { userFactors, itemFactors };
}

export function fitIals(
  data: Interactions,
  options: Partial<IalsOptions> = {},
  seed = 0,
  initial?: { userFactors: Float32Array; itemFactors: Float32Array },
): FittedIals {
  const o: IalsOptions = { ...IALS_DEFAULTS, ...options };
  checkOptions(o);
  checkInteractions(data, 'ials');
  const { numUsers, numItems } = data;
  const { dim } = o;
  const start = initial ?? ialsInitialFactors(numUsers, numItems, dim, o.initStddev, seed);
  if (start.userFactors.length !== numUsers * dim || start.itemFactors.length !== numItems * dim) {
    throw new ConfigError(
      `ials: expected initial factors of ${numUsers * dim} and ${numItems * dim} values, found ${start.userFactors.length} and ${start.itemFactors.length}`,
    );
  }
  const userFactors = Float32Array.from(start.userFactors);
  const itemFactors = Float32Array.from(start.itemFactors);
  const byUser = buildCsr(data, 'user');
  const byItem = buildCsr(data, 'item');
  for (let epoch = 0; epoch < o.epochs; epoch += 1) {
    sweep(byUser, itemFactors, userFactors, o);
    sweep(byItem, userFactors, itemFactors, o);
  }
  return { meta: { numUsers, numItems, dim }, userFactors, itemFactors };
}

/** Re-solves every row of `solved` (rows of `csr`) with `fixed` (columns of `csr`) held. */
function sweep(csr: Csr, fixed: Float32Array, solved: Float32Array, o: IalsOptions): void {
  const { dim } = o;
  const scaledGramian = gramian(fixed, csr.numCols, dim);
  for (let k = 0; k < scaledGramian.length; k += 1) scaledGramian[k] = (scaledGramian[k] as number) * o.unobservedWeight;
  const work = rowWorkspace(dim);
  for (let row = 0; row < csr.numRows; row += 1) {
    const start = csr.indptr[row] as number;
    const end = csr.indptr[row + 1] as number;
    if (start === end) {
      solved.fill(0, row * dim, (row + 1) * dim);
      continue;
    }
    const frequency = end - start + o.unobservedWeight * csr.numCols;
    const lambda = o.regularization * Math.pow(frequency, o.regularizationExponent);
    const problem: RowProblem = { fixed, scaledGramian, columns: csr.indices, start, end, lambda };
    if (o.solver === 'cholesky') solveRowCholesky(problem, work, solved, row * dim);
    else solveRowCg(problem, work, solved, row * dim, o.cgSteps);
  }
}

/** users.length x numItems scores w_u . h_i (row-major); `history` is unused by iALS. */
export function scoreIals(fit: FittedIals, _history: Csr | null, users: ArrayLike<number>, out?: Float32Array): Float32Array {
  return scoreLatent({ ...fit.meta, userFactors: fit.userFactors, itemFactors: fit.itemFactors }, users, 'ials', out);
}

export function ialsToColumns(fit: FittedIals): Record<string, Float32Array> {
  return { userFactors: fit.userFactors, itemFactors: fit.itemFactors };
}

export function ialsFromColumns(columns: SavedColumns, meta: IalsMeta): FittedIals {
  const userFactors = float32Column(columns, 'userFactors', meta.numUsers * meta.dim);
  const itemFactors = float32Column(columns, 'itemFactors', meta.numItems * meta.dim);
  return { meta: { numUsers: meta.numUsers, numItems: meta.numItems, dim: meta.dim }, userFactors, itemFactors };
}
