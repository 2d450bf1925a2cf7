import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import { initBackend } from '@deeprec/compute';
import { loadConfigSource, resolveConfig, type ResolvedModelConfig } from '@deeprec/config';
import { buildModel, type EmbedOverride, type RecModel } from '@deeprec/models';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accumulateRows, adamDense, adamRows, newMoments } from './adam';
import { FusedAdamStep } from './step';

const hyper = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

function modelConfig(section: string): ResolvedModelConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-fused-')), 'c.yaml');
  writeFileSync(file, `name: t\nmodels:\n  m: ${section}\n`);
  return resolveConfig(loadConfigSource(file)).models.m as ResolvedModelConfig;
}

const context = { numUsers: 9, numItems: 7, trainMean: 3, seed: 5 };
const batches = (() => {
  const rng = new Rng(1, 'fused-test');
  return Array.from({ length: 4 }, () => ({
    users: Int32Array.from({ length: 6 }, () => rng.int(9)),
    items: Int32Array.from({ length: 6 }, () => rng.int(7)),
    ratings: Float32Array.from({ length: 6 }, () => 1 + rng.int(5)),
  }));
})();

function lossOf(model: RecModel, b: (typeof batches)[number], embed?: EmbedOverride): tf.Scalar {
  const users = tf.tensor2d(b.users, [b.users.length, 1], 'int32');
  const items = tf.tensor2d(b.items, [b.items.length, 1], 'int32');
  return tf.losses.meanSquaredError(tf.tensor1d(b.ratings), model.trainingPass(users, items, embed ? { nextSeed: () => 1, embed } : { nextSeed: () => 1 }).output) as tf.Scalar;
}

function weights(model: RecModel): number[][] {
  return model.network.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('adam loops', () => {
  it('adamDense matches tf.train.adam on one variable over three steps', async () => {
    await initBackend('cpu');
    const start = [0.5, -1, 2];
    const grads = [[0.1, -0.2, 0.3], [1, 1, -1], [0, 0.5, 0.25]];
    const variable = tf.variable(tf.tensor1d(start));
    const optimizer = tf.train.adam(hyper.learningRate, hyper.beta1, hyper.beta2, hyper.epsilon);
    const w = Float32Array.from(start);
    const moments = newMoments(3);
    grads.forEach((g, t) => {
      optimizer.applyGradients([{ name: variable.name, tensor: tf.tensor1d(g) }]);
      adamDense(w, g, moments, hyper, t + 1);
    });
    Array.from(variable.dataSync()).forEach((v, i) => expect(w[i]).toBeCloseTo(v, 6));
  });

  it('accumulateRows sums the gradients of repeated ids', () => {
    const { rows, grads } = accumulateRows([3, 1, 3], [1, 2, 10, 20, 100, 200], 2);
    expect(Array.from(rows)).toEqual([3, 1]);
    expect(Array.from(grads)).toEqual([101, 202, 10, 20]);
  });

  it('adamRows (lazy) changes only the given rows, exactly as dense Adam would on them in the first step', () => {
    const w = Float32Array.from([1, 1, 2, 2, 3, 3]);
    const dense = Float32Array.from(w);
    adamRows(w, Int32Array.from([1]), Float32Array.from([0.5, -0.5]), 2, newMoments(6), hyper, 1);
    adamDense(dense, [0, 0, 0.5, -0.5, 0, 0], newMoments(6), hyper, 1);
    expect(Array.from(w)).toEqual(Array.from(dense));
    expect(Array.from(w.subarray(0, 2))).toEqual([1, 1]);
  });
});

describe.each(['wasm', 'cpu'])('FusedAdamStep on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each([
    ['ncf', '{ type: ncf, embeddingDim: 4, layers: [8, 4], dropout: 0 }'],
    ['widedeep', '{ type: widedeep, embeddingDim: 4, layers: [8], dropout: 0, features: false }'],
    ['neumf', '{ type: neumf, gmfDim: 3, mlpDim: 4, layers: [8, 4], dropout: 0 }'],
    ['neumf (gmfOutput: sum)', '{ type: neumf, gmfDim: 3, mlpDim: 4, layers: [8, 4], dropout: 0, gmfOutput: sum, bias: true }'],
    ['mf', '{ type: mf, embeddingDim: 4 }'],
  ])('%s: dense mode matches tf.train.adam + minimize within 1e-5 after four steps', (_type, section) => {
    const reference = buildModel(modelConfig(section), context);
    const fused = buildModel(modelConfig(section), context);
    expect(weights(fused)).toEqual(weights(reference));
    const optimizer = tf.train.adam(hyper.learningRate, hyper.beta1, hyper.beta2, hyper.epsilon);
    const variables = reference.network.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = new FusedAdamStep(fused, { ...hyper, lazy: false });
    for (const b of batches) {
      tf.tidy(() => {
        optimizer.minimize(() => lossOf(reference, b), false, variables);
      });
      tf.tidy(() => step.step((embed) => lossOf(fused, b, embed)));
    }
    const expected = weights(reference);
    weights(fused).forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo((expected[i] as number[])[j] as number, 5)));
    step.dispose();
  });

  it('lazy mode leaves rows outside every batch untouched and lowers the loss', () => {
    const model = buildModel(modelConfig('{ type: mf, embeddingDim: 4 }'), context);
    const userTable = () => Array.from(model.network.getLayer('user_factors').getWeights()[0]!.dataSync());
    const before = userTable();
    const step = new FusedAdamStep(model, { ...hyper, lazy: true });
    const b = { users: Int32Array.from([0, 2, 2]), items: Int32Array.from([1, 1, 3]), ratings: Float32Array.from([5, 1, 4]) };
    const first = tf.tidy(() => step.step((embed) => lossOf(model, b, embed)).dataSync()[0] as number);
    for (let i = 0; i < 30; i += 1) tf.tidy(() => step.step((embed) => lossOf(model, b, embed)));
    const after = userTable();
    for (const untouched of [1, 3, 4, 5, 6, 7, 8]) expect(after.slice(untouched * 4, untouched * 4 + 4)).toEqual(before.slice(untouched * 4, untouched * 4 + 4));
    expect(after.slice(0, 4)).not.toEqual(before.slice(0, 4));
    expect(tf.tidy(() => lossOf(model, b).dataSync()[0] as number)).toBeLessThan(first * 0.5);
    step.dispose();
  });

  it('starts from weights assigned from outside (restoring the best epoch) rather than its own last values', () => {
    const model = buildModel(modelConfig('{ type: ncf, embeddingDim: 4, layers: [8, 4], dropout: 0 }'), context);
    const step = new FusedAdamStep(model, { ...hyper, lazy: true });
    for (const b of batches) tf.tidy(() => step.step((embed) => lossOf(model, b, embed)));
    const layer = model.network.getLayer('prediction');
    layer.setWeights([tf.zeros([4, 1]), tf.tensor1d([7])]);
    tf.tidy(() => step.step((embed) => lossOf(model, batches[0]!, embed)));
    // One Adam step moves a weight by about the learning rate (0.01) at most.
    for (const v of layer.getWeights()[0]!.dataSync()) expect(Math.abs(v)).toBeLessThan(0.02);
    expect(Math.abs((layer.getWeights()[1]!.dataSync()[0] as number) - 7)).toBeLessThan(0.02);
    step.dispose();
  });

  it('does not leak tensors across steps', () => {
    const model = buildModel(modelConfig('{ type: neumf, gmfDim: 3, mlpDim: 4, layers: [8, 4], dropout: 0.2 }'), context);
    const step = new FusedAdamStep(model, { ...hyper, lazy: true });
    tf.tidy(() => {
      step.step((embed) => lossOf(model, batches[0]!, embed));
    });
    const count = tf.memory().numTensors;
    for (const b of batches) {
      tf.tidy(() => {
        step.step((embed) => lossOf(model, b, embed));
      });
    }
    expect(tf.memory().numTensors).toBe(count);
    step.dispose();
  });
});
