/**
 * A tiny fake experiment written with core's writers, so the report is tested
 * against the artifact contract (DESIGN section 3) without running datagen,
 * train or evaluate. Numbers are seeded: every run writes the same artifacts.
 * Two shapes: one train/valid/test split, or k folds (data/fold-<k>/, history and
 * predictions with a fold column, metrics with folds, rmseStd and maeStd).
 * rankingFixture.testutil.ts adds top-K evaluation on top.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactCatalogue, HISTORY_SCHEMA, PREDICTIONS_SCHEMA, coldStart, meanRating, subsetRatings, writeManifest, writeMetrics, writeRatings, writeTable, type DataInfo, type EvalMetrics, type FoldInfo, type Manifest, type Ratings, type TrainDetails } from '@deeprec/artifacts';
import { Rng } from '@deeprec/base';
import { loadConfig, type ExperimentConfig } from '@deeprec/config';
import { meanBaseline, ratingErrors, warmRatings, withoutRatingErrors } from '@deeprec/metrics';
import { loadExperimentReportInput } from './load';
import type { ExperimentReportInput } from './types';

export interface FixtureOptions {
  name?: string;
  title?: string;
  /** Test ratings (of each fold for k-fold); train gets 4x as many, valid a tenth of train. */
  testRatings?: number;
  epochs?: number;
  /** Write history as train does without a validation split: every val_* column NaN. */
  noValidation?: boolean;
  /** k-fold with this many folds (> 1); a single split otherwise. */
  folds?: number;
  /** Only the deep models (no baseline or mf). */
  deepOnly?: boolean;
  /** Every test user and item also in training (no cold start). */
  noColdStart?: boolean;
  /** Implicit feedback: every rating 1 (scale 0-1), metrics.json rmse and mae null. Default explicit. */
  feedback?: 'explicit' | 'implicit';
  /** The models, by name = type (default: FIXTURE_MODELS, or DEEP_MODELS with deepOnly). */
  models?: readonly ModelName[];
  /** evaluate.metrics of the config (default: the schema's). */
  metrics?: readonly string[];
  /** report.sampleUsers of the config (default: the schema's). */
  sampleUsers?: number;
}

export interface Fixture {
  root: string;
  config: ExperimentConfig;
  catalogue: ArtifactCatalogue;
}

/** Per-model quality: how much of the true signal its predictions keep. Key = model name = type. */
const MODELS = { baseline: 0.3, mf: 0.5, ncf: 0.55, widedeep: 0.45, neumf: 0.65, popularity: 0.2 } as const;
export type ModelName = keyof typeof MODELS;
const YAML: Record<ModelName, string> = {
  popularity: '{ type: popularity }',
  baseline: '{ type: baseline }',
  mf: '{ type: mf, embeddingDim: 8 }',
  ncf: '{ type: ncf, embeddingDim: 8, layers: [16, 8] }',
  widedeep: '{ type: widedeep, embeddingDim: 8, layers: [16] }',
  neumf: '{ type: neumf, gmfDim: 4, mlpDim: 8, layers: [16, 8] }',
};
export const FIXTURE_MODELS: ModelName[] = ['baseline', 'mf', 'ncf', 'widedeep', 'neumf'];
export const DEEP_MODELS: ModelName[] = ['ncf', 'widedeep', 'neumf'];
export const USERS = 50;
/** Items 40 and 41 are only ever rated in test sets: the cold-start items. */
export const ITEMS = 42;
const WARM_ITEMS = 40;

/** The report input of a written fixture, stamped with a fixed time. */
export function loadFixture(fixture: Fixture): ExperimentReportInput {
  return loadExperimentReportInput(fixture.catalogue, fixture.config, { now: new Date('2026-12-01T10:00:00Z') });
}

export function tempRoot(prefix = 'deeprec-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Ratings skewed towards 4 like real data, on popularity-skewed items (a long tail); `cold` of them on cold items. */
function ratings(rng: Rng, n: number, cold: number, implicit: boolean): Ratings {
  const r: Ratings = { user: new Int32Array(n), item: new Int32Array(n), rating: new Float32Array(n) };
  for (let i = 0; i < n; i += 1) {
    r.user[i] = rng.int(USERS);
    r.item[i] = i < cold ? WARM_ITEMS + (i % 2) : Math.floor(WARM_ITEMS * rng.uniform() ** 2);
    const rating = Math.min(5, Math.max(1, Math.round(3.6 + 1.1 * rng.normal())));
    r.rating[i] = implicit ? 1 : rating;
  }
  return r;
}

/** The fields of a manifest the fixture gives every stage alike. */
function common(stage: Manifest['stage'], experiment: string, model?: string) {
  return {
    experiment,
    configHash: `${stage}${model ?? ''}`.padEnd(16, '0').replace(/[^0-9a-f]/g, 'a'),
    inputs: {},
    seed: 7,
    ...(stage === 'datagen' ? {} : { backend: 'wasm' }),
    ...(model === undefined ? {} : { model }),
    versions: { deeprec: '0.1.0', node: '20.19.0', tfjs: '4.22.0', 'apache-arrow': '21.2.0' },
    createdAt: '2026-11-29T17:00:00.000Z',
    wallSeconds: 1.5,
  };
}

interface Split {
  train: Ratings;
  valid: Ratings;
  test: Ratings;
  info: FoldInfo;
}

/** The splits: one, or k folds re-partitioning the same ratings (each rating in exactly one test fold). */
function makeSplits(rng: Rng, nTest: number, folds: number, noColdStart: boolean, implicit: boolean): Split[] {
  const split = (train: Ratings, valid: Ratings, test: Ratings): Split => ({
    train,
    valid,
    test,
    info: {
      trainMean: meanRating(train),
      counts: { train: train.rating.length, valid: valid.rating.length, test: test.rating.length },
      coldStart: coldStart(train, test, USERS, ITEMS),
    },
  });
  const cold = noColdStart ? 0 : Math.round(nTest * 0.04);
  if (folds <= 1) return [split(ratings(rng, nTest * 4, 0, implicit), ratings(rng, Math.round(nTest * 0.4), 0, implicit), ratings(rng, nTest, cold, implicit))];
  // Warm ratings cycle through the folds; the cold ones all fall in fold 2's test set.
  const all = ratings(rng, nTest * folds, 0, implicit);
  for (let i = 0; i < cold; i += 1) all.item[nTest + i] = WARM_ITEMS + (i % 2);
  return Array.from({ length: folds }, (_, k) => {
    const test = Array.from({ length: nTest }, (_, i) => k * nTest + i);
    const rest = Array.from({ length: nTest * folds }, (_, i) => i).filter((i) => Math.floor(i / nTest) !== k && all.item[i]! < WARM_ITEMS);
    const nValid = Math.round(rest.length * 0.1);
    return split(subsetRatings(all, rest.slice(nValid)), subsetRatings(all, rest.slice(0, nValid)), subsetRatings(all, test));
  });
}

/** History as train writes it; implicit data has no rating error, so val_rmse and val_mae stay NaN. */
function history(epochs: number, index: number, fold: number, noValidation: boolean, implicit: boolean): Record<string, Float64Array | Int32Array> {
  const h: Record<string, Float64Array | Int32Array> = { epoch: Int32Array.from({ length: epochs }, (_, i) => i + 1) };
  for (const c of ['loss', 'val_loss', 'val_rmse', 'val_mae', 'lr', 'seconds']) h[c] = new Float64Array(epochs);
  const f = (name: string) => h[name] as Float64Array;
  for (let e = 0; e < epochs; e += 1) {
    const decay = Math.exp(-e / (2 + index));
    f('loss')[e] = 0.7 + 0.9 * decay + 0.03 * fold;
    f('val_loss')[e] = 0.85 + 0.7 * decay + 0.01 * e + 0.03 * fold;
    f('val_rmse')[e] = Math.sqrt(f('val_loss')[e] as number);
    f('val_mae')[e] = 0.75 + 0.4 * decay;
    f('lr')[e] = e < 5 ? 0.001 : 0.0005;
    f('seconds')[e] = 0.2 + 0.05 * index;
  }
  // A NaN the report must survive (JSON has no NaN): the first epoch's val_mae.
  f('val_mae')[0] = Number.NaN;
  if (noValidation) for (const c of ['val_loss', 'val_rmse', 'val_mae']) f(c).fill(Number.NaN);
  if (implicit) for (const c of ['val_rmse', 'val_mae']) f(c).fill(Number.NaN);
  return h;
}

/** Concatenates the columns of several tables of the same schema. */
function concat(parts: Array<Record<string, Float64Array | Int32Array | Float32Array>>): Record<string, Float64Array | Int32Array | Float32Array> {
  const out: Record<string, Float64Array | Int32Array | Float32Array> = {};
  for (const key of Object.keys(parts[0] ?? {})) {
    const columns = parts.map((p) => p[key]!);
    const joined = new (columns[0]!.constructor as Float64ArrayConstructor)(columns.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of columns) {
      joined.set(c, offset);
      offset += c.length;
    }
    out[key] = joined as Float64Array;
  }
  return out;
}

/** Writes data, models/<m> and eval/<m> artifacts of the fixture models. */
export function writeFixture(root: string, options: FixtureOptions = {}): Fixture {
  const name = options.name ?? 'tiny';
  const nTest = options.testRatings ?? 400;
  const epochs = options.epochs ?? 8;
  const k = options.folds ?? 1;
  const models = options.models ?? (options.deepOnly ? DEEP_MODELS : FIXTURE_MODELS);
  const implicit = options.feedback === 'implicit';
  const report = [
    ...(options.title === undefined ? [] : [`title: ${JSON.stringify(options.title)}`]),
    ...(options.sampleUsers === undefined ? [] : [`sampleUsers: ${options.sampleUsers}`]),
  ];
  const title = report.length === 0 ? '' : `report: { ${report.join(', ')} }\n`;
  const split = k > 1 ? `split: { method: k-fold, folds: ${k} }\n` : '';
  const evaluate = options.metrics ? `evaluate: { metrics: [${options.metrics.join(', ')}] }\n` : '';
  const yamlFile = join(root, `${name}.yaml`);
  writeFileSync(
    yamlFile,
    `name: ${name}\nseed: 7\ndata: { source: synthetic, synthetic: { users: ${USERS}, items: ${ITEMS}, ratings: 2000 }${implicit ? ', feedback: implicit' : ''} }\n${split}${title}${evaluate}` +
      `models:\n${models.map((m) => `  ${m}: ${YAML[m]}\n`).join('')}`,
  );
  const config = loadConfig(yamlFile);
  const catalogue = new ArtifactCatalogue(root, name);
  const rng = new Rng(7, 'fixture', name);

  const data = catalogue.data();
  const splits = makeSplits(rng, nTest, k, options.noColdStart ?? false, implicit);
  splits.forEach((s, f) => {
    const paths = k > 1 ? data.fold(f) : data;
    for (const which of ['train', 'valid', 'test'] as const) writeRatings(paths.ratings(which), s[which]);
  });
  const first = splits[0]!.info;
  const info: DataInfo = {
    ...first,
    numUsers: USERS,
    numItems: ITEMS,
    scale: implicit ? { min: 0, max: 1 } : { min: 1, max: 5 },
    source: 'synthetic',
    feedback: implicit ? 'implicit' : 'explicit',
    negatives: 0,
    folds: splits.map((s) => s.info),
  };
  if (k === 1) info.stats = { rows: 2040, duplicates: 3 };
  writeManifest(data.manifest, { stage: 'datagen', ...common('datagen', name), details: { info } });

  models.forEach((model, index) => {
    const quality = MODELS[model];
    const m = catalogue.model(model);
    const histories = splits.map((_, f) => ({ ...history(epochs, index, f, options.noValidation ?? false, implicit), ...(k > 1 ? { fold: new Int32Array(epochs).fill(f + 1) } : {}) }));
    writeTable(m.history, HISTORY_SCHEMA, concat(histories));
    const params = 2900 + 700 * index;
    const trainSeconds = 1.2 + index;
    const trainSamples = splits.reduce((n, s) => n + s.train.rating.length * epochs, 0);
    const details: TrainDetails = {
      type: model,
      params,
      layers: 2 + index,
      trainSeconds,
      trainSamples,
      trainSamplesPerSecond: trainSamples / trainSeconds,
      epochs,
      bestEpoch: epochs - 2,
      stoppedEarly: false,
      // What train records: the loss trained with and the history column early stopping watched.
      loss: implicit ? 'bce' : 'mse',
      monitor: options.noValidation ? 'loss' : implicit ? 'val_loss' : 'val_rmse',
      modelConfig: config.models[model],
    };
    if (k > 1) details.folds = splits.map((_, f) => ({ epochs, bestEpoch: epochs - 1 - f, trainSeconds: trainSeconds / k, stoppedEarly: false }));
    writeManifest(m.manifest, { stage: 'train', ...common('train', name, model), details });

    const perFold = splits.map((s, f) => {
      const prediction = Float32Array.from(s.test.rating, (r) => s.info.trainMean + quality * (r - s.info.trainMean) + (0.35 + 0.02 * f) * rng.normal());
      if (f === 0 && !implicit) prediction[0] = 6.3; // beyond the scale: must land in the end bin, not vanish
      return { prediction, warm: warmRatings(s.train, s.test, USERS, ITEMS), s };
    });
    const e = catalogue.evaluation(model);
    writeTable(
      e.predictions,
      PREDICTIONS_SCHEMA,
      concat(
        perFold.map((p, f) => ({
          user: p.s.test.user,
          item: p.s.test.item,
          rating: p.s.test.rating,
          prediction: p.prediction,
          ...(k > 1 ? { fold: new Int32Array(p.prediction.length).fill(f + 1) } : {}),
        })),
      ),
    );
    // The figures as evaluate computes them (@deeprec/metrics), on the fixture's predictions.
    const errors = ratingErrors(perFold.map((p) => ({ actual: p.s.test.rating, predicted: p.prediction, warm: p.warm })));
    const baseline = meanBaseline(perFold.map((p) => ({ actual: p.s.test.rating, trainMean: p.s.info.trainMean, warm: p.warm })));
    const metrics: EvalMetrics = {
      experiment: name,
      model,
      type: model,
      // As evaluate writes implicit data: no rating error (JSON null).
      ...(implicit ? withoutRatingErrors(errors) : errors),
      params,
      trainSeconds,
      trainSamplesPerSecond: details.trainSamplesPerSecond,
      epochs,
      bestEpoch: epochs - 2,
      backend: 'wasm',
      meanBaseline: implicit ? withoutRatingErrors(baseline) : baseline,
    };
    writeMetrics(e.metrics, metrics);
  });
  return { root, config, catalogue };
}
