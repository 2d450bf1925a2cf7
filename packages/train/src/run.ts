/** The train stage: a pure run over in-memory data, and the thin I/O that writes model artifacts. */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  ArtifactCatalogue,
  ConfigError,
  HISTORY_SCHEMA,
  fileSaveHandler,
  makeManifest,
  openDataset,
  writeArtifactDir,
  writeJson,
  writeTable,
  type BackendInfo,
  type DataInfo,
  type ExperimentConfig,
  type Logger,
  type Ratings,
  type ResolvedModelConfig,
  type TrainDetails,
} from '@deeprec/core';
import { buildModel, type RecModel } from '@deeprec/models';
import { fit, type FitResult, type HistoryRow } from './loop';

export interface TrainInputs {
  info: DataInfo;
  train: Ratings;
  valid: Ratings;
}

export interface TrainOutput {
  model: RecModel;
  fit: FitResult;
  details: TrainDetails;
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
  const model = buildModel(modelConfig, {
    numUsers: inputs.info.numUsers,
    numItems: inputs.info.numItems,
    trainMean: inputs.info.trainMean,
    seed,
  });
  const result = fit(model, inputs.train, inputs.valid, { config: modelConfig.train, l2: modelConfig.l2, seed, log, label });
  const details: TrainDetails = {
    type: modelConfig.type,
    params: model.network.countParams(),
    layers: model.network.layers.filter((l) => l.countParams() > 0).length,
    trainSeconds: result.trainSeconds,
    trainSamples: result.trainSamples,
    trainSamplesPerSecond: result.trainSeconds > 0 ? result.trainSamples / result.trainSeconds : 0,
    epochs: result.history.length,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    modelConfig,
  };
  return { model, fit: result, details };
}

function historyColumns(rows: HistoryRow[]) {
  const f64 = (key: Exclude<keyof HistoryRow, 'epoch'>) => Float64Array.from(rows, (r) => r[key]);
  return {
    epoch: Int32Array.from(rows, (r) => r.epoch),
    loss: f64('loss'),
    val_loss: f64('val_loss'),
    val_rmse: f64('val_rmse'),
    val_mae: f64('val_mae'),
    lr: f64('lr'),
    seconds: f64('seconds'),
  };
}

/** Trains one model of an experiment from its data artifacts and writes the model folder atomically. */
export async function writeTrain(
  config: ExperimentConfig,
  modelName: string,
  artifactsRoot: string,
  backend: BackendInfo,
  log: Logger,
): Promise<TrainOutput> {
  const started = performance.now();
  const modelConfig = modelConfigOf(config, modelName);
  const catalogue = new ArtifactCatalogue(artifactsRoot, config.name);
  const data = openDataset(catalogue);
  const label = `train ${config.name}/${modelName}`;
  const out = runTrain(modelConfig, { info: data.info, train: data.ratings('train'), valid: data.ratings('valid') }, config.seed, log, label);
  const final = catalogue.model(modelName);
  const dataPaths = catalogue.data();
  await writeArtifactDir(final.dir, async (dir) => {
    await out.model.network.save(fileSaveHandler(dir));
    writeTable(join(dir, 'history.arrow'), HISTORY_SCHEMA, historyColumns(out.fit.history));
    const manifest = makeManifest({
      stage: 'train',
      experiment: config.name,
      model: modelName,
      configSection: trainSection(config, modelName),
      inputFiles: { 'data/train.arrow': dataPaths.ratings('train'), 'data/valid.arrow': dataPaths.ratings('valid') },
      seed: config.seed,
      backend: backend.name,
      wallSeconds: (performance.now() - started) / 1000,
      details: { ...out.details },
    });
    writeJson(join(dir, 'manifest.json'), manifest);
  });
  const d = out.details;
  log.info(
    `${label}: ${d.params} parameters, ${d.epochs} epochs (best ${d.bestEpoch}), ${d.trainSeconds.toFixed(2)}s in the loop, ${Math.round(d.trainSamplesPerSecond)} samples/s on ${backend.name}`,
  );
  return out;
}

/** Frees the tensors of a trained model. */
export function disposeModel(out: TrainOutput): void {
  out.model.network.dispose();
  tf.disposeVariables();
}
