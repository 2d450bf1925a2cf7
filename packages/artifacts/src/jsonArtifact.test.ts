import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZodError } from 'zod';
import { ArtifactError } from '@deeprec/base';
import { readDataInfo } from './dataset';
import type { DataInfo } from './dataInfo';
import { makeManifest, readManifest, writeManifest, type ManifestOf } from './manifest';
import { readMetrics, writeMetrics, type EvalMetrics, type TrainDetails } from './results';

const root = mkdtempSync(join(tmpdir(), 'deeprec-json-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const summary = (rmse: number, count: number) => ({ rmse, mae: rmse * 0.8, count });

function metrics(overrides: Partial<EvalMetrics> = {}): EvalMetrics {
  return {
    experiment: 'e',
    model: 'ncf',
    type: 'ncf',
    rmse: 0.93,
    mae: 0.74,
    count: 300,
    coldStart: { warm: summary(0.92, 290), cold: summary(1.1, 10) },
    params: 1234,
    trainSeconds: 2.5,
    trainSamplesPerSecond: 1000.5,
    epochs: 9,
    bestEpoch: 6,
    backend: 'wasm',
    meanBaseline: { rmse: 1.07, mae: 0.91, count: 300, coldStart: { warm: summary(1.06, 290), cold: summary(1.2, 10) } },
    ...overrides,
  };
}

const INFO: DataInfo = {
  trainMean: 3.52,
  counts: { train: 80, valid: 10, test: 20 },
  coldStart: { users: 1, items: 2, ratings: 3 },
  numUsers: 10,
  numItems: 12,
  scale: { min: 1, max: 5 },
  source: 'synthetic',
  feedback: 'explicit',
  negatives: 0,
  folds: [{ trainMean: 3.52, counts: { train: 80, valid: 10, test: 20 }, coldStart: { users: 1, items: 2, ratings: 3 } }],
};

const DETAILS: TrainDetails = {
  type: 'mf',
  params: 10,
  layers: 2,
  trainSeconds: 1.5,
  trainSamples: 300,
  trainSamplesPerSecond: 200,
  epochs: 3,
  bestEpoch: 2,
  stoppedEarly: false,
  modelConfig: { type: 'mf', embeddingDim: 8 },
  loss: 'mse',
};

/** The message of what `read` throws, checking that it is an ArtifactError that keeps its cause. */
function failure(read: () => unknown): { message: string; cause: unknown } {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactError);
    return { message: (error as Error).message, cause: (error as Error).cause };
  }
  throw new Error('expected the read to fail');
}

describe('metrics.json', () => {
  it('reads back what was written: single split, k-fold with ranking, and implicit NaN (null in the file)', () => {
    const kFold = metrics({
      folds: [summary(0.9, 150), summary(0.96, 150)],
      rmseStd: 0.04,
      maeStd: 0.03,
      meanBaseline: { ...metrics().meanBaseline, folds: [summary(1.05, 150), summary(1.09, 150)], rmseStd: 0.03, maeStd: 0.02 },
      ranking: { protocol: 'sampled', users: 40, negatives: 99, means: { 'hr@10': 0.6, auc: 0.8 } },
    });
    const none = { rmse: Number.NaN, mae: Number.NaN };
    const implicit = metrics({ ...none, coldStart: { warm: { ...none, count: 290 }, cold: { ...none, count: 10 } }, meanBaseline: { ...none, count: 300, coldStart: { warm: { ...none, count: 290 }, cold: { ...none, count: 10 } } } });
    for (const [name, value] of [['single', metrics()], ['kfold', kFold], ['implicit', implicit]] as const) {
      const file = join(root, name, 'metrics.json');
      writeMetrics(file, value);
      expect(readMetrics(file)).toEqual(value);
    }
    expect(readFileSync(join(root, 'implicit', 'metrics.json'), 'utf8')).toContain('"rmse": null');
  });

  it('names the file and the key of a bad value, and keeps the zod error', () => {
    const file = join(root, 'bad', 'metrics.json');
    writeMetrics(file, metrics());
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { meanBaseline: { coldStart: { warm: Record<string, unknown> } } };
    json.meanBaseline.coldStart.warm.rmse = 'low';
    writeFileSync(file, JSON.stringify(json));
    const bad = failure(() => readMetrics(file));
    expect(bad.message).toContain(`${file}: metrics.json: meanBaseline.coldStart.warm.rmse: expected number, found 'low'`);
    expect(bad.cause).toBeInstanceOf(ZodError);
  });

  it('names a missing key', () => {
    const file = join(root, 'missing-key', 'metrics.json');
    const { meanBaseline: _dropped, ...rest } = metrics();
    writeMetrics(file, metrics());
    writeFileSync(file, JSON.stringify(rest));
    expect(failure(() => readMetrics(file)).message).toContain(`${file}: metrics.json: meanBaseline: missing (expected object)`);
  });

  it('a missing file or bad JSON is an ArtifactError naming the file', () => {
    const absent = join(root, 'absent', 'metrics.json');
    expect(failure(() => readMetrics(absent)).message).toBe(`${absent}: metrics.json is missing (run the stage that writes it first)`);
    const broken = join(root, 'broken.json');
    writeFileSync(broken, '{ "rmse": ');
    const bad = failure(() => readMetrics(broken));
    expect(bad.message).toMatch(new RegExp(`^${broken}: metrics.json is not valid JSON`));
    expect(bad.cause).toBeInstanceOf(SyntaxError);
  });

  it('refuses to write what would not read back, and writes nothing', () => {
    const file = join(root, 'refused', 'metrics.json');
    expect(failure(() => writeMetrics(file, metrics({ count: -1 }))).message).toContain(`${file}: metrics.json (about to be written): count:`);
    expect(existsSync(file)).toBe(false);
  });
});

describe('manifest.json', () => {
  it('reads back each stage’s manifest with its typed details', () => {
    const data = makeManifest({ stage: 'datagen', experiment: 'e', seed: 42, wallSeconds: 1, configSection: { a: 1 }, details: { info: INFO } });
    const train = makeManifest({ stage: 'train', experiment: 'e', model: 'mf', seed: 42, backend: 'wasm', wallSeconds: 2, configSection: { b: 2 }, details: DETAILS });
    writeManifest(join(root, 'data', 'manifest.json'), data);
    writeManifest(join(root, 'train', 'manifest.json'), train);
    const readData: ManifestOf<'datagen'> = readManifest(join(root, 'data', 'manifest.json'), 'datagen');
    const readTrain: ManifestOf<'train'> = readManifest(join(root, 'train', 'manifest.json'), 'train');
    expect(readData).toEqual(data);
    expect(readTrain).toEqual(train);
    expect(readTrain.details.params).toBe(10);
    expect(readDataInfo(join(root, 'data', 'manifest.json'))).toEqual(INFO);
  });

  it('a manifest of another stage is an error naming the file and the stage', () => {
    const file = join(root, 'data', 'manifest.json');
    expect(failure(() => readManifest(file, 'train')).message).toContain(`${file}: train manifest: stage: expected 'train', found 'datagen'`);
  });

  it('data info of an older datagen (no feedback, no negatives) reads as explicit with none', () => {
    const file = join(root, 'old', 'manifest.json');
    writeManifest(file, makeManifest({ stage: 'datagen', experiment: 'e', seed: 1, wallSeconds: 1, configSection: {}, details: { info: INFO } }));
    const json = JSON.parse(readFileSync(file, 'utf8')) as { details: { info: Record<string, unknown> } };
    delete json.details.info.feedback;
    delete json.details.info.negatives;
    writeFileSync(file, JSON.stringify(json));
    expect(readDataInfo(file)).toEqual(INFO);
  });

  it('names the bad key of data info', () => {
    const file = join(root, 'bad-info', 'manifest.json');
    writeManifest(file, makeManifest({ stage: 'datagen', experiment: 'e', seed: 1, wallSeconds: 1, configSection: {}, details: { info: INFO } }));
    writeFileSync(file, readFileSync(file, 'utf8').replace('"folds": [', '"folds": [{ "trainMean": 3 }, '));
    expect(failure(() => readDataInfo(file)).message).toContain(`${file}: data manifest: details.info.folds[0].counts: missing (expected object)`);
  });
});
