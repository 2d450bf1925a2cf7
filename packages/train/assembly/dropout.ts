// Dropout masks (AssemblyScript, SIMD; see kernels.ts): exactly fusedTower.ts's masks, made
// eight entries at a time.
//
// fusedTower.ts draws a mask from one xorshift32 chain (Marsaglia 2003): entry i is dropped
// when the chain's (i + 1)-th state is below rate * 2^32. A single chain is a serial
// dependency of six operations per entry, the slowest call of the step. But xorshift is
// linear over GF(2): the state after n steps is M^n times the seed for a 32 x 32 bit matrix
// M. So the mask is cut into eight segments, the state at the start of each found by
// applying M^seg (from the stored powers M^(2^k)), and the eight chains run side by side in
// two i32x4 vectors. The states, and so the masks, are the single chain's, bit for bit.

const SEED_WHEN_ZERO: u32 = 0x9e3779b9;

/** powers[k * 32 + b] = column b of M^(2^k) (a u32 each): 32 matrices, 4 KB. */
const powers = memory.data(32 * 32 * 4, 16);
let powersReady = false;

@inline
function step(s: u32): u32 {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}

/** The matrix at `matrix` (32 u32 columns) times the bit vector x. */
function apply(matrix: usize, x: u32): u32 {
  let r: u32 = 0;
  for (let b = 0; b < 32; b++) r ^= load<u32>(matrix + ((<usize>b) << 2)) & (0 - ((x >> b) & 1));
  return r;
}

function preparePowers(): void {
  for (let b = 0; b < 32; b++) store<u32>(powers + ((<usize>b) << 2), step(<u32>1 << b));
  for (let k = 1; k < 32; k++) {
    const previous = powers + ((<usize>(k - 1)) << 7);
    const next = powers + ((<usize>k) << 7);
    for (let b = 0; b < 32; b++) store<u32>(next + ((<usize>b) << 2), apply(previous, load<u32>(previous + ((<usize>b) << 2))));
  }
  powersReady = true;
}

/** The state n xorshift steps after s. */
function jump(s: u32, n: u32): u32 {
  for (let k = 0; n != 0; k++, n >>= 1) if (n & 1) s = apply(powers + ((<usize>k) << 7), s);
  return s;
}

/** Dropout mask of `size` entries: xorshift32 from `seed`, exactly fusedTower.ts's dropoutMask (0 or 1 / (1 - rate)). */
export function dropoutMask(out: usize, size: i32, rate: f64, seed: u32): void {
  const keep = <f32>(1 / (1 - rate));
  // s < rate * 2^32 (a double) exactly when s < its ceiling, for an integer s: one integer compare
  const threshold = <u64>Math.ceil(rate * 4294967296);
  let s: u32 = seed != 0 ? seed : SEED_WHEN_ZERO;
  let i = 0;
  if (size >= 256 && threshold <= 0xffffffff) {
    if (!powersReady) preparePowers();
    const seg = size >> 3;
    // lane j of (a, b) = j, 4 + j: the chain's state just before entry (lane * seg)
    let a = i32x4.splat(0);
    let b = i32x4.splat(0);
    let x = s;
    a = i32x4.replace_lane(a, 0, x); x = jump(x, seg);
    a = i32x4.replace_lane(a, 1, x); x = jump(x, seg);
    a = i32x4.replace_lane(a, 2, x); x = jump(x, seg);
    a = i32x4.replace_lane(a, 3, x); x = jump(x, seg);
    b = i32x4.replace_lane(b, 0, x); x = jump(x, seg);
    b = i32x4.replace_lane(b, 1, x); x = jump(x, seg);
    b = i32x4.replace_lane(b, 2, x); x = jump(x, seg);
    b = i32x4.replace_lane(b, 3, x); x = jump(x, seg);
    s = x; // the state before entry 8 * seg, where the single chain goes on
    const limit = i32x4.splat(<i32>(<u32>threshold));
    const kept = f32x4.splat(keep);
    const stride = (<usize>seg) << 2;
    let p = out;
    for (let t = 0; t < seg; t++) {
      a = v128.xor(a, i32x4.shl(a, 13));
      b = v128.xor(b, i32x4.shl(b, 13));
      a = v128.xor(a, i32x4.shr_u(a, 17));
      b = v128.xor(b, i32x4.shr_u(b, 17));
      a = v128.xor(a, i32x4.shl(a, 5));
      b = v128.xor(b, i32x4.shl(b, 5));
      // kept where the state is not below the threshold (unsigned): keep, else 0
      const ma = v128.andnot(kept, i32x4.lt_u(a, limit));
      const mb = v128.andnot(kept, i32x4.lt_u(b, limit));
      store<f32>(p, f32x4.extract_lane(ma, 0));
      store<f32>(p + stride, f32x4.extract_lane(ma, 1));
      store<f32>(p + 2 * stride, f32x4.extract_lane(ma, 2));
      store<f32>(p + 3 * stride, f32x4.extract_lane(ma, 3));
      store<f32>(p + 4 * stride, f32x4.extract_lane(mb, 0));
      store<f32>(p + 5 * stride, f32x4.extract_lane(mb, 1));
      store<f32>(p + 6 * stride, f32x4.extract_lane(mb, 2));
      store<f32>(p + 7 * stride, f32x4.extract_lane(mb, 3));
      p += 4;
    }
    i = seg << 3;
  }
  for (; i < size; i++) {
    s = step(s);
    store<f32>(out + ((<usize>i) << 2), select<f32>(0, keep, <u64>s < threshold));
  }
}
