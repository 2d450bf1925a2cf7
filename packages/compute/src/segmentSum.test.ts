import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import { initBackend } from './backend';
import { unsortedSegmentSumValues } from './segmentSum';

/** Plain reference: a one-hot matrix product, out = onehot(ids)^T x. */
function reference(x: number[][], ids: number[], numSegments: number): number[][] {
  const out = Array.from({ length: numSegments }, () => new Array<number>(x[0]?.length ?? 0).fill(0));
  ids.forEach((s, i) => {
    if (s >= 0 && s < numSegments) x[i]?.forEach((v, j) => ((out[s] as number[])[j] = (out[s] as number[])[j] as number + v));
  });
  return out;
}

describe('UnsortedSegmentSum', () => {
  it('matches the reference on a hand-computed case, dropping out-of-range ids', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(Array.from(unsortedSegmentSumValues(x, [2, 0, 2, 5], 3, 2))).toEqual([3, 4, 0, 0, 1 + 5, 2 + 6]);
  });

  it.each(['wasm', 'cpu'])('is registered on %s and gives the embedding gradient the reference gives', async (backend) => {
    expect((await initBackend(backend)).name).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
    const rng = new Rng(1, 'kernel-test');
    const rows = 50;
    const dim = 7;
    const n = 300;
    const table = Array.from({ length: rows }, () => Array.from({ length: dim }, () => rng.normal()));
    const ids = Array.from({ length: n }, () => rng.int(rows));
    const upstream = Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.normal()));
    const grad = tf.tidy(() => {
      const embeddings = tf.tensor2d(table);
      const idx = tf.tensor1d(ids, 'int32');
      const dy = tf.tensor2d(upstream);
      return tf.grad((e: tf.Tensor) => tf.sum(tf.mul(tf.gather(e, idx), dy)))(embeddings).arraySync() as number[][];
    });
    const expected = reference(upstream, ids, rows);
    grad.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo((expected[i] as number[])[j] as number, 4)));
  });

  it('sums 200k rows into 50k segments', () => {
    const n = 200_000;
    const x = new Float32Array(n * 8).fill(1);
    const ids = Int32Array.from({ length: n }, (_, i) => i % 50_000);
    const out = unsortedSegmentSumValues(x, ids, 50_000, 8);
    // Every segment gets four rows of ones: every entry 4, not just the first.
    expect(out.length).toBe(400_000);
    expect(out.every((v) => v === 4)).toBe(true);
  });
});
