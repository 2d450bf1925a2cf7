/**
 * SVD++: biased matrix factorisation with implicit feedback, trained by SGD.
 *
 * Y. Koren. Factorization Meets the Neighborhood: a Multifaceted Collaborative Filtering
 * Model. KDD 2008, pp. 426-434. DOI 10.1145/1401890.1401944 (the SVD++ model, section 4).
 * Update rules and defaults as in Surprise's SVDpp (N. Hug, "Surprise: A Python library
 * for recommender systems", JOSS 2020, DOI 10.21105/joss.02174).
 *
 * Prediction, with N(u) the items u rated in training:
 *
 *   r^_ui = mu + b_u + b_i + q_i . (p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j)
 *
 * mu is the mean training rating. For each training rating (u, i, r), in a seeded random
 * order per epoch (svdppEpochOrder), with e = r - r^_ui computed first and q_i, p_u the
 * values before this step:
 *
 *   b_u += lrBias (e - regBias b_u)            b_i += lrBias (e - regBias b_i)
 *   p_u += lrFactors (e q_i - regFactors p_u)
 *   q_i += lrFactors (e (p_u + |N(u)|^-1/2 sum_j y_j) - regFactors q_i)
 *   y_j += lrFactors (e |N(u)|^-1/2 q_i - regFactors y_j)     for every j in N(u)
 *
 * Surprise's defaults: 20 factors, 20 epochs, lr 0.007 and reg 0.02 for everything,
 * p, q, y ~ N(0, 0.1^2), biases 0, constant learning rates (Koren's paper used lr 0.007,
 * reg 0.005 for biases and 0.015 for factors on Netflix, and multiplied the learning
 * rates by 0.9 after each epoch: option lrDecay, applied before epochs 2, 3, ...). Unlike Surprise, whose epochs visit ratings user by user,
 * samples are shuffled each epoch. The y update touches |N(u)| vectors per sample, so an
 * epoch costs O(factors * sum_u |N(u)|^2): exact per-sample updates, as in the paper.
 * Training is in float64; the saved state is float32.
 *
 * After training, the effective user factor p_u + |N(u)|^-1/2 sum y_j is precomputed, so
 * scoring is a biased dot product (svdppEffectiveFactors gives it as plain biased MF).
 * As Surprise predicts mu + b_u + b_i (no dot product) for a user or item unseen in
 * training, such users get a zero effective factor and such items a zero q_i.
 * scorePairsSvdpp clips predictions to the training rating range (Surprise's default);
 * scoreSvdpp, for ranking, does not clip.
 *
 * Saved format (svdppToColumns), all Float32 row-major: `userFactors` p (numUsers x f),
 * `itemFactors` q (numItems x f), `implicitFactors` y (numItems x f),
 * `effectiveUserFactors` (numUsers x f), `userBias` (numUsers), `itemBias` (numItems);
 * meta { numUsers, numItems, factors, globalMean, ratingMin, ratingMax }.
 */
import { ConfigError, Rng } from '@deeprec/base';
import { float32Column, type SavedColumns } from './columns';
import { scoreLatent, scoreLatentPairs, type LatentFactors } from './latent';
import { buildCsr, checkInteractions, type Csr, type Interactions } from './sparse';

export interface SvdppOptions {
  readonly factors: number;
  readonly epochs: number;
  readonly lrBias: number;
  readonly lrFactors: number;
  readonly regBias: number;
  readonly regFactors: number;
  /** p, q and y start as N(0, initStddev^2). */
  readonly initStddev: number;
  /** Both learning rates are multiplied by this after each epoch (Koren 2008: 0.9; Surprise: none, 1). */
  readonly lrDecay: number;
}

export const SVDPP_DEFAULTS: SvdppOptions = {
  factors: 20,
  epochs: 20,
  lrBias: 0.007,
  lrFactors: 0.007,
  regBias: 0.02,
  regFactors: 0.02,
  initStddev: 0.1,
  lrDecay: 1,
};

export interface SvdppMeta {
  readonly numUsers: number;
  readonly numItems: number;
  readonly factors: number;
  readonly globalMean: number;
  readonly ratingMin: number;
  readonly ratingMax: number;
}

export interface FittedSvdpp {
  readonly meta: SvdppMeta;
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
  readonly implicitFactors: Float32Array;
  readonly effectiveUserFactors: Float32Array;
  readonly userBias: Float32Array;
  readonly itemBias: Float32Array;
}

/** Starting values of p, q and y, exported so tests can hand them to the reference. */
export interface SvdppInit {
  readonly userFactors: Float64Array;
  readonly itemFactors: Float64Array;
  readonly implicitFactors: Float64Array;
}

function checkOptions(o: SvdppOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(o.factors) || o.factors < 1) problems.push(`factors ${o.factors} (expected an integer >= 1)`);
  if (!Number.isInteger(o.epochs) || o.epochs < 0) problems.push(`epochs ${o.epochs} (expected an integer >= 0)`);
  if (!(o.lrDecay > 0 && o.lrDecay <= 1)) problems.push(`lrDecay ${o.lrDecay} (expected a number in (0, 1])`);
  for (const key of ['lrBias', 'lrFactors', 'regBias', 'regFactors', 'initStddev'] as const) {
    if (!(o[key] >= 0) || !Number.isFinite(o[key])) problems.push(`${key} ${o[key]} (expected a finite number >= 0)`);
  }
  if (problems.length > 0) throw new ConfigError(`svdpp: invalid options: ${problems.join('; ')}`);
}

/** p (users), then q, then y (items), row-major, from Rng(seed, 'svdpp', 'init'). */
export function svdppInitialFactors(numUsers: number, numItems: number, factors: number, initStddev: number, seed: number): SvdppInit {
  const rng = new Rng(seed, 'svdpp', 'init');
  const draw = (n: number) => Float64Array.from({ length: n }, () => rng.normal() * initStddev);
  const userFactors = draw(numUsers * factors);
  const itemFactors = draw(numItems * factors);
  const implicitFactors = draw(numItems * factors);
  return { userFactors, itemFactors, implicitFactors };
}

/** The order in which epoch `epoch` visits the input ratings (indices into the arrays). */
export function svdppEpochOrder(count: number, epoch: number, seed: number): Int32Array {
  return new Rng(seed, 'svdpp', 'order', epoch).permutation(count);
}

export function fitSvdpp(data: Interactions, options: Partial<SvdppOptions> = {}, seed = 0, init?: SvdppInit): FittedSvdpp {
  const o: SvdppOptions = { ...SVDPP_DEFAULTS, ...options };
  checkOptions(o);
  checkInteractions(data, 'svdpp');
  const { numUsers, numItems, user, item, rating } = data;
  const f = o.factors;
  const start = init ?? svdppInitialFactors(numUsers, numItems, f, o.initStddev, seed);
  if (start.userFactors.length !== numUsers * f || start.itemFactors.length !== numItems * f || start.implicitFactors.length !== numItems * f) {
    throw new ConfigError(`svdpp: expected initial factors of ${numUsers * f}, ${numItems * f} and ${numItems * f} values`);
  }
  const p = Float64Array.from(start.userFactors);
  const q = Float64Array.from(start.itemFactors);
  const y = Float64Array.from(start.implicitFactors);
  const bu = new Float64Array(numUsers);
  const bi = new Float64Array(numItems);
  const byUser = buildCsr(data, 'user');
  let sum = 0;
  let ratingMin = Infinity;
  let ratingMax = -Infinity;
  for (let k = 0; k < rating.length; k += 1) {
    const r = rating[k] as number;
    sum += r;
    ratingMin = Math.min(ratingMin, r);
    ratingMax = Math.max(ratingMax, r);
  }
  const mu = rating.length > 0 ? sum / rating.length : 0;
  const implicit = new Float64Array(f);
  const qOld = new Float64Array(f);
  const step = new Float64Array(f);

  let lrBias = o.lrBias;
  let lrFactors = o.lrFactors;
  for (let epoch = 0; epoch < o.epochs; epoch += 1) {
    if (epoch > 0) {
      lrBias *= o.lrDecay;
      lrFactors *= o.lrDecay;
    }
    const order = svdppEpochOrder(rating.length, epoch, seed);
    for (let s = 0; s < order.length; s += 1) {
      const k = order[s] as number;
      const u = user[k] as number;
      const i = item[k] as number;
      const nStart = byUser.indptr[u] as number;
      const nEnd = byUser.indptr[u + 1] as number;
      const scale = 1 / Math.sqrt(nEnd - nStart);
      implicitSum(byUser.indices, nStart, nEnd, y, f, scale, implicit);
      const pu = u * f;
      const qi = i * f;
      let dot = 0;
      for (let c = 0; c < f; c += 1) dot += (q[qi + c] as number) * ((p[pu + c] as number) + (implicit[c] as number));
      const err = (rating[k] as number) - (mu + (bu[u] as number) + (bi[i] as number) + dot);
      bu[u] = (bu[u] as number) + lrBias * (err - o.regBias * (bu[u] as number));
      bi[i] = (bi[i] as number) + lrBias * (err - o.regBias * (bi[i] as number));
      for (let c = 0; c < f; c += 1) {
        const puc = p[pu + c] as number;
        const qic = q[qi + c] as number;
        qOld[c] = qic;
        p[pu + c] = puc + lrFactors * (err * qic - o.regFactors * puc);
        q[qi + c] = qic + lrFactors * (err * (puc + (implicit[c] as number)) - o.regFactors * qic);
      }
      updateImplicit(byUser.indices, nStart, nEnd, y, f, qOld, err * scale, lrFactors, o.regFactors, step);
    }
  }
  return finish(data, byUser, o, { p, q, y, bu, bi }, { mu, ratingMin, ratingMax });
}

/**
 * out = scale * sum_{j in N(u)} y_j. Eight rows are added per pass over out, each as
 * out[c] + y_j1[c] + ... + y_j8[c] left to right: the same additions in the same order as
 * one row at a time (so the same bits), with an eighth of the loads and stores of out.
 * With the y update this loop is most of an epoch (measured 1.9 s -> 1.0 s for 2 epochs
 * on ML-100k u1.base together with updateImplicit's grouping).
 */
function implicitSum(items: Int32Array, start: number, end: number, y: Float64Array, f: number, scale: number, out: Float64Array): void {
  out.fill(0);
  let k = start;
  for (; k + 8 <= end; k += 8) {
    const y0 = (items[k] as number) * f;
    const y1 = (items[k + 1] as number) * f;
    const y2 = (items[k + 2] as number) * f;
    const y3 = (items[k + 3] as number) * f;
    const y4 = (items[k + 4] as number) * f;
    const y5 = (items[k + 5] as number) * f;
    const y6 = (items[k + 6] as number) * f;
    const y7 = (items[k + 7] as number) * f;
    for (let c = 0; c < f; c += 1) {
      out[c] =
        (out[c] as number) +
        (y[y0 + c] as number) +
        (y[y1 + c] as number) +
        (y[y2 + c] as number) +
        (y[y3 + c] as number) +
        (y[y4 + c] as number) +
        (y[y5 + c] as number) +
        (y[y6 + c] as number) +
        (y[y7 + c] as number);
    }
  }
  for (; k < end; k += 1) {
    const yj = (items[k] as number) * f;
    for (let c = 0; c < f; c += 1) out[c] = (out[c] as number) + (y[yj + c] as number);
  }
  for (let c = 0; c < f; c += 1) out[c] = (out[c] as number) * scale;
}

/**
 * y_j += lr (errScaled q_i - reg y_j) for every j in N(u), with errScaled = e |N(u)|^-1/2.
 * errScaled q_i is the same product for every j, so it is formed once into `step`; four
 * rows are updated per pass over it. That is exactly the one-row-at-a-time update because
 * a CSR row's items are distinct (buildCsr rejects a repeated pair), so no y_j is read
 * twice before its write.
 */
function updateImplicit(
  items: Int32Array,
  start: number,
  end: number,
  y: Float64Array,
  f: number,
  qOld: Float64Array,
  errScaled: number,
  lr: number,
  reg: number,
  step: Float64Array,
): void {
  for (let c = 0; c < f; c += 1) step[c] = errScaled * (qOld[c] as number);
  let k = start;
  for (; k + 4 <= end; k += 4) {
    const y0 = (items[k] as number) * f;
    const y1 = (items[k + 1] as number) * f;
    const y2 = (items[k + 2] as number) * f;
    const y3 = (items[k + 3] as number) * f;
    for (let c = 0; c < f; c += 1) {
      const g = step[c] as number;
      const v0 = y[y0 + c] as number;
      const v1 = y[y1 + c] as number;
      const v2 = y[y2 + c] as number;
      const v3 = y[y3 + c] as number;
      y[y0 + c] = v0 + lr * (g - reg * v0);
      y[y1 + c] = v1 + lr * (g - reg * v1);
      y[y2 + c] = v2 + lr * (g - reg * v2);
      y[y3 + c] = v3 + lr * (g - reg * v3);
    }
  }
  for (; k < end; k += 1) {
    const yj = (items[k] as number) * f;
    for (let c = 0; c < f; c += 1) {
      const value = y[yj + c] as number;
      y[yj + c] = value + lr * ((step[c] as number) - reg * value);
    }
  }
}

/** Float32 state with the effective user factors; users and items unseen in training get zero vectors. */
function finish(
  data: Interactions,
  byUser: Csr,
  o: SvdppOptions,
  trained: { p: Float64Array; q: Float64Array; y: Float64Array; bu: Float64Array; bi: Float64Array },
  stats: { mu: number; ratingMin: number; ratingMax: number },
): FittedSvdpp {
  const { numUsers, numItems } = data;
  const f = o.factors;
  const effective = new Float32Array(numUsers * f);
  const implicit = new Float64Array(f);
  for (let u = 0; u < numUsers; u += 1) {
    const start = byUser.indptr[u] as number;
    const end = byUser.indptr[u + 1] as number;
    if (start === end) continue;
    implicitSum(byUser.indices, start, end, trained.y, f, 1 / Math.sqrt(end - start), implicit);
    for (let c = 0; c < f; c += 1) effective[u * f + c] = (trained.p[u * f + c] as number) + (implicit[c] as number);
  }
  const itemFactors = Float32Array.from(trained.q);
  const rated = new Uint8Array(numItems);
  for (let k = 0; k < data.item.length; k += 1) rated[data.item[k] as number] = 1;
  for (let i = 0; i < numItems; i += 1) if (rated[i] === 0) itemFactors.fill(0, i * f, (i + 1) * f);
  const empty = data.rating.length === 0;
  return {
    meta: {
      numUsers,
      numItems,
      factors: f,
      globalMean: stats.mu,
      ratingMin: empty ? 0 : stats.ratingMin,
      ratingMax: empty ? 0 : stats.ratingMax,
    },
    userFactors: Float32Array.from(trained.p),
    itemFactors,
    implicitFactors: Float32Array.from(trained.y),
    effectiveUserFactors: effective,
    userBias: Float32Array.from(trained.bu),
    itemBias: Float32Array.from(trained.bi),
  };
}

/** SVD++ as an ordinary biased MF: score = globalBias + userBias + itemBias + userFactors . itemFactors. */
export function svdppEffectiveFactors(fit: FittedSvdpp): Required<LatentFactors> {
  return {
    numUsers: fit.meta.numUsers,
    numItems: fit.meta.numItems,
    dim: fit.meta.factors,
    userFactors: fit.effectiveUserFactors,
    itemFactors: fit.itemFactors,
    userBias: fit.userBias,
    itemBias: fit.itemBias,
    globalBias: fit.meta.globalMean,
  };
}

/** users.length x numItems predicted ratings (unclipped, for ranking); `history` is unused (N(u) is baked in). */
export function scoreSvdpp(fit: FittedSvdpp, _history: Csr | null, users: ArrayLike<number>, out?: Float32Array): Float32Array {
  return scoreLatent(svdppEffectiveFactors(fit), users, 'svdpp', out);
}

/** Predicted ratings of (users[k], items[k]), clipped to the training rating range. */
export function scorePairsSvdpp(fit: FittedSvdpp, _history: Csr | null, users: ArrayLike<number>, items: ArrayLike<number>): Float32Array {
  const scores = scoreLatentPairs(svdppEffectiveFactors(fit), users, items, 'svdpp');
  const { ratingMin, ratingMax } = fit.meta;
  for (let k = 0; k < scores.length; k += 1) scores[k] = Math.min(ratingMax, Math.max(ratingMin, scores[k] as number));
  return scores;
}

export function svdppToColumns(fit: FittedSvdpp): Record<string, Float32Array> {
  return {
    userFactors: fit.userFactors,
    itemFactors: fit.itemFactors,
    implicitFactors: fit.implicitFactors,
    effectiveUserFactors: fit.effectiveUserFactors,
    userBias: fit.userBias,
    itemBias: fit.itemBias,
  };
}

export function svdppFromColumns(columns: SavedColumns, meta: SvdppMeta): FittedSvdpp {
  const { numUsers, numItems, factors, globalMean, ratingMin, ratingMax } = meta;
  return {
    meta: { numUsers, numItems, factors, globalMean, ratingMin, ratingMax },
    userFactors: float32Column(columns, 'userFactors', numUsers * factors),
    itemFactors: float32Column(columns, 'itemFactors', numItems * factors),
    implicitFactors: float32Column(columns, 'implicitFactors', numItems * factors),
    effectiveUserFactors: float32Column(columns, 'effectiveUserFactors', numUsers * factors),
    userBias: float32Column(columns, 'userBias', numUsers),
    itemBias: float32Column(columns, 'itemBias', numItems),
  };
}
