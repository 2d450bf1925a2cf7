/**
 * The evaluate stage: scores the test ratings with the saved model (loaded through
 * tf.loadLayersModel, exactly as a user would), clips to the rating scale, and
 * writes predictions.arrow and metrics.json. k-fold: every fold's model on its own
 * test fold; metrics are the mean over folds, with their spread.
 *
 * Ranking metrics (any of evaluate.metrics but rmse and mae): see ranking.ts; per-user
 * values go to ranking.arrow, means to metrics.json `ranking`.
 *
 * Implicit data (info.feedback 'implicit'): test rows are interactions, not ratings, so
 * predictions.arrow keeps the raw scores of the test positives (unclipped) and every
 * rating error (rmse, mae, meanBaseline, coldStart and fold rmse/mae) is NaN, which
 * metrics.json holds as null.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ArtifactCatalogue, NEGATIVES_SCHEMA, PREDICTIONS_SCHEMA, RANKING_SCHEMA, openDataset, readJson, readTable, writeArtifactDir, writeJson, writeTable, type ErrorSummary, type EvalMetrics, type Manifest, type Ratings, type TrainDetails } from '@deeprec/artifacts';
import { ArtifactError, messageOf, type Logger } from '@deeprec/base';
import { clip, fileLoadHandler, scorePairs } from '@deeprec/compute';
import { type ExperimentConfig } from '@deeprec/config';
import { mae, rmse } from '@deeprec/metrics';
import { checkProtocol, NegativesIndex, rankingRequest, resolveProtocol, runRanking, type RankingOptions, type RankingOutput } from './ranking';

export interface FoldInputs {
  network: tf.LayersModel;
  test: Ratings;
  train: Ratings;
  /** Validation ratings: never ranking candidates. */
  valid?: Ratings;
  trainMean: number;
  /** Sampled ranking protocol: the fold's stored negatives. */
  negatives?: NegativesIndex;
}

export interface EvaluateInputs {
  folds: FoldInputs[];
  numUsers: number;
  numItems: number;
  scale: { min: number; max: number };
  train: TrainDetails;
  backend: string;
  /** Default explicit. */
  feedback?: 'explicit' | 'implicit';
  /** Ranking metrics to compute (evaluate.metrics has some). */
  ranking?: Omit<RankingOptions, 'numUsers' | 'numItems'>;
}

export interface EvaluateOutput {
  /** Test ratings of every fold, concatenated in fold order, with predictions. */
  test: Ratings;
  predictions: Float32Array;
  /** 1-based fold of each row (all 1 without k-fold). */
  fold: Int32Array;
  metrics: EvalMetrics;
  /** ranking.arrow columns and the summary in metrics.ranking; seconds spent ranking. */
  ranking?: RankingOutput & { seconds: number };
}

function summary(actual: ArrayLike<number>, predicted: ArrayLike<number>, implicit = false): ErrorSummary {
  if (implicit) return { rmse: Number.NaN, mae: Number.NaN, count: actual.length };
  return { rmse: rmse(actual, predicted), mae: mae(actual, predicted), count: actual.length };
}

function subset(values: Float32Array, rows: number[]): Float32Array {
  return Float32Array.from(rows, (r) => values[r] as number);
}

/** Splits a fold's test rows into warm (user and item seen in training) and cold. */
function warmAndCold(fold: FoldInputs, numUsers: number, numItems: number): { warm: number[]; cold: number[] } {
  const seenUser = new Uint8Array(numUsers);
  const seenItem = new Uint8Array(numItems);
  fold.train.user.forEach((u) => (seenUser[u] = 1));
  fold.train.item.forEach((i) => (seenItem[i] = 1));
  const warm: number[] = [];
  const cold: number[] = [];
  fold.test.user.forEach((u, r) => (seenUser[u] && seenItem[fold.test.item[r] as number] ? warm : cold).push(r));
  return { warm, cold };
}

function std(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
}

/** Pure: predictions and metrics for the test ratings of every fold. */
export function runEvaluate(experiment: string, model: string, inputs: EvaluateInputs): EvaluateOutput {
  const { scale } = inputs;
  const implicit = inputs.feedback === 'implicit';
  const perFold = inputs.folds.map((f) => {
    const scores = scorePairs(f.network, f.test.user, f.test.item);
    const predictions = implicit ? scores : clip(scores, scale.min, scale.max);
    const { warm, cold } = warmAndCold(f, inputs.numUsers, inputs.numItems);
    return { f, predictions, warm, cold, summary: summary(f.test.rating, predictions, implicit), mean: new Float32Array(f.test.rating.length).fill(f.trainMean) };
  });
  const join32 = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  };
  const joinI32 = (parts: Int32Array[]) => Int32Array.from(parts.flatMap((p) => Array.from(p)));
  const test: Ratings = {
    user: joinI32(perFold.map((p) => p.f.test.user)),
    item: joinI32(perFold.map((p) => p.f.test.item)),
    rating: join32(perFold.map((p) => p.f.test.rating)),
  };
  const predictions = join32(perFold.map((p) => p.predictions));
  const fold = Int32Array.from(perFold.flatMap((p, k) => Array.from({ length: p.predictions.length }, () => k + 1)));
  const warmActual = join32(perFold.map((p) => subset(p.f.test.rating, p.warm)));
  const warmPredicted = join32(perFold.map((p) => subset(p.predictions, p.warm)));
  const coldActual = join32(perFold.map((p) => subset(p.f.test.rating, p.cold)));
  const coldPredicted = join32(perFold.map((p) => subset(p.predictions, p.cold)));
  const summaries = perFold.map((p) => p.summary);
  const mean = (key: 'rmse' | 'mae') => summaries.reduce((a, s) => a + s[key], 0) / summaries.length;
  const metrics: EvalMetrics = {
    experiment,
    model,
    type: inputs.train.type,
    rmse: mean('rmse'),
    mae: mean('mae'),
    count: test.rating.length,
    params: inputs.train.params,
    trainSeconds: inputs.train.trainSeconds,
    trainSamplesPerSecond: inputs.train.trainSamplesPerSecond,
    epochs: inputs.train.epochs,
    bestEpoch: inputs.train.bestEpoch,
    backend: inputs.backend,
    meanBaseline: implicit
      ? { rmse: Number.NaN, mae: Number.NaN }
      : { rmse: rmse(test.rating, join32(perFold.map((p) => p.mean))), mae: mae(test.rating, join32(perFold.map((p) => p.mean))) },
    coldStart: { warm: summary(warmActual, warmPredicted, implicit), cold: summary(coldActual, coldPredicted, implicit) },
  };
  if (perFold.length > 1) {
    metrics.folds = summaries;
    metrics.rmseStd = std(summaries.map((s) => s.rmse));
    metrics.maeStd = std(summaries.map((s) => s.mae));
  }
  if (!inputs.ranking) return { test, predictions, fold, metrics };
  const started = performance.now();
  const ranking = runRanking(inputs.folds, { ...inputs.ranking, numUsers: inputs.numUsers, numItems: inputs.numItems });
  metrics.ranking = ranking.summary;
  return { test, predictions, fold, metrics, ranking: { ...ranking, seconds: (performance.now() - started) / 1000 } };
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
  const { info } = data;
  const feedback = info.feedback ?? 'explicit';
  const numNegatives = info.negatives ?? 0;
  const request = rankingRequest(config.evaluate.metrics);
  let ranking: EvaluateInputs['ranking'];
  if (request) {
    const protocol = resolveProtocol(config.evaluate.protocol, numNegatives);
    checkProtocol(request, protocol);
    const relevance = feedback === 'explicit' ? config.evaluate.relevance : undefined;
    ranking = { request, protocol, ...(relevance !== undefined ? { relevance } : {}), ...(protocol === 'sampled' ? { negatives: numNegatives } : {}) };
  }
  const dataPaths = catalogue.data();
  const multi = info.folds.length > 1;
  const folds: FoldInputs[] = [];
  for (const [k, fold] of info.folds.entries()) {
    const network = await loadNetwork(multi ? modelPaths.fold(k) : modelPaths.dir);
    const inputs: FoldInputs = { network, test: data.ratings('test', k), train: data.ratings('train', k), trainMean: fold.trainMean };
    if (ranking) inputs.valid = data.ratings('valid', k);
    if (ranking?.protocol === 'sampled') {
      const file = multi ? dataPaths.fold(k).negatives : dataPaths.negatives;
      inputs.negatives = new NegativesIndex(readTable(file, NEGATIVES_SCHEMA), info.numItems, file);
    }
    folds.push(inputs);
  }
  const out = runEvaluate(config.name, modelName, {
    folds,
    numUsers: info.numUsers,
    numItems: info.numItems,
    scale: info.scale,
    train: trainManifest.details as unknown as TrainDetails,
    backend: trainManifest.backend ?? 'unknown',
    feedback,
    ...(ranking ? { ranking } : {}),
  });
  folds.forEach((f) => f.network.dispose());
  const final = catalogue.evaluation(modelName);
  await writeArtifactDir(final.dir, (dir) => {
    writeTable(join(dir, 'predictions.arrow'), PREDICTIONS_SCHEMA, {
      user: out.test.user,
      item: out.test.item,
      rating: out.test.rating,
      prediction: out.predictions,
      ...(folds.length > 1 ? { fold: out.fold } : {}),
    });
    writeJson(join(dir, 'metrics.json'), out.metrics);
    if (out.ranking) writeTable(join(dir, 'ranking.arrow'), RANKING_SCHEMA, out.ranking.table);
  });
  const m = out.metrics;
  if (feedback === 'explicit') {
    const spread = m.rmseStd !== undefined ? ` (mean of ${folds.length} folds, RMSE sd ${m.rmseStd.toFixed(4)})` : '';
    const cold = m.coldStart.cold.count > 0 ? `; cold-start ${m.coldStart.cold.count}: RMSE ${m.coldStart.cold.rmse.toFixed(4)}` : '';
    log.info(
      `evaluate ${config.name}/${modelName}: RMSE ${m.rmse.toFixed(4)} MAE ${m.mae.toFixed(4)} on ${m.count} test ratings${spread} (predicting the training mean: RMSE ${m.meanBaseline.rmse.toFixed(4)})${cold}`,
    );
  }
  if (out.ranking) log.info(`evaluate ${config.name}/${modelName}: ${rankingLine(out.ranking)}`);
  return out;
}

/** One log line of ranking results, e.g. `ranking (full, 943 users, 2.1 s): hr@10 0.6543, ...`. */
export function rankingLine(ranking: RankingOutput & { seconds: number }): string {
  const s = ranking.summary;
  const how = s.protocol === 'sampled' ? `sampled, ${s.negatives} negatives per positive` : 'full';
  const figures = [...Object.entries(s.means), ...Object.entries(s.catalogue ?? {})].map(([key, v]) => `${key} ${Number.isNaN(v) ? '–' : v.toFixed(4)}`);
  return `ranking (${how}, ${s.users} users, ${ranking.seconds.toFixed(1)} s): ${figures.join(', ')}`;
}
