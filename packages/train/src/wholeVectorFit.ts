/**
 * The training loop of the whole-vector models (autoencoders; RecModel.wholeVector):
 * each step takes a batch of rows (users' or items' whole vectors, train.batchSize of
 * them) and the model's loss over those vectors, rather than a batch of (user, item)
 * pairs. Everything else is the pair loop's (loop.ts): the seeded row shuffle, the
 * learning-rate schedule, early stopping with the best weights restored, the history
 * the report plots, a refit's replayed rates. The model holds its training vectors
 * (from ModelContext.interactions), so the loop reads no ratings itself.
 *
 * Validation: explicit data scores the validation pairs through the saved network (its
 * codes refreshed first), as every model; implicit data uses the model's own
 * validation loss (the multinomial likelihood of the held-out items).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import { scorePairs } from '@deeprec/compute';
import { mae, rmse } from '@deeprec/metrics';
import type { Ratings } from '@deeprec/artifacts';
import type { ForwardOptions, RecModel, WholeVectorStage, WholeVectorTraining } from '@deeprec/models';
import { EarlyStopping, LrSchedule } from './callbacks';
import { createEngine, type EngineChoice } from './engine';
import type { FitOptions, FitResult, HistoryRow } from './loop';
import { validationText, watchedColumn, watchRanking } from './monitor';
import { rankingValidator } from './rankingValidation';

function penalty(ts: tf.Tensor[]): tf.Scalar {
  return (ts.length === 0 ? tf.scalar(0) : tf.addN(ts.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

/** `train`: the train split, read only for a ranking monitor (the items each user's negatives leave out). */
export function fitWholeVector(model: RecModel, training: WholeVectorTraining, valid: Ratings, options: FitOptions, train: Ratings | null): FitResult {
  const { config, seed, log, label } = options;
  const l2 = options.denseL2 ?? options.l2;
  const implicit = (options.loss ?? 'mse') !== 'mse';
  const shuffleRng = new Rng(seed, 'shuffle', model.name);
  const dropoutRng = new Rng(seed, 'dropout', model.name);
  const forward: ForwardOptions = { nextSeed: () => dropoutRng.seed() };
  // The fused and kernel engines update the pair models' embedding rows; a batch of vectors is dense work for tfjs's optimizer.
  const requested = config.engine;
  const note = requested === 'fused' || requested === 'kernels' ? `train.engine ${requested} covers pair models; ${model.type} trains whole vectors with tfjs's optimizer` : null;
  const choice: EngineChoice = { engine: 'tfjs', requested, note };
  if (note) log.info(`${label}: ${note}`);
  const hasValid = valid.user.length > 0;
  const ranking = watchRanking(options, implicit, hasValid);
  const { monitorKey, undefinedMonitor } = watchedColumn(config, implicit, hasValid, ranking);
  if (undefinedMonitor) log.info(`${label}: ${undefinedMonitor} is undefined for implicit feedback; early stopping and plateau watch val_loss (the multinomial likelihood of the validation items) instead`);
  const rankEpoch = ranking && train && options.sizes ? rankingValidator(model, train, valid, ranking, options.sizes, seed) : () => Number.NaN;
  const validateEpoch = (): Pick<HistoryRow, 'val_loss' | 'val_rmse' | 'val_mae'> => {
    if (!hasValid) return { val_loss: Number.NaN, val_rmse: Number.NaN, val_mae: Number.NaN };
    if (implicit && training.validationLoss) return { val_loss: training.validationLoss(valid), val_rmse: Number.NaN, val_mae: Number.NaN };
    const predicted = scorePairs(model.network, valid.user, valid.item);
    const r = rmse(valid.rating, predicted);
    return { val_loss: r * r, val_rmse: r, val_mae: mae(valid.rating, predicted) };
  };

  // A staged model (glocalk) runs each stage as its own phase: fresh optimizer, schedule and early stopping.
  const stages: readonly WholeVectorStage[] = training.stages ?? [{ name: '', variables: training.variables, enter: () => undefined }];
  const history: HistoryRow[] = [];
  const n = training.rowCount;
  const batchSize = Math.max(1, Math.min(config.batchSize, n));
  let trainSeconds = 0;
  let trainSamples = 0;
  let stoppedEarly = false;
  let bestEpoch = 0;
  let steps = 0;
  for (const stage of stages) {
    stage.enter();
    const variables = stage.variables;
    const epochs = stage.epochs ?? config.epochs;
    const offset = history.length;
    const stageLabel = stage.name ? `${label} ${stage.name}` : label;
    if (stage.name) log.info(`${stageLabel}: up to ${epochs} epochs from epoch ${offset + 1}`);
    const schedule = new LrSchedule(config.lrSchedule, config.optimizer.learningRate, ranking !== null);
    const stopping = new EarlyStopping(config.earlyStopping, ranking !== null);
    const engine = createEngine('tfjs', model, config.optimizer, variables);
    let best: tf.Tensor[] | null = null;
    try {
      for (let epoch = 1; epoch <= epochs && n > 0; epoch += 1) {
        const lr = options.lrPlan?.[offset + epoch - 1] ?? schedule.rate;
        engine.setLearningRate(lr);
        const started = performance.now();
        const order = shuffleRng.permutation(n);
        const progress = log.progress(`${stageLabel} epoch ${epoch}/${epochs}`, Math.ceil(n / batchSize));
        let lossSum = 0;
        for (let from = 0; from < n; from += batchSize) {
          const rows = Int32Array.from(order.subarray(from, from + batchSize));
          const step = steps;
          const cost = tf.tidy(() =>
            engine.step(() => {
              let total = training.loss(rows, forward, step);
              if (l2 > 0 && model.kernels.length > 0) total = tf.add(total, tf.mul(penalty(model.kernels), l2));
              return total;
            }),
          );
          steps += 1;
          lossSum += (cost.dataSync()[0] as number) * rows.length;
          cost.dispose();
          progress.update(Math.ceil((from + rows.length) / batchSize));
        }
        const loss = lossSum / n;
        const seconds = (performance.now() - started) / 1000;
        trainSeconds += seconds;
        trainSamples += n;

        model.refreshScoring?.();
        // Epochs count on across stages, so the report's curves run through both.
        const row: HistoryRow = { epoch: offset + epoch, loss, ...validateEpoch(), val_rank: rankEpoch(), lr, seconds };
        history.push(row);
        const monitored = row[monitorKey];
        const { improved, stop } = stopping.update(epoch, monitored);
        if (improved && config.earlyStopping.restoreBest) {
          best?.forEach((t) => t.dispose());
          // A real copy, as loop.ts keeps it.
          best = variables.map((v) => tf.keep(tf.tensor(v.dataSync().slice(), v.shape, v.dtype)));
        }
        progress.stop(`loss ${loss.toFixed(4)}${validationText(row, hasValid, implicit, ranking)} lr ${lr.toPrecision(3)} (${seconds.toFixed(2)}s)`);
        if (!Number.isFinite(loss)) {
          log.info(`${stageLabel}: loss is ${loss} at epoch ${epoch}; stopping (try a lower train.optimizer.learningRate)`);
          stoppedEarly = true;
          break;
        }
        if (stop) {
          log.info(`${stageLabel}: early stopping at epoch ${epoch}; best ${ranking?.name ?? monitorKey} ${stopping.best.toFixed(4)} at epoch ${stopping.bestEpoch}`);
          stoppedEarly = true;
          break;
        }
        schedule.step(monitored);
      }
      if (best && config.earlyStopping.restoreBest) variables.forEach((v, i) => v.assign(best?.[i] as tf.Tensor));
      // The saved network's codes follow the weights kept.
      model.refreshScoring?.();
    } finally {
      best?.forEach((t) => t.dispose());
      engine.dispose();
    }
    bestEpoch = offset + (stopping.bestEpoch || history.length - offset);
    if (stage.name) log.info(`${stageLabel}: kept epoch ${bestEpoch - offset} of the stage (epoch ${bestEpoch} of the run; ${ranking?.name ?? monitorKey} ${history[bestEpoch - 1]?.[monitorKey].toFixed(4) ?? '-'})`);
  }
  return { history, monitor: monitorKey, ...(ranking ? { rankingMonitor: ranking.name } : {}), trainSeconds, trainSamples, bestEpoch, stoppedEarly, engine: choice };
}
