/**
 * (a) Training curves: loss per epoch (train solid, validation dashed) next to
 * validation RMSE, one colour per model, with the epoch whose weights were kept
 * marked, so over-fitting and the effect of early stopping read at a glance.
 * k-fold: history holds every fold's rows; the chart shows one fold at a time
 * (fold 1 first, a select under the chart picks another), never a mix.
 */
import type { ExperimentReportInput } from '../types';
import { CHART_CONFIG, SCHEMA, modelColourScale, title, type SubSpec, type VegaLiteSpec } from './common';

export interface CurvePoint {
  model: string;
  epoch: number;
  split: 'train' | 'validation';
  value: number;
  /** Learning rate in force that epoch, for the tooltip. */
  lr: number | null;
  best: boolean;
  /** 1-based fold (1 for a single split). */
  fold: number;
}

export interface CurvesData {
  loss: CurvePoint[];
  rmse: CurvePoint[];
}

/** Long-format rows; epochs whose value is missing (NaN in history.arrow) are left out. */
export function curvesData(input: ExperimentReportInput): CurvesData {
  const loss: CurvePoint[] = [];
  const rmse: CurvePoint[] = [];
  for (const model of input.models) {
    const bestEpoch = model.metrics.bestEpoch ?? model.train.bestEpoch;
    for (const row of model.history) {
      const fold = row.fold ?? 1;
      // metrics.bestEpoch is fold 1's; the train manifest keeps every fold's.
      const best = model.train.folds?.[fold - 1]?.bestEpoch ?? bestEpoch;
      const common = { model: model.name, epoch: row.epoch, lr: row.lr, best: row.epoch === best, fold };
      if (row.loss !== null) loss.push({ ...common, split: 'train', value: row.loss });
      if (row.val_loss !== null) loss.push({ ...common, split: 'validation', value: row.val_loss });
      if (row.val_rmse !== null) rmse.push({ ...common, split: 'validation', value: row.val_rmse });
    }
  }
  return { loss, rmse };
}

/** The folds the histories cover, ascending ([1] for a single split). */
export function curveFolds(input: ExperimentReportInput): number[] {
  const folds = new Set<number>();
  for (const m of input.models) for (const row of m.history) folds.add(row.fold ?? 1);
  return folds.size === 0 ? [1] : [...folds].sort((a, b) => a - b);
}

const TOOLTIP = [
  { field: 'model', type: 'nominal', title: 'Model' },
  { field: 'epoch', type: 'quantitative', title: 'Epoch' },
  { field: 'split', type: 'nominal', title: 'Split' },
  { field: 'fold', type: 'quantitative', title: 'Fold' },
  { field: 'value', type: 'quantitative', title: 'Value', format: '.4f' },
  { field: 'lr', type: 'quantitative', title: 'Learning rate', format: '.2e' },
] as const;

export function curvesSpec(input: ExperimentReportInput): VegaLiteSpec {
  const models = input.models.map((m) => m.name);
  const { loss, rmse } = curvesData(input);
  const folds = curveFolds(input);
  // k-fold: a select bound to the `fold` parameter; each panel keeps that fold's rows.
  const onlyFold = folds.length > 1 ? [{ filter: 'datum.fold == fold' }] : [];
  const tooltip = TOOLTIP.filter((t) => folds.length > 1 || t.field !== 'fold');
  const x = { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1, format: 'd' } } as const;
  const color = { field: 'model', type: 'nominal', title: 'Model', scale: modelColourScale(models) } as const;
  const strokeDash = {
    field: 'split',
    type: 'nominal',
    title: 'Split',
    scale: { domain: ['train', 'validation'], range: [[1, 0], [5, 3]] },
    legend: { symbolStrokeColor: '#555', symbolSize: 300 },
  } as const;
  // Lines and their epoch points are separate layers: a line mark with `point: true`
  // would make the legend draw circles for the split, hiding the dashes.
  const points = { type: 'point', size: 22, filled: true, opacity: 1 } as const;
  const lossPanel: SubSpec = {
    data: { name: 'loss' },
    transform: onlyFold,
    width: 340,
    height: 230,
    title: rmse.length > 0 ? 'Loss: train (solid) and validation (dashed)' : 'Training loss',
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'Mean squared error', scale: { zero: false } },
          color,
          strokeDash,
        },
      },
      { mark: points, encoding: { x, y: { field: 'value', type: 'quantitative' }, color, tooltip } },
    ],
  };
  const rmsePanel: SubSpec = {
    data: { name: 'rmse' },
    transform: onlyFold,
    width: 340,
    height: 230,
    title: 'Validation RMSE',
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'RMSE (validation)', scale: { zero: false } },
          color,
        },
      },
      { mark: points, encoding: { x, y: { field: 'value', type: 'quantitative' }, color, tooltip } },
      {
        transform: [{ filter: 'datum.best' }],
        mark: { type: 'point', shape: 'diamond', size: 110, filled: true, stroke: '#222', strokeWidth: 1 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' },
          color,
          tooltip: [{ field: 'model', type: 'nominal', title: 'Best epoch of' }, ...tooltip.slice(1)],
        },
      },
    ],
  };
  // Without a validation split (split.valid: 0) there is no RMSE to plot: an empty
  // panel would only draw broken axes, so the chart keeps the loss alone.
  const hasValidation = rmse.length > 0;
  return {
    $schema: SCHEMA,
    title: title(
      'Training curves',
      (hasValidation ? 'Per epoch; diamonds mark the epoch whose weights were kept' : 'Per epoch; no validation split, so no validation curves') +
        (folds.length > 1 ? `; one fold at a time (pick it below the chart)` : ''),
    ),
    ...(folds.length > 1
      ? { params: [{ name: 'fold', value: folds[0], bind: { input: 'select', options: folds, name: `Fold (of ${folds.length}) ` } }] }
      : {}),
    datasets: { loss, rmse },
    config: CHART_CONFIG,
    hconcat: hasValidation ? [lossPanel, rmsePanel] : [lossPanel],
  };
}
