import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { silentLogger } from '@deeprec/testing';
import { concatRatings } from '@deeprec/artifacts';
import { initBackend, scorePairs } from '@deeprec/compute';
import { loadConfig, type ResolvedModelConfig } from '@deeprec/config';
import { evaluateSampled, groupByUser } from '@deeprec/metrics';
import type { RecModel } from '@deeprec/models';
import { runTrain } from './run';
import { implicitDataForTest, trainInputs } from './testData.testutil';

const data = implicitDataForTest({ users: 160, items: 120, clusters: 5, perUser: 18, inCluster: 0.85 }, 5);

function lightgcnConfig(engine: 'fused' | 'tfjs', epochs: number): ResolvedModelConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-lightgcn-train-')), 'c.yaml');
  writeFileSync(
    file,
    [
      'name: t',
      'data: { feedback: implicit }',
      `train: { epochs: ${epochs}, batchSize: 256, engine: ${engine}, loss: bpr, optimizer: { learningRate: 0.02 }, earlyStopping: { patience: 10 }, negatives: { perPositive: 2 } }`,
      'models:',
      '  g: { type: lightgcn, embeddingDim: 8, propagationLayers: 2 }',
    ].join('\n') + '\n',
  );
  return loadConfig(file).models.g as ResolvedModelConfig;
}

function hr10(model: RecModel): number {
  const n = data.info.numUsers;
  const seen = concatRatings(data.train, data.valid);
  return evaluateSampled({
    numItems: data.info.numItems,
    trainItems: groupByUser(seen.user, seen.item, n),
    testItems: groupByUser(data.test.user, data.test.item, n),
    ks: [10],
    numNegatives: 50,
    seed: 1,
    scorePairs: (u, i) => scorePairs(model.network, u, i),
  }).means['hr@10'] as number;
}

const weightsOf = (model: RecModel) => model.network.getWeights().map((t) => Array.from(t.dataSync()));

describe('lightgcn training', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each(['fused', 'tfjs'] as const)('%s engine: ranks held-out positives well above chance with BPR; the saved network holds the final embeddings', (engine) => {
    const out = runTrain(lightgcnConfig(engine, 8), trainInputs(data), 3, silentLogger(), 'g');
    expect(out.loss).toBe('bpr');
    const history = out.fit.history;
    expect(history[history.length - 1]!.loss).toBeLessThan(history[0]!.loss);
    // chance is 10/51 = 0.196
    expect(hr10(out.model)).toBeGreaterThan(0.5);
    // the frozen tables hold final - layer 0: not zero once trained
    const [, , userPropagated] = out.model.network.getWeights();
    expect(tf.max(tf.abs(userPropagated!)).dataSync()[0]).toBeGreaterThan(1e-3);
    out.model.network.dispose();
  });

  it('the two engines agree: the same dense Adam on the layer-0 tables', () => {
    const [fused, plain] = (['fused', 'tfjs'] as const).map((engine) => runTrain(lightgcnConfig(engine, 2), trainInputs(data), 3, silentLogger(), 'g'));
    const [a, b] = [weightsOf(fused!.model), weightsOf(plain!.model)];
    a.forEach((w, k) => w.forEach((v, j) => expect(Math.abs(v - b[k]![j]!)).toBeLessThan(1e-4)));
    fused!.model.network.dispose();
    plain!.model.network.dispose();
  });

  it('is bit-identical on a rerun with the same seed, and differs with another', () => {
    const weights = (seed: number) => {
      const out = runTrain(lightgcnConfig('fused', 2), trainInputs(data), seed, silentLogger(), 'g');
      const w = weightsOf(out.model);
      out.model.network.dispose();
      return w;
    };
    const first = weights(1);
    expect(weights(1)).toEqual(first);
    expect(weights(2)).not.toEqual(first);
  });
});
