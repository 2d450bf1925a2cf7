import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@deeprec/compute';
import { loadConfigSource, resolveConfig, type ResolvedModelConfig } from '@deeprec/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from './index';

function modelConfig(section: string): ResolvedModelConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-tower-')), 'c.yaml');
  writeFileSync(file, `name: t\nmodels:\n  m: ${section}\n`);
  return resolveConfig(loadConfigSource(file)).models.m as ResolvedModelConfig;
}

const context = { numUsers: 6, numItems: 5, trainMean: 3, seed: 2 };
const users = () => tf.tensor2d([0, 3, 5, 1, 0], [5, 1], 'int32');
const items = () => tf.tensor2d([4, 0, 2, 2, 1], [5, 1], 'int32');
const targets = () => tf.tensor1d([5, 1, 3, 4, 2]);

/** Loss and every gradient of one training pass, with the tower fused or through tfjs layers. */
function lossAndGrads(section: string, fused: boolean, seed = 1): { loss: number; grads: number[][] } {
  const model = buildModel(modelConfig(section), context);
  const variables = model.network.trainableWeights.map((w) => w.read() as tf.Variable);
  let s = seed;
  const forward = { nextSeed: () => s++, fusedTowers: fused };
  const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(targets(), model.trainingPass(users(), items(), forward).output) as tf.Scalar, variables);
  return { loss: value.dataSync()[0] as number, grads: variables.map((v) => Array.from(grads[v.name]!.dataSync())) };
}

describe.each(['cpu', 'wasm'])('fused ReLU tower on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each([
    ['ncf', '{ type: ncf, embeddingDim: 3, layers: [8, 4, 2], dropout: 0 }'],
    ['widedeep', '{ type: widedeep, embeddingDim: 3, layers: [6, 3], dropout: 0, features: false }'],
    ['neumf', '{ type: neumf, gmfDim: 2, mlpDim: 3, layers: [6, 3], dropout: 0 }'],
  ])('%s: loss and every gradient equal the tfjs layers path within 1e-5', (_name, section) => {
    const fused = lossAndGrads(section, true);
    const plain = lossAndGrads(section, false);
    expect(fused.loss).toBeCloseTo(plain.loss, 5);
    fused.grads.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo((plain.grads[i] as number[])[j] as number, 5)));
  });

  it('with dropout, draws masks from the seed stream: same seed, same loss; another seed, another loss', () => {
    const section = '{ type: ncf, embeddingDim: 3, layers: [32, 16], dropout: 0.5 }';
    expect(lossAndGrads(section, true, 7).loss).toBe(lossAndGrads(section, true, 7).loss);
    expect(lossAndGrads(section, true, 7).loss).not.toBe(lossAndGrads(section, true, 8).loss);
  });
});
