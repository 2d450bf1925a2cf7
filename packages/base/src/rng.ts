/**
 * Seeded randomness. Every random choice in deeprec draws from a stream derived
 * from the experiment seed and a label, so adding a draw in one place never shifts
 * the numbers drawn in another, and the same config and seed give the same numbers.
 */
import seedrandom from 'seedrandom';

export class Rng {
  private readonly prng: seedrandom.PRNG;
  private spareNormal: number | null = null;

  constructor(seed: number | string, ...labels: Array<string | number>) {
    this.prng = seedrandom([String(seed), ...labels.map(String)].join('/'));
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.prng.double();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng.double() * n);
  }

  /** A 31-bit integer, to seed tfjs ops (initialisers, random masks). */
  seed(): number {
    return this.prng.int32() >>> 1;
  }

  /** Standard normal draw (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.prng.double();
    const v = this.prng.double();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i -= 1) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** 0..n-1 in random order. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i += 1) out[i] = i;
    return this.shuffle(out);
  }
}

/** Samples indices from fixed weights in O(log n) per draw. */
export class WeightedSampler {
  private readonly cumulative: Float64Array;

  constructor(weights: ArrayLike<number>) {
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    for (let i = 0; i < weights.length; i += 1) {
      total += weights[i] as number;
      this.cumulative[i] = total;
    }
  }

  sample(rng: Rng): number {
    const total = this.cumulative[this.cumulative.length - 1] as number;
    const target = rng.uniform() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
