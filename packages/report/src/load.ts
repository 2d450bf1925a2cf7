/**
 * Reads one experiment's artifacts (DESIGN section 3) into the plain
 * ExperimentReportInput the renderers work on. All reads go through core, so a
 * missing or malformed artifact is an ArtifactError that names the file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactCatalogue, HISTORY_SCHEMA, PREDICTIONS_SCHEMA, column, openDataset, readJson, readTable, type Columns, type EvalMetrics, type Manifest, type TrainDetails } from '@deeprec/artifacts';
import { ArtifactError } from '@deeprec/base';
import { type ExperimentConfig } from '@deeprec/config';
import { loadData } from './loadData';
import { rankingReport, readRankingTable, type RankingTable } from './ranking';
import { finiteOrNull, heatmap, histogram } from './stats';
import type { ExperimentReportInput, HistoryRow, ModelReportInput, StageProvenance } from './types';

export interface LoadOptions {
  /** Time stamped on the page as "generated"; defaults to now (tests pin it). */
  now?: Date;
  /**
   * Bootstrap CIs and significance tests of the ranking metrics (seconds on large data).
   * The index page shows means only and turns them off. Default true.
   */
  statistics?: boolean;
}

function provenanceOf(manifest: Manifest): StageProvenance {
  const p: StageProvenance = {
    stage: manifest.stage,
    createdAt: manifest.createdAt,
    wallSeconds: manifest.wallSeconds,
    seed: manifest.seed,
    configHash: manifest.configHash,
    versions: manifest.versions ?? {},
  };
  if (manifest.model !== undefined) p.model = manifest.model;
  if (manifest.backend !== undefined) p.backend = manifest.backend;
  return p;
}

/** Fails early, naming the file, when a JSON artifact lacks numbers the report needs. */
function requireNumbers(value: object, keys: readonly string[], file: string, what: string): void {
  const record = value as Record<string, unknown>;
  const missing = keys.filter((k) => typeof record[k] !== 'number');
  if (missing.length > 0) throw new ArtifactError(`${file}: ${what} lacks number field(s) ${missing.join(', ')}`);
}

const METRIC_FIELDS = ['rmse', 'mae', 'count', 'params', 'trainSeconds', 'trainSamplesPerSecond', 'epochs'] as const;
/** Implicit feedback has no rating error: evaluate writes rmse and mae as null. */
const IMPLICIT_METRIC_FIELDS = METRIC_FIELDS.filter((k) => k !== 'rmse' && k !== 'mae');
const TRAIN_FIELDS = ['params', 'layers', 'trainSeconds', 'trainSamplesPerSecond', 'epochs'] as const;

function readHistory(file: string): HistoryRow[] {
  const columns = readTable(file, HISTORY_SCHEMA);
  const epoch = column(columns, 'epoch', Int32Array, file);
  const get = (name: string) => column(columns, name, Float64Array, file);
  const [loss, valLoss, valRmse, valMae, lr, seconds] = ['loss', 'val_loss', 'val_rmse', 'val_mae', 'lr', 'seconds'].map(get) as Float64Array[];
  // k-fold: rows of every fold, told apart by the optional fold column.
  const fold = columns.fold === undefined ? undefined : column(columns, 'fold', Int32Array, file);
  return Array.from(epoch, (e, i) => ({
    epoch: e,
    loss: finiteOrNull(loss?.[i]),
    val_loss: finiteOrNull(valLoss?.[i]),
    val_rmse: finiteOrNull(valRmse?.[i]),
    val_mae: finiteOrNull(valMae?.[i]),
    lr: finiteOrNull(lr?.[i]),
    seconds: finiteOrNull(seconds?.[i]),
    fold: fold ? finiteOrNull(fold[i]) : null,
  }));
}

/** The loaded model plus its per-user ranking values (ranking.arrow), which only the statistics need. */
interface LoadedModel {
  model: ModelReportInput;
  ranking: RankingTable | null;
}

function loadModel(
  catalogue: ArtifactCatalogue,
  name: string,
  scale: { min: number; max: number },
  step: number,
  implicit: boolean,
): LoadedModel {
  const modelPaths = catalogue.model(name);
  const evalPaths = catalogue.evaluation(name);

  const metrics = readJson<EvalMetrics>(evalPaths.metrics, 'metrics');
  requireNumbers(metrics, implicit ? IMPLICIT_METRIC_FIELDS : METRIC_FIELDS, evalPaths.metrics, 'metrics.json');
  if (metrics.ranking !== undefined && (typeof metrics.ranking !== 'object' || metrics.ranking === null || typeof metrics.ranking.means !== 'object')) {
    throw new ArtifactError(`${evalPaths.metrics}: metrics.json 'ranking' has no 'means' object`);
  }
  // Per-user values for CIs and tests; metrics.json alone still gives the means.
  const ranking = metrics.ranking && existsSync(evalPaths.ranking) ? readRankingTable(evalPaths.ranking) : null;
  const manifest = readJson<Manifest>(modelPaths.manifest, 'train manifest');
  const train = manifest.details as unknown as TrainDetails;
  if (!train || typeof train !== 'object') throw new ArtifactError(`${modelPaths.manifest}: train manifest has no 'details' section`);
  requireNumbers(train, TRAIN_FIELDS, modelPaths.manifest, "train manifest 'details'");

  const history = readHistory(modelPaths.history);
  // Implicit feedback: every test rating is 1, so the rating charts are not drawn and predictions are not needed.
  const predictions: Columns = implicit ? {} : readTable(evalPaths.predictions, PREDICTIONS_SCHEMA);
  const actual = implicit ? new Float32Array(0) : column(predictions, 'rating', Float32Array, evalPaths.predictions);
  const predicted = implicit ? new Float32Array(0) : column(predictions, 'prediction', Float32Array, evalPaths.predictions);
  const folds = predictions.fold === undefined ? 1 : new Set(column(predictions, 'fold', Int32Array, evalPaths.predictions)).size;
  // Four predicted bins per rating step: fine enough to show spread, coarse enough to read.
  const heatStep = step / 4;

  // DESIGN lists no manifest for eval/, but evaluate may write one; show it when present.
  const provenance = [provenanceOf(manifest)];
  const evalManifest = join(evalPaths.dir, 'manifest.json');
  if (existsSync(evalManifest)) provenance.push(provenanceOf(readJson<Manifest>(evalManifest, 'evaluate manifest')));

  const model: ModelReportInput = {
    name,
    type: metrics.type ?? train.type,
    metrics,
    train,
    history,
    predictions: {
      count: actual.length,
      actual: histogram(actual, scale, step),
      predicted: histogram(predicted, scale, step),
      heatmap: heatmap(actual, predicted, scale, step, heatStep),
      heatStep,
      folds,
    },
    provenance,
  };
  return { model, ranking };
}

/** Implicit feedback, by the config or (when the config predates the key) the data manifest. */
export function isImplicit(config: ExperimentConfig, info: { feedback?: string }): boolean {
  return config.data?.feedback === 'implicit' || info.feedback === 'implicit';
}

/** Reads everything the experiment page shows; models come in config order. */
export function loadExperimentReportInput(
  catalogue: ArtifactCatalogue,
  config: ExperimentConfig,
  options: LoadOptions = {},
): ExperimentReportInput {
  const dataset = openDataset(catalogue);
  // The mean predictor is computed from the data rather than copied from
  // metrics.json, so it is one number per experiment whatever each evaluate run recorded.
  const { data, baseline, step } = loadData(dataset, provenanceOf(dataset.manifest));
  const implicit = isImplicit(config, data.info);
  const loaded = Object.keys(config.models).map((name) => loadModel(catalogue, name, data.info.scale, step, implicit));
  const models = loaded.map((l) => l.model);
  const input: ExperimentReportInput = {
    experiment: catalogue.experiment,
    title: config.report?.title ?? config.name,
    config,
    data,
    baseline,
    models,
    generatedAt: (options.now ?? new Date()).toISOString(),
    implicit,
  };
  const ranking = rankingReport(
    loaded.flatMap((l) => (l.model.metrics.ranking ? [{ name: l.model.name, type: l.model.type, summary: l.model.metrics.ranking, table: l.ranking }] : [])),
    config,
    { statistics: options.statistics ?? true },
  );
  if (ranking) input.ranking = ranking;
  return input;
}
