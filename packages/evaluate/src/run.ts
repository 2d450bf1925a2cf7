/**
 * The evaluate stage: scores the test ratings with the saved model (loaded through
 * tf.loadLayersModel, exactly as a user would), clips to the rating scale, and
 * writes predictions.arrow and metrics.json.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  ArtifactCatalogue,
  ArtifactError,
  PREDICTIONS_SCHEMA,
  clip,
  fileLoadHandler,
  mae,
  messageOf,
  openDataset,
  readJson,
  rmse,
  scorePairs,
  writeArtifactDir,
  writeJson,
  writeTable,
  type DataInfo,
  type EvalMetrics,
  type ExperimentConfig,
  type Logger,
  type Manifest,
  type Ratings,
  type TrainDetails,
} from '@deeprec/core';

export interface EvaluateInputs {
  network: tf.LayersModel;
  test: Ratings;
  info: DataInfo;
  train: TrainDetails;
  backend: string;
}

export interface EvaluateOutput {
  predictions: Float32Array;
  metrics: EvalMetrics;
}

/** Pure: predictions and metrics for the test ratings. */
export function runEvaluate(experiment: string, model: string, inputs: EvaluateInputs): EvaluateOutput {
  const { test, info, train } = inputs;
  const predictions = clip(scorePairs(inputs.network, test.user, test.item), info.scale.min, info.scale.max);
  const mean = new Float32Array(test.rating.length).fill(info.trainMean);
  const metrics: EvalMetrics = {
    experiment,
    model,
    type: train.type,
    rmse: rmse(test.rating, predictions),
    mae: mae(test.rating, predictions),
    count: test.rating.length,
    params: train.params,
    trainSeconds: train.trainSeconds,
    trainSamplesPerSecond: train.trainSamplesPerSecond,
    epochs: train.epochs,
    bestEpoch: train.bestEpoch,
    backend: inputs.backend,
    meanBaseline: { rmse: rmse(test.rating, mean), mae: mae(test.rating, mean) },
  };
  return { predictions, metrics };
}

export async function loadNetwork(dir: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(fileLoadHandler(dir));
  } catch (error) {
    if (error instanceof ArtifactError) throw error;
    throw new ArtifactError(`${join(dir, 'model.json')}: saved model cannot be loaded (${messageOf(error)})`, { cause: error });
  }
}

export async function writeEvaluate(config: ExperimentConfig, modelName: string, artifactsRoot: string, log: Logger): Promise<EvaluateOutput> {
  const catalogue = new ArtifactCatalogue(artifactsRoot, config.name);
  const modelPaths = catalogue.model(modelName);
  const trainManifest = readJson<Manifest>(modelPaths.manifest, 'train manifest');
  const data = openDataset(catalogue);
  const test = data.ratings('test');
  const network = await loadNetwork(modelPaths.dir);
  const out = runEvaluate(config.name, modelName, {
    network,
    test,
    info: data.info,
    train: trainManifest.details as unknown as TrainDetails,
    backend: trainManifest.backend ?? 'unknown',
  });
  network.dispose();
  const final = catalogue.evaluation(modelName);
  await writeArtifactDir(final.dir, (dir) => {
    writeTable(join(dir, 'predictions.arrow'), PREDICTIONS_SCHEMA, {
      user: test.user,
      item: test.item,
      rating: test.rating,
      prediction: out.predictions,
    });
    writeJson(join(dir, 'metrics.json'), out.metrics);
  });
  const m = out.metrics;
  log.info(
    `evaluate ${config.name}/${modelName}: RMSE ${m.rmse.toFixed(4)} MAE ${m.mae.toFixed(4)} on ${m.count} test ratings (predicting the training mean ${data.info.trainMean.toFixed(3)}: RMSE ${m.meanBaseline.rmse.toFixed(4)})`,
  );
  return out;
}
