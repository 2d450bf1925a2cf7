/**
 * The fused Adam step on MF against hand-written gradients and Adam (reference.testutil.ts
 * states the Adam it implements): lazy updates touch only the rows of the batch and keep
 * the others' moments; dense updates move every row; repeated rows and repeated lookups
 * add up their gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@deeprec/compute';
import { buildModel, type RecModel } from '@deeprec/models';
import { FusedAdamStep } from './step';
import {
  TOLERANCE,
  adamReference,
  expectWithin,
  fusedSteps,
  hyper,
  layerWeight,
  maxAbsDiff,
  modelConfig,
  mseLoss,
  param,
  rowOf,
  rowsToUpdate,
  type Batch,
  type Param,
} from './reference.testutil';

/*
 * MF: pred = a (p_u . q_i + b_u + b_i) + c, with a and c the global_mean dense layer
 * (kernel starts at 1, bias at the training mean). 7 users, 6 items; user 6 and item 5
 * are in no batch; user 0 and items 0, 1 skip batches and come back; users 0, 2, 3 and
 * items 1, 2, 4 occur more than once in some batch.
 */
const MF_BATCHES: Batch[] = [
  { users: [0, 2, 2, 4], items: [1, 1, 3, 0], ratings: [5, 1, 4, 3] },
  { users: [2, 5, 2], items: [3, 4, 4], ratings: [2, 5, 4] },
  { users: [0, 4, 0, 1], items: [1, 0, 2, 1], ratings: [4, 2, 5, 3] },
  { users: [3, 3, 5], items: [2, 2, 4], ratings: [1, 2, 5] },
  { users: [0, 2], items: [1, 3], ratings: [5, 3] },
];
const MF_DIM = 3;
const MF_CONTEXT = { numUsers: 7, numItems: 6, trainMean: 3, seed: 4 };

interface MfParams {
  p: Param;
  q: Param;
  bu: Param;
  bi: Param;
  a: Param;
  c: Param;
}

function mfParams(model: RecModel): MfParams {
  return {
    p: param(layerWeight(model, 'user_factors'), MF_DIM),
    q: param(layerWeight(model, 'item_factors'), MF_DIM),
    bu: param(layerWeight(model, 'user_bias'), 1),
    bi: param(layerWeight(model, 'item_bias'), 1),
    a: param(layerWeight(model, 'global_mean', 0), 1),
    c: param(layerWeight(model, 'global_mean', 1), 1),
  };
}

/** Gradients of the mean squared error of MF on one batch, by hand (chain rule over the formula above). */
function mfGradients(s: MfParams, b: Batch): Record<keyof MfParams, Float64Array> {
  const g = {
    p: new Float64Array(s.p.w.length),
    q: new Float64Array(s.q.w.length),
    bu: new Float64Array(s.bu.w.length),
    bi: new Float64Array(s.bi.w.length),
    a: new Float64Array(1),
    c: new Float64Array(1),
  };
  const a = s.a.w[0] as number;
  const n = b.users.length;
  b.users.forEach((u, k) => {
    const i = b.items[k] as number;
    let dot = 0;
    for (let j = 0; j < MF_DIM; j += 1) dot += (s.p.w[u * MF_DIM + j] as number) * (s.q.w[i * MF_DIM + j] as number);
    const inner = dot + (s.bu.w[u] as number) + (s.bi.w[i] as number);
    const pred = a * inner + (s.c.w[0] as number);
    const d = (2 * (pred - (b.ratings[k] as number))) / n; // dL/dpred
    for (let j = 0; j < MF_DIM; j += 1) {
      g.p[u * MF_DIM + j] = (g.p[u * MF_DIM + j] as number) + d * a * (s.q.w[i * MF_DIM + j] as number);
      g.q[i * MF_DIM + j] = (g.q[i * MF_DIM + j] as number) + d * a * (s.p.w[u * MF_DIM + j] as number);
    }
    g.bu[u] = (g.bu[u] as number) + d * a;
    g.bi[i] = (g.bi[i] as number) + d * a;
    g.a[0] = (g.a[0] as number) + d * inner;
    g.c[0] = (g.c[0] as number) + d;
  });
  return g;
}

/** One step on the sum of the batches' losses (several passes in one step, as BPR's two item lists). */
function mfReferenceStep(s: MfParams, batches: Batch[], t: number, lazy: boolean): void {
  const parts = batches.map((b) => mfGradients(s, b));
  const g = (key: keyof MfParams) => {
    const sum = new Float64Array(s[key].w.length);
    for (const part of parts) part[key].forEach((x, k) => (sum[k] = (sum[k] as number) + x));
    return sum;
  };
  const users = batches.flatMap((b) => b.users);
  const items = batches.flatMap((b) => b.items);
  adamReference(s.p, rowsToUpdate(s.p, users, lazy), g('p'), t);
  adamReference(s.bu, rowsToUpdate(s.bu, users, lazy), g('bu'), t);
  adamReference(s.q, rowsToUpdate(s.q, items, lazy), g('q'), t);
  adamReference(s.bi, rowsToUpdate(s.bi, items, lazy), g('bi'), t);
  adamReference(s.a, [0], g('a'), t);
  adamReference(s.c, [0], g('c'), t);
}

const MF_LAYERS: Array<[keyof MfParams, string, number]> = [
  ['p', 'user_factors', 0],
  ['q', 'item_factors', 0],
  ['bu', 'user_bias', 0],
  ['bi', 'item_bias', 0],
  ['a', 'global_mean', 0],
  ['c', 'global_mean', 1],
];

describe.each(['wasm', 'cpu'])('fused Adam step on MF against hand-written lazy and dense Adam, on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('MF, lazy: each step equals hand-computed lazy Adam; rows outside a batch keep weights and moments', () => {
    const model = buildModel(modelConfig(`{ type: mf, embeddingDim: ${MF_DIM}, bias: true }`), MF_CONTEXT);
    const lazyRef = mfParams(model);
    const denseRef = mfParams(model);
    let previous = MF_LAYERS.map(([, layer, index]) => layerWeight(model, layer, index));
    const initial = previous;
    fusedSteps(model, MF_BATCHES, true, () => 0, (k) => {
      const batch = MF_BATCHES[k] as Batch;
      mfReferenceStep(lazyRef, [batch], k + 1, true);
      mfReferenceStep(denseRef, [batch], k + 1, false);
      const now = MF_LAYERS.map(([, layer, index]) => layerWeight(model, layer, index));
      MF_LAYERS.forEach(([key], j) => expectWithin(`step ${k + 1} ${key}`, now[j] as Float64Array, lazyRef[key].w));
      // Rows absent from this batch: bit for bit what the previous step left.
      MF_LAYERS.forEach(([key], j) => {
        if (key === 'a' || key === 'c') return;
        const ids = key === 'p' || key === 'bu' ? batch.users : batch.items;
        const cols = lazyRef[key].cols;
        for (let row = 0; row < (now[j] as Float64Array).length / cols; row += 1) {
          if (!ids.includes(row)) expect(rowOf(now[j] as Float64Array, row, cols)).toEqual(rowOf(previous[j] as Float64Array, row, cols));
        }
      });
      previous = now;
    });
    // User 6 and item 5 were in no batch: still their initial values.
    expect(rowOf(previous[0] as Float64Array, 6, MF_DIM)).toEqual(rowOf(initial[0] as Float64Array, 6, MF_DIM));
    expect(rowOf(previous[1] as Float64Array, 5, MF_DIM)).toEqual(rowOf(initial[1] as Float64Array, 5, MF_DIM));
    // The moments: user 0 skipped steps 2 and 4 and came back in 3 and 5. Had its moments
    // decayed while absent (dense Adam), its row would be far from the lazy reference.
    expect(maxAbsDiff(rowOf(lazyRef.p.w, 0, MF_DIM), rowOf(denseRef.p.w, 0, MF_DIM))).toBeGreaterThan(100 * TOLERANCE);
    expect(maxAbsDiff(rowOf(previous[0] as Float64Array, 0, MF_DIM), rowOf(lazyRef.p.w, 0, MF_DIM))).toBeLessThan(TOLERANCE);
  });

  it('MF, not lazy: every row follows dense Adam, rows outside the batch included', () => {
    const model = buildModel(modelConfig(`{ type: mf, embeddingDim: ${MF_DIM}, bias: true }`), MF_CONTEXT);
    const reference = mfParams(model);
    MF_BATCHES.forEach((b, k) => mfReferenceStep(reference, [b], k + 1, false));
    fusedSteps(model, MF_BATCHES, false, () => 0);
    for (const [key, layer, index] of MF_LAYERS) expectWithin(key, layerWeight(model, layer, index), reference[key].w);
  });

  it('MF, lazy, two passes per step (as BPR scores two item lists): rows in both get one update with both gradients', () => {
    const model = buildModel(modelConfig(`{ type: mf, embeddingDim: ${MF_DIM}, bias: true }`), MF_CONTEXT);
    const reference = mfParams(model);
    // Step k trains on batches k and k + 1 together: user 2 and item 3 are in both passes of the first step.
    const pairs = MF_BATCHES.slice(0, -1).map((b, k) => [b, MF_BATCHES[k + 1] as Batch]);
    const step = new FusedAdamStep(model, { ...hyper, lazy: true });
    pairs.forEach((pair, k) => {
      mfReferenceStep(reference, pair, k + 1, true);
      tf.tidy(() => {
        step.step((embed) => tf.add(mseLoss(model, pair[0] as Batch, () => 0, embed), mseLoss(model, pair[1] as Batch, () => 0, embed)) as tf.Scalar);
      });
    });
    step.dispose();
    for (const [key, layer, index] of MF_LAYERS) expectWithin(key, layerWeight(model, layer, index), reference[key].w);
  });
});
