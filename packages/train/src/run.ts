/** The train stage: a pure run over its inputs (the train split as a RatingSource), and the thin I/O that writes model artifacts. */
import { join, relative } from 'node:path';
import { ArtifactCatalogue, HISTORY_SCHEMA, seedFolder, makeManifest, openDataset, subsetRatings, appendRatings, collectRatings, countItems, writeArtifactDir, writeClassicModel, writeManifest, writeTable, type Columns, type DataInfo, type Ratings, type RatingSource, type TrainDetails } from '@deeprec/artifacts';
import { ConfigError, type Logger } from '@deeprec/base';
import { fileSaveHandler, type BackendInfo } from '@deeprec/compute';
import { searchOf, type ExperimentConfig, type ResolvedModelConfig, type TrainConfig } from '@deeprec/config';
import { buildModel, isClassic, isNetworkConfig, modelContext, modelParams, type RecModel } from '@deeprec/models';
import { runTrainClassic } from './classic';
import { engineRecord, type EngineRecord } from './engine';
import { fit, type FitResult, type HistoryRow } from './loop';
import { resolveLoss, type Loss } from './loss';
import { checkMonitor } from './monitor';

export interface TrainInputs {
  info: DataInfo;
  /**
   * The train split, read block by block: memorySource(ratings) for data in memory, a file's
   * record batches (openDataset(...).ratingSource) in the CLI. Explicit training streams it;
   * implicit training and the refit's extra block are held in memory (see loop.ts).
   */
  train: RatingSource;
  /** Validation ratings, in memory (a small share of the data). */
  valid: Ratings;
  /** users.arrow and items.arrow, for side features. */
  sideTables?: { users: Columns; items: Columns };
  /** The experiment's top-level train section: a loss error then names train.loss rather than models.<name>.train.loss. */
  topLevelTrain?: Pick<TrainConfig, 'loss' | 'earlyStopping'>;
}

export interface TrainOutput {
  model: RecModel;
  fit: FitResult;
  details: TrainDetails;
  /** The loss trained with: train.loss resolved against the data's feedback. */
  loss: Loss;
  /** The engine that trained, as the manifest records it. */
  engine: EngineRecord;
}

/** The config sections one model's training reads: its cache key and manifest hash. */
export function trainSection(config: ExperimentConfig, modelName: string): unknown {
  return { seed: config.seed, model: config.models[modelName] };
}

export function modelConfigOf(config: ExperimentConfig, modelName: string): ResolvedModelConfig {
  const model = config.models[modelName];
  if (!model) {
    throw new ConfigError(`--model ${modelName}: no such model in ${config.configPath}; expected one of: ${Object.keys(config.models).join(', ')}`);
  }
  return model;
}

/** Pure (apart from tfjs state): builds and trains one model. */
export function runTrain(modelConfig: ResolvedModelConfig, inputs: TrainInputs, seed: number, log: Logger, label: string): TrainOutput {
  if (!isNetworkConfig(modelConfig)) throw new RangeError(`models.${modelConfig.name}: ${modelConfig.type} is a classic model; runTrainClassic fits it`);
  const loss = resolveLoss(modelConfig, inputs.info.feedback, inputs.topLevelTrain);
  checkMonitor(modelConfig, inputs.info.feedback, inputs.topLevelTrain);
  // The data a model may read about its training split (item counts, the interaction graph), asked for lazily.
  const contextOf = (train: RatingSource) =>
    modelContext(inputs.info, seed, inputs.sideTables, () => itemCounts(train, inputs.info.numItems), () => collectRatings(train));
  let model = buildModel(modelConfig, contextOf(inputs.train));
  const sizes = { numUsers: inputs.info.numUsers, numItems: inputs.info.numItems };
  const options = { config: modelConfig.train, l2: modelConfig.l2, denseL2: modelConfig.denseL2, seed, log, label, loss, sizes };
  const result = fit(model, inputs.train, inputs.valid, options);
  let trainSeconds = result.trainSeconds;
  let trainSamples = result.trainSamples;
  if (modelConfig.train.refit && inputs.valid.user.length > 0) {
    // The epoch count and learning rates were chosen on validation; the test set is never seen.
    const epochs = result.bestEpoch;
    log.info(`${label}: refitting on train + valid for ${epochs} epochs`);
    model.network.dispose();
    const all = appendRatings(inputs.train, inputs.valid);
    // A graph model's graph is the data it is refitted on: train + valid.
    model = buildModel(modelConfig, contextOf(all));
    const empty = subsetRatings(inputs.valid, []);
    const noStopping = { ...modelConfig.train.earlyStopping, enabled: false, restoreBest: false };
    const refit = fit(model, all, empty, {
      ...options,
      label: `${label} refit`,
      config: { ...modelConfig.train, epochs, earlyStopping: noStopping },
      lrPlan: result.history.slice(0, epochs).map((h) => h.lr),
    });
    trainSeconds += refit.trainSeconds;
    trainSamples += refit.trainSamples;
  }
  const details: TrainDetails = {
    type: modelConfig.type,
    params: modelParams(model),
    layers: model.network.layers.filter((l) => l.countParams() > 0).length,
    trainSeconds,
    trainSamples,
    trainSamplesPerSecond: trainSeconds > 0 ? trainSamples / trainSeconds : 0,
    epochs: result.history.length,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    monitor: result.monitor,
    ...(result.rankingMonitor ? { rankingMonitor: result.rankingMonitor } : {}),
    modelConfig,
  };
  return { model, fit: result, details, loss, engine: engineRecord(result.engine) };
}

/** Training ratings per item (the popularity model ranks by them), in one streaming pass. */
function itemCounts(train: RatingSource, numItems: number): Int32Array {
  const counts = new Int32Array(numItems);
  for (let b = 0; b < train.blocks; b += 1) countItems(train.block(b).item, numItems, counts);
  return counts;
}

/** history.arrow columns of the rows (with their folds for k-fold). */
export function historyColumns(rows: HistoryRow[], fold: number[] | null): Columns {
  const f64 = (key: Exclude<keyof HistoryRow, 'epoch'>) => Float64Array.from(rows, (r) => r[key]);
  const columns: Columns = {
    epoch: Int32Array.from(rows, (r) => r.epoch),
    loss: f64('loss'),
    val_loss: f64('val_loss'),
    val_rmse: f64('val_rmse'),
    val_mae: f64('val_mae'),
    lr: f64('lr'),
    seconds: f64('seconds'),
  };
  if (fold) columns.fold = Int32Array.from(fold);
  // Only a ranking monitor fills it; histories without one stay as they were (the column is optional).
  if (rows.some((r) => !Number.isNaN(r.val_rank))) columns.val_rank = f64('val_rank');
  return columns;
}

/** One TrainDetails for all folds: time and samples add up; epochs are the first fold's. */
function combineFolds(runs: TrainDetails[]): TrainDetails {
  const first = runs[0] as TrainDetails;
  if (runs.length === 1) return first;
  const trainSeconds = runs.reduce((n, d) => n + d.trainSeconds, 0);
  const trainSamples = runs.reduce((n, d) => n + d.trainSamples, 0);
  return {
    ...first,
    trainSeconds,
    trainSamples,
    trainSamplesPerSecond: trainSeconds > 0 ? trainSamples / trainSeconds : 0,
    folds: runs.map((d) => ({ epochs: d.epochs, bestEpoch: d.bestEpoch, trainSeconds: d.trainSeconds, stoppedEarly: d.stoppedEarly })),
  };
}

/**
 * Trains one model of an experiment from its data artifacts (every fold, for k-fold)
 * and writes the model folder atomically.
 */
export async function writeTrain(
  config: ExperimentConfig,
  modelName: string,
  artifactsRoot: string,
  backend: BackendInfo,
  log: Logger,
): Promise<TrainDetails> {
  const started = performance.now();
  const modelConfig = modelConfigOf(config, modelName);
  const catalogue = new ArtifactCatalogue(artifactsRoot, config.name);
  const data = openDataset(catalogue);
  const folds = data.info.folds;
  const final = catalogue.model(modelName);
  const dataPaths = catalogue.data();
  const sideTables = { users: data.users(), items: data.items() };
  const classic = isClassic(modelConfig.type);
  // Classic models have no loss of the train section: they fit their own objective.
  const loss = classic ? undefined : resolveLoss(modelConfig, data.info.feedback, config.train);
  if (!classic) checkMonitor(modelConfig, data.info.feedback, config.train);
  const runs: TrainDetails[] = [];
  let engine = null as EngineRecord | null; // set in the callback below: a plain null would narrow to null
  const history: HistoryRow[] = [];
  const historyFold: number[] = [];

  /** Trains fold k with `seed` and saves it in `target`: the model's details and history. */
  const trainOne = async (k: number, seed: number, target: string, label: string): Promise<{ details: TrainDetails; history: HistoryRow[] }> => {
    const info = { ...data.info, ...(folds[k] as (typeof folds)[number]) };
    const train = data.ratingSource('train', k);
    if (classic) {
      let out: ReturnType<typeof runTrainClassic>;
      try {
        out = runTrainClassic(modelConfig, { info, train: collectRatings(train), valid: data.ratings('valid', k) }, seed, log, label);
      } finally {
        train.close();
      }
      writeClassicModel(target, { type: modelConfig.type, fitOn: out.fitOn, meta: out.fitted.meta, arrays: out.fitted.arrays });
      return { details: out.details, history: out.history };
    }
    let out: TrainOutput;
    try {
      out = runTrain(modelConfig, { info, train, valid: data.ratings('valid', k), sideTables, topLevelTrain: config.train }, seed, log, label);
    } finally {
      train.close();
    }
    await out.model.network.save(fileSaveHandler(target));
    engine ??= out.engine;
    disposeModel(out);
    return { details: out.details, history: out.fit.history };
  };
  // A searched model's selected configuration is retrained with more seeds (single split):
  // evaluate gives the mean and spread of its test metrics over them (Rendle et al. 2020).
  const search = searchOf(config, modelName);
  const extraSeeds = search && folds.length === 1 ? Array.from({ length: search.seeds - 1 }, (_, s) => config.seed + s + 1) : [];

  await writeArtifactDir(final.dir, async (dir) => {
    for (const k of folds.keys()) {
      const label = `train ${config.name}/${modelName}${folds.length > 1 ? ` fold ${k + 1}/${folds.length}` : ''}`;
      const foldDir = folds.length > 1 ? join(dir, relative(final.dir, final.fold(k))) : dir;
      const out = await trainOne(k, config.seed, foldDir, label);
      runs.push(out.details);
      history.push(...out.history);
      historyFold.push(...out.history.map(() => k + 1));
    }
    for (const seed of extraSeeds) await trainOne(0, seed, join(dir, seedFolder(seed)), `train ${config.name}/${modelName} seed ${seed}`);
    writeTable(join(dir, 'history.arrow'), HISTORY_SCHEMA, historyColumns(history, folds.length > 1 ? historyFold : null));
    const inputFiles: Record<string, string> = { 'data/users.arrow': dataPaths.users, 'data/items.arrow': dataPaths.items };
    folds.forEach((_, k) => {
      const paths = folds.length > 1 ? dataPaths.fold(k) : dataPaths;
      for (const split of ['train', 'valid'] as const) inputFiles[relative(catalogue.experimentDir, paths.ratings(split))] = paths.ratings(split);
    });
    const manifest = makeManifest({
      stage: 'train',
      experiment: config.name,
      model: modelName,
      configSection: trainSection(config, modelName),
      inputFiles,
      seed: config.seed,
      backend: backend.name,
      wallSeconds: (performance.now() - started) / 1000,
      details: { ...combineFolds(runs), ...(loss ? { loss } : {}), ...(engine ? { engine } : {}), ...(extraSeeds.length > 0 ? { seeds: extraSeeds } : {}) },
    });
    writeManifest(join(dir, 'manifest.json'), manifest);
  });
  const d = combineFolds(runs);
  log.info(
    `train ${config.name}/${modelName}: ${loss ? `${lossShown(modelConfig.type, loss)} loss` : `${modelConfig.type} fit`}, ${d.params} ${classic ? 'stored values' : 'parameters'}, ${d.epochs} epochs (best ${d.bestEpoch})${folds.length > 1 ? ' in fold 1' : ''}, ${d.trainSeconds.toFixed(2)}s in the loop, ${Math.round(d.trainSamplesPerSecond)} samples/s on ${backend.name}${engine ? ` (${engine.name} engine${engine.kernelBuild ? `, ${engine.kernelBuild} build` : ''})` : ''}`,
  );
  return d;
}

/** Frees the weights of a trained model: only its own (fit has freed its engine's), never another model's in the process. */
export function disposeModel(out: TrainOutput): void {
  out.model.network.dispose();
}

/** The loss a log line names: the Mult autoencoders train on the multinomial likelihood whatever train.loss resolved to (it only marks the data implicit). */
function lossShown(type: string, loss: Loss): string {
  return type === 'multdae' || type === 'multvae' ? 'multinomial' : loss;
}
