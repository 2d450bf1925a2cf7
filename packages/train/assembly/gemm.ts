// The kernel engine's matrix products (AssemblyScript, SIMD; see kernels.ts).

/**
 * c + a * b. In the build with relaxed SIMD (kernels-fma.wasm) one fused multiply-add where
 * the CPU has it (x86 FMA3, ARM NEON): one rounding instead of two and about 1.3 times the
 * throughput; the plain build (kernels.wasm) multiplies, then adds.
 */
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
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
        s00 = madd(x0, b0, s00);
        s01 = madd(x0, b1, s01);
        s10 = madd(x1, b0, s10);
        s11 = madd(x1, b1, s11);
        s20 = madd(x2, b0, s20);
        s21 = madd(x2, b1, s21);
        s30 = madd(x3, b0, s30);
        s31 = madd(x3, b1, s31);
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
        s0 = madd(v128.load32_splat(pa0), b0, s0);
        s1 = madd(v128.load32_splat(pa1), b0, s1);
        s2 = madd(v128.load32_splat(pa2), b0, s2);
        s3 = madd(v128.load32_splat(pa3), b0, s3);
        pa0 += as4; pa1 += as4; pa2 += as4; pa3 += as4;
        pb += bs4;
      }
      if (relu) {
        s0 = f32x4.max(s0, zero); s1 = f32x4.max(s1, zero); s2 = f32x4.max(s2, zero); s3 = f32x4.max(s3, zero);
      }
      v128.store(c0 + off, s0); v128.store(c1 + off, s1); v128.store(c2 + off, s2); v128.store(c3 + off, s3);
    }
    // The last columns (a 1-wide output layer is all of it): the four rows' sums in the lanes of
    // one vector, each summed in the same order as a scalar loop would (p ascending).
    for (; col < cols; col++) {
      const off = (<usize>col) << 2;
      let s = bias ? v128.load32_splat(bias + off) : zero;
      let pa0 = a0, pa1 = a1, pa2 = a2, pa3 = a3;
      let pb = b + off;
      if (ars == 1) {
        // A^T (weight gradients): the four rows are adjacent entries of one row of A
        for (let p = 0; p < inner; p++) {
          s = madd(v128.load(pa0), v128.load32_splat(pb), s);
          pa0 += as4;
          pb += bs4;
        }
      } else {
        for (let p = 0; p < inner; p++) {
          let x = v128.load32_splat(pa0);
          x = v128.load32_lane(pa1, x, 1);
          x = v128.load32_lane(pa2, x, 2);
          x = v128.load32_lane(pa3, x, 3);
          s = madd(x, v128.load32_splat(pb), s);
          pa0 += as4; pa1 += as4; pa2 += as4; pa3 += as4;
          pb += bs4;
        }
      }
      if (relu) s = f32x4.max(s, zero);
      store<f32>(c0 + off, f32x4.extract_lane(s, 0)); store<f32>(c1 + off, f32x4.extract_lane(s, 1));
      store<f32>(c2 + off, f32x4.extract_lane(s, 2)); store<f32>(c3 + off, f32x4.extract_lane(s, 3));
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
        s0 = madd(v128.load32_splat(pa0), v128.load(pb), s0);
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

/** The peak a SIMD matmul reaches here: `repeats` products of [rows x inner] by [inner x cols] (for the bench). */
export function matmulPeak(a: usize, b: usize, c: usize, rows: i32, inner: i32, cols: i32, repeats: i32): void {
  for (let k = 0; k < repeats; k++) gemm(a, inner, 1, b, cols, c, cols, rows, inner, cols, 0, 0);
}
