/**
 * (a) Training curves: loss per epoch (train solid, validation dashed) next to the
 * validation metric early stopping watched (val_rmse by default, val_loss for
 * implicit data, or a ranking metric such as val_hr@10), one colour per model, with the epoch whose weights were kept
 * marked, so over-fitting and the effect of early stopping read at a glance.
 * k-fold: history holds every fold's rows; the chart shows one fold at a time
 * (fold 1 first, a select under the chart picks another), never a mix.
 */
import type { TrainDetails } from '@deeprec/artifacts';
import type { ExperimentReportInput, ModelReportInput } from '../types';
import { CHART_CONFIG, SCHEMA, modelColourScale, title, type SubSpec, type VegaLiteSpec } from './common';

/** A history.arrow column early stopping can watch (train manifest details.monitor). */
export type WatchedColumn = NonNullable<TrainDetails['monitor']>;
type ValidationColumn = Exclude<WatchedColumn, 'loss'>;

export interface CurvePoint {
  model: string;
  epoch: number;
  split: 'train' | 'validation';
  /** The history.arrow column the value comes from, or for val_rank the ranking monitor it holds (val_hr@10). */
  metric: 'loss' | ValidationColumn | string;
  value: number;
  /** Learning rate in force that epoch, for the tooltip. */
  lr: number | null;
  best: boolean;
  /** 1-based fold (1 for a single split). */
  fold: number;
}

export interface CurvesData {
  loss: CurvePoint[];
  /** Per model, the validation column its early stopping watched; models that watched the training loss (no validation data) have none. */
  watched: CurvePoint[];
}

/**
 * The column a model's early stopping watched: the train manifest's record (train
 * decides: implicit data has no val_rmse, so it watches val_loss); manifests written
 * before train recorded it fall back to the configured monitor.
 */
export function watchedColumn(input: ExperimentReportInput, model: ModelReportInput): WatchedColumn {
  if (model.train.monitor) return model.train.monitor;
  const configured = input.config.models[model.name]?.train.earlyStopping.monitor ?? 'val_rmse';
  return configured === 'val_rmse' || configured === 'val_mae' || configured === 'val_loss' ? configured : 'val_rank';
}

/** What a model's early stopping watched, as a user names it: the column, or for val_rank the ranking monitor (val_hr@10). */
export function watchedName(input: ExperimentReportInput, model: ModelReportInput): string {
  const column = watchedColumn(input, model);
  return column === 'val_rank' ? (model.train.rankingMonitor ?? 'val_rank') : column;
}

/** Long-format rows; epochs whose value is missing (NaN in history.arrow) are left out. */
export function curvesData(input: ExperimentReportInput): CurvesData {
  const loss: CurvePoint[] = [];
  const watched: CurvePoint[] = [];
  for (const model of input.models) {
    const bestEpoch = model.metrics.bestEpoch ?? model.train.bestEpoch;
    const column = watchedColumn(input, model);
    const metric = watchedName(input, model);
    for (const row of model.history) {
      const fold = row.fold ?? 1;
      // metrics.bestEpoch is fold 1's; the train manifest keeps every fold's.
      const best = model.train.folds?.[fold - 1]?.bestEpoch ?? bestEpoch;
      const common = { model: model.name, epoch: row.epoch, lr: row.lr, best: row.epoch === best, fold };
      if (row.loss !== null) loss.push({ ...common, split: 'train', metric: 'loss', value: row.loss });
      if (row.val_loss !== null) loss.push({ ...common, split: 'validation', metric: 'val_loss', value: row.val_loss });
      const value = column === 'loss' ? null : row[column];
      if (column !== 'loss' && value !== null) watched.push({ ...common, split: 'validation', metric, value });
    }
  }
  return { loss, watched };
}

/** The folds the histories cover, ascending ([1] for a single split). */
export function curveFolds(input: ExperimentReportInput): number[] {
  const folds = new Set<number>();
  for (const m of input.models) for (const row of m.history) folds.add(row.fold ?? 1);
  return folds.size === 0 ? [1] : [...folds].sort((a, b) => a - b);
}

const VALIDATION_LABEL: Record<string, string> = { val_rmse: 'RMSE', val_mae: 'MAE', val_loss: 'loss' };

/** val_hr@10 -> HR@10, val_ndcg@5 -> NDCG@5; the fixed columns from VALIDATION_LABEL. */
function metricLabel(metric: string): string {
  return VALIDATION_LABEL[metric] ?? metric.replace(/^val_/, '').toUpperCase();
}
const LOSS_TITLE: Record<string, string> = { mse: 'Mean squared error', bce: 'Binary cross-entropy', bpr: 'BPR loss' };

/** The loss axis: the models' training loss by name (manifests before train recorded it trained with mse). */
function lossTitle(input: ExperimentReportInput): string {
  const losses = [...new Set(input.models.filter((m) => m.history.length > 0).map((m) => m.train.loss ?? 'mse'))];
  return losses.length === 1 ? (LOSS_TITLE[losses[0] as string] ?? `Loss (${losses[0]})`) : `Loss (${losses.join(', ')})`;
}

/** "RMSE", or "RMSE / MAE" when models watched different columns. */
function watchedLabel(points: readonly CurvePoint[]): string {
  // Watched points are validation columns only (curvesData leaves 'loss' out).
  return [...new Set(points.map((p) => metricLabel(p.metric)))].join(' / ');
}

const TOOLTIP = [
  { field: 'model', type: 'nominal', title: 'Model' },
  { field: 'epoch', type: 'quantitative', title: 'Epoch' },
  { field: 'split', type: 'nominal', title: 'Split' },
  { field: 'metric', type: 'nominal', title: 'Metric' },
  { field: 'fold', type: 'quantitative', title: 'Fold' },
  { field: 'value', type: 'quantitative', title: 'Value', format: '.4f' },
  { field: 'lr', type: 'quantitative', title: 'Learning rate', format: '.2e' },
] as const;

export function curvesSpec(input: ExperimentReportInput): VegaLiteSpec {
  const models = input.models.map((m) => m.name);
  const { loss, watched } = curvesData(input);
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
    title: loss.some((p) => p.split === 'validation') ? 'Loss: train (solid) and validation (dashed)' : 'Training loss',
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: lossTitle(input), scale: { zero: false } },
          color,
          strokeDash,
        },
      },
      { mark: points, encoding: { x, y: { field: 'value', type: 'quantitative' }, color, tooltip } },
    ],
  };
  const label = watchedLabel(watched);
  const watchedPanel: SubSpec = {
    data: { name: 'watched' },
    transform: onlyFold,
    width: 340,
    height: 230,
    title: `Validation ${label}, watched by early stopping`,
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: `${label.charAt(0).toUpperCase()}${label.slice(1)} (validation)`, scale: { zero: false } },
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
  // Without validation data (split.valid: 0) early stopping watched the training loss:
  // an empty panel would only draw broken axes, so the chart keeps the loss alone.
  const hasValidation = watched.length > 0;
  return {
    $schema: SCHEMA,
    title: title(
      'Training curves',
      (hasValidation ? 'Per epoch; diamonds mark the epoch whose weights were kept' : 'Per epoch; no validation data, so no validation curves') +
        (folds.length > 1 ? `; one fold at a time (pick it below the chart)` : ''),
    ),
    ...(folds.length > 1
      ? { params: [{ name: 'fold', value: folds[0], bind: { input: 'select', options: folds, name: `Fold (of ${folds.length}) ` } }] }
      : {}),
    datasets: { loss, watched },
    config: CHART_CONFIG,
    hconcat: hasValidation ? [lossPanel, watchedPanel] : [lossPanel],
  };
}
