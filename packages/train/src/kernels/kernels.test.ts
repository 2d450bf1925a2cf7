/**
 * The kernel engine against the tfjs paths: after several steps with dropout on, its
 * weights and losses equal the fused engine's (tfjs ops, lazy or dense Adam) and, for
 * dense Adam, tf.train.adam + minimize's, within 1e-5; reruns give the same bits.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import { initBackend } from '@deeprec/compute';
import { buildModel, dropoutMask, type EmbedOverride, type RecModel } from '@deeprec/models';
import { FusedAdamStep } from '../fused/step';
import { hyper, maxAbsDiff, modelConfig } from '../fused/reference.testutil';
import { createOptimizer } from '../optimizers';
import { Arena, instantiateKernels, type KernelBuild } from './module';
import { KernelStep } from './step';

const TOLERANCE = 1e-5;
const STEPS = 5;
const context = { numUsers: 11, numItems: 9, trainMean: 3.5, seed: 7 };

interface Batch {
  users: Int32Array;
  items: Int32Array;
  targets: Float32Array;
}

/** Batches with repeated ids (rows summed before lazy Adam), the last one shorter. */
function batches(binary: boolean): Batch[] {
  const rng = new Rng(3, 'kernels-test');
  return Array.from({ length: STEPS }, (_, k) => {
    const n = k === STEPS - 1 ? 9 : 16;
    return {
      users: Int32Array.from({ length: n }, () => rng.int(context.numUsers)),
      items: Int32Array.from({ length: n }, () => rng.int(context.numItems)),
      targets: Float32Array.from({ length: n }, () => (binary ? rng.int(2) : 1 + rng.int(5))),
    };
  });
}

interface Settings {
  lazy: boolean;
  loss: 'mse' | 'bce';
  l2: number;
  denseL2: number;
}

/** The training loop's loss (loop.ts): mse or bce, plus the L2 terms on the batch's rows and on the dense kernels. */
function loopLoss(model: RecModel, b: Batch, s: Settings, nextSeed: () => number, embed?: EmbedOverride): tf.Scalar {
  const n = b.users.length;
  const users = tf.tensor2d(b.users, [n, 1], 'int32');
  const items = tf.tensor2d(b.items, [n, 1], 'int32');
  const pass = model.trainingPass(users, items, embed ? { nextSeed, embed } : { nextSeed });
  const targets = tf.tensor1d(b.targets);
  let total = (s.loss === 'bce' ? tf.losses.sigmoidCrossEntropy(targets, pass.output) : tf.losses.meanSquaredError(targets, pass.output)) as tf.Scalar;
  const squares = (ts: tf.Tensor[]) => tf.addN(ts.map((t) => tf.sum(tf.square(t))));
  if (s.l2 > 0) total = total.add(squares(pass.embeddings).div(n).mul(s.l2)) as tf.Scalar;
  if (s.denseL2 > 0 && model.kernels.length > 0) total = total.add(squares(model.kernels).mul(s.denseL2)) as tf.Scalar;
  return total;
}

function weights(model: RecModel): Float32Array[] {
  return model.network.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

function kernelRun(section: string, s: Settings, build: KernelBuild): { weights: Float32Array[]; losses: number[] } {
  const model = buildModel(modelConfig(section), context);
  const dropout = new Rng(11, 'dropout');
  const step = new KernelStep(model, { ...hyper, lazy: s.lazy, maxBatch: 16, loss: s.loss, l2: s.l2, denseL2: s.denseL2, nextSeed: () => dropout.seed(), build });
  const losses = batches(s.loss === 'bce').map((b) => step.step(b.users, b.items, b.targets, b.users.length));
  step.sync();
  const out = { weights: weights(model), losses };
  model.network.dispose();
  return out;
}

/** The same steps with tfjs ops: the fused engine, or (engine: 'tfjs') tf.train.adam + minimize. */
function tfjsRun(section: string, s: Settings, engine: 'fused' | 'tfjs'): { weights: Float32Array[]; losses: number[] } {
  const model = buildModel(modelConfig(section), context);
  const dropout = new Rng(11, 'dropout');
  const nextSeed = () => dropout.seed();
  const fused = engine === 'fused' ? new FusedAdamStep(model, { ...hyper, lazy: s.lazy }) : null;
  const optimizer = engine === 'tfjs' ? createOptimizer({ name: 'adam', ...hyper, momentum: 0, rho: 0, lazy: false }) : null;
  const variables = model.network.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses = batches(s.loss === 'bce').map((b) =>
    tf.tidy(() => {
      const loss = fused
        ? fused.step((embed) => loopLoss(model, b, s, nextSeed, embed))
        : (optimizer?.minimize(() => loopLoss(model, b, s, nextSeed), true, variables) as tf.Scalar);
      return loss.dataSync()[0] as number;
    }),
  );
  fused?.dispose();
  optimizer?.dispose();
  const out = { weights: weights(model), losses };
  model.network.dispose();
  return out;
}

function expectClose(label: string, actual: { weights: Float32Array[]; losses: number[] }, expected: { weights: Float32Array[]; losses: number[] }): void {
  const diffs = actual.weights.map((w, i) => maxAbsDiff(w, expected.weights[i] as Float32Array));
  const worst = Math.max(...diffs, maxAbsDiff(actual.losses, expected.losses));
  expect({ label, worst: worst < TOLERANCE ? 'within 1e-5' : worst }).toEqual({ label, worst: 'within 1e-5' });
}

const SECTIONS = {
  ncf: '{ type: ncf, embeddingDim: 8, layers: [12, 8, 4], dropout: [0.3, 0.2, 0], bias: true }',
  widedeep: '{ type: widedeep, embeddingDim: 6, layers: [10, 5], dropout: [0.25, 0], features: false }',
  neumf: '{ type: neumf, gmfDim: 5, mlpDim: 7, layers: [9, 6, 3], dropout: [0.2, 0.1, 0], bias: true }',
  neumfSum: '{ type: neumf, gmfDim: 6, mlpDim: 4, layers: [8, 4], dropout: [0.3, 0], gmfOutput: sum, bias: true }',
  mf: '{ type: mf, embeddingDim: 7, bias: true }',
};

beforeAll(async () => {
  await initBackend('cpu');
});

// Both builds: simd (multiply, then add) and fma (the matmul's fused multiply-add, relaxed SIMD).
describe.each<KernelBuild>(['simd', 'fma'])('kernel engine, %s build, equals the tfjs paths within 1e-5 after five steps', (build) => {
  for (const [name, section] of Object.entries(SECTIONS)) {
    for (const lazy of [true, false]) {
      it(`${name}, ${lazy ? 'lazy' : 'dense'} Adam, dropout on: the fused engine's weights and losses`, () => {
        const s: Settings = { lazy, loss: 'mse', l2: 0, denseL2: 0 };
        expectClose(name, kernelRun(section, s, build), tfjsRun(section, s, 'fused'));
      });
    }
  }

  it('ncf and neumf, dense Adam: tf.train.adam + minimize', () => {
    for (const section of [SECTIONS.ncf, SECTIONS.neumf]) {
      const s: Settings = { lazy: false, loss: 'mse', l2: 0, denseL2: 0 };
      expectClose(section, kernelRun(section, s, build), tfjsRun(section, s, 'tfjs'));
    }
  });

  it('with L2 on rows and kernels, and with bce on logits', () => {
    for (const section of [SECTIONS.ncf, SECTIONS.neumfSum, SECTIONS.widedeep]) {
      const s: Settings = { lazy: true, loss: 'mse', l2: 0.05, denseL2: 0.01 };
      expectClose(`${section} l2`, kernelRun(section, s, build), tfjsRun(section, s, 'fused'));
      const b: Settings = { lazy: true, loss: 'bce', l2: 0, denseL2: 0 };
      expectClose(`${section} bce`, kernelRun(section, b, build), tfjsRun(section, b, 'fused'));
    }
  });
});

describe.each<KernelBuild>(['simd', 'fma'])('kernel engine, %s build', (build) => {
  it('moves the weights, and reruns give the same bits', () => {
    const s: Settings = { lazy: true, loss: 'mse', l2: 0.01, denseL2: 0.01 };
    const first = kernelRun(SECTIONS.neumf, s, build);
    const second = kernelRun(SECTIONS.neumf, s, build);
    first.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from((second.weights[i] as Float32Array).buffer))).toBe(true));
    expect(second.losses).toEqual(first.losses);
    const model = buildModel(modelConfig(SECTIONS.neumf), context);
    const start = weights(model);
    model.network.dispose();
    start.forEach((w, i) => expect(maxAbsDiff(w, first.weights[i] as Float32Array)).toBeGreaterThan(1e-4));
  });
});

describe('kernel engine dropout masks', () => {
  // Eight chains side by side from jumped-ahead states (assembly/dropout.ts) must give the single chain's masks.
  it("are fusedTower's masks bit for bit: sizes around the vectorised path's edges, several rates and seeds", () => {
    const kernels = instantiateKernels();
    const arena = new Arena(kernels);
    const most = 16391;
    const out = arena.take(most);
    arena.commit();
    let compared = 0;
    for (const size of [0, 1, 7, 255, 256, 257, 263, 1000, 16384, most]) {
      for (const rate of [0.1, 0.2, 0.5, 0.9, 1 - 2 ** -40]) {
        for (const seed of [0, 1, 0xdeadbeef, 123456789]) {
          kernels.dropoutMask(out, size, rate, seed);
          const ours = arena.f32(out, size);
          const theirs = dropoutMask(size, rate, seed);
          let differing = 0;
          for (let i = 0; i < size; i += 1) if (!Object.is(ours[i], theirs[i])) differing += 1;
          expect({ size, rate, seed, differing }).toEqual({ size, rate, seed, differing: 0 });
          compared += size;
        }
      }
    }
    expect(compared).toBeGreaterThan(600000);
  });
});
