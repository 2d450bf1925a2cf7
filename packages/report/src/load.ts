/**
 * Reads one experiment's artifacts (DESIGN section 3) into the plain
 * ExperimentReportInput the renderers work on. All reads go through
 * @deeprec/artifacts' validated readers, so a missing or malformed artifact is an
 * ArtifactError that names the file (and, for JSON, the key). Every figure is read as
 * its stage wrote it: the report computes summaries for charts (histograms), never a
 * metric, and scores nothing.
 */
import { existsSync } from 'node:fs';
import { ArtifactCatalogue, HISTORY_SCHEMA, PREDICTIONS_SCHEMA, column, openDataset, readManifest, readMetrics, readSeedRuns, readSelectedRecord, readTable, type Columns, type Manifest, type RatingErrors } from '@deeprec/artifacts';
import { ArtifactError } from '@deeprec/base';
import { type ExperimentConfig } from '@deeprec/config';
import { loadData } from './loadData';
import { rankingReport, readRankingTable, type RankingTable } from './ranking';
import { sampleRecommendations } from './recommendations';
import { loadTryIt } from './tryIt';
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
  /** Sample recommendations (samples.arrow and the data of the sample users); the index page turns them off. Default true. */
  samples?: boolean;
  /** The "Try it" panel (a saved network inlined); the index page turns it off. Default true. */
  tryIt?: boolean;
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

function readHistory(file: string): HistoryRow[] {
  const columns = readTable(file, HISTORY_SCHEMA);
  const epoch = column(columns, 'epoch', Int32Array, file);
  const get = (name: string) => column(columns, name, Float64Array, file);
  const [loss, valLoss, valRmse, valMae, lr, seconds] = ['loss', 'val_loss', 'val_rmse', 'val_mae', 'lr', 'seconds'].map(get) as Float64Array[];
  // k-fold: rows of every fold, told apart by the optional fold column.
  const fold = columns.fold === undefined ? undefined : column(columns, 'fold', Int32Array, file);
  // Only a ranking monitor writes it (train.earlyStopping.monitor val_hr@K or val_ndcg@K).
  const valRank = columns.val_rank === undefined ? undefined : get('val_rank');
  return Array.from(epoch, (e, i) => ({
    epoch: e,
    loss: finiteOrNull(loss?.[i]),
    val_loss: finiteOrNull(valLoss?.[i]),
    val_rmse: finiteOrNull(valRmse?.[i]),
    val_mae: finiteOrNull(valMae?.[i]),
    val_rank: finiteOrNull(valRank?.[i]),
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

  const metrics = readMetrics(evalPaths.metrics);
  // Per-user values for CIs and tests; metrics.json alone still gives the means.
  const ranking = metrics.ranking && existsSync(evalPaths.ranking) ? readRankingTable(evalPaths.ranking) : null;
  const manifest = readManifest(modelPaths.manifest, 'train');
  const train = manifest.details;

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
  if (existsSync(evalPaths.manifest)) provenance.push(provenanceOf(readManifest(evalPaths.manifest, 'evaluate')));

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
  const search = catalogue.search(name).selected.json;
  if (existsSync(search)) model.search = readSelectedRecord(search);
  if (existsSync(evalPaths.seeds)) model.seeds = readSeedRuns(evalPaths.seeds);
  return { model, ranking };
}

/** Implicit feedback, by the config or (when the config predates the key) the data manifest. */
export function isImplicit(config: ExperimentConfig, info: { feedback?: string }): boolean {
  return config.data?.feedback === 'implicit' || info.feedback === 'implicit';
}

/**
 * The train-mean baseline of the experiment: metrics.json `meanBaseline`, the same for
 * every model since it depends on the data alone. Models whose figures differ were
 * evaluated on other data (a stale eval/ folder): an error naming both files.
 */
function experimentBaseline(catalogue: ArtifactCatalogue, models: readonly ModelReportInput[]): RatingErrors {
  const [first, ...rest] = models;
  if (!first) throw new ArtifactError(`${catalogue.experimentDir}: no model to read the train-mean baseline from`);
  // JSON text compares NaN (implicit data) equal to NaN, and every nested figure at once.
  const figures = JSON.stringify(first.metrics.meanBaseline);
  const other = rest.find((m) => JSON.stringify(m.metrics.meanBaseline) !== figures);
  if (other) {
    throw new ArtifactError(
      `${catalogue.evaluation(other.name).metrics}: meanBaseline differs from ${catalogue.evaluation(first.name).metrics}'s; the models were evaluated on different data (re-run evaluate)`,
    );
  }
  return first.metrics.meanBaseline;
}

/** Reads everything the experiment page shows; models come in config order. */
export function loadExperimentReportInput(
  catalogue: ArtifactCatalogue,
  config: ExperimentConfig,
  options: LoadOptions = {},
): ExperimentReportInput {
  const dataset = openDataset(catalogue);
  const { data, step } = loadData(dataset, provenanceOf(dataset.manifest));
  const implicit = isImplicit(config, data.info);
  const loaded = Object.keys(config.models).map((name) => loadModel(catalogue, name, data.info.scale, step, implicit));
  const models = loaded.map((l) => l.model);
  const baseline = experimentBaseline(catalogue, models);
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
  if (options.samples ?? true) {
    const recommendations = sampleRecommendations(dataset, catalogue, config, input);
    if (recommendations) input.recommendations = recommendations;
  }
  if (options.tryIt ?? true) input.tryIt = loadTryIt(catalogue, config, input, dataset);
  return input;
}
