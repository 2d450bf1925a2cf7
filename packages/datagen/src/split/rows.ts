/**
 * Row-index building blocks of the splitters: grouping rows by user, ordering rows by
 * time, and the holdouts (random or latest, global or per user) that every split method
 * is made of. All work on sorted Int32Array row lists and return sorted lists, so the
 * tables cut from them keep the original relative order of the rows.
 */
import type { Rng } from '@deeprec/base';

/** A holdout: the rows kept and the rows held out, each ascending. */
export interface Holdout {
  keep: Int32Array;
  held: Int32Array;
}

/** Rows grouped by user: group g holds rows[start[g] .. start[g + 1]), ascending; groups in order of first appearance. */
export interface UserGroups {
  start: Int32Array;
  rows: Int32Array;
}

/** 0..n-1. */
export function allRows(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i += 1) out[i] = i;
  return out;
}

/** Groups `rows` (ascending) by their user, users in order of first appearance (a stable counting sort). */
export function groupByUser(user: Int32Array, rows: Int32Array): UserGroups {
  const n = rows.length;
  const slot = new Int32Array(n);
  const counts: number[] = [];
  // Dense user indices (what importers and the generator give) index a table; anything else a Map.
  let min = 0;
  let max = -1;
  for (let i = 0; i < n; i += 1) {
    const u = user[rows[i] as number] as number;
    if (u < min) min = u;
    if (u > max) max = u;
  }
  if (min >= 0 && max < 4 * n + 1024) {
    const slotOf = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i += 1) {
      const u = user[rows[i] as number] as number;
      let s = slotOf[u] as number;
      if (s < 0) {
        s = counts.length;
        slotOf[u] = s;
        counts.push(0);
      }
      slot[i] = s;
      counts[s] = (counts[s] as number) + 1;
    }
  } else {
    const slotOf = new Map<number, number>();
    for (let i = 0; i < n; i += 1) {
      const u = user[rows[i] as number] as number;
      let s = slotOf.get(u);
      if (s === undefined) {
        s = counts.length;
        slotOf.set(u, s);
        counts.push(0);
      }
      slot[i] = s;
      counts[s] = (counts[s] as number) + 1;
    }
  }
  const start = new Int32Array(counts.length + 1);
  for (let g = 0; g < counts.length; g += 1) start[g + 1] = (start[g] as number) + (counts[g] as number);
  const fill = start.slice(0, counts.length);
  const grouped = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const s = slot[i] as number;
    grouped[fill[s] as number] = rows[i] as number;
    fill[s] = (fill[s] as number) + 1;
  }
  return { start, rows: grouped };
}

/**
 * Orders rows by (timestamp, row index): the later row wins a tie. Timestamps within
 * +-2^53 (every real clock) are compared as doubles, which avoids a BigInt per read.
 */
export function timeOrder(timestamp: BigInt64Array): (a: number, b: number) => number {
  const limit = 2n ** 53n;
  let safe = true;
  for (let i = 0; i < timestamp.length && safe; i += 1) {
    const t = timestamp[i] as bigint;
    safe = t < limit && t > -limit;
  }
  if (safe) {
    const key = Float64Array.from(timestamp, Number);
    return (a, b) => (key[a] as number) - (key[b] as number) || a - b;
  }
  return (a, b) => {
    const x = timestamp[a] as bigint;
    const y = timestamp[b] as bigint;
    return x < y ? -1 : x > y ? 1 : a - b;
  };
}

function sorted(rows: number[] | Int32Array): Int32Array {
  return Int32Array.from(rows).sort();
}

/** Holds out round(len * fraction) rows drawn at random (a seeded shuffle). */
export function randomHoldout(rows: Int32Array, fraction: number, rng: Rng): Holdout {
  const order = rng.shuffle(rows.slice());
  const nHeld = Math.round(order.length * fraction);
  return { held: order.slice(0, nHeld).sort(), keep: order.slice(nHeld).sort() };
}

/** Holds out the latest round(len * fraction) rows by (timestamp, row). */
export function latestHoldout(rows: Int32Array, fraction: number, byTime: (a: number, b: number) => number): Holdout {
  const order = rows.slice().sort(byTime);
  const nKeep = order.length - Math.round(order.length * fraction);
  return { keep: order.slice(0, nKeep).sort(), held: order.slice(nKeep).sort() };
}

/** How many of a user's n rows to hold out. */
export type PerUserCount = (n: number) => number;

/** round(n * fraction), but at most n - 1: a user with a single rating keeps it. */
export function fractionOfUser(fraction: number): PerUserCount {
  return (n) => (n < 2 ? 0 : Math.min(n - 1, Math.round(n * fraction)));
}

/** One rating of every user with two or more. */
export const oneOfUser: PerUserCount = (n) => (n < 2 ? 0 : 1);

/**
 * Per user, holds out count(n) of the user's n rows: random ones (a seeded shuffle per
 * user, users in order of first appearance) or, given `byTime`, the latest ones.
 */
export function perUserHoldout(
  user: Int32Array,
  rows: Int32Array,
  count: PerUserCount,
  pick: { rng: Rng } | { byTime: (a: number, b: number) => number },
): Holdout {
  const { start, rows: grouped } = groupByUser(user, rows);
  const keep: number[] = [];
  const held: number[] = [];
  for (let g = 0; g + 1 < start.length; g += 1) {
    const group = grouped.slice(start[g] as number, start[g + 1] as number);
    const nHeld = count(group.length);
    if ('rng' in pick) {
      // Shuffled even when nothing is held out, so the draws of later users do not depend on it.
      pick.rng.shuffle(group);
      for (let k = 0; k < group.length; k += 1) (k < nHeld ? held : keep).push(group[k] as number);
    } else {
      if (nHeld > 0) group.sort(pick.byTime);
      const nKeep = group.length - nHeld;
      for (let k = 0; k < group.length; k += 1) (k < nKeep ? keep : held).push(group[k] as number);
    }
  }
  return { keep: sorted(keep), held: sorted(held) };
}
