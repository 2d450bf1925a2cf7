import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import { initBackend } from './backend';

/** Runs `f` on cpu (tfjs's reference kernels) and on wasm (ours), returning both results. */
async function onBoth(f: () => tf.Tensor): Promise<[number[], number[]]> {
  await initBackend('cpu');
  const reference = Array.from(tf.tidy(f).dataSync());
  await initBackend('wasm');
  const fast = Array.from(tf.tidy(f).dataSync());
  return [reference, fast];
}

function matrix(rng: Rng, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
}

describe('fast wasm kernels', () => {
  const rng = new Rng(3, 'wasm-kernels');
  const a = matrix(rng, 37, 19);
  const b = matrix(rng, 37, 23);
  const c = matrix(rng, 23, 19);
  const d = matrix(rng, 19, 7);

  it.each([
    ['A^T B (37x19, 37x23)', a, b, true, false],
    ['A C^T (37x19, 23x19)', a, c, false, true],
    ['plain A D (37x19, 19x7)', a, d, false, false],
  ])('BatchMatMul %s matches tfjs cpu within 1e-4', async (_label, x, y, transposeA, transposeB) => {
    const [reference, fast] = await onBoth(() => tf.matMul(tf.tensor2d(x), tf.tensor2d(y), transposeA, transposeB));
    expect(fast.length).toBe(reference.length);
    fast.forEach((v, i) => expect(v).toBeCloseTo(reference[i] as number, 4));
  });

  it('BatchMatMul with batch dimensions and a transposed operand matches', async () => {
    const x = Array.from({ length: 3 }, () => matrix(rng, 5, 4));
    const y = Array.from({ length: 3 }, () => matrix(rng, 5, 6));
    const [reference, fast] = await onBoth(() => tf.matMul(tf.tensor3d(x), tf.tensor3d(y), true, false));
    fast.forEach((v, i) => expect(v).toBeCloseTo(reference[i] as number, 4));
  });

  it('GatherV2 of rows (an embedding lookup, [batch, 1] indices) matches, and so does its gradient', async () => {
    const table = matrix(rng, 11, 3);
    const ids = [[4], [0], [10], [4]];
    const [reference, fast] = await onBoth(() => tf.gather(tf.tensor2d(table), tf.tensor2d(ids, [4, 1], 'int32')));
    expect(fast).toEqual(reference);
    const [gReference, gFast] = await onBoth(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([1, 1, 5], 'int32'))))(tf.tensor2d(table)));
    expect(gFast).toEqual(gReference);
  });

  it('GatherV2 whose output grows the wasm heap reads the table, not a detached view', async () => {
    await initBackend('wasm');
    // 8192 rows of 2048 floats (64 MiB): more than the heap holds, so makeOutput grows it mid-kernel.
    const [rows, width, n] = [10, 2048, 8192];
    const table = Float32Array.from({ length: rows * width }, () => rng.normal());
    const ids = Int32Array.from({ length: n }, (_, k) => (k * 7) % rows);
    const out = tf.tidy(() => tf.gather(tf.tensor2d(table, [rows, width]), tf.tensor2d(ids, [n, 1], 'int32')).dataSync());
    for (const k of [0, 1, 4095, n - 1]) {
      const row = ids[k] as number;
      expect(Array.from(out.subarray(k * width, k * width + 5))).toEqual(Array.from(table.subarray(row * width, row * width + 5)));
    }
  });

  it('Concat of matrices along the last axis matches, and so does its gradient (SplitV, ours)', async () => {
    const parts = [matrix(rng, 6, 3), matrix(rng, 6, 1), matrix(rng, 6, 4)];
    const [reference, fast] = await onBoth(() => tf.concat(parts.map((p) => tf.tensor2d(p)), 1));
    expect(fast).toEqual(reference);
    expect(fast.slice(0, 8)).toEqual([...(parts[0]![0] as number[]), ...(parts[1]![0] as number[]), ...(parts[2]![0] as number[])].map(Math.fround));
    const weights = tf.tensor2d(matrix(rng, 6, 8));
    const grads = () => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(tf.concat([a, b, c], 1), weights)));
      return tf.concat(g(parts.map((p) => tf.tensor2d(p))).map((t) => t.flatten()));
    };
    const [gReference, gFast] = await onBoth(grads);
    expect(gFast).toEqual(gReference);
    const [axis0Reference, axis0Fast] = await onBoth(() => tf.concat([tf.tensor2d(parts[0]!), tf.tensor2d(parts[0]!)], 0));
    expect(axis0Fast).toEqual(axis0Reference);
  });

  it('SplitV into given widths matches; equal splits and other axes still work', async () => {
    const x = matrix(rng, 5, 7);
    const [reference, fast] = await onBoth(() => tf.concat(tf.split(tf.tensor2d(x), [2, 4, 1], 1).map((t) => t.flatten())));
    expect(fast).toEqual(reference);
    const y = matrix(rng, 4, 6);
    const [equalReference, equalFast] = await onBoth(() => tf.concat(tf.split(tf.tensor2d(y), 3, 1).map((t) => t.flatten())));
    expect(equalFast).toEqual(equalReference);
    const [rowsReference, rowsFast] = await onBoth(() => tf.concat(tf.split(tf.tensor2d(x), [2, 3], 0).map((t) => t.flatten())));
    expect(rowsFast).toEqual(rowsReference);
  });

  it('Sum over the rows of a matrix gives the bits of the original wasm kernel (which transposes first)', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d(matrix(rng, 300, 13));
    const ours = Array.from(tf.sum(x, 0).dataSync());
    expect(tf.sum(x, 0, true).shape).toEqual([1, 13]);
    // The same reduction through a transpose and a sum over the last axis: the original kernel's path.
    const viaTranspose = Array.from(tf.sum(tf.transpose(x), 1).dataSync());
    expect(ours).toEqual(viaTranspose);
    const [reference, fast] = await onBoth(() => tf.sum(tf.tensor2d([[1, 2], [3, 4], [5, 6.5]]), 0));
    expect(fast).toEqual(reference);
    expect(fast).toEqual([9, 12.5]);
  });

  it('GatherV2 still rejects an out-of-range index', async () => {
    await initBackend('wasm');
    expect(() => tf.gather(tf.tensor2d([[1], [2]]), tf.tensor1d([2], 'int32')).dataSync()).toThrow();
  });
});
