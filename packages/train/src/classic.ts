/**
 * Training classic (non-network) models: the model's own fit on the training
 * interactions (train + valid with train.refit), timed, then saved in the classic format
 * (@deeprec/artifacts classicModel.ts). The optimizer loop, schedules and early stopping
 * of the train section do not apply; the history gets one row per fit, with the
 * validation RMSE and MAE of explicit models, so the report's curves and any search read
 * a validation figure as for networks. The test split is never read here.
 */
import { concatRatings, type DataInfo, type Ratings, type TrainDetails } from '@deeprec/artifacts';
import type { Logger } from '@deeprec/base';
import type { ResolvedModelConfig } from '@deeprec/config';
import { clip } from '@deeprec/compute';
import { mae, rmse } from '@deeprec/metrics';
import { buildCsr, classicFactory, storedValues, type FittedClassic } from '@deeprec/models';
import type { HistoryRow } from './loop';

export interface ClassicTrainInputs {
  info: DataInfo;
  train: Ratings;
  valid: Ratings;
}

export interface ClassicTrainOutput {
  fitted: FittedClassic;
  /** The splits fitted on, as saved: a history-based model queries them when scoring. */
  fitOn: Array<'train' | 'valid'>;
  history: HistoryRow[];
  details: TrainDetails;
}

/** Iterations the model's own algorithm runs (sweeps or SGD epochs); 1 for a closed form. */
function modelEpochs(config: ResolvedModelConfig): number {
  return 'epochs' in config && typeof config.epochs === 'number' ? config.epochs : 1;
}

/** Pure: fits one classic model and measures it on the validation split. */
export function runTrainClassic(modelConfig: ResolvedModelConfig, inputs: ClassicTrainInputs, seed: number, log: Logger, label: string): ClassicTrainOutput {
  const { info } = inputs;
  const refit = modelConfig.train.refit && inputs.valid.user.length > 0;
  const data = refit ? concatRatings(inputs.train, inputs.valid) : inputs.train;
  const fitOn: ClassicTrainOutput['fitOn'] = refit ? ['train', 'valid'] : ['train'];
  const factory = classicFactory(modelConfig.type);
  const started = performance.now();
  const fitted = factory.fit(modelConfig, { numUsers: info.numUsers, numItems: info.numItems, ...data }, { feedback: info.feedback, seed });
  const trainSeconds = (performance.now() - started) / 1000;
  const epochs = modelEpochs(modelConfig);
  const row: HistoryRow = { epoch: epochs, loss: Number.NaN, val_loss: Number.NaN, val_rmse: Number.NaN, val_mae: Number.NaN, val_rank: Number.NaN, lr: Number.NaN, seconds: trainSeconds };
  // A refit has seen the validation split: no validation figure then (as the network refit).
  if (info.feedback === 'explicit' && !refit && inputs.valid.user.length > 0) {
    const history = buildCsr({ numUsers: info.numUsers, numItems: info.numItems, ...data }, 'user');
    // Clipped to the rating scale, as evaluate clips test predictions.
    const predicted = clip(fitted.scorePairs(history, inputs.valid.user, inputs.valid.item), info.scale.min, info.scale.max);
    row.val_rmse = rmse(inputs.valid.rating, predicted);
    row.val_mae = mae(inputs.valid.rating, predicted);
    log.info(`${label}: validation RMSE ${row.val_rmse.toFixed(4)}, MAE ${row.val_mae.toFixed(4)}`);
  }
  const samples = data.user.length;
  const details: TrainDetails = {
    type: modelConfig.type,
    params: storedValues(fitted),
    layers: 0,
    trainSeconds,
    trainSamples: samples,
    trainSamplesPerSecond: trainSeconds > 0 ? samples / trainSeconds : 0,
    epochs,
    bestEpoch: epochs,
    stoppedEarly: false,
    modelConfig,
  };
  return { fitted, fitOn, history: [row], details };
}
