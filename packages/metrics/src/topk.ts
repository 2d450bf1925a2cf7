/**
 * Top-K selection: the K highest scores of a catalogue, best first, in O(n log K)
 * with a bounded min-heap (the root is the worst of the K kept so far).
 *
 * Order (total and deterministic): a higher score ranks first; equal scores rank by
 * the lower item index first; NaN scores rank after every number (so a model that
 * emits NaN for some items still yields a well-defined list).
 */

/** Items the caller wants left out: a set of item indices, or a mask where a nonzero entry excludes that item. */
export type ItemExclusion = ReadonlySet<number> | Uint8Array;

/** True when item i (score si) ranks strictly before item j (score sj). */
export function ranksBefore(si: number, i: number, sj: number, j: number): boolean {
  const iNaN = Number.isNaN(si);
  const jNaN = Number.isNaN(sj);
  if (iNaN || jNaN) return iNaN && jNaN ? i < j : jNaN;
  return si !== sj ? si > sj : i < j;
}

export function isExcluded(exclude: ItemExclusion | undefined, item: number): boolean {
  if (exclude === undefined) return false;
  if (exclude instanceof Uint8Array) return (exclude[item] ?? 0) !== 0;
  return exclude.has(item);
}

/**
 * The indices of the k best-scored items, best first (see the order above), skipping
 * excluded items. Returns fewer than k indices when fewer items are eligible.
 */
export function topK(scores: ArrayLike<number>, k: number, exclude?: ItemExclusion): Int32Array {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`topK: k must be a non-negative integer, found ${k}`);
  const n = scores.length;
  const cap = Math.min(k, n);
  const heap = new Int32Array(cap);
  let size = 0;
  const s = (item: number): number => scores[item] as number;
  // heap order: parent is "worse" (ranks after) than its children
  const worse = (a: number, b: number): boolean => ranksBefore(s(b), b, s(a), a);

  const siftDown = (start: number): void => {
    let pos = start;
    const item = heap[pos] as number;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      if (right < size && worse(heap[right] as number, heap[left] as number)) child = right;
      const c = heap[child] as number;
      if (!worse(c, item)) break;
      heap[pos] = c;
      pos = child;
    }
    heap[pos] = item;
  };

  if (cap > 0) {
    for (let item = 0; item < n; item += 1) {
      if (isExcluded(exclude, item)) continue;
      if (size < cap) {
        // sift up
        let pos = size;
        size += 1;
        while (pos > 0) {
          const parent = (pos - 1) >> 1;
          const p = heap[parent] as number;
          if (!worse(item, p)) break;
          heap[pos] = p;
          pos = parent;
        }
        heap[pos] = item;
      } else if (ranksBefore(s(item), item, s(heap[0] as number), heap[0] as number)) {
        heap[0] = item;
        siftDown(0);
      }
    }
  }
  // Pop the worst repeatedly, filling the output from the back.
  const out = new Int32Array(size);
  for (let last = size - 1; last >= 0; last -= 1) {
    out[last] = heap[0] as number;
    size -= 1;
    if (size > 0) {
      heap[0] = heap[size] as number;
      siftDown(0);
    }
  }
  return out;
}
