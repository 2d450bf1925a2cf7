/**
 * Training negatives for implicit feedback: items a user has not interacted with,
 * drawn uniformly (He et al. 2017) or in proportion to their training popularity,
 * from per-user sorted positive lists (CSR) with rejection.
 */
import { userItems, type Ratings, type UserItems } from '@deeprec/artifacts';
import { Rng, WeightedSampler } from '@deeprec/base';
import { type TrainConfig } from '@deeprec/config';

export type NegativeSampling = TrainConfig['negatives']['sampling'];

/**
 * A user's positives fill at most this share of the draws before sampling switches
 * from rejection to an exact draw from the user's own candidate list.
 */
const REJECTION_LIMIT = 0.75;

/** Samples items a user has no interaction with in `positives` (uniformly or by popularity). */
export class NegativeSampler {
  readonly numItems: number;
  private readonly positives: UserItems;
  private readonly weights: Float64Array | null;
  private readonly sampler: WeightedSampler | null;
  private readonly totalWeight: number;
  /** Per user: exact candidates (and their cumulative weights) when rejection would be slow; null when it is fine. */
  private readonly exact = new Map<number, { items: Int32Array; cumulative: Float64Array | null }>();

  /**
   * `positives`: the interactions to avoid; `counts`: training interactions per item,
   * the weights of popularity sampling (needed then, ignored for uniform).
   */
  constructor(positives: Pick<Ratings, 'user' | 'item'>, numUsers: number, numItems: number, sampling: NegativeSampling, counts?: ArrayLike<number>) {
    this.numItems = numItems;
    this.positives = userItems(positives, numUsers);
    if (sampling === 'popularity') {
      if (!counts) throw new Error('NegativeSampler: popularity sampling needs item counts');
      this.weights = Float64Array.from(counts);
      this.sampler = new WeightedSampler(this.weights);
      this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
    } else {
      this.weights = null;
      this.sampler = null;
      this.totalWeight = numItems;
    }
  }

  /** Whether (user, item) is a positive: binary search in the user's sorted list. */
  isPositive(user: number, item: number): boolean {
    let lo = this.positives.offsets[user] as number;
    let hi = (this.positives.offsets[user + 1] as number) - 1;
    const { items } = this.positives;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = items[mid] as number;
      if (v === item) return true;
      if (v < item) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Number of items the user has no interaction with. */
  candidates(user: number): number {
    return this.numItems - ((this.positives.offsets[user + 1] as number) - (this.positives.offsets[user] as number));
  }

  /** One negative for `user`, or -1 when the user has interacted with every item. */
  sample(user: number, rng: Rng): number {
    const exact = this.exactFor(user);
    if (exact) {
      if (exact.items.length === 0) return -1;
      if (!exact.cumulative) return exact.items[rng.int(exact.items.length)] as number;
      return exact.items[searchCumulative(exact.cumulative, rng.uniform() * (exact.cumulative[exact.cumulative.length - 1] as number))] as number;
    }
    for (;;) {
      const item = this.sampler ? this.sampler.sample(rng) : rng.int(this.numItems);
      if (!this.isPositive(user, item)) return item;
    }
  }

  /** `perPositive` negatives for each user in `users`, row-major: out[j * perPositive + k]; -1 where none exists. */
  sampleFor(users: Int32Array, perPositive: number, rng: Rng): Int32Array {
    const out = new Int32Array(users.length * perPositive);
    for (let j = 0; j < users.length; j += 1) {
      const u = users[j] as number;
      for (let k = 0; k < perPositive; k += 1) out[j * perPositive + k] = this.sample(u, rng);
    }
    return out;
  }

  /**
   * The user's candidates, built once, when rejection would mostly draw positives: their
   * share of the weight is above REJECTION_LIMIT (popularity: including items of weight 0,
   * which rejection never draws; when every candidate weighs 0, uniform over them).
   */
  private exactFor(user: number): { items: Int32Array; cumulative: Float64Array | null } | null {
    const cached = this.exact.get(user);
    if (cached) return cached;
    const from = this.positives.offsets[user] as number;
    const to = this.positives.offsets[user + 1] as number;
    let positiveWeight = 0;
    for (let k = from; k < to; k += 1) positiveWeight += this.weights ? (this.weights[this.positives.items[k] as number] as number) : 1;
    const remaining = this.totalWeight - positiveWeight;
    if (remaining > (1 - REJECTION_LIMIT) * this.totalWeight) return null;
    const items: number[] = [];
    let k = from;
    for (let i = 0; i < this.numItems; i += 1) {
      if (k < to && this.positives.items[k] === i) k += 1;
      else items.push(i);
    }
    let cumulative: Float64Array | null = null;
    if (this.weights && remaining > 0) {
      cumulative = new Float64Array(items.length);
      let total = 0;
      items.forEach((i, j) => {
        total += this.weights?.[i] as number;
        (cumulative as Float64Array)[j] = total;
      });
    }
    const entry = { items: Int32Array.from(items), cumulative };
    this.exact.set(user, entry);
    return entry;
  }
}

function searchCumulative(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
