// The kernel engine's compute (AssemblyScript, compiled with SIMD to build/kernels.wasm by
// tools/build-kernels.js; not TypeScript for tsc). Every function works on pointers into
// this module's one memory, which the engine (src/kernels/) lays out: weights, Adam moments,
// activations and gradients. Pointers are byte addresses; strides and counts are in elements.
// Every sum runs in a fixed order (the inner index ascending), so reruns give the same bits.

/** Where the engine may start laying out its buffers. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/**
 * C[r, c] = init + sum_p A[r * ars + p * aps] * B[p * ldb + c] for r < rows, c < cols, with
 * init the bias row (bias != 0) or zero, then max(0, .) when relu != 0. With strides this is
 * X W (forward), A^T G (weight gradients: ars 1, aps the row length) and G W^T (through a
 * transposed copy of W). Tiles of 4 rows x 8 columns keep 8 f32x4 sums in registers.
 */
export function gemm(a: usize, ars: i32, aps: i32, b: usize, ldb: i32, c: usize, ldc: i32, rows: i32, inner: i32, cols: i32, bias: usize, relu: i32): void {
  const zero = f32x4.splat(0);
  const as4 = <usize>aps << 2;
  const bs4 = <usize>ldb << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a0 = a + ((<usize>(r * ars)) << 2);
    const a1 = a0 + ((<usize>ars) << 2);
    const a2 = a1 + ((<usize>ars) << 2);
    const a3 = a2 + ((<usize>ars) << 2);
    const c0 = c + ((<usize>(r * ldc)) << 2);
    const c1 = c0 + ((<usize>ldc) << 2);
    const c2 = c1 + ((<usize>ldc) << 2);
    const c3 = c2 + ((<usize>ldc) << 2);
    let col = 0;
    for (; col + 8 <= cols; col += 8) {
      const off = (<usize>col) << 2;
      let s00 = bias ? v128.load(bias + off) : zero;
      let s01 = bias ? v128.load(bias + off, 16) : zero;
      let s10 = s00, s11 = s01, s20 = s00, s21 = s01, s30 = s00, s31 = s01;
      let pa0 = a0, pa1 = a1, pa2 = a2, pa3 = a3;
      let pb = b + off;
      for (let p = 0; p < inner; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(pa0);
        const x1 = v128.load32_splat(pa1);
        const x2 = v128.load32_splat(pa2);
        const x3 = v128.load32_splat(pa3);
        s00 = f32x4.add(s00, f32x4.mul(x0, b0));
        s01 = f32x4.add(s01, f32x4.mul(x0, b1));
        s10 = f32x4.add(s10, f32x4.mul(x1, b0));
        s11 = f32x4.add(s11, f32x4.mul(x1, b1));
        s20 = f32x4.add(s20, f32x4.mul(x2, b0));
        s21 = f32x4.add(s21, f32x4.mul(x2, b1));
        s30 = f32x4.add(s30, f32x4.mul(x3, b0));
        s31 = f32x4.add(s31, f32x4.mul(x3, b1));
        pa0 += as4;
        pa1 += as4;
        pa2 += as4;
        pa3 += as4;
        pb += bs4;
      }
      if (relu) {
        s00 = f32x4.max(s00, zero); s01 = f32x4.max(s01, zero);
        s10 = f32x4.max(s10, zero); s11 = f32x4.max(s11, zero);
        s20 = f32x4.max(s20, zero); s21 = f32x4.max(s21, zero);
        s30 = f32x4.max(s30, zero); s31 = f32x4.max(s31, zero);
      }
      v128.store(c0 + off, s00); v128.store(c0 + off, s01, 16);
      v128.store(c1 + off, s10); v128.store(c1 + off, s11, 16);
      v128.store(c2 + off, s20); v128.store(c2 + off, s21, 16);
      v128.store(c3 + off, s30); v128.store(c3 + off, s31, 16);
    }
    for (; col + 4 <= cols; col += 4) {
      const off = (<usize>col) << 2;
      let s0 = bias ? v128.load(bias + off) : zero;
      let s1 = s0, s2 = s0, s3 = s0;
      let pa0 = a0, pa1 = a1, pa2 = a2, pa3 = a3;
      let pb = b + off;
      for (let p = 0; p < inner; p++) {
        const b0 = v128.load(pb);
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(pa0), b0));
        s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(pa1), b0));
        s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(pa2), b0));
        s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(pa3), b0));
        pa0 += as4; pa1 += as4; pa2 += as4; pa3 += as4;
        pb += bs4;
      }
      if (relu) {
        s0 = f32x4.max(s0, zero); s1 = f32x4.max(s1, zero); s2 = f32x4.max(s2, zero); s3 = f32x4.max(s3, zero);
      }
      v128.store(c0 + off, s0); v128.store(c1 + off, s1); v128.store(c2 + off, s2); v128.store(c3 + off, s3);
    }
    for (; col < cols; col++) {
      const off = (<usize>col) << 2;
      const init: f32 = bias ? load<f32>(bias + off) : 0;
      let s0 = init, s1 = init, s2 = init, s3 = init;
      let pa0 = a0, pa1 = a1, pa2 = a2, pa3 = a3;
      let pb = b + off;
      for (let p = 0; p < inner; p++) {
        const w = load<f32>(pb);
        s0 += load<f32>(pa0) * w; s1 += load<f32>(pa1) * w; s2 += load<f32>(pa2) * w; s3 += load<f32>(pa3) * w;
        pa0 += as4; pa1 += as4; pa2 += as4; pa3 += as4;
        pb += bs4;
      }
      if (relu) {
        s0 = max<f32>(s0, 0); s1 = max<f32>(s1, 0); s2 = max<f32>(s2, 0); s3 = max<f32>(s3, 0);
      }
      store<f32>(c0 + off, s0); store<f32>(c1 + off, s1); store<f32>(c2 + off, s2); store<f32>(c3 + off, s3);
    }
  }
  for (; r < rows; r++) {
    const a0 = a + ((<usize>(r * ars)) << 2);
    const c0 = c + ((<usize>(r * ldc)) << 2);
    let col = 0;
    for (; col + 4 <= cols; col += 4) {
      const off = (<usize>col) << 2;
      let s0 = bias ? v128.load(bias + off) : zero;
      let pa0 = a0;
      let pb = b + off;
      for (let p = 0; p < inner; p++) {
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(pa0), v128.load(pb)));
        pa0 += as4;
        pb += bs4;
      }
      if (relu) s0 = f32x4.max(s0, zero);
      v128.store(c0 + off, s0);
    }
    for (; col < cols; col++) {
      const off = (<usize>col) << 2;
      let s0: f32 = bias ? load<f32>(bias + off) : 0;
      let pa0 = a0;
      let pb = b + off;
      for (let p = 0; p < inner; p++) {
        s0 += load<f32>(pa0) * load<f32>(pb);
        pa0 += as4;
        pb += bs4;
      }
      if (relu) s0 = max<f32>(s0, 0);
      store<f32>(c0 + off, s0);
    }
  }
}

/** dst[c * rows + r] = src[r * cols + c]: W^T for the input gradient G W^T. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + ((<usize>(c * rows + r)) << 2), load<f32>(src + ((<usize>(r * cols + c)) << 2)));
  }
}

/** Rows ids[r] of a [* x dim] table into out[r * ldo + (0..dim)]. */
export function gather(table: usize, dim: i32, ids: usize, n: i32, out: usize, ldo: i32): void {
  const bytes = (<usize>dim) << 2;
  for (let r = 0; r < n; r++) {
    const id = load<i32>(ids + ((<usize>r) << 2));
    memory.copy(out + ((<usize>(r * ldo)) << 2), table + (<usize>id) * bytes, bytes);
  }
}

/** Copies a [rows x cols] block between two row-major buffers of row lengths lds and ldd. */
export function copyBlock(src: usize, lds: i32, dst: usize, ldd: i32, rows: i32, cols: i32): void {
  const bytes = (<usize>cols) << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + ((<usize>(r * ldd)) << 2), src + ((<usize>(r * lds)) << 2), bytes);
}

/** out[r * ldo + c] = a[r * cols + c] * b[r * cols + c]: the GMF product. */
export function rowProduct(a: usize, b: usize, rows: i32, cols: i32, out: usize, ldo: i32): void {
  for (let r = 0; r < rows; r++) {
    const base = (<usize>(r * cols)) << 2;
    const o = out + ((<usize>(r * ldo)) << 2);
    for (let c = 0; c < cols; c++) {
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
    for (let c = 0; c < cols; c++) {
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

/** Dropout mask of `size` entries: xorshift32 from `seed`, exactly fusedTower.ts's dropoutMask (0 or 1 / (1 - rate)). */
export function dropoutMask(out: usize, size: i32, rate: f64, seed: u32): void {
  const keep = <f32>(1 / (1 - rate));
  // s < rate * 2^32 (a double) exactly when s < its ceiling, for an integer s: one integer compare
  const threshold = <u64>Math.ceil(rate * 4294967296);
  let s: u32 = seed != 0 ? seed : 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    store<f32>(out + ((<usize>i) << 2), select<f32>(0, keep, <u64>s < threshold));
  }
}

/**
 * Two masks at once, each exactly as dropoutMask makes it: the two xorshift chains are
 * independent, so interleaving them lets the CPU overlap their latencies.
 */
export function dropoutMask2(outA: usize, sizeA: i32, rateA: f64, seedA: u32, outB: usize, sizeB: i32, rateB: f64, seedB: u32): void {
  const keepA = <f32>(1 / (1 - rateA));
  const keepB = <f32>(1 / (1 - rateB));
  const thresholdA = <u64>Math.ceil(rateA * 4294967296);
  const thresholdB = <u64>Math.ceil(rateB * 4294967296);
  let a: u32 = seedA != 0 ? seedA : 0x9e3779b9;
  let b: u32 = seedB != 0 ? seedB : 0x9e3779b9;
  const both = min(sizeA, sizeB);
  let i = 0;
  for (; i < both; i++) {
    a ^= a << 13;
    b ^= b << 13;
    a ^= a >> 17;
    b ^= b >> 17;
    a ^= a << 5;
    b ^= b << 5;
    store<f32>(outA + ((<usize>i) << 2), select<f32>(0, keepA, <u64>a < thresholdA));
    store<f32>(outB + ((<usize>i) << 2), select<f32>(0, keepB, <u64>b < thresholdB));
  }
  for (let j = i; j < sizeA; j++) {
    a ^= a << 13;
    a ^= a >> 17;
    a ^= a << 5;
    store<f32>(outA + ((<usize>j) << 2), select<f32>(0, keepA, <u64>a < thresholdA));
  }
  for (let j = i; j < sizeB; j++) {
    b ^= b << 13;
    b ^= b >> 17;
    b ^= b << 5;
    store<f32>(outB + ((<usize>j) << 2), select<f32>(0, keepB, <u64>b < thresholdB));
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
      memory.fill(sums + (<usize>slot) * bytes, 0, bytes);
    }
    axpyRow(sums + (<usize>slot) * bytes, grad + ((<usize>(i * ldg)) << 2), dim);
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

/** Zeroes `count` f32 entries. */
export function zero(x: usize, count: i32): void {
  memory.fill(x, 0, (<usize>count) << 2);
}

/** The peak a SIMD matmul reaches here: `repeats` products of [rows x inner] by [inner x cols] (for the bench). */
export function matmulPeak(a: usize, b: usize, c: usize, rows: i32, inner: i32, cols: i32, repeats: i32): void {
  for (let k = 0; k < repeats; k++) gemm(a, inner, 1, b, cols, c, cols, rows, inner, cols, 0, 0);
}
