import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import { initBackend } from '@deeprec/compute';
import { loadConfigSource, resolveConfig, type ResolvedModelConfig } from '@deeprec/config';
import { buildModel } from './registry';
import { hop, meanOfLayers, propagate, propagationGraph } from './lightgcnGraph';
import { simdHop } from './lightgcnSimd';
import type { ForwardOptions } from './pass';

// A tiny graph: 4 users, 5 items, user 3 without interactions, item 4 without any.
const interactions = { user: Int32Array.from([0, 0, 1, 1, 1, 2, 2, 0]), item: Int32Array.from([0, 1, 1, 2, 3, 0, 3, 3]) };
const [numUsers, numItems, dim] = [4, 5, 3];

/**
 * The paper's matrix form, written independently of lightgcnGraph.ts: the dense
 * (users + items) square adjacency A, D^-1/2 A D^-1/2, and the mean of its powers times E.
 */
function denseReference(users: tf.Tensor2D, items: tf.Tensor2D, layers: number): tf.Tensor2D {
  const n = numUsers + numItems;
  const adjacency = new Float32Array(n * n);
  interactions.user.forEach((u, e) => {
    const i = numUsers + (interactions.item[e] as number);
    adjacency[u * n + i] = 1;
    adjacency[i * n + u] = 1;
  });
  const a = tf.tensor2d(adjacency, [n, n]);
  const degree = tf.sum(a, 1);
  const inv = tf.where(tf.greater(degree, 0), tf.rsqrt(tf.maximum(degree, 1)), tf.zerosLike(degree));
  const normalised = tf.mul(tf.mul(a, inv.reshape([n, 1])), inv.reshape([1, n])) as tf.Tensor2D;
  let layer = tf.concat([users, items], 0) as tf.Tensor2D;
  let sum = layer;
  for (let k = 0; k < layers; k += 1) {
    layer = tf.matMul(normalised, layer);
    sum = tf.add(sum, layer);
  }
  return tf.div(sum, layers + 1);
}

function randomTable(rows: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  return tf.tensor2d(Float32Array.from({ length: rows * dim }, () => rng.uniform() * 2 - 1), [rows, dim]);
}

function modelConfig(section: string): ResolvedModelConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-lightgcn-')), 'c.yaml');
  writeFileSync(file, `name: t\ndata: { feedback: implicit }\nmodels:\n  m: ${section}\n`);
  return resolveConfig(loadConfigSource(file)).models.m as ResolvedModelConfig;
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('lightgcn propagation', () => {
  const graph = propagationGraph(interactions, numUsers, numItems);
  let [users, items, wU, wI] = [] as tf.Tensor2D[];
  beforeAll(() => {
    users = randomTable(numUsers, 1);
    items = randomTable(numItems, 2);
    // A loss that weighs every output entry differently, so each gradient entry is checked.
    wU = randomTable(numUsers, 3);
    wI = randomTable(numItems, 4);
  });

  it.each([0, 1, 3])('K = %i: values and gradients equal the dense matrix form under tfjs autograd', (layers) => {
    const fast = tf.grads((u: tf.Tensor, i: tf.Tensor) => {
      const out = propagate(u as tf.Tensor2D, i as tf.Tensor2D, graph, layers);
      return tf.add(tf.sum(tf.mul(out.users, wU!)), tf.sum(tf.mul(tf.square(out.items), wI!)));
    });
    const dense = tf.grads((u: tf.Tensor, i: tf.Tensor) => {
      const out = denseReference(u as tf.Tensor2D, i as tf.Tensor2D, layers);
      const [ou, oi] = tf.split(out, [numUsers, numItems], 0);
      return tf.add(tf.sum(tf.mul(ou as tf.Tensor, wU!)), tf.sum(tf.mul(tf.square(oi as tf.Tensor), wI!)));
    });
    const values = propagate(users!, items!, graph, layers);
    const expected = denseReference(users!, items!, layers).arraySync();
    const got = tf.concat([values.users, values.items], 0).arraySync();
    got.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[r]![c]!, 5)));
    const [gu, gi] = fast([users!, items!]);
    const [du, di] = dense([users!, items!]);
    expect(tf.max(tf.abs(tf.sub(gu!, du!))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(gi!, di!))).dataSync()[0]).toBeLessThan(1e-5);
    // K > 0 mixes neighbours: the gradient is not the K = 0 one (the check above could not pass by accident)
    if (layers > 0) expect(tf.max(tf.abs(tf.sub(gu!, wU!))).dataSync()[0]).toBeGreaterThan(1e-3);
  });

  it('the wasm SIMD step equals the JavaScript one (rows of 8 floats) within float32 rounding; 3 floats fall back to JavaScript', () => {
    const x = Float32Array.from({ length: (numUsers + numItems) * 8 }, (_, j) => Math.sin(j));
    const edges = { userRow: interactions.user.map((u) => u * 32), itemRow: interactions.item.map((i) => (numUsers + i) * 32), weight: Float32Array.from(interactions.user, (u, e) => graph.userScale[u]! * graph.itemScale[interactions.item[e]!]!) };
    const simd = simdHop(edges, x, 8);
    expect(simd).not.toBeNull();
    const plain = hop(graph, x, 8);
    plain.forEach((v, j) => expect(simd![j]).toBeCloseTo(v, 6));
    expect(Math.max(...Array.from(plain, Math.abs))).toBeGreaterThan(0.1);
    expect(simdHop(edges, x.subarray(0, (numUsers + numItems) * 3), 3)).toBeNull();
    // the mean of layers through SIMD against the dense matrix form
    const dense = denseReference(tf.tensor2d(x.subarray(0, numUsers * 8), [numUsers, 8]), tf.tensor2d(x.subarray(numUsers * 8), [numItems, 8]), 2).dataSync();
    meanOfLayers(x, graph, 2, 8).forEach((v, j) => expect(v).toBeCloseTo(dense[j]!, 5));
  });

  it('a node without interactions keeps only its layer 0, divided by K + 1', () => {
    const out = propagate(users!, items!, graph, 2);
    const isolated = out.users!.slice([3, 0], [1, dim]).dataSync();
    const own = users!.slice([3, 0], [1, dim]).dataSync();
    own.forEach((v, j) => expect(isolated[j]).toBeCloseTo(v / 3, 6));
  });

  it('refuses an id outside the catalogue', () => {
    expect(() => propagationGraph({ user: Int32Array.from([0]), item: Int32Array.from([5]) }, numUsers, numItems)).toThrow('lightgcn: item id 5 outside [0, 5)');
  });
});

describe('lightgcn model', () => {
  const config = modelConfig('{ type: lightgcn, embeddingDim: 3, propagationLayers: 2 }');
  const context = { numUsers, numItems, trainMean: 0, seed: 5, interactions: () => interactions };

  it('documents its defaults: 64 dimensions, 3 layers, l2 1e-4 (the paper)', () => {
    expect(modelConfig('{ type: lightgcn }')).toMatchObject({ embeddingDim: 64, propagationLayers: 3, l2: 0.0001, initializer: 'normal' });
  });

  it('the saved network scores the propagated embeddings once refreshed; its parameters are the layer-0 tables', () => {
    const model = buildModel(config, context);
    expect(model.network.trainableWeights.map((w) => w.name)).toEqual(['user_embedding/embeddings', 'item_embedding/embeddings']);
    model.refreshScoring!();
    const users = tf.tensor2d([0, 1, 2, 3, 0], [5, 1], 'int32');
    const items = tf.tensor2d([0, 1, 4, 2, 3], [5, 1], 'int32');
    const forward: ForwardOptions = { nextSeed: () => 1 };
    const training = model.trainingPass(users, items, forward).output.dataSync();
    const saved = (model.network.predict([users, items]) as tf.Tensor).dataSync();
    Array.from(training).forEach((v, j) => expect(saved[j]).toBeCloseTo(v, 5));
    // ... and against the dense form, from the layer-0 tables
    const [egoU, egoI] = model.network.trainableWeights.map((w) => w.read() as tf.Tensor2D);
    const final = denseReference(egoU!, egoI!, 2);
    const scoreOf = (u: number, i: number) => tf.sum(tf.mul(final.slice([u, 0], [1, dim]), final.slice([numUsers + i, 0], [1, dim]))).dataSync()[0]!;
    expect(saved[2]).toBeCloseTo(scoreOf(2, 4), 5);
    model.network.dispose();
  });

  it('penalises the batch users once per step: a second pass of the same step adds only its items', () => {
    const model = buildModel(config, context);
    const users = tf.tensor2d([0, 1], [2, 1], 'int32');
    const forward: ForwardOptions = { nextSeed: () => 1 };
    const first = model.trainingPass(users, tf.tensor2d([0, 1], [2, 1], 'int32'), forward);
    const second = model.trainingPass(users, tf.tensor2d([2, 3], [2, 1], 'int32'), forward);
    expect(first.embeddings.map((t) => t.shape)).toEqual([[2, 3], [2, 3]]);
    expect(second.embeddings.map((t) => t.shape)).toEqual([[2, 3]]);
    // a new step (a new ForwardOptions) penalises its users again
    expect(model.trainingPass(users, tf.tensor2d([2, 3], [2, 1], 'int32'), { nextSeed: () => 1 }).embeddings).toHaveLength(2);
    model.network.dispose();
  });

  it('builds without interactions (validate), and says what is missing when asked to train', () => {
    const model = buildModel(config, { numUsers, numItems, trainMean: 0, seed: 5 });
    expect(() => model.refreshScoring!()).toThrow('models.m: lightgcn needs the training interactions (ModelContext.interactions) to build its graph');
    model.network.dispose();
  });
});
