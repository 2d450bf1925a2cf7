/**
 * A set of non-negative integer keys below 2^53 (user * items + item) in one Float64Array
 * with open addressing: the synthetic generator's "pair already drawn?" check. A JS Set
 * of 10M such keys takes about 0.5 GB (keys above 2^30 are boxed numbers) and cannot
 * exceed 2^24 entries; this takes 8 bytes a slot at a load of at most 3/4 (134 MB at 10M).
 */
const EMPTY = 0;

export class PairSet {
  private slots: Float64Array;
  private mask: number;
  private count = 0;

  /** `expected`: how many keys will be added (sizes the table; it grows if exceeded). */
  constructor(expected: number) {
    let capacity = 16;
    while (capacity * 0.6 < expected) capacity *= 2;
    this.slots = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds `key`; false when it was already in the set. */
  add(key: number): boolean {
    if ((this.count + 1) * 4 > this.slots.length * 3) this.grow();
    const stored = key + 1; // 0 marks an empty slot
    let at = hash(key) & this.mask;
    for (;;) {
      const found = this.slots[at] as number;
      if (found === EMPTY) {
        this.slots[at] = stored;
        this.count += 1;
        return true;
      }
      if (found === stored) return false;
      at = (at + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.mask = this.slots.length - 1;
    for (const stored of old) {
      if (stored === EMPTY) continue;
      let at = hash(stored - 1) & this.mask;
      while (this.slots[at] !== EMPTY) at = (at + 1) & this.mask;
      this.slots[at] = stored;
    }
  }
}

/** A 32-bit mix of both halves of the key (keys are often multiples of the item count: the low bits alone cluster). */
function hash(key: number): number {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296);
  let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x21f0aaad);
  h ^= h >>> 15;
  return h >>> 0;
}
