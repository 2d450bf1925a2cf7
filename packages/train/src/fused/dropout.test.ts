/**
 * The fused step with dropout on: NCF trained by the fused engine against tf.grads of a
 * plain-op forward pass with the same dropout masks, and Adam written out
 * (reference.testutil.ts).
 *
 * The masks: the fused ReLU tower (models/fusedTower.ts) draws one mask per layer with a
 * rate above 0, in layer order, each seeded by the next number of the training pass's
 * seed stream. A mask is xorshift32 (shifts 13, 17, 5; a zero seed becomes 0x9e3779b9),
 * one draw per element of the [batch, units] activation in row-major order: dropped (0)
 * where the draw, as an unsigned 32-bit integer, is below rate * 2^32, else scaled by
 * 1 / (1 - rate). xorshiftMask reproduces it from the same seeds.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import { initBackend } from '@deeprec/compute';
import { buildModel, type RecModel } from '@deeprec/models';
import { TOLERANCE, adamReference, allRows, expectWithin, fusedSteps, layerWeight, maxAbsDiff, modelConfig, param, rowOf, rowsToUpdate, type Batch, type Param } from './reference.testutil';

/** xorshift32 dropout mask of `size` entries (see the header). */
function xorshiftMask(size: number, rate: number, seed: number): Float64Array {
  const mask = new Float64Array(size);
  let state = seed >>> 0;
  if (state === 0) state = 0x9e3779b9;
  for (let k = 0; k < size; k += 1) {
    state = (state ^ (state << 13)) >>> 0;
    state = (state ^ (state >>> 17)) >>> 0;
    state = (state ^ (state << 5)) >>> 0;
    mask[k] = state < rate * 2 ** 32 ? 0 : 1 / (1 - rate);
  }
  return mask;
}

/*
 * NCF: x = [U[u] | I[i]], h1 = relu(x W0 + b0) * M0, h2 = relu(h1 W1 + b1) * M1,
 * pred = h2 Wp + bp. Dropout 0.5 after the first hidden layer and 0.25 after the second.
 */
const NCF_DIM = 3;
const NCF_WIDTHS = [8, 4];
const NCF_RATES = [0.5, 0.25];
const NCF_CONTEXT = { numUsers: 6, numItems: 5, trainMean: 3, seed: 9 };
const NCF_BATCHES: Batch[] = [
  { users: [0, 1, 1, 3, 4, 0], items: [2, 0, 2, 1, 4, 2], ratings: [4, 2, 5, 3, 1, 4] },
  { users: [1, 3, 3, 3, 2], items: [0, 0, 1, 4, 4], ratings: [1, 5, 4, 2, 3] },
  { users: [0, 4, 2, 0, 1, 4, 2], items: [2, 3, 1, 3, 2, 0, 1], ratings: [5, 2, 3, 4, 1, 5, 2] },
  { users: [3, 0, 3], items: [1, 4, 1], ratings: [3, 4, 2] },
];
/** [name in the network, weight index, columns]: the order of the reference's parameter list. */
const NCF_LAYERS: Array<[string, number, number]> = [
  ['user_embedding', 0, NCF_DIM],
  ['item_embedding', 0, NCF_DIM],
  ['mlp_dense_0', 0, NCF_WIDTHS[0] as number],
  ['mlp_dense_0', 1, NCF_WIDTHS[0] as number],
  ['mlp_dense_1', 0, NCF_WIDTHS[1] as number],
  ['mlp_dense_1', 1, NCF_WIDTHS[1] as number],
  ['prediction', 0, 1],
  ['prediction', 1, 1],
];

function ncfSection(rates: number[]): string {
  return `{ type: ncf, embeddingDim: ${NCF_DIM}, layers: [${NCF_WIDTHS.join(', ')}], dropout: [${rates.join(', ')}] }`;
}

/** The NCF forward pass in plain tfjs ops on the reference's weights, with the given masks. */
function ncfLoss(b: Batch, masks: Array<Float64Array | null>): (...weights: tf.Tensor[]) => tf.Scalar {
  return (U, I, W0, b0, W1, b1, Wp, bp) => {
    const x = tf.concat([tf.gather(U as tf.Tensor2D, b.users), tf.gather(I as tf.Tensor2D, b.items)], 1);
    let h: tf.Tensor = x;
    [[W0, b0], [W1, b1]].forEach(([W, bias], l) => {
      h = tf.relu(tf.add(tf.matMul(h as tf.Tensor2D, W as tf.Tensor2D), bias as tf.Tensor));
      const mask = masks[l];
      if (mask) h = tf.mul(h, tf.tensor2d(Float32Array.from(mask), [b.users.length, NCF_WIDTHS[l] as number], 'float32'));
    });
    const pred = tf.add(tf.matMul(h as tf.Tensor2D, Wp as tf.Tensor2D), bp as tf.Tensor).reshape([-1]);
    return tf.mean(tf.square(tf.sub(pred, tf.tensor1d(b.ratings)))) as tf.Scalar;
  };
}

function ncfShapes(model: RecModel): number[][] {
  return NCF_LAYERS.map(([name, index]) => (model.network.getLayer(name).getWeights()[index] as tf.Tensor).shape);
}

/** Runs the reference over the batches; the masks are drawn from `seeds` exactly as the fused tower draws them. */
function ncfReference(model: RecModel, rates: number[], lazy: boolean, seeds: () => number): { params: Param[]; masks: Float64Array[] } {
  const shapes = ncfShapes(model);
  const params = NCF_LAYERS.map(([name, index, cols]) => param(layerWeight(model, name, index), cols));
  const drawn: Float64Array[] = [];
  NCF_BATCHES.forEach((b, k) => {
    const masks = rates.map((rate, l) => (rate > 0 ? xorshiftMask(b.users.length * (NCF_WIDTHS[l] as number), rate, seeds()) : null));
    for (const m of masks) if (m) drawn.push(m);
    let grads: Float64Array[] = [];
    tf.tidy(() => {
      const weights = params.map((p, j) => tf.tensor(Float32Array.from(p.w), shapes[j], 'float32'));
      grads = tf.grads(ncfLoss(b, masks))(weights).map((g) => Float64Array.from(g.dataSync()));
    });
    params.forEach((p, j) => {
      const ids = j === 0 ? b.users : j === 1 ? b.items : null;
      adamReference(p, ids ? rowsToUpdate(p, ids, lazy) : allRows(p), grads[j] as Float64Array, k + 1);
    });
  });
  return { params, masks: drawn };
}

function ncfFused(rates: number[], lazy: boolean, seed: number): Float64Array[] {
  const model = buildModel(modelConfig(ncfSection(rates)), NCF_CONTEXT);
  const rng = new Rng(seed, 'reference-test-dropout');
  fusedSteps(model, NCF_BATCHES, lazy, () => rng.seed());
  return NCF_LAYERS.map(([name, index]) => layerWeight(model, name, index));
}

describe.each(['wasm', 'cpu'])('fused step with dropout against tf.grads with the same masks, on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each([
    ['lazy', true],
    ['not lazy', false],
  ])('NCF with dropout (%s): the fused step equals tf.grads of a plain forward with the same xorshift masks, within 1e-5 after four steps', (_mode, lazy) => {
    const seed = 21;
    const fused = ncfFused(NCF_RATES, lazy, seed);
    const rng = new Rng(seed, 'reference-test-dropout');
    const { params, masks } = ncfReference(buildModel(modelConfig(ncfSection(NCF_RATES)), NCF_CONTEXT), NCF_RATES, lazy, () => rng.seed());
    // Two masks per step, each with dropped and kept units: the comparison exercises dropout.
    expect(masks).toHaveLength(2 * NCF_BATCHES.length);
    for (const m of masks) expect([m.includes(0), m.some((x) => x > 1)]).toEqual([true, true]);
    NCF_LAYERS.forEach(([name, index], j) => expectWithin(`${name}[${index}]`, fused[j] as Float64Array, (params[j] as Param).w));
    if (lazy) {
      // User 5 is in no batch: its row is the initial one, bit for bit.
      const initial = layerWeight(buildModel(modelConfig(ncfSection(NCF_RATES)), NCF_CONTEXT), 'user_embedding');
      expect(rowOf(fused[0] as Float64Array, 5, NCF_DIM)).toEqual(rowOf(initial, 5, NCF_DIM));
    }
  });

  it('NCF: dropout changes the result (so the comparison above can fail), and another seed draws other masks', () => {
    const rng = new Rng(21, 'reference-test-dropout');
    const { params } = ncfReference(buildModel(modelConfig(ncfSection(NCF_RATES)), NCF_CONTEXT), NCF_RATES, true, () => rng.seed());
    const withoutDropout = ncfFused([0, 0], true, 21);
    const otherSeed = ncfFused(NCF_RATES, true, 22);
    const farthest = (weights: Float64Array[]) => Math.max(...weights.map((w, j) => maxAbsDiff(w, (params[j] as Param).w)));
    expect(farthest(withoutDropout)).toBeGreaterThan(100 * TOLERANCE);
    expect(farthest(otherSeed)).toBeGreaterThan(100 * TOLERANCE);
  });
});
