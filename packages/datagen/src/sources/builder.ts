/**
 * Collects ratings as they are read: growing typed columns, raw id -> dense index maps
 * (users and items numbered 0..n-1 in order of first appearance), per-row line numbers
 * for messages, and at the end the duplicate policy, the rating scale and the
 * predefined train/test rows.
 */
import { endianness } from 'node:os';
import { type Ratings } from '@deeprec/artifacts';
import { DataError } from '@deeprec/base';
import { type DataConfig } from '@deeprec/config';
import type { RawRatings } from '../types';
import { show } from './text';

type Scale = { min: number; max: number };

/** V8 keeps substrings of 13+ characters as views of their parent; a map key must not pin a whole read chunk. */
function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/** Ids that are canonical decimal numbers below this index a typed table directly. */
const DIRECT_LIMIT = 1 << 22;

/**
 * Raw id -> dense index. Most rating files number users and items: a canonical decimal
 * id ("196", not "0196") is looked up by its value (a typed table for small values, a
 * number-keyed map for larger ones), which skips hashing a fresh substring per row.
 * Every other id goes through a string map. The two never mix up ids: "0196" and
 * "196" stay different raw ids.
 */
export class IdIndex {
  readonly ids: string[] = [];
  private readonly byText = new Map<string, number>();
  private readonly byValue = new Map<number, number>();
  /** dense index + 1 by numeric id value; 0 = not seen. */
  private direct = new Int32Array(1024);

  /** The value of a canonical decimal id of at most 9 digits, else -1. */
  private static valueOf(id: string): number {
    const n = id.length;
    if (n === 0 || n > 9 || (n > 1 && id.charCodeAt(0) === 48)) return -1;
    let v = 0;
    for (let i = 0; i < n; i += 1) {
      const c = id.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    return v;
  }

  private add(id: string): number {
    const dense = this.ids.length;
    this.ids.push(ownString(id));
    return dense;
  }

  /** Dense index of a raw id, assigning the next one on first sight. */
  intern(id: string): number {
    const v = IdIndex.valueOf(id);
    if (v >= 0 && v < DIRECT_LIMIT) {
      if (v >= this.direct.length) {
        const bigger = new Int32Array(Math.min(DIRECT_LIMIT, Math.max(v + 1, this.direct.length * 2)));
        bigger.set(this.direct);
        this.direct = bigger;
      }
      const known = this.direct[v] as number;
      if (known !== 0) return known - 1;
      const dense = this.add(id);
      this.direct[v] = dense + 1;
      return dense;
    }
    if (v >= 0) {
      const known = this.byValue.get(v);
      if (known !== undefined) return known;
      const dense = this.add(id);
      this.byValue.set(v, dense);
      return dense;
    }
    const known = this.byText.get(id);
    if (known !== undefined) return known;
    const dense = this.add(id);
    this.byText.set(this.ids[dense] as string, dense);
    return dense;
  }

  /** Dense index of a raw id, or undefined when it was never seen. */
  get(id: string): number | undefined {
    const v = IdIndex.valueOf(id);
    if (v >= 0 && v < DIRECT_LIMIT) {
      const known = v < this.direct.length ? (this.direct[v] as number) : 0;
      return known === 0 ? undefined : known - 1;
    }
    return v >= 0 ? this.byValue.get(v) : this.byText.get(id);
  }

  get size(): number {
    return this.ids.length;
  }
}

interface FileSegment {
  file: string;
  /** First row of this file. */
  start: number;
  /** What a row position is called in messages: 'line' for text, 'row' for Arrow. */
  unit: 'line' | 'row';
  /** Whether every row of this file came with a timestamp. */
  timestamps: boolean;
}

const TWO_32 = 2 ** 32;

export class RatingsBuilder {
  readonly users = new IdIndex();
  readonly items = new IdIndex();
  private user = new Int32Array(1 << 16);
  private item = new Int32Array(1 << 16);
  private rating = new Float32Array(1 << 16);
  private timestamp = new Float64Array(1 << 16);
  private line = new Int32Array(1 << 16);
  private n = 0;
  private readonly segments: FileSegment[] = [];
  private readonly scale: Scale | undefined;

  constructor(scale?: Scale) {
    this.scale = scale;
  }

  get rows(): number {
    return this.n;
  }

  /** Starts the rows of another file; messages about them name it. */
  beginFile(file: string, unit: 'line' | 'row', timestamps: boolean): void {
    this.segments.push({ file, start: this.n, unit, timestamps });
  }

  /** Checks a rating against the configured scale; returns a message or undefined. */
  checkRating(value: number): string | undefined {
    const s = this.scale;
    if (s && (value < s.min || value > s.max)) return `expected a rating within ${s.min}-${s.max}, found ${value}`;
    return undefined;
  }

  /** Adds one rating; `timestamp` is ignored when the current file has none. */
  add(userId: string, itemId: string, rating: number, timestamp: number, line: number): void {
    if (this.n === this.user.length) this.grow();
    const i = this.n;
    this.user[i] = this.users.intern(userId);
    this.item[i] = this.items.intern(itemId);
    this.rating[i] = rating;
    this.timestamp[i] = timestamp;
    this.line[i] = line;
    this.n = i + 1;
  }

  /** Makes room for `rows` more rows at once (an estimate from the file size), so the columns need not grow by doubling. */
  reserve(rows: number): void {
    const size = this.n + rows;
    if (size > this.user.length) this.grow(size);
  }

  private grow(size = this.user.length * 2): void {
    const bigger = <T extends Int32Array | Float32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.user = bigger(this.user, (k) => new Int32Array(k));
    this.item = bigger(this.item, (k) => new Int32Array(k));
    this.rating = bigger(this.rating, (k) => new Float32Array(k));
    this.timestamp = bigger(this.timestamp, (k) => new Float64Array(k));
    this.line = bigger(this.line, (k) => new Int32Array(k));
  }

  private segmentOf(row: number): FileSegment {
    let found = this.segments[0] as FileSegment;
    for (const s of this.segments) if (s.start <= row) found = s;
    return found;
  }

  /** `file:17` (or `file: row 17` for Arrow input). */
  where(row: number): string {
    const s = this.segmentOf(row);
    const at = this.line[row] as number;
    return s.unit === 'line' ? `${s.file}:${at}` : `${s.file}: row ${at}`;
  }

  /**
   * Rows grouped by (user, item) pair: two stable counting sorts (by item, then by
   * user), O(rows + users + items) with no per-pair objects. `order` lists rows by user,
   * then item, then row; `pairItem` is the item at each position and `userEnd[u]` the
   * end of user u's positions, so the scan for repeats reads memory in sequence.
   */
  private sortedByPair(): { order: Int32Array; pairItem: Int32Array; userEnd: Int32Array } {
    const n = this.n;
    const { user, item } = this;
    const numItems = this.items.size;
    const itemStart = new Int32Array(numItems + 1);
    for (let r = 0; r < n; r += 1) {
      const k = (item[r] as number) + 1;
      itemStart[k] = (itemStart[k] as number) + 1;
    }
    for (let k = 1; k <= numItems; k += 1) itemStart[k] = (itemStart[k] as number) + (itemStart[k - 1] as number);
    const byItem = new Int32Array(n);
    const next = itemStart.slice(0, numItems);
    for (let r = 0; r < n; r += 1) {
      const it = item[r] as number;
      byItem[next[it] as number] = r;
      next[it] = (next[it] as number) + 1;
    }
    const userEnd = new Int32Array(this.users.size);
    for (let r = 0; r < n; r += 1) {
      const u = user[r] as number;
      userEnd[u] = (userEnd[u] as number) + 1;
    }
    // userEnd holds counts; turn it into each user's first position, then advance it to the end while scattering.
    let sum = 0;
    for (let u = 0; u < userEnd.length; u += 1) {
      const count = userEnd[u] as number;
      userEnd[u] = sum;
      sum += count;
    }
    const order = new Int32Array(n);
    const pairItem = new Int32Array(n);
    for (let it = 0; it < numItems; it += 1) {
      const stop = itemStart[it + 1] as number;
      for (let k = itemStart[it] as number; k < stop; k += 1) {
        const r = byItem[k] as number;
        const u = user[r] as number;
        const pos = userEnd[u] as number;
        order[pos] = r;
        pairItem[pos] = it;
        userEnd[u] = pos + 1;
      }
    }
    return { order, pairItem, userEnd };
  }

  /**
   * Applies the duplicate policy: 'error' stops at the earliest repeated pair (both
   * lines named); 'last' keeps the last rating of a pair, 'mean' their average. A merged
   * pair sits where its last rating was read, with that rating's timestamp. Returns the
   * number of rows dropped.
   */
  private mergeDuplicates(policy: DataConfig['duplicates']): number {
    const n = this.n;
    if (n < 2) return 0;
    const { order, pairItem, userEnd } = this.sortedByPair();
    let drop: Uint8Array | undefined;
    let dropped = 0;
    let firstDup = -1;
    let firstDupOf = -1;
    let g = 0;
    let u = 0;
    while (g < n) {
      while ((userEnd[u] as number) <= g) u += 1;
      const stop = userEnd[u] as number;
      const it = pairItem[g] as number;
      let end = g + 1;
      while (end < stop && pairItem[end] === it) end += 1;
      if (end - g > 1) {
        const head = order[g] as number;
        if (policy === 'error') {
          const second = order[g + 1] as number;
          if (firstDup === -1 || second < firstDup) {
            firstDup = second;
            firstDupOf = head;
          }
        } else {
          drop ??= new Uint8Array(n);
          const last = order[end - 1] as number;
          if (policy === 'mean') {
            let total = 0;
            for (let k = g; k < end; k += 1) total += this.rating[order[k] as number] as number;
            this.rating[last] = total / (end - g);
          }
          for (let k = g; k < end - 1; k += 1) drop[order[k] as number] = 1;
          dropped += end - g - 1;
        }
      }
      g = end;
    }
    if (firstDup !== -1) {
      const first = this.where(firstDupOf);
      const sameFile = this.segmentOf(firstDupOf) === this.segmentOf(firstDup);
      const firstAt = sameFile ? `line ${this.line[firstDupOf]}` : first;
      const userId = this.users.ids[this.user[firstDup] as number] as string;
      const itemId = this.items.ids[this.item[firstDup] as number] as string;
      throw new DataError(
        `${this.where(firstDup)}: duplicate rating of user ${show(userId)} for item ${show(itemId)} (first at ${firstAt}); ` +
          `expected each (user, item) pair once, or data.duplicates: last or mean`,
      );
    }
    if (drop) this.compact(drop);
    return dropped;
  }

  /** Removes dropped rows in place, keeping order; moves file segment starts with them. */
  private compact(drop: Uint8Array): void {
    const starts = this.segments.map((s) => s.start);
    let w = 0;
    let seg = 0;
    for (let r = 0; r < this.n; r += 1) {
      while (seg < starts.length && starts[seg] === r) {
        (this.segments[seg] as FileSegment).start = w;
        seg += 1;
      }
      if (drop[r]) continue;
      this.user[w] = this.user[r] as number;
      this.item[w] = this.item[r] as number;
      this.rating[w] = this.rating[r] as number;
      this.timestamp[w] = this.timestamp[r] as number;
      this.line[w] = this.line[r] as number;
      w += 1;
    }
    for (; seg < starts.length; seg += 1) (this.segments[seg] as FileSegment).start = w;
    this.n = w;
  }

  /** Timestamps (whole numbers below 2^53) into int64 without a BigInt per row. */
  private timestampColumn(): BigInt64Array {
    const n = this.n;
    const out = new BigInt64Array(n);
    if (endianness() !== 'LE') {
      for (let i = 0; i < n; i += 1) out[i] = BigInt(this.timestamp[i] as number);
      return out;
    }
    const words = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i += 1) {
      const t = this.timestamp[i] as number;
      const high = Math.floor(t / TWO_32);
      words[2 * i] = t - high * TWO_32;
      words[2 * i + 1] = high;
    }
    return out;
  }

  /**
   * The imported ratings. With two or more files (predefined train and test), the rows
   * of the first are the training rows and the rest the test rows.
   */
  finish(policy: DataConfig['duplicates']): RawRatings {
    const rows = this.n;
    const duplicates = this.mergeDuplicates(policy);
    const n = this.n;
    const ratings: Ratings = {
      user: this.user.slice(0, n),
      item: this.item.slice(0, n),
      rating: this.rating.slice(0, n),
    };
    if (this.segments.length > 0 && this.segments.every((s) => s.timestamps)) ratings.timestamp = this.timestampColumn();
    let scale = this.scale;
    if (!scale) {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < n; i += 1) {
        const r = ratings.rating[i] as number;
        if (r < min) min = r;
        if (r > max) max = r;
      }
      scale = { min, max };
    }
    const raw: RawRatings = {
      ratings,
      userIds: this.users.ids,
      itemIds: this.items.ids,
      scale: { min: scale.min, max: scale.max },
      stats: { rows, duplicates },
    };
    if (this.segments.length > 1) {
      const testStart = (this.segments[1] as FileSegment).start;
      raw.predefined = {
        train: Int32Array.from({ length: testStart }, (_, i) => i),
        test: Int32Array.from({ length: n - testStart }, (_, i) => testStart + i),
      };
    }
    // Free the growing columns.
    this.user = this.item = this.line = new Int32Array(0);
    this.rating = new Float32Array(0);
    this.timestamp = new Float64Array(0);
    return raw;
  }
}
