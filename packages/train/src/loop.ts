/**
 * The training loop. Not tf.LayersModel.fit: fit shuffles with Math.random, so reruns
 * would differ. Here shuffling, initialisers and dropout all draw from seeded streams,
 * and reruns on the same backend are bit-identical.
 */
import * as tf from '@tensorflow/tfjs';
import { mae, rmse, Rng, scorePairs, type Logger, type Ratings, type TrainConfig } from '@deeprec/core';
import type { RecModel } from '@deeprec/models';
import { EarlyStopping, LrSchedule } from './callbacks';
import { createOptimizer, setLearningRate } from './optimizers';

export interface HistoryRow {
  epoch: number;
  loss: number;
  val_loss: number;
  val_rmse: number;
  val_mae: number;
  lr: number;
  seconds: number;
}

export interface FitResult {
  history: HistoryRow[];
  /** Seconds in the training loop alone: batches and optimizer steps, no validation. */
  trainSeconds: number;
  trainSamples: number;
  bestEpoch: number;
  stoppedEarly: boolean;
}

export interface FitOptions {
  config: TrainConfig;
  l2: number;
  seed: number;
  log: Logger;
  label: string;
  /** Learning rate of each epoch, replacing the schedule (a refit replays the rates of the validated run). */
  lrPlan?: number[];
}

function batchTensor(source: Int32Array, order: Int32Array, start: number, end: number): tf.Tensor2D {
  const values = new Int32Array(end - start);
  for (let k = start; k < end; k += 1) values[k - start] = source[order[k] as number] as number;
  return tf.tensor2d(values, [end - start, 1], 'int32');
}

function batchTargets(source: Float32Array, order: Int32Array, start: number, end: number): tf.Tensor1D {
  const values = new Float32Array(end - start);
  for (let k = start; k < end; k += 1) values[k - start] = source[order[k] as number] as number;
  return tf.tensor1d(values, 'float32');
}

function validate(model: RecModel, valid: Ratings): { val_loss: number; val_rmse: number; val_mae: number } {
  if (valid.user.length === 0) return { val_loss: Number.NaN, val_rmse: Number.NaN, val_mae: Number.NaN };
  const predicted = scorePairs(model.network, valid.user, valid.item);
  const r = rmse(valid.rating, predicted);
  return { val_loss: r * r, val_rmse: r, val_mae: mae(valid.rating, predicted) };
}

export function fit(model: RecModel, train: Ratings, valid: Ratings, options: FitOptions): FitResult {
  const { config, l2, seed, log, label } = options;
  const shuffleRng = new Rng(seed, 'shuffle', model.name);
  const dropoutRng = new Rng(seed, 'dropout', model.name);
  const nextSeed = () => dropoutRng.seed();
  const optimizer = createOptimizer(config.optimizer);
  const variables = model.network.trainableWeights.map((w) => w.read() as tf.Variable);
  const schedule = new LrSchedule(config.lrSchedule, config.optimizer.learningRate);
  const stopping = new EarlyStopping(config.earlyStopping);
  const hasValid = valid.user.length > 0;
  const monitorKey = hasValid ? config.earlyStopping.monitor : 'loss';
  if (!hasValid) log.info(`${label}: no validation ratings (split.valid is 0); early stopping and plateau watch the training loss`);

  if (variables.length === 0) {
    log.info(`${label}: no trainable parameters; nothing to train`);
    optimizer.dispose();
    return { history: [], trainSeconds: 0, trainSamples: 0, bestEpoch: 0, stoppedEarly: false };
  }
  const n = train.user.length;
  const batchSize = Math.min(config.batchSize, n);
  const history: HistoryRow[] = [];
  let best: tf.Tensor[] | null = null;
  let trainSeconds = 0;
  let trainSamples = 0;
  let stoppedEarly = false;

  for (let epoch = 1; epoch <= config.epochs; epoch += 1) {
    const lr = options.lrPlan?.[epoch - 1] ?? schedule.rate;
    setLearningRate(optimizer, lr);
    const order = shuffleRng.permutation(n);
    const batches = Math.ceil(n / batchSize);
    const progress = log.progress(`${label} epoch ${epoch}/${config.epochs}`, batches);
    const started = performance.now();
    let lossSum = tf.scalar(0);
    for (let b = 0; b < batches; b += 1) {
      const start = b * batchSize;
      const end = Math.min(n, start + batchSize);
      const cost = tf.tidy(() => {
        const users = batchTensor(train.user, order, start, end);
        const items = batchTensor(train.item, order, start, end);
        const targets = batchTargets(train.rating, order, start, end);
        const loss = optimizer.minimize(
          () => {
            const pass = model.trainingPass(users, items, nextSeed);
            let total = tf.losses.meanSquaredError(targets, pass.output) as tf.Scalar;
            if (l2 > 0) {
              const penalty = (ts: tf.Tensor[]) => (ts.length === 0 ? tf.scalar(0) : tf.addN(ts.map((t) => tf.sum(tf.square(t)))));
              total = total.add(penalty(pass.embeddings).div(end - start).mul(l2)).add(penalty(model.kernels).mul(l2)) as tf.Scalar;
            }
            return total;
          },
          true,
          variables,
        ) as tf.Scalar;
        return loss.mul(end - start);
      });
      const next = lossSum.add(cost) as tf.Scalar;
      lossSum.dispose();
      cost.dispose();
      lossSum = next;
      progress.update(b + 1);
    }
    const loss = (lossSum.dataSync()[0] as number) / n;
    lossSum.dispose();
    const seconds = (performance.now() - started) / 1000;
    trainSeconds += seconds;
    trainSamples += n;

    const row: HistoryRow = { epoch, loss, ...validate(model, valid), lr, seconds };
    history.push(row);
    const monitored = row[monitorKey];
    const { improved, stop } = stopping.update(epoch, monitored);
    if (improved && config.earlyStopping.restoreBest) {
      best?.forEach((t) => t.dispose());
      best = variables.map((v) => tf.keep(v.clone()));
    }
    progress.stop(`loss ${loss.toFixed(4)} val_rmse ${row.val_rmse.toFixed(4)} val_mae ${row.val_mae.toFixed(4)} lr ${lr.toPrecision(3)} (${seconds.toFixed(2)}s)`);
    if (!Number.isFinite(loss)) {
      log.info(`${label}: loss is ${loss} at epoch ${epoch}; stopping (try a lower train.optimizer.learningRate)`);
      stoppedEarly = true;
      break;
    }
    if (stop) {
      log.info(`${label}: early stopping at epoch ${epoch}; best ${monitorKey} ${stopping.best.toFixed(4)} at epoch ${stopping.bestEpoch}`);
      stoppedEarly = true;
      break;
    }
    schedule.step(monitored);
  }
  if (best && config.earlyStopping.restoreBest) {
    variables.forEach((v, i) => v.assign(best?.[i] as tf.Tensor));
    best.forEach((t) => t.dispose());
  }
  optimizer.dispose();
  return { history, trainSeconds, trainSamples, bestEpoch: stopping.bestEpoch || history.length, stoppedEarly };
}
