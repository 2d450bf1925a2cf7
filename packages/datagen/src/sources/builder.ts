/**
 * Collects ratings as they are read: growing typed columns, raw id -> dense index maps
 * (users and items numbered 0..n-1 in order of first appearance), per-row line numbers
 * for messages, and at the end the duplicate policy, the rating scale and the
 * predefined train/test rows.
 */
import { endianness } from 'node:os';
import { DataError, type DataConfig, type Ratings } from '@deeprec/core';
import type { RawRatings } from '../types';
import { show } from './text';

type Scale = { min: number; max: number };

/** V8 keeps substrings of 13+ characters as views of their parent; a map key must not pin a whole read chunk. */
function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

export class IdIndex {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  /** Dense index of a raw id, assigning the next one on first sight. */
  intern(id: string): number {
    const known = this.index.get(id);
    if (known !== undefined) return known;
    const dense = this.ids.length;
    const own = ownString(id);
    this.index.set(own, dense);
    this.ids.push(own);
    return dense;
  }

  get(id: string): number | undefined {
    return this.index.get(id);
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

  private grow(): void {
    const size = this.user.length * 2;
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
   * Rows of the same (user, item) pair, grouped: rows ordered by user, then item, then
   * row (two stable counting sorts, O(rows + users + items), no per-pair objects).
   */
  private sortedByPair(): Int32Array {
    const n = this.n;
    const byItem = new Int32Array(n);
    const itemStart = new Int32Array(this.items.size + 1);
    for (let r = 0; r < n; r += 1) {
      const k = (this.item[r] as number) + 1;
      itemStart[k] = (itemStart[k] as number) + 1;
    }
    for (let k = 1; k < itemStart.length; k += 1) itemStart[k] = (itemStart[k] as number) + (itemStart[k - 1] as number);
    for (let r = 0; r < n; r += 1) {
      const it = this.item[r] as number;
      byItem[itemStart[it] as number] = r;
      itemStart[it] = (itemStart[it] as number) + 1;
    }
    const order = new Int32Array(n);
    const userStart = new Int32Array(this.users.size + 1);
    for (let r = 0; r < n; r += 1) {
      const k = (this.user[r] as number) + 1;
      userStart[k] = (userStart[k] as number) + 1;
    }
    for (let k = 1; k < userStart.length; k += 1) userStart[k] = (userStart[k] as number) + (userStart[k - 1] as number);
    for (let k = 0; k < n; k += 1) {
      const r = byItem[k] as number;
      const u = this.user[r] as number;
      order[userStart[u] as number] = r;
      userStart[u] = (userStart[u] as number) + 1;
    }
    return order;
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
    const order = this.sortedByPair();
    let drop: Uint8Array | undefined;
    let dropped = 0;
    let firstDup = -1;
    let firstDupOf = -1;
    let g = 0;
    while (g < n) {
      const head = order[g] as number;
      let end = g + 1;
      while (end < n && this.user[order[end] as number] === this.user[head] && this.item[order[end] as number] === this.item[head]) end += 1;
      if (end - g > 1) {
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
            let sum = 0;
            for (let k = g; k < end; k += 1) sum += this.rating[order[k] as number] as number;
            this.rating[last] = sum / (end - g);
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
