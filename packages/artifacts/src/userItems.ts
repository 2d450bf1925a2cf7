/** Each user's distinct items as one sorted CSR table, for negative sampling and ranking. */
import type { Ratings } from './ratings';

/** Each user's distinct items, sorted: the items of user u are items[offsets[u], offsets[u + 1]). */
export interface UserItems {
  offsets: Int32Array;
  items: Int32Array;
}

export function userItems(r: Pick<Ratings, 'user' | 'item'>, numUsers: number): UserItems {
  const counts = new Int32Array(numUsers + 1);
  for (const u of r.user) counts[u + 1] = (counts[u + 1] as number) + 1;
  for (let u = 0; u < numUsers; u += 1) counts[u + 1] = (counts[u + 1] as number) + (counts[u] as number);
  const fill = counts.slice(0, numUsers);
  const raw = new Int32Array(r.user.length);
  for (let j = 0; j < r.user.length; j += 1) {
    const u = r.user[j] as number;
    raw[fill[u] as number] = r.item[j] as number;
    fill[u] = (fill[u] as number) + 1;
  }
  const offsets = new Int32Array(numUsers + 1);
  let out = 0;
  for (let u = 0; u < numUsers; u += 1) {
    const slice = raw.subarray(counts[u] as number, counts[u + 1] as number).sort();
    offsets[u] = out;
    for (let k = 0; k < slice.length; k += 1) if (k === 0 || slice[k] !== slice[k - 1]) raw[out++] = slice[k] as number;
  }
  offsets[numUsers] = out;
  return { offsets, items: raw.slice(0, out) };
}
