/**
 * What early stopping and the plateau schedule watch, resolved against the data: a history
 * column (lower is better), or a validation ranking metric (implicit data; higher is
 * better), held in history.arrow's val_rank column and named in the train manifest.
 */
import { ConfigError } from '@deeprec/base';
import { RANKING_MONITOR_PATTERN, type ResolvedModelConfig, type TrainConfig } from '@deeprec/config';
import type { Feedback } from './loss';
import type { FitOptions, HistoryRow } from './loop';

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

/**
 * The history column early stopping and the schedule watch: the configured monitor, val_loss for
 * implicit data, val_rank for a ranking monitor (val_hr@K, val_ndcg@K), the training loss without
 * validation data.
 */
export type WatchedColumn = 'val_rmse' | 'val_mae' | 'val_loss' | 'val_rank' | 'loss';

/** A ranking monitor (val_hr@K, val_ndcg@K) when one is configured and there is validation data to rank; ConfigError on explicit data. */
export function watchRanking(options: Pick<FitOptions, 'config' | 'sizes'>, implicit: boolean, hasValid: boolean): RankingMonitor | null {
  const ranking = rankingMonitor(options.config.earlyStopping);
  if (!ranking) return null;
  if (!implicit) throw new ConfigError(`train.earlyStopping.monitor: ${ranking.name} needs implicit data (data.feedback: implicit)`);
  if (!options.sizes) throw new Error(`fit: ${ranking.name} needs options.sizes (numUsers, numItems) to sample the items it ranks against`);
  return hasValid ? ranking : null;
}

/** The history column watched, and the configured one implicit data cannot give (val_rmse, val_mae), if so. */
export function watchedColumn(config: TrainConfig, implicit: boolean, hasValid: boolean, ranking: RankingMonitor | null): { monitorKey: WatchedColumn; undefinedMonitor: string | null } {
  if (!hasValid) return { monitorKey: 'loss', undefinedMonitor: null };
  if (ranking) return { monitorKey: 'val_rank', undefinedMonitor: null };
  const configured = config.earlyStopping.monitor;
  if (configured === 'val_loss') return { monitorKey: 'val_loss', undefinedMonitor: null };
  if (implicit) return { monitorKey: 'val_loss', undefinedMonitor: configured };
  return { monitorKey: configured === 'val_mae' ? 'val_mae' : 'val_rmse', undefinedMonitor: null };
}

export function rankingName(ranking: RankingMonitor | null): { rankingMonitor?: string } {
  return ranking ? { rankingMonitor: ranking.name } : {};
}

/** The validation figures of an epoch's log line. */
export function validationText(row: HistoryRow, hasValid: boolean, implicit: boolean, ranking: RankingMonitor | null): string {
  if (!hasValid) return '';
  if (!implicit) return ` val_rmse ${row.val_rmse.toFixed(4)} val_mae ${row.val_mae.toFixed(4)}`;
  return ` val_loss ${row.val_loss.toFixed(4)}${ranking ? ` ${ranking.name} ${row.val_rank.toFixed(4)}` : ''}`;
}
