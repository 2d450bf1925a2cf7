/**
 * One epoch's mini-batches, streamed block by block.
 *
 * The shuffle is a block shuffle, as tf.data's bounded shuffle buffer or PyTorch's
 * chunked loaders do it, since a split on disk need not fit in memory: each epoch visits
 * the blocks (record batches of the train split, about 1M rows each) in a seeded random
 * order, and the rows of each block in a seeded random order; a mini-batch may span the
 * end of one block and the start of the next. Every row is visited exactly once per
 * epoch, and only the current block is held.
 *
 * With a single block, the order is exactly a full shuffle: permutation(1) draws no
 * random number, so the rows come in rng.permutation(n) order, as they always have for
 * data that fits in one record batch (same seed, same numbers).
 */
import type { Rng } from '@deeprec/base';

/**
 * Training examples: explicit ratings (target = rating); bce: positives (target 1) and
 * sampled negatives (target 0) together; bpr: triples (user, positive item, negative item).
 */
export interface Examples {
  user: Int32Array;
  item: Int32Array;
  target: Float32Array | null;
  negative: Int32Array | null;
}

/** The examples of one epoch in blocks; a block is read when the shuffle reaches it. */
export interface ExampleBlocks {
  count: number;
  read(block: number): Examples;
}

function allocate(size: number, like: Examples): Examples {
  return {
    user: new Int32Array(size),
    item: new Int32Array(size),
    target: like.target ? new Float32Array(size) : null,
    negative: like.negative ? new Int32Array(size) : null,
  };
}

function trim(batch: Examples, size: number): Examples {
  return {
    user: batch.user.slice(0, size),
    item: batch.item.slice(0, size),
    target: batch.target ? batch.target.slice(0, size) : null,
    negative: batch.negative ? batch.negative.slice(0, size) : null,
  };
}

/** to[at + j] = from[rows[j]] for each j. */
function copyRows<T extends Int32Array | Float32Array>(to: T, at: number, from: T, rows: Int32Array): void {
  for (let j = 0; j < rows.length; j += 1) to[at + j] = from[rows[j] as number] as number;
}

/** Mini-batches of `batchSize` examples (the last may be smaller), blocks and rows in a seeded order drawn from `rng`. */
export function* shuffledBatches(blocks: ExampleBlocks, batchSize: number, rng: Rng): Generator<Examples> {
  const blockOrder = rng.permutation(blocks.count);
  let batch: Examples | null = null;
  let filled = 0;
  for (const b of blockOrder) {
    const block = blocks.read(b);
    const n = block.user.length;
    const order = rng.permutation(n);
    for (let k = 0; k < n; ) {
      const out: Examples = batch ?? allocate(batchSize, block);
      batch = out;
      const take = Math.min(n - k, batchSize - filled);
      // one column at a time, the branches out of the per-row loop (it runs for every example of every epoch)
      const rows = order.subarray(k, k + take);
      copyRows(out.user, filled, block.user, rows);
      copyRows(out.item, filled, block.item, rows);
      if (out.target && block.target) copyRows(out.target, filled, block.target, rows);
      if (out.negative && block.negative) copyRows(out.negative, filled, block.negative, rows);
      filled += take;
      k += take;
      if (filled === batchSize) {
        yield out;
        batch = null;
        filled = 0;
      }
    }
  }
  if (batch && filled > 0) yield trim(batch, filled);
}
