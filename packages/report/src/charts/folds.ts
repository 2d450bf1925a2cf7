/**
 * k-fold spread: every fold's test RMSE and MAE per model as a strip of points
 * (coloured by fold, so a fold that is hard for every model shows as one colour
 * on the right everywhere), with the mean as a tick and mean +- sd as a bar.
 */
import type { ErrorSummary } from '@deeprec/artifacts';
import { TRAIN_MEAN, modelGroup, type ModelGroup } from '../compare';
import type { ExperimentReportInput } from '../types';
import type { MetricName } from './comparison';
import { CHART_CONFIG, FOLD_PALETTE, SCHEMA, title, type SubSpec, type TooltipList, type VegaLiteSpec } from './common';

export interface FoldPoint {
  model: string;
  group: ModelGroup;
  /** 1-based. */
  fold: number;
  metric: MetricName;
  value: number;
  count: number;
}

export interface FoldSummary {
  model: string;
  group: ModelGroup;
  metric: MetricName;
  mean: number;
  sd: number;
  low: number;
  high: number;
}

/** Models with per-fold metrics (config order), then the training-mean predictor. */
export function foldsData(input: ExperimentReportInput): { points: FoldPoint[]; summary: FoldSummary[] } {
  const points: FoldPoint[] = [];
  const summary: FoldSummary[] = [];
  const add = (model: string, group: ModelGroup, folds: ErrorSummary[] | undefined, e: { rmse: number; mae: number; rmseStd?: number; maeStd?: number }) => {
    if (!folds || folds.length < 2) return;
    for (const metric of ['RMSE', 'MAE'] as const) {
      const key = metric === 'RMSE' ? 'rmse' : 'mae';
      folds.forEach((f, k) => points.push({ model, group, fold: k + 1, metric, value: f[key], count: f.count }));
      const sd = (metric === 'RMSE' ? e.rmseStd : e.maeStd) ?? 0;
      summary.push({ model, group, metric, mean: e[key], sd, low: e[key] - sd, high: e[key] + sd });
    }
  };
  for (const m of input.models) add(m.name, modelGroup(m.type), m.metrics.folds, m.metrics);
  add(TRAIN_MEAN, 'train mean', input.baseline.folds, input.baseline);
  return { points, summary };
}

export function hasFolds(input: ExperimentReportInput): boolean {
  return input.models.some((m) => (m.metrics.folds?.length ?? 0) > 1);
}

function panel(metric: MetricName, order: string[], folds: number): SubSpec {
  const only = { filter: { field: 'metric', equal: metric } };
  const y = { field: 'model' as const, type: 'nominal' as const, title: 'Model', sort: order, scale: { domain: order } };
  const x = { type: 'quantitative', title: `Test ${metric} per fold (lower is better)`, scale: { zero: false, padding: 10 }, axis: { tickCount: 6 } } as const;
  const summaryTooltip: TooltipList = [
    { field: 'model', type: 'nominal', title: 'Model' },
    { field: 'mean', type: 'quantitative', title: `${metric} (mean of folds)`, format: '.4f' },
    { field: 'sd', type: 'quantitative', title: 'sd over folds', format: '.4f' },
  ];
  return {
    width: 330,
    height: { step: 30 },
    title: metric,
    layer: [
      {
        data: { name: 'summary' },
        transform: [only],
        mark: { type: 'rule', color: '#555', strokeWidth: 5, opacity: 0.25 },
        encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' }, y, tooltip: summaryTooltip },
      },
      {
        data: { name: 'summary' },
        transform: [only],
        mark: { type: 'tick', color: '#222', thickness: 2, size: 20 },
        encoding: { x: { ...x, field: 'mean' }, y, tooltip: summaryTooltip },
      },
      {
        data: { name: 'points' },
        transform: [only],
        mark: { type: 'point', filled: true, size: 55, opacity: 0.9 },
        encoding: {
          x: { ...x, field: 'value' },
          y,
          color: {
            field: 'fold',
            type: 'ordinal',
            title: 'Fold',
            scale: { domain: Array.from({ length: folds }, (_, k) => k + 1), range: FOLD_PALETTE.slice(0, Math.max(1, folds)) },
          },
          tooltip: [
            { field: 'model', type: 'nominal', title: 'Model' },
            { field: 'fold', type: 'ordinal', title: 'Fold' },
            { field: 'value', type: 'quantitative', title: metric, format: '.4f' },
            { field: 'count', type: 'quantitative', title: 'Test ratings', format: ',' },
          ],
        },
      },
    ],
  };
}

/** Null without k-fold metrics. */
export function foldsSpec(input: ExperimentReportInput): VegaLiteSpec | null {
  if (!hasFolds(input)) return null;
  const { points, summary } = foldsData(input);
  const order = [...new Set(summary.map((s) => s.model))];
  const folds = Math.max(...points.map((p) => p.fold));
  return {
    $schema: SCHEMA,
    title: title('Spread over folds', `Each point is one fold’s test error; the black tick is the mean of ${folds} folds, the grey bar mean ± sd`),
    datasets: { points, summary },
    config: CHART_CONFIG,
    hconcat: [panel('RMSE', order, folds), panel('MAE', order, folds)],
  };
}
