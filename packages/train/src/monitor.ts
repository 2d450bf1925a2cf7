/**
 * What early stopping and the plateau schedule watch, resolved against the data: a history
 * column (lower is better), or a validation ranking metric (implicit data; higher is
 * better), held in history.arrow's val_rank column and named in the train manifest.
 */
import { ConfigError } from '@deeprec/base';
import { RANKING_MONITOR_PATTERN, type ResolvedModelConfig, type TrainConfig } from '@deeprec/config';
import type { Feedback } from './loss';

/** A validation ranking metric: hr or ndcg at k, over `negatives` sampled items per validation positive. */
export interface RankingMonitor {
  /** As configured, e.g. val_hr@10. */
  name: string;
  metric: 'hr' | 'ndcg';
  k: number;
  negatives: number;
}

/** The configured monitor: a ranking one (val_hr@K, val_ndcg@K), or null for a history column. */
export function rankingMonitor(earlyStopping: TrainConfig['earlyStopping']): RankingMonitor | null {
  const match = RANKING_MONITOR_PATTERN.exec(earlyStopping.monitor);
  if (!match) return null;
  return { name: earlyStopping.monitor, metric: match[1] as 'hr' | 'ndcg', k: Number(match[2]), negatives: earlyStopping.rankingNegatives };
}

/** Checks the monitor fits the data: a ranking monitor ranks items, which explicit ratings are not trained to do here. */
export function checkMonitor(model: Pick<ResolvedModelConfig, 'name' | 'train'>, feedback: Feedback | undefined, topLevel?: Pick<TrainConfig, 'earlyStopping'>): RankingMonitor | null {
  const ranking = rankingMonitor(model.train.earlyStopping);
  if (ranking && (feedback ?? 'explicit') === 'explicit') {
    const key = topLevel && topLevel.earlyStopping.monitor === ranking.name ? 'train.earlyStopping.monitor' : `models.${model.name}.train.earlyStopping.monitor`;
    throw new ConfigError(`${key}: ${ranking.name} ranks items against sampled negatives, which needs implicit data (data.feedback: implicit); for explicit data watch val_rmse, val_mae or val_loss`);
  }
  return ranking;
}
