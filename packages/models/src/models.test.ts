import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@deeprec/base';
import { initBackend } from '@deeprec/compute';
import { loadConfigSource, resolveConfig, type ResolvedModelConfig } from '@deeprec/config';
import { buildModel, MODEL_REGISTRY } from './index';

const context = { numUsers: 7, numItems: 5, trainMean: 3.5, seed: 1 };

function modelConfig(section: string): ResolvedModelConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-models-')), 'c.yaml');
  writeFileSync(file, `name: t\nmodels:\n  m: ${section}\n`);
  return resolveConfig(loadConfigSource(file)).models.m as ResolvedModelConfig;
}

const sections = {
  ncf: '{ type: ncf, embeddingDim: 4, layers: [6, 3] }',
  widedeep: '{ type: widedeep, embeddingDim: 4, layers: [6, 3] }',
  neumf: '{ type: neumf, gmfDim: 2, mlpDim: 4, layers: [6, 3] }',
  'neumf-sum': '{ type: neumf, gmfDim: 2, mlpDim: 4, layers: [6, 3], gmfOutput: sum, bias: true }',
};

/** Hand-counted parameters for the sections above (7 users, 5 items). */
const expectedParams = {
  // embeddings (7+5)*4; dense 8->6, 6->3, 3->1
  ncf: 12 * 4 + (8 * 6 + 6) + (6 * 3 + 3) + (3 + 1),
  // biases 7+5; embeddings (7+5)*4; dense 8->6, 6->3, 3->1
  widedeep: 12 + 12 * 4 + (8 * 6 + 6) + (6 * 3 + 3) + (3 + 1),
  // gmf (7+5)*2, mlp (7+5)*4; dense 8->6, 6->3; output (2+3)->1
  neumf: 12 * 2 + 12 * 4 + (8 * 6 + 6) + (6 * 3 + 3) + (5 + 1),
  // as neumf, but the output is gmf_scale (1 + 1) over p . q + biases (7 + 5), plus the MLP's 3 -> 1 without bias
  'neumf-sum': 12 * 2 + 12 * 4 + (8 * 6 + 6) + (6 * 3 + 3) + 2 + 12 + 3,
};

beforeAll(async () => {
  await initBackend('cpu');
});

describe.each(Object.keys(sections) as Array<keyof typeof sections>)('%s', (type) => {
  let model: ReturnType<typeof buildModel>;
  beforeAll(() => {
    model = buildModel(modelConfig(sections[type]), context);
    // Its MLP output starts at zero (so dropout would not show); give it the weights training would.
    if (type === 'neumf-sum') model.network.getLayer('prediction').setWeights([tf.fill([3, 1], 0.2)]);
  });

  it('has the hand-counted number of parameters and cites its paper', () => {
    expect(model.network.countParams()).toBe(expectedParams[type]);
    expect(MODEL_REGISTRY[type === 'neumf-sum' ? 'neumf' : type].paper).toMatch(/\d{4}/);
  });

  it('scores a grid of pairs with shape [batch, 1], starting near the training mean', () => {
    const users = tf.tensor2d([0, 1, 6, 3, 0, 6], [6, 1], 'int32');
    const items = tf.tensor2d([0, 4, 4, 2, 1, 0], [6, 1], 'int32');
    const out = model.network.predict([users, items]) as tf.Tensor;
    expect(out.shape).toEqual([6, 1]);
    for (const v of out.dataSync()) expect(Math.abs(v - 3.5)).toBeLessThan(1.5);
  });

  it('trains the network it saves: the training pass without dropout equals network.predict', () => {
    const noDropout = buildModel(modelConfig(sections[type].replace('}', ', dropout: 0 }')), context);
    const users = tf.tensor2d([0, 2, 6], [3, 1], 'int32');
    const items = tf.tensor2d([4, 1, 0], [3, 1], 'int32');
    const pass = noDropout.trainingPass(users, items, { nextSeed: () => 1 });
    const predicted = (noDropout.network.predict([users, items]) as tf.Tensor).reshape([-1]);
    Array.from(pass.output.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(predicted.dataSync()[i] as number, 5));
  });

  it('draws the same dropout masks from the same seeds and different ones from others', () => {
    const users = tf.tensor2d([0, 1, 2, 3, 4, 5], [6, 1], 'int32');
    const items = tf.tensor2d([0, 1, 2, 3, 4, 0], [6, 1], 'int32');
    const seeds = (start: number) => {
      let s = start;
      return () => (s += 1);
    };
    const a = model.trainingPass(users, items, { nextSeed: seeds(10) }).output.dataSync();
    const b = model.trainingPass(users, items, { nextSeed: seeds(10) }).output.dataSync();
    const c = model.trainingPass(users, items, { nextSeed: seeds(99) }).output.dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('neumf with gmfOutput: sum', () => {
  it('is biased MF (the mf model) plus the MLP output: with that output zeroed it scores as mf with the same weights', () => {
    const neumf = buildModel(modelConfig('{ type: neumf, gmfDim: 3, mlpDim: 4, layers: [6, 3], gmfOutput: sum, bias: true }'), context);
    const mf = buildModel(modelConfig('{ type: mf, embeddingDim: 3 }'), context);
    const weight = (model: typeof mf, name: string) => model.network.getLayer(name).getWeights();
    neumf.network.getLayer('prediction').setWeights([tf.zeros([3, 1])]);
    mf.network.getLayer('user_factors').setWeights(weight(neumf, 'gmf_user_embedding'));
    mf.network.getLayer('item_factors').setWeights(weight(neumf, 'gmf_item_embedding'));
    mf.network.getLayer('user_bias').setWeights([tf.randomNormal([7, 1], 0, 0.3, 'float32', 5)]);
    mf.network.getLayer('item_bias').setWeights([tf.randomNormal([5, 1], 0, 0.3, 'float32', 6)]);
    neumf.network.getLayer('user_bias').setWeights(weight(mf, 'user_bias'));
    neumf.network.getLayer('item_bias').setWeights(weight(mf, 'item_bias'));
    mf.network.getLayer('global_mean').setWeights([tf.tensor2d([[1.7]]), tf.tensor1d([3.2])]);
    neumf.network.getLayer('gmf_scale').setWeights(weight(mf, 'global_mean'));
    const users = tf.tensor2d([0, 1, 6, 3, 0, 6], [6, 1], 'int32');
    const items = tf.tensor2d([0, 4, 4, 2, 1, 0], [6, 1], 'int32');
    const a = (neumf.network.predict([users, items]) as tf.Tensor).dataSync();
    const b = (mf.network.predict([users, items]) as tf.Tensor).dataSync();
    Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i] as number, 5));
    expect(new Set(Array.from(a).map((v) => v.toFixed(4))).size).toBeGreaterThan(3);
  });
});

describe('buildModel', () => {
  it('is deterministic for a seed (initialisers are seeded)', () => {
    const weights = (seed: number) => buildModel(modelConfig(sections.ncf), { ...context, seed }).network.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it.each(['glorot', 'he', 'normal', 'uniform'])('builds with the %s initialiser', (init) => {
    const model = buildModel(modelConfig(`{ type: ncf, embeddingDim: 4, layers: [6], initializer: ${init} }`), context);
    expect(model.network.countParams()).toBe(12 * 4 + (8 * 6 + 6) + 7);
  });

  it('rejects a dropout list of the wrong length as a config error', () => {
    const build = () => buildModel(modelConfig('{ type: ncf, layers: [6, 3], dropout: [0.1] }'), context);
    expect(build).toThrow(ConfigError);
    expect(build).toThrow('models.m.dropout: expected 2 rates (one per hidden layer), found 1');
  });
});
