/**
 * A reference for the fused Adam step (step.ts, adam.ts), sharing nothing with the code
 * under test: Adam as plain loops over Float64Arrays, and helpers to run the fused step
 * and read weights. reference.test.ts (MF, gradients by hand) and dropout.test.ts (NCF,
 * gradients by tf.grads over plain ops, with the dropout masks reproduced) use it.
 *
 * Adam as deeprec's fused engine defines it:
 * - t is the global step count: 1 in the first step, +1 every step, whichever rows the
 *   batch holds. Bias corrections use it for every row: c1 = 1 - beta1^t, c2 = 1 - beta2^t.
 * - m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;
 *   w -= lr (m / c1) / (sqrt(v / c2) + epsilon)   (epsilon outside the root, as tfjs).
 * - Dense weights: every entry, every step (ordinary Adam).
 * - Embedding tables, lazy: only the rows whose id is in the batch; a row that occurs
 *   several times, or in several lookups of one step, gets one update with its gradients
 *   summed; every other row keeps its weights and both moments (no decay while absent),
 *   as TensorFlow's LazyAdamOptimizer.
 * - Embedding tables, not lazy: every row, every step, as a dense weight.
 */
import * as tf from '@tensorflow/tfjs';
import { loadConfigSource, resolveConfig, type ResolvedModelConfig } from '@deeprec/config';
import type { EmbedOverride, RecModel } from '@deeprec/models';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FusedAdamStep } from './step';

export const LR = 0.01;
export const BETA1 = 0.9;
export const BETA2 = 0.999;
export const EPSILON = 1e-7;
export const hyper = { learningRate: LR, beta1: BETA1, beta2: BETA2, epsilon: EPSILON };
/** Float32 training against a Float64 reference: about 1e-7 apart per step; 1e-5 leaves room and still catches a wrong step (about 1e-3). */
export const TOLERANCE = 1e-5;

export interface Batch {
  users: number[];
  items: number[];
  ratings: number[];
}

export function modelConfig(section: string): ResolvedModelConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-reference-')), 'c.yaml');
  writeFileSync(file, `name: t\nmodels:\n  m: ${section}\n`);
  return resolveConfig(loadConfigSource(file)).models.m as ResolvedModelConfig;
}

/** The training loss the fused step differentiates: mean squared error of one training pass. */
export function mseLoss(model: RecModel, b: Batch, nextSeed: () => number, embed?: EmbedOverride): tf.Scalar {
  const users = tf.tensor2d(b.users, [b.users.length, 1], 'int32');
  const items = tf.tensor2d(b.items, [b.items.length, 1], 'int32');
  return tf.losses.meanSquaredError(tf.tensor1d(b.ratings), model.trainingPass(users, items, embed ? { nextSeed, embed } : { nextSeed }).output) as tf.Scalar;
}

export function fusedSteps(model: RecModel, batches: Batch[], lazy: boolean, nextSeed: () => number, afterStep?: (k: number) => void): void {
  const step = new FusedAdamStep(model, { ...hyper, lazy });
  batches.forEach((b, k) => {
    tf.tidy(() => {
      step.step((embed) => mseLoss(model, b, nextSeed, embed));
    });
    afterStep?.(k);
  });
  step.dispose();
}

/** A copy of weight `index` of a layer (on wasm the fused step updates tables in place). */
export function layerWeight(model: RecModel, layer: string, index = 0): Float64Array {
  return Float64Array.from((model.network.getLayer(layer).getWeights()[index] as tf.Tensor).dataSync());
}

/** One parameter of the reference: weights and Adam moments in Float64, rows of `cols` entries. */
export interface Param {
  w: Float64Array;
  m: Float64Array;
  v: Float64Array;
  cols: number;
}

export function param(values: Float64Array, cols: number): Param {
  return { w: Float64Array.from(values), m: new Float64Array(values.length), v: new Float64Array(values.length), cols };
}

export function allRows(p: Param): number[] {
  return Array.from({ length: p.w.length / p.cols }, (_, r) => r);
}

/** Adam on the given rows of p with the full gradient `grad` (same layout as p.w), at global step t. */
export function adamReference(p: Param, rows: Iterable<number>, grad: ArrayLike<number>, t: number): void {
  const c1 = 1 - BETA1 ** t;
  const c2 = 1 - BETA2 ** t;
  for (const r of rows) {
    for (let j = 0; j < p.cols; j += 1) {
      const k = r * p.cols + j;
      const g = grad[k] as number;
      p.m[k] = BETA1 * (p.m[k] as number) + (1 - BETA1) * g;
      p.v[k] = BETA2 * (p.v[k] as number) + (1 - BETA2) * g * g;
      p.w[k] = (p.w[k] as number) - (LR * ((p.m[k] as number) / c1)) / (Math.sqrt((p.v[k] as number) / c2) + EPSILON);
    }
  }
}

/** Lazy: the distinct ids of the batch; dense: every row. */
export function rowsToUpdate(p: Param, ids: number[], lazy: boolean): Iterable<number> {
  return lazy ? new Set(ids) : allRows(p);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let k = 0; k < a.length; k += 1) max = Math.max(max, Math.abs((a[k] as number) - (b[k] as number)));
  return max;
}

/** Fails naming the weight and showing the largest difference when it is TOLERANCE or more. */
export function expectWithin(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  const diff = maxAbsDiff(actual, expected);
  expect({ label, diff: diff < TOLERANCE ? 'within tolerance' : diff }).toEqual({ label, diff: 'within tolerance' });
}

export function rowOf(values: ArrayLike<number>, row: number, cols: number): number[] {
  return Array.from({ length: cols }, (_, j) => values[row * cols + j] as number);
}
