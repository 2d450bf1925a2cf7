// Row lookups, element-wise products, dropout, ReLU gradients and losses (AssemblyScript, SIMD; see kernels.ts).

/**
 * Copies `count` f32 entries from src to dst (non-overlapping), 16 bytes at a time. For the
 * short rows of a batch this beats memory.copy, which V8 runs as a call into its runtime
 * (about 200 ns a row: 256 rows took 55 us a gather).
 */
@inline
export function copyRow(dst: usize, src: usize, count: i32): void {
  let c = 0;
  for (; c + 8 <= count; c += 8) {
    const o = (<usize>c) << 2;
    v128.store(dst + o, v128.load(src + o));
    v128.store(dst + o, v128.load(src + o, 16), 16);
  }
  for (; c + 4 <= count; c += 4) {
    const o = (<usize>c) << 2;
    v128.store(dst + o, v128.load(src + o));
  }
  for (; c < count; c++) {
    const o = (<usize>c) << 2;
    store<f32>(dst + o, load<f32>(src + o));
  }
}

/** Rows ids[r] of a [* x dim] table into out[r * ldo + (0..dim)]. */
export function gather(table: usize, dim: i32, ids: usize, n: i32, out: usize, ldo: i32): void {
  const bytes = (<usize>dim) << 2;
  for (let r = 0; r < n; r++) {
    const id = load<i32>(ids + ((<usize>r) << 2));
    copyRow(out + ((<usize>(r * ldo)) << 2), table + (<usize>id) * bytes, dim);
  }
}

/** Copies a [rows x cols] block between two row-major buffers of row lengths lds and ldd. */
export function copyBlock(src: usize, lds: i32, dst: usize, ldd: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) copyRow(dst + ((<usize>(r * ldd)) << 2), src + ((<usize>(r * lds)) << 2), cols);
}

/** out[r * ldo + c] = a[r * cols + c] * b[r * cols + c]: the GMF product. */
export function rowProduct(a: usize, b: usize, rows: i32, cols: i32, out: usize, ldo: i32): void {
  for (let r = 0; r < rows; r++) {
    const base = (<usize>(r * cols)) << 2;
    const o = out + ((<usize>(r * ldo)) << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const k = (<usize>c) << 2;
      v128.store(o + k, f32x4.mul(v128.load(a + base + k), v128.load(b + base + k)));
    }
    for (; c < cols; c++) {
      const k = (<usize>c) << 2;
      store<f32>(o + k, load<f32>(a + base + k) * load<f32>(b + base + k));
    }
  }
}

/** da = g * b, db = g * a for the product above, g read at g[r * ldg + c]. */
export function rowProductGrad(g: usize, ldg: i32, a: usize, b: usize, rows: i32, cols: i32, da: usize, db: usize): void {
  for (let r = 0; r < rows; r++) {
    const base = (<usize>(r * cols)) << 2;
    const gr = g + ((<usize>(r * ldg)) << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const k = (<usize>c) << 2;
      const gv = v128.load(gr + k);
      v128.store(da + base + k, f32x4.mul(gv, v128.load(b + base + k)));
      v128.store(db + base + k, f32x4.mul(gv, v128.load(a + base + k)));
    }
    for (; c < cols; c++) {
      const k = (<usize>c) << 2;
      const gv = load<f32>(gr + k);
      store<f32>(da + base + k, gv * load<f32>(b + base + k));
      store<f32>(db + base + k, gv * load<f32>(a + base + k));
    }
  }
}

/** out[r] = sum_c a[r, c] b[r, c]: the MF dot product. */
export function rowDot(a: usize, b: usize, rows: i32, cols: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const base = (<usize>(r * cols)) << 2;
    let s: f32 = 0;
    for (let c = 0; c < cols; c++) {
      const k = (<usize>c) << 2;
      s += load<f32>(a + base + k) * load<f32>(b + base + k);
    }
    store<f32>(out + ((<usize>r) << 2), s);
  }
}

/** da[r, c] = g[r] b[r, c], db[r, c] = g[r] a[r, c]: the gradient of rowDot. */
export function rowDotGrad(g: usize, a: usize, b: usize, rows: i32, cols: i32, da: usize, db: usize): void {
  for (let r = 0; r < rows; r++) {
    const base = (<usize>(r * cols)) << 2;
    const gv = f32x4.splat(load<f32>(g + ((<usize>r) << 2)));
    const gs = load<f32>(g + ((<usize>r) << 2));
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const k = base + ((<usize>c) << 2);
      v128.store(da + k, f32x4.mul(gv, v128.load(b + k)));
      v128.store(db + k, f32x4.mul(gv, v128.load(a + k)));
    }
    for (; c < cols; c++) {
      const k = base + ((<usize>c) << 2);
      store<f32>(da + k, gs * load<f32>(b + k));
      store<f32>(db + k, gs * load<f32>(a + k));
    }
  }
}

/** out = x * mask, elementwise over `count` entries. */
export function multiply(x: usize, mask: usize, count: i32, out: usize): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const o = (<usize>k) << 2;
    v128.store(out + o, f32x4.mul(v128.load(x + o), v128.load(mask + o)));
  }
  for (; k < count; k++) {
    const o = (<usize>k) << 2;
    store<f32>(out + o, load<f32>(x + o) * load<f32>(mask + o));
  }
}

/** The ReLU layer's gradient: dz = (g * mask) * step(z) (mask 0: none), as fusedTower.ts's backward. */
export function reluGrad(g: usize, z: usize, mask: usize, count: i32, out: usize): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const o = (<usize>k) << 2;
    let gv = v128.load(g + o);
    if (mask) gv = f32x4.mul(gv, v128.load(mask + o));
    const stepv = v128.and(f32x4.gt(v128.load(z + o), zero), one);
    v128.store(out + o, f32x4.mul(gv, stepv));
  }
  for (; k < count; k++) {
    const o = (<usize>k) << 2;
    let gs = load<f32>(g + o);
    if (mask) gs *= load<f32>(mask + o);
    store<f32>(out + o, gs * (load<f32>(z + o) > 0 ? <f32>1 : <f32>0));
  }
}

/** out[c] = sum_r x[r, c]: a bias gradient. */
export function columnSums(x: usize, rows: i32, cols: i32, out: usize): void {
  memory.fill(out, 0, (<usize>cols) << 2);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>(r * cols)) << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = (<usize>c) << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(row + o)));
    }
    for (; c < cols; c++) {
      const o = (<usize>c) << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(row + o));
    }
  }
}

/** y += alpha x over `count` entries (L2 gradients). */
export function axpy(y: usize, x: usize, count: i32, alpha: f32): void {
  const av = f32x4.splat(alpha);
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const o = (<usize>k) << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(av, v128.load(x + o))));
  }
  for (; k < count; k++) {
    const o = (<usize>k) << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/** sum of x^2 over `count` entries, in f64 (the L2 penalty's value). */
export function sumSquares(x: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < count; k++) {
    const v = <f64>load<f32>(x + ((<usize>k) << 2));
    s += v * v;
  }
  return s;
}

/** Mean squared error of pred against target; grad = (pred - target) * (2 / n), as mse.ts. */
export function mseLoss(pred: usize, target: usize, n: i32, grad: usize): f64 {
  const scale = <f32>(2 / <f64>n);
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = (<usize>i) << 2;
    const d = load<f32>(pred + o) - load<f32>(target + o);
    s += <f64>(d * d);
    store<f32>(grad + o, d * scale);
  }
  return s / n;
}

/** Sigmoid cross-entropy on logits, mean over n; grad = (sigmoid(x) - z) / n. */
export function bceLoss(logit: usize, target: usize, n: i32, grad: usize): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = (<usize>i) << 2;
    const x = <f64>load<f32>(logit + o);
    const z = <f64>load<f32>(target + o);
    s += Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
    const sig = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    store<f32>(grad + o, <f32>((sig - z) / n));
  }
  return s / n;
}

/** Zeroes `count` f32 entries. */
export function zero(x: usize, count: i32): void {
  memory.fill(x, 0, (<usize>count) << 2);
}

