// Adam, dense and lazy (AssemblyScript, SIMD; see kernels.ts).

import { copyRow } from './rows';

/** Adam on `count` consecutive entries: m, v updated, w -= lr (m / c1) / (sqrt(v / c2) + eps), as tf.train.adam. */
@inline
function adamSpan(w: usize, g: usize, m: usize, v: usize, count: i32, lr: f32, b1: f32, b2: f32, eps: f32, c1: f32, c2: f32): void {
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), va1 = f32x4.splat(1 - b1), va2 = f32x4.splat(1 - b2);
  const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vlr = f32x4.splat(lr);
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const o = (<usize>k) << 2;
    const gv = v128.load(g + o);
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(va1, gv));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(va2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const step = f32x4.div(f32x4.mul(vlr, f32x4.div(mv, vc1)), f32x4.add(f32x4.sqrt(f32x4.div(vv, vc2)), veps));
    v128.store(w + o, f32x4.sub(v128.load(w + o), step));
  }
  for (; k < count; k++) {
    const o = (<usize>k) << 2;
    const gs = load<f32>(g + o);
    const ms = b1 * load<f32>(m + o) + (1 - b1) * gs;
    const vs = b2 * load<f32>(v + o) + (1 - b2) * gs * gs;
    store<f32>(m + o, ms);
    store<f32>(v + o, vs);
    store<f32>(w + o, load<f32>(w + o) - (lr * (ms / c1)) / (Mathf.sqrt(vs / c2) + eps));
  }
}

/** Dense Adam over `count` entries (all dense weights at once: they lie side by side, as do their gradients and moments). */
export function adamDense(w: usize, g: usize, m: usize, v: usize, count: i32, lr: f32, b1: f32, b2: f32, eps: f32, c1: f32, c2: f32): void {
  adamSpan(w, g, m, v, count, lr, b1, b2, eps, c1, c2);
}

/**
 * Lazy Adam on a table: the gradient rows of the batch (grad[i * ldg + (0..dim)] for ids[i])
 * summed per distinct id in order of first occurrence (as adam.ts's accumulateRows), then
 * Adam on those rows only. slots: one i32 per table row, all -1 (left so); rows, sums: scratch.
 */
export function lazyAdamRows(table: usize, m: usize, v: usize, dim: i32, slots: usize, ids: usize, n: i32, grad: usize, ldg: i32, rows: usize, sums: usize, lr: f32, b1: f32, b2: f32, eps: f32, c1: f32, c2: f32): void {
  const bytes = (<usize>dim) << 2;
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + ((<usize>i) << 2));
    const at = slots + ((<usize>id) << 2);
    let slot = load<i32>(at);
    if (slot < 0) {
      slot = distinct++;
      store<i32>(at, slot);
      store<i32>(rows + ((<usize>slot) << 2), id);
      // the first occurrence's row as is (0 + x = x; a -0 would become +0, which Adam's m and v cannot tell apart),
      // without memory.fill, a call into V8's runtime per row
      copyRow(sums + (<usize>slot) * bytes, grad + ((<usize>(i * ldg)) << 2), dim);
    } else {
      axpyRow(sums + (<usize>slot) * bytes, grad + ((<usize>(i * ldg)) << 2), dim);
    }
  }
  for (let s = 0; s < distinct; s++) {
    const id = load<i32>(rows + ((<usize>s) << 2));
    store<i32>(slots + ((<usize>id) << 2), -1);
    const base = (<usize>id) * bytes;
    adamSpan(table + base, sums + (<usize>s) * bytes, m + base, v + base, dim, lr, b1, b2, eps, c1, c2);
  }
}

/** full[ids[i], :] += grad[i * ldg + (0..dim)]: the dense gradient of a gather, into a zeroed table-sized buffer. */
export function scatterRows(full: usize, dim: i32, ids: usize, n: i32, grad: usize, ldg: i32): void {
  const bytes = (<usize>dim) << 2;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + ((<usize>i) << 2));
    axpyRow(full + (<usize>id) * bytes, grad + ((<usize>(i * ldg)) << 2), dim);
  }
}

@inline
function axpyRow(y: usize, x: usize, dim: i32): void {
  let c = 0;
  for (; c + 4 <= dim; c += 4) {
    const o = (<usize>c) << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), v128.load(x + o)));
  }
  for (; c < dim; c++) {
    const o = (<usize>c) << 2;
    store<f32>(y + o, load<f32>(y + o) + load<f32>(x + o));
  }
}

