/**
 * Micro-batching of /v1/recommend: requests that arrive within `windowMs` of the first
 * waiting one are scored together in one call of evaluate's recommendMany (the code path
 * of `deeprec recommend`), so under load the server scores blocks of users x the whole
 * catalogue as `recommend --all` does instead of one user at a time. Each request gets
 * the top max(k) of the batch cut to its own k: topK's order (score, then lower item
 * index) is total, so the first k of a longer list are exactly the top k.
 */
import { recommendMany, type Recommender, type TopK } from '@deeprec/evaluate';

export interface BatchOptions {
  /** How long the first request of a batch waits for others (0: only those already parsed in the same turn of the event loop). */
  windowMs: number;
  /** Most users per batched call; a full batch is scored at once. */
  maxBatch: number;
}

interface Waiting {
  user: number | undefined;
  k: number;
  done: (list: TopK) => void;
  fail: (error: unknown) => void;
}

/** Batch sizes seen, for /v1/models and the benchmark: how much batching happened. */
export interface BatchStats {
  batches: number;
  requests: number;
  largest: number;
}

export class RecommendBatcher {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  readonly stats: BatchStats = { batches: 0, requests: 0, largest: 0 };

  constructor(
    private readonly rec: Recommender,
    private readonly options: BatchOptions,
  ) {}

  /** The top k of one user (dense index; undefined for an unknown user: the popularity fallback). */
  recommend(user: number | undefined, k: number): Promise<TopK> {
    return new Promise<TopK>((done, fail) => {
      this.queue.push({ user, k, done, fail });
      if (this.queue.length >= this.options.maxBatch) this.flushNow();
      else this.timer ??= this.options.windowMs > 0 ? setTimeout(() => this.flush(), this.options.windowMs) : setImmediate(() => this.flush());
    });
  }

  /** Requests waiting for their batch. */
  get waiting(): number {
    return this.queue.length;
  }

  private flushNow(): void {
    this.clearTimer();
    this.flush();
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    if (this.options.windowMs > 0) clearTimeout(this.timer as NodeJS.Timeout);
    else clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.score(batch);
    }
  }

  private score(batch: Waiting[]): void {
    this.stats.batches += 1;
    this.stats.requests += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    const k = Math.max(...batch.map((w) => w.k));
    const lists: TopK[] = new Array<TopK>(batch.length);
    try {
      recommendMany(this.rec.scorer, this.rec.data, batch.map((w) => w.user), k, (j, list) => (lists[j] = list));
    } catch (error) {
      for (const w of batch) w.fail(error);
      return;
    }
    batch.forEach((w, j) => {
      const list = lists[j] as TopK;
      w.done(w.k === k ? list : { items: list.items.subarray(0, w.k), scores: list.scores.subarray(0, w.k), fallback: list.fallback });
    });
  }
}
