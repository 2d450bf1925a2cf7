import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { silentLogger } from '@deeprec/testing';
import { initBackend } from '@deeprec/compute';
import { loadConfig, SplitSchema, SyntheticSchema, type ResolvedModelConfig } from '@deeprec/config';
import { buildModel, modelContext } from '@deeprec/models';
import { memorySource } from '@deeprec/artifacts';
import { resolveEngine } from './engine';
import { fit } from './loop';
import { runTrain } from './run';
import { generateSyntheticForTest, trainInputs } from './testData.testutil';

describe('resolveEngine (backend -> engine)', () => {
  it.each([
    ['wasm', 'fused'],
    ['cpu', 'fused'],
    ['tensorflow', 'tfjs'],
    ['webgl', 'tfjs'],
  ] as const)('auto on %s trains with the %s engine, without a note', (backend, engine) => {
    expect(resolveEngine('auto', backend, 'adam')).toEqual({ engine, requested: 'auto', note: null });
  });

  it('honours an explicit fused on tensorflow, with a warning about the copies', () => {
    const choice = resolveEngine('fused', 'tensorflow', 'adam');
    expect(choice.engine).toBe('fused');
    expect(choice.note).toBe(
      "train.engine: fused on the tensorflow backend copies every embedding table to the host and back on every step (auto trains with tfjs's optimizer here, on the device)",
    );
    expect(resolveEngine('fused', 'wasm', 'adam')).toEqual({ engine: 'fused', requested: 'fused', note: null });
  });

  it('honours kernels on any backend with adam; other optimizers train with tfjs, saying so', () => {
    expect(resolveEngine('kernels', 'tensorflow', 'adam')).toEqual({ engine: 'kernels', requested: 'kernels', note: null });
    expect(resolveEngine('kernels', 'wasm', 'sgd')).toEqual({ engine: 'tfjs', requested: 'kernels', note: "the kernels engine supports adam only; training sgd with tfjs's optimizer" });
  });

  it('honours tfjs anywhere, wasm included', () => {
    expect(resolveEngine('tfjs', 'wasm', 'adam')).toEqual({ engine: 'tfjs', requested: 'tfjs', note: null });
  });

  it('trains optimizers other than adam with tfjs, saying so only when fused was asked for', () => {
    expect(resolveEngine('auto', 'wasm', 'sgd')).toEqual({ engine: 'tfjs', requested: 'auto', note: null });
    expect(resolveEngine('fused', 'cpu', 'rmsprop')).toEqual({ engine: 'tfjs', requested: 'fused', note: "the fused engine supports adam only; training rmsprop with tfjs's optimizer" });
  });
});

describe('the engine a run uses', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-engine-')), 'c.yaml');
  writeFileSync(
    file,
    'name: t\ntrain: { epochs: 2, batchSize: 64, optimizer: { learningRate: 0.01 } }\nmodels:\n  auto: { type: ncf, embeddingDim: 4, layers: [8] }\n  tfjs: { type: ncf, embeddingDim: 4, layers: [8], train: { engine: tfjs } }\n',
  );
  const config = loadConfig(file);
  const data = generateSyntheticForTest(SyntheticSchema.parse({ users: 40, items: 30, ratings: 500 }), SplitSchema.parse({}), 2);
  const weights = (model: { network: tf.LayersModel }) => model.network.getWeights().map((w) => Array.from(w.dataSync()));

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is recorded with the request and the active tfjs overrides', () => {
    const auto = runTrain(config.models.auto!, trainInputs(data), 1, silentLogger(), 'auto');
    expect(auto.engine).toEqual({ name: 'fused', requested: 'auto', tfjsOverrides: expect.arrayContaining(['wasm:GatherV2', 'wasm:heap-views']) });
    const explicit = runTrain(config.models.tfjs!, trainInputs(data), 1, silentLogger(), 'tfjs');
    expect(explicit.engine.name).toBe('tfjs');
    expect(explicit.engine.requested).toBe('tfjs');
    expect(weights(explicit.model)).not.toEqual(weights(auto.model));
  });

  it('on the tensorflow backend, auto trains exactly as tfjs does (the resolver drives the loop)', () => {
    const modelConfig = config.models.auto as ResolvedModelConfig;
    const run = (engine: 'auto' | 'tfjs', backend?: string) => {
      const model = buildModel(modelConfig, modelContext(data.info, 1));
      const options = { config: { ...modelConfig.train, engine }, l2: 0, seed: 1, log: silentLogger(), label: engine, ...(backend ? { backend } : {}) };
      const result = fit(model, memorySource(data.train), data.valid, options);
      const out = { engine: result.engine.engine, weights: weights(model) };
      model.network.dispose();
      return out;
    };
    const asIfNative = run('auto', 'tensorflow');
    const tfjs = run('tfjs');
    expect(asIfNative.engine).toBe('tfjs');
    expect(asIfNative.weights).toEqual(tfjs.weights);
    const onWasm = run('auto');
    expect(onWasm.engine).toBe('fused');
    expect(onWasm.weights).not.toEqual(tfjs.weights);
  });
});

describe('train.engine: kernels in the training loop', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-kernels-')), 'c.yaml');
  writeFileSync(
    file,
    'name: t\ntrain: { epochs: 3, batchSize: 64, optimizer: { learningRate: 0.01 }, earlyStopping: { patience: 1 } }\nmodels:\n' +
      '  ncf: { type: ncf, embeddingDim: 4, layers: [8, 4], dropout: [0.3, 0], l2: 0.01 }\n' +
      '  mfbpr: { type: mf, embeddingDim: 4, train: { loss: bpr } }\n',
  );
  const config = loadConfig(file);
  const data = generateSyntheticForTest(SyntheticSchema.parse({ users: 40, items: 30, ratings: 500 }), SplitSchema.parse({ valid: 0.2 }), 2);

  beforeAll(async () => {
    await initBackend('wasm');
  });

  const fitWith = (engine: 'fused' | 'kernels', modelConfig: ResolvedModelConfig, l2: number) => {
    const model = buildModel(modelConfig, modelContext(data.info, 1));
    const notes: string[] = [];
    const log = { ...silentLogger(), info: (line: string) => notes.push(line) };
    const result = fit(model, memorySource(data.train), data.valid, { config: { ...modelConfig.train, engine }, l2, seed: 1, log, label: engine });
    const out = { result, weights: model.network.getWeights().map((w) => Float32Array.from(w.dataSync())), notes };
    model.network.dispose();
    return out;
  };

  it('trains, validates and keeps the best epoch as the fused engine does (within 1e-5), weights synced into the model', () => {
    const modelConfig = config.models.ncf as ResolvedModelConfig;
    const kernels = fitWith('kernels', modelConfig, 0.01);
    const fused = fitWith('fused', modelConfig, 0.01);
    expect(kernels.result.engine.engine).toBe('kernels');
    expect(kernels.result.history.length).toBe(3);
    kernels.result.history.forEach((row, i) => {
      const other = fused.result.history[i];
      expect(Math.abs(row.loss - (other?.loss as number))).toBeLessThan(1e-5);
      expect(Math.abs(row.val_rmse - (other?.val_rmse as number))).toBeLessThan(1e-5);
    });
    kernels.weights.forEach((w, i) => {
      const f = fused.weights[i] as Float32Array;
      let worst = 0;
      for (let k = 0; k < w.length; k += 1) worst = Math.max(worst, Math.abs((w[k] as number) - (f[k] as number)));
      expect(worst).toBeLessThan(1e-5);
    });
  });

  it('falls back to the fused engine, with a note, where it does not cover the loss', () => {
    const modelConfig = config.models.mfbpr as ResolvedModelConfig;
    const model = buildModel(modelConfig, modelContext(data.info, 1));
    const notes: string[] = [];
    const log = { ...silentLogger(), info: (line: string) => notes.push(line) };
    const result = fit(model, memorySource(data.train), { user: new Int32Array(0), item: new Int32Array(0), rating: new Float32Array(0) }, {
      config: { ...modelConfig.train, engine: 'kernels', epochs: 1 },
      l2: 0,
      seed: 1,
      log,
      label: 'mf',
      loss: 'bpr',
      sizes: { numUsers: data.info.numUsers, numItems: data.info.numItems },
    });
    model.network.dispose();
    expect(result.engine).toEqual({ engine: 'fused', requested: 'kernels', note: 'the kernel engine does not cover loss bpr; training with the fused engine' });
    expect(notes).toContain('mf: the kernel engine does not cover loss bpr; training with the fused engine');
  });
});
