/**
 * A tiny fake experiment written with core's writers, so the report is tested
 * against the artifact contract (DESIGN section 3) without running datagen,
 * train or evaluate. Numbers are seeded: every run writes the same artifacts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArtifactCatalogue,
  HISTORY_SCHEMA,
  PREDICTIONS_SCHEMA,
  Rng,
  loadConfig,
  meanRating,
  writeJson,
  writeRatings,
  writeTable,
  type DataInfo,
  type EvalMetrics,
  type ExperimentConfig,
  type Manifest,
  type Ratings,
  type TrainDetails,
} from '@deeprec/core';

export interface FixtureOptions {
  name?: string;
  title?: string;
  /** Test ratings; train gets 4x as many, valid a tenth of train. */
  testRatings?: number;
  epochs?: number;
  /** Write history as train does without a validation split: every val_* column NaN. */
  noValidation?: boolean;
}

export interface Fixture {
  root: string;
  config: ExperimentConfig;
  catalogue: ArtifactCatalogue;
}

/** Per-model quality: how much of the true signal its predictions keep. */
const MODELS = { ncf: 0.55, widedeep: 0.45, neumf: 0.65 } as const;

export function tempRoot(prefix = 'deeprec-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function ratings(rng: Rng, n: number, users: number, items: number): Ratings {
  const r: Ratings = { user: new Int32Array(n), item: new Int32Array(n), rating: new Float32Array(n) };
  for (let i = 0; i < n; i += 1) {
    r.user[i] = rng.int(users);
    r.item[i] = rng.int(items);
    // Skewed towards 4, like real rating data.
    r.rating[i] = Math.min(5, Math.max(1, Math.round(3.6 + 1.1 * rng.normal())));
  }
  return r;
}

function manifest(stage: Manifest['stage'], experiment: string, details: Record<string, unknown>, model?: string): Manifest {
  const m: Manifest = {
    stage,
    experiment,
    configHash: `${stage}${model ?? ''}`.padEnd(16, '0').replace(/[^0-9a-f]/g, 'a'),
    inputs: {},
    seed: 7,
    backend: stage === 'datagen' ? undefined : 'wasm',
    versions: { deeprec: '0.1.0', node: '20.19.0', tfjs: '4.22.0', 'apache-arrow': '21.2.0' },
    createdAt: '2026-11-29T17:00:00.000Z',
    wallSeconds: 1.5,
    details,
  };
  if (model !== undefined) m.model = model;
  return m;
}

/** Writes data, models/<m> and eval/<m> artifacts for the three standard models. */
export function writeFixture(root: string, options: FixtureOptions = {}): Fixture {
  const name = options.name ?? 'tiny';
  const nTest = options.testRatings ?? 400;
  const epochs = options.epochs ?? 8;
  const title = options.title === undefined ? '' : `report: { title: ${JSON.stringify(options.title)} }\n`;
  const yamlFile = join(root, `${name}.yaml`);
  writeFileSync(
    yamlFile,
    `name: ${name}\nseed: 7\ndata: { source: synthetic, synthetic: { users: 50, items: 40, ratings: 2000 } }\n${title}` +
      'models:\n  ncf: { type: ncf, embeddingDim: 8, layers: [16, 8] }\n  widedeep: { type: widedeep, embeddingDim: 8, layers: [16] }\n' +
      '  neumf: { type: neumf, gmfDim: 4, mlpDim: 8, layers: [16, 8] }\n',
  );
  const config = loadConfig(yamlFile);
  const catalogue = new ArtifactCatalogue(root, name);
  const rng = new Rng(7, 'fixture', name);

  const data = catalogue.data();
  const train = ratings(rng, nTest * 4, 50, 40);
  const valid = ratings(rng, Math.round(nTest * 0.4), 50, 40);
  const test = ratings(rng, nTest, 50, 40);
  writeRatings(data.ratings('train'), train);
  writeRatings(data.ratings('valid'), valid);
  writeRatings(data.ratings('test'), test);
  const trainMean = meanRating(train);
  const info: DataInfo = {
    numUsers: 50,
    numItems: 40,
    scale: { min: 1, max: 5 },
    trainMean,
    counts: { train: train.rating.length, valid: valid.rating.length, test: test.rating.length },
    source: 'synthetic',
  };
  writeJson(data.manifest, manifest('datagen', name, { info }));

  Object.entries(MODELS).forEach(([model, quality], index) => {
    const m = catalogue.model(model);
    const cols = ['loss', 'val_loss', 'val_rmse', 'val_mae', 'lr', 'seconds'];
    const history: Record<string, Float64Array | Int32Array> = { epoch: Int32Array.from({ length: epochs }, (_, i) => i + 1) };
    for (const c of cols) history[c] = new Float64Array(epochs);
    for (let e = 0; e < epochs; e += 1) {
      const decay = Math.exp(-e / (2 + index));
      (history.loss as Float64Array)[e] = 0.7 + 0.9 * decay;
      (history.val_loss as Float64Array)[e] = 0.85 + 0.7 * decay + 0.01 * e;
      (history.val_rmse as Float64Array)[e] = Math.sqrt(0.85 + 0.7 * decay + 0.01 * e);
      (history.val_mae as Float64Array)[e] = 0.75 + 0.4 * decay;
      (history.lr as Float64Array)[e] = e < 5 ? 0.001 : 0.0005;
      (history.seconds as Float64Array)[e] = 0.2 + 0.05 * index;
    }
    // A NaN the report must survive (JSON has no NaN): the first epoch's val_mae.
    (history.val_mae as Float64Array)[0] = Number.NaN;
    if (options.noValidation) for (const c of ['val_loss', 'val_rmse', 'val_mae']) (history[c] as Float64Array).fill(Number.NaN);
    writeTable(m.history, HISTORY_SCHEMA, history);
    const params = [4321, 2987, 5210][index] as number;
    const trainSeconds = 1.2 + index;
    const details: TrainDetails = {
      type: model,
      params,
      layers: 4 + index,
      trainSeconds,
      trainSamples: train.rating.length * epochs,
      trainSamplesPerSecond: (train.rating.length * epochs) / trainSeconds,
      epochs,
      bestEpoch: epochs - 2,
      stoppedEarly: false,
      modelConfig: config.models[model],
    };
    writeJson(m.manifest, manifest('train', name, { ...details }, model));

    const e = catalogue.evaluation(model);
    const prediction = new Float32Array(test.rating.length);
    let se = 0;
    let ae = 0;
    for (let i = 0; i < prediction.length; i += 1) {
      const p = trainMean + quality * ((test.rating[i] as number) - trainMean) + 0.35 * rng.normal();
      prediction[i] = p;
      se += (p - (test.rating[i] as number)) ** 2;
      ae += Math.abs(p - (test.rating[i] as number));
    }
    prediction[0] = 6.3; // beyond the scale: must land in the end bin, not vanish
    writeTable(e.predictions, PREDICTIONS_SCHEMA, { user: test.user, item: test.item, rating: test.rating, prediction });
    const metrics: EvalMetrics = {
      experiment: name,
      model,
      type: model,
      rmse: Math.sqrt(se / prediction.length),
      mae: ae / prediction.length,
      count: prediction.length,
      params,
      trainSeconds,
      trainSamplesPerSecond: details.trainSamplesPerSecond,
      epochs,
      bestEpoch: epochs - 2,
      backend: 'wasm',
      meanBaseline: { rmse: 1, mae: 0.8 },
    };
    writeJson(e.metrics, metrics);
  });
  return { root, config, catalogue };
}
