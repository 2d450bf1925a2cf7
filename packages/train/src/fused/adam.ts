/**
 * Adam updates as plain loops over Float32Arrays, applied in place: dense (every entry,
 * the same arithmetic as tf.train.adam) and lazy (only the embedding rows in the batch).
 *
 * Lazy Adam (as TensorFlow's LazyAdamOptimizer): the moments and weights of a row are
 * updated only in steps whose batch contains that row; rows not in the batch keep their
 * moments instead of decaying them. The bias correction uses the global step count.
 * It differs from dense Adam only for rows absent from a batch, and makes a step cost
 * O(batch x dim) instead of O(rows x dim).
 */

export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface Moments {
  m: Float32Array;
  v: Float32Array;
}

export function newMoments(size: number): Moments {
  return { m: new Float32Array(size), v: new Float32Array(size) };
}

/** Step size and moment corrections of step t (1-based), as tfjs computes them. */
function corrections(h: AdamHyper, t: number): { c1: number; c2: number } {
  return { c1: 1 - h.beta1 ** t, c2: 1 - h.beta2 ** t };
}

/** w, m, v updated in place for entries [0, n). */
export function adamDense(w: Float32Array, g: ArrayLike<number>, s: Moments, h: AdamHyper, t: number): void {
  const { c1, c2 } = corrections(h, t);
  const { m, v } = s;
  const b1 = h.beta1;
  const b2 = h.beta2;
  for (let k = 0; k < w.length; k += 1) {
    const gk = g[k] as number;
    const mk = b1 * (m[k] as number) + (1 - b1) * gk;
    const vk = b2 * (v[k] as number) + (1 - b2) * gk * gk;
    m[k] = mk;
    v[k] = vk;
    w[k] = (w[k] as number) - (h.learningRate * (mk / c1)) / (Math.sqrt(vk / c2) + h.epsilon);
  }
}

/**
 * Sums the gradient rows of repeated ids: returns the distinct rows and their summed
 * gradients (a user twice in a batch gets one update with both contributions, as the
 * dense gradient of a gather would). `slots` is scratch space indexed by id, all -1
 * (left all -1 on return): the fused step keeps one per table, so no Map is built per step.
 */
export function accumulateRows(
  ids: ArrayLike<number>,
  grad: ArrayLike<number>,
  dim: number,
  slots: Int32Array = new Int32Array(maxId(ids) + 1).fill(-1),
): { rows: Int32Array; grads: Float32Array } {
  const order = new Int32Array(ids.length);
  let distinct = 0;
  for (let i = 0; i < ids.length; i += 1) {
    const id = ids[i] as number;
    let slot = slots[id] as number;
    if (slot < 0) {
      slot = distinct;
      slots[id] = slot;
      distinct += 1;
    }
    order[i] = slot;
  }
  const rows = new Int32Array(distinct);
  const grads = new Float32Array(distinct * dim);
  for (let i = 0; i < ids.length; i += 1) {
    const id = ids[i] as number;
    const slot = order[i] as number;
    rows[slot] = id;
    slots[id] = -1;
    const base = slot * dim;
    const from = i * dim;
    for (let j = 0; j < dim; j += 1) grads[base + j] = (grads[base + j] as number) + (grad[from + j] as number);
  }
  return { rows, grads };
}

function maxId(ids: ArrayLike<number>): number {
  let max = -1;
  for (let i = 0; i < ids.length; i += 1) max = Math.max(max, ids[i] as number);
  return max;
}

/** Lazy Adam: updates only `rows` of a [rows x dim] table, with their summed gradients. */
export function adamRows(w: Float32Array, rows: Int32Array, grads: Float32Array, dim: number, s: Moments, h: AdamHyper, t: number): void {
  const { c1, c2 } = corrections(h, t);
  const { m, v } = s;
  const b1 = h.beta1;
  const b2 = h.beta2;
  // Exactly adamDense's arithmetic (same rounding), so lazy and dense agree bit for bit on a row.
  const rate = h.learningRate;
  const eps = h.epsilon;
  for (let r = 0; r < rows.length; r += 1) {
    const base = (rows[r] as number) * dim;
    const from = r * dim;
    for (let j = 0; j < dim; j += 1) {
      const k = base + j;
      const gk = grads[from + j] as number;
      const mk = b1 * (m[k] as number) + (1 - b1) * gk;
      const vk = b2 * (v[k] as number) + (1 - b2) * gk * gk;
      m[k] = mk;
      v[k] = vk;
      w[k] = (w[k] as number) - (rate * (mk / c1)) / (Math.sqrt(vk / c2) + eps);
    }
  }
}
