import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meanRating, subsetRatings } from '@deeprec/artifacts';
import { silentLogger } from '@deeprec/testing';
import { initBackend, scorePairs } from '@deeprec/compute';
import { LrScheduleSchema, EarlyStoppingSchema, loadConfig, SyntheticSchema, SplitSchema } from '@deeprec/config';
import { rmse } from '@deeprec/metrics';
import { generateSyntheticForTest, trainInputs } from './testData.testutil';
import { EarlyStopping, LrSchedule } from './callbacks';
import { runTrain } from './run';

describe('LrSchedule', () => {
  it('plateau: halves the rate after `patience` epochs without improvement, down to the floor', () => {
    const s = new LrSchedule(LrScheduleSchema.parse({ type: 'plateau', factor: 0.5, patience: 2, minLearningRate: 0.2 }), 1);
    expect([1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.99, 0.99].map((v) => s.step(v))).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2]);
  });

  it('exponential: multiplies by decayRate every epoch', () => {
    const s = new LrSchedule(LrScheduleSchema.parse({ type: 'exponential', decayRate: 0.5 }), 0.8);
    expect([1, 1, 1].map((v) => s.step(v))).toEqual([0.4, 0.2, 0.1]);
  });

  it('none: keeps the rate', () => {
    const s = new LrSchedule(LrScheduleSchema.parse({ type: 'none' }), 0.3);
    expect([1, 2, 3].map((v) => s.step(v))).toEqual([0.3, 0.3, 0.3]);
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without an improvement larger than minDelta, remembering the best epoch', () => {
    const e = new EarlyStopping(EarlyStoppingSchema.parse({ patience: 2, minDelta: 0.01 }));
    const steps = [1.0, 0.8, 0.795, 0.79, 0.5].map((v, i) => e.update(i + 1, v));
    expect(steps.map((s) => s.improved)).toEqual([true, true, false, false, true]);
    expect(steps.map((s) => s.stop)).toEqual([false, false, false, true, false]);
    expect(e.bestEpoch).toBe(5);
  });

  it('never stops when disabled', () => {
    const e = new EarlyStopping(EarlyStoppingSchema.parse({ enabled: false, patience: 0 }));
    expect([1, 2, 3].map((v, i) => e.update(i + 1, v).stop)).toEqual([false, false, false]);
  });
});

describe('runTrain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deeprec-train-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(
    file,
    'name: t\ntrain: { epochs: 12, batchSize: 64, optimizer: { learningRate: 0.005 }, earlyStopping: { patience: 12 } }\nmodels:\n  ncf: { type: ncf, embeddingDim: 8, layers: [16, 8] }\n  wd: { type: widedeep, embeddingDim: 8, layers: [16] }\n  nm: { type: neumf, gmfDim: 4, mlpDim: 8, layers: [16, 8] }\n',
  );
  const config = loadConfig(file);
  const data = generateSyntheticForTest(SyntheticSchema.parse({ users: 150, items: 80, ratings: 2500 }), SplitSchema.parse({}), 5);

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each(['ncf', 'wd', 'nm'])('%s: the loss falls and it beats predicting the training mean on validation', (name) => {
    const out = runTrain(config.models[name]!, trainInputs(data), config.seed, silentLogger(), name);
    const losses = out.fit.history.map((h) => h.loss);
    expect(losses[losses.length - 1]).toBeLessThan((losses[0] as number) * 0.8);
    const valid = scorePairs(out.model.network, data.valid.user, data.valid.item);
    const mean = new Float32Array(valid.length).fill(meanRating(data.train));
    expect(rmse(data.valid.rating, valid)).toBeLessThan(rmse(data.valid.rating, mean));
    expect(out.details.trainSamples).toBe(out.fit.history.length * data.train.user.length);
    // The loop's time is its epochs' times; the rate is samples over that time.
    const epochSeconds = out.fit.history.reduce((s, h) => s + h.seconds, 0);
    expect(out.details.trainSeconds).toBeCloseTo(epochSeconds, 9);
    expect((out.details.trainSamplesPerSecond * epochSeconds) / out.details.trainSamples).toBeCloseTo(1, 9);
  });

  it('is bit-identical on a rerun with the same seed, and differs with another seed', () => {
    const short = { ...config.models.ncf!, train: { ...config.models.ncf!.train, epochs: 2 } };
    const weights = (seed: number) => runTrain(short, trainInputs(data), seed, silentLogger(), 'ncf').model.network.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(1)).toEqual(weights(1));
    expect(weights(1)).not.toEqual(weights(2));
  });

  it('restores the weights of the best epoch', () => {
    const overfit = { ...config.models.ncf!, dropout: 0, train: { ...config.models.ncf!.train, epochs: 15, optimizer: { ...config.models.ncf!.train.optimizer, learningRate: 0.05 } } };
    const out = runTrain(overfit, trainInputs(data), 3, silentLogger(), 'ncf');
    const best = out.fit.history.find((h) => h.epoch === out.fit.bestEpoch)!;
    expect(Math.min(...out.fit.history.map((h) => h.val_rmse))).toBe(best.val_rmse);
    const valid = scorePairs(out.model.network, data.valid.user, data.valid.item);
    expect(rmse(data.valid.rating, valid)).toBeCloseTo(best.val_rmse, 4);
    // The manifest records the column early stopping watched, for the report's curves.
    expect([out.fit.monitor, out.details.monitor]).toEqual(['val_rmse', 'val_rmse']);
  });

  it('without validation data, early stopping watches (and the manifest records) the training loss', () => {
    const short = { ...config.models.ncf!, train: { ...config.models.ncf!.train, epochs: 2 } };
    const out = runTrain(short, { ...trainInputs(data), valid: subsetRatings(data.valid, []) }, 1, silentLogger(), 'ncf');
    expect(out.fit.history.every((h) => Number.isNaN(h.val_rmse) && Number.isNaN(h.val_loss))).toBe(true);
    expect([out.fit.monitor, out.details.monitor]).toEqual(['loss', 'loss']);
  });
});
