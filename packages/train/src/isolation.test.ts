import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { silentLogger } from '@deeprec/testing';
import { initBackend, scorePairs } from '@deeprec/compute';
import { loadConfig, SplitSchema, SyntheticSchema } from '@deeprec/config';
import { disposeModel, runTrain } from './run';
import { generateSyntheticForTest, trainInputs } from './testData.testutil';

// Two models in one process (a server holding one while training another, a test's
// model): training and disposing one leaves the other's weights, scores and usability alone.
describe.each(['fused', 'tfjs'])('two models in one process, %s engine', (engine) => {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-isolation-')), 'c.yaml');
  writeFileSync(
    file,
    `name: t\ntrain: { epochs: 3, batchSize: 64, engine: ${engine}, optimizer: { learningRate: 0.01 } }\nmodels:\n  a: { type: ncf, embeddingDim: 4, layers: [8], dropout: 0.2 }\n  b: { type: neumf, gmfDim: 3, mlpDim: 4, layers: [8], dropout: 0.2 }\n`,
  );
  const config = loadConfig(file);
  const data = generateSyntheticForTest(SyntheticSchema.parse({ users: 40, items: 30, ratings: 600 }), SplitSchema.parse({}), 4);
  const weights = (network: tf.LayersModel) => network.getWeights().map((w) => Array.from(w.dataSync()));

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('training and disposing B leaves A unchanged and usable, and frees exactly what B created', () => {
    const a = runTrain(config.models.a!, trainInputs(data), 1, silentLogger(), 'a');
    const aWeights = weights(a.model.network);
    const aScores = Array.from(scorePairs(a.model.network, data.valid.user, data.valid.item));

    const before = tf.memory().numTensors;
    const b = runTrain(config.models.b!, trainInputs(data), 1, silentLogger(), 'b');
    expect(b.fit.history.length).toBe(3);
    disposeModel(b);
    expect(tf.memory().numTensors).toBe(before);

    expect(weights(a.model.network)).toEqual(aWeights);
    expect(Array.from(scorePairs(a.model.network, data.valid.user, data.valid.item))).toEqual(aScores);
    disposeModel(a);
  });

  it('A trained after B gives the same weights as A trained alone (no settings carry over)', () => {
    const alone = runTrain(config.models.a!, trainInputs(data), 2, silentLogger(), 'a');
    const aloneWeights = weights(alone.model.network);
    disposeModel(alone);
    const b = runTrain(config.models.b!, trainInputs(data), 2, silentLogger(), 'b');
    const after = runTrain(config.models.a!, trainInputs(data), 2, silentLogger(), 'a');
    expect(weights(after.model.network)).toEqual(aloneWeights);
    disposeModel(after);
    disposeModel(b);
  });
});
