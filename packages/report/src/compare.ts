/**
 * Baselines against deep models: which group a model type belongs to, the best
 * baseline, and every model's gain or loss relative to it. The chart and the
 * table of the page both read these rows, so they always agree.
 */
import { MODEL_TRAITS, MODEL_TYPES } from '@deeprec/config';
import type { ExperimentReportInput, ModelReportInput } from './types';

/** Model types that are baselines (MODEL_TRAITS family, so a new type needs no report change); every other type counts as deep. */
export const BASELINE_TYPES: readonly string[] = MODEL_TYPES.filter((t) => MODEL_TRAITS[t].family === 'baseline');

export type ModelGroup = 'deep' | 'baseline' | 'train mean';
export const MODEL_GROUPS: readonly ModelGroup[] = ['deep', 'baseline', 'train mean'];
/** The row name of the training-mean predictor wherever models are listed. */
export const TRAIN_MEAN = 'train mean';

export function modelGroup(type: string): Exclude<ModelGroup, 'train mean'> {
  return BASELINE_TYPES.includes(type) ? 'baseline' : 'deep';
}

export interface VersusRow {
  model: string;
  type: string;
  group: ModelGroup;
  rmse: number;
  mae: number;
  /** k-fold: sd over folds; null otherwise. */
  rmseStd: number | null;
  maeStd: number | null;
  /** Minus the best baseline's: negative = lower error than the best baseline. */
  rmseDelta: number;
  rmseRelative: number;
  maeDelta: number;
  maeRelative: number;
  bestBaseline: boolean;
}

export interface Versus {
  /** The baseline-group model with the lowest RMSE; null when there is none. */
  best: ModelReportInput | null;
  /** Every model and the training-mean predictor, lowest RMSE first. */
  rows: VersusRow[];
}

/** Baseline models in config order. */
export function baselineModels(input: ExperimentReportInput): ModelReportInput[] {
  return input.models.filter((m) => modelGroup(m.type) === 'baseline');
}

export function versusBaseline(input: ExperimentReportInput): Versus {
  // A ranking-only baseline (popularity) has no rating error: it cannot be the RMSE reference.
  const best = baselineModels(input).reduce<ModelReportInput | null>(
    (b, m) => (Number.isFinite(m.metrics.rmse) && (!b || m.metrics.rmse < b.metrics.rmse) ? m : b),
    null,
  );
  if (!best) return { best: null, rows: [] };
  const ref = { rmse: best.metrics.rmse, mae: best.metrics.mae };
  const row = (model: string, type: string, group: ModelGroup, e: { rmse: number; mae: number; rmseStd?: number; maeStd?: number }): VersusRow => ({
    model,
    type,
    group,
    rmse: e.rmse,
    mae: e.mae,
    rmseStd: e.rmseStd ?? null,
    maeStd: e.maeStd ?? null,
    rmseDelta: e.rmse - ref.rmse,
    rmseRelative: e.rmse / ref.rmse - 1,
    maeDelta: e.mae - ref.mae,
    maeRelative: e.mae / ref.mae - 1,
    bestBaseline: model === best.name && group !== 'train mean',
  });
  const rows = input.models.filter((m) => Number.isFinite(m.metrics.rmse)).map((m) => row(m.name, m.type, modelGroup(m.type), m.metrics));
  rows.push(row(TRAIN_MEAN, '–', 'train mean', input.baseline));
  // Stable sort: ties keep config order.
  return { best, rows: rows.sort((a, b) => a.rmse - b.rmse) };
}
