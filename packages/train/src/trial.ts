/**
 * One trial of a hyper-parameter search (issue 11): the model trained on the train
 * split with the trial's values, measured on the validation split only. Nothing is
 * refitted on train + valid and the test split is never read: a trial's one number is
 * its validation objective.
 *
 * Objectives: val_rmse, val_mae and val_loss are the history's values at the epoch
 * early stopping chose (a classic model's single fit row; val_loss has no meaning for
 * classic models); a ranking objective (val_ndcg@10, ...) ranks every item but the
 * user's training items for each user with a validation item (the full protocol of
 * @deeprec/metrics), scored by the model in memory.
 */
import { collectRatings, type Columns, type DataInfo, type Ratings, type RatingSource, type TrainDetails } from '@deeprec/artifacts';
import { ConfigError, type Logger } from '@deeprec/base';
import { scoreUsersAllItems } from '@deeprec/compute';
import type { ResolvedModelConfig } from '@deeprec/config';
import { blockScorer, evaluateFullRanking, groupByUser } from '@deeprec/metrics';
import { buildCsr, isClassic, type FittedClassic, type RecModel } from '@deeprec/models';
import { runTrainClassic } from './classic';
import type { HistoryRow } from './loop';
import { disposeModel, runTrain } from './run';

export interface TrialInputs {
  info: DataInfo;
  train: RatingSource;
  valid: Ratings;
  sideTables?: { users: Columns; items: Columns };
}

export interface TrialOutcome {
  /** The objective's value on the validation split; NaN when it cannot be computed (no validation data). */
  value: number;
  history: HistoryRow[];
  details: TrainDetails;
}

/** The objective's metric key in @deeprec/metrics terms: 'ndcg@10' for val_ndcg@10; undefined for the history's figures. */
export function rankingKey(objective: string): string | undefined {
  const key = objective.replace(/^val_/, '');
  return key.includes('@') ? key : undefined;
}

/** Fails early (exit 2) for an objective the model cannot give. */
export function checkObjective(modelConfig: ResolvedModelConfig, objective: string, feedback: DataInfo['feedback']): void {
  const where = `models.${modelConfig.name}.search.objective`;
  if (objective === 'val_loss' && isClassic(modelConfig.type)) {
    throw new ConfigError(`${where}: val_loss is the training loss of networks; ${modelConfig.type} has none (use val_rmse or a ranking metric such as val_ndcg@10)`);
  }
  if ((objective === 'val_rmse' || objective === 'val_mae') && feedback === 'implicit') {
    throw new ConfigError(`${where}: ${objective} needs rating data; implicit data has none (use val_loss or a ranking metric such as val_ndcg@10)`);
  }
}

function validationRanking(key: string, numUsers: number, numItems: number, train: Ratings, valid: Ratings, scoreUsers: (users: number[]) => Float32Array): number {
  const trainItems = groupByUser(train.user, train.item, numUsers);
  const validItems = groupByUser(valid.user, valid.item, numUsers);
  const users = Int32Array.from({ length: numUsers }, (_, u) => u).filter((u) => (validItems[u] as Int32Array).length > 0);
  if (users.length === 0) return Number.NaN;
  const ks = [Number(key.split('@')[1])];
  const result = evaluateFullRanking({ numItems, trainItems, testItems: validItems, users, ks, auc: false, scoreUser: blockScorer(scoreUsers, users, numItems) });
  return result.means[key] ?? Number.NaN;
}

/** The history's figure at the best epoch. */
function historyValue(history: HistoryRow[], bestEpoch: number, objective: string): number {
  const row = history.find((h) => h.epoch === bestEpoch) ?? history[history.length - 1];
  if (!row) return Number.NaN;
  const key = objective as 'val_rmse' | 'val_mae' | 'val_loss';
  return row[key];
}

/** Pure (apart from tfjs state): trains with the trial's config and measures the objective on validation. */
export function runTrial(modelConfig: ResolvedModelConfig, objective: string, inputs: TrialInputs, seed: number, log: Logger, label: string): TrialOutcome {
  checkObjective(modelConfig, objective, inputs.info.feedback);
  // A trial never refits: the validation split must stay unseen.
  const config = { ...modelConfig, train: { ...modelConfig.train, refit: false } } as ResolvedModelConfig;
  const { numUsers, numItems } = inputs.info;
  const key = rankingKey(objective);
  if (isClassic(config.type)) {
    const train = collectRatings(inputs.train);
    const out = runTrainClassic(config, { info: inputs.info, train, valid: inputs.valid }, seed, log, label);
    const fitted: FittedClassic = out.fitted;
    const history = buildCsr({ numUsers, numItems, ...train }, 'user');
    const value = key
      ? validationRanking(key, numUsers, numItems, train, inputs.valid, (users) => fitted.scoreUsers(history, users))
      : historyValue(out.history, out.details.bestEpoch, objective);
    return { value, history: out.history, details: out.details };
  }
  const out = runTrain(config, { info: inputs.info, train: inputs.train, valid: inputs.valid, ...(inputs.sideTables ? { sideTables: inputs.sideTables } : {}) }, seed, log, label);
  try {
    const network: RecModel['network'] = out.model.network;
    const value = key
      ? validationRanking(key, numUsers, numItems, collectRatings(inputs.train), inputs.valid, (users) => scoreUsersAllItems(network, users, numItems))
      : historyValue(out.fit.history, out.fit.bestEpoch, objective);
    return { value, history: out.fit.history, details: out.details };
  } finally {
    disposeModel(out);
  }
}
