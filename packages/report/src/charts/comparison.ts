/**
 * (b) Model comparison: test RMSE and MAE per model, with the "predict the
 * training mean" baseline drawn across each panel. A model whose bar reaches the
 * line has learnt nothing beyond the average rating. k-fold: bars are means over
 * folds with mean +- sd error bars.
 */
import type { ExperimentReportInput } from '../types';
import { CHART_CONFIG, SCHEMA, modelColourScale, title, type LayerEntry, type SubSpec, type VegaLiteSpec } from './common';

export type MetricName = 'RMSE' | 'MAE';

export interface ComparisonRow {
  model: string;
  type: string;
  metric: MetricName;
  value: number;
  /** Relative to the baseline: -0.1 means 10% lower error than predicting the mean. */
  vsBaseline: number;
  /** k-fold: sd over folds and the error bar's ends; null otherwise. */
  sd: number | null;
  low: number | null;
  high: number | null;
  /** Where the value label sits: above the error bar when there is one. */
  top: number;
}

export interface BaselineRow {
  metric: MetricName;
  value: number;
  label: string;
}

export function comparisonData(input: ExperimentReportInput): { models: ComparisonRow[]; baseline: BaselineRow[] } {
  const base = { RMSE: input.baseline.rmse, MAE: input.baseline.mae };
  const models: ComparisonRow[] = [];
  for (const m of input.models) {
    for (const [metric, value, std] of [['RMSE', m.metrics.rmse, m.metrics.rmseStd], ['MAE', m.metrics.mae, m.metrics.maeStd]] as const) {
      const sd = typeof std === 'number' && Number.isFinite(std) ? std : null;
      const low = sd === null ? null : value - sd;
      const high = sd === null ? null : value + sd;
      models.push({ model: m.name, type: m.type, metric, value, vsBaseline: value / base[metric] - 1, sd, low, high, top: high ?? value });
    }
  }
  const baseline = (['RMSE', 'MAE'] as const).map((metric) => ({ metric, value: base[metric], label: 'train mean' }));
  return { models, baseline };
}

function panel(metric: MetricName, models: readonly string[], errorBars: boolean): SubSpec {
  const y = { field: 'value', type: 'quantitative', title: `${metric} on the test set (lower is better)` } as const;
  const onlyThis = { filter: { field: 'metric', equal: metric } };
  const errorBarLayer: LayerEntry = {
    data: { name: 'models' },
    transform: [onlyThis, { filter: 'datum.sd != null' }],
    mark: { type: 'rule', color: '#222', strokeWidth: 1.2 },
    encoding: {
      x: { field: 'model', type: 'nominal', sort: [...models] },
      y: { field: 'low', type: 'quantitative' },
      y2: { field: 'high' },
      tooltip: [
        { field: 'model', type: 'nominal', title: 'Model' },
        { field: 'low', type: 'quantitative', title: 'mean − sd', format: '.4f' },
        { field: 'high', type: 'quantitative', title: 'mean + sd', format: '.4f' },
      ],
    },
  };
  return {
    width: { step: 64 },
    height: 230,
    title: metric,
    layer: [
      {
        data: { name: 'models' },
        transform: [onlyThis],
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          x: { field: 'model', type: 'nominal', title: 'Model', sort: [...models], axis: { labelAngle: 0 } },
          y,
          color: { field: 'model', type: 'nominal', title: 'Model', scale: modelColourScale(models), legend: null },
          tooltip: [
            { field: 'model', type: 'nominal', title: 'Model' },
            { field: 'type', type: 'nominal', title: 'Type' },
            { field: 'value', type: 'quantitative', title: metric, format: '.4f' },
            { field: 'sd', type: 'quantitative', title: 'sd over folds', format: '.4f' },
            { field: 'vsBaseline', type: 'quantitative', title: 'vs train mean', format: '+.1%' },
          ],
        },
      },
      // Only with k-fold: a layer that filters out every row makes Vega warn about an empty extent.
      ...(errorBars ? [errorBarLayer] : []),
      {
        data: { name: 'models' },
        transform: [onlyThis],
        mark: { type: 'text', dy: -6, fontSize: 11, color: '#333' },
        encoding: {
          x: { field: 'model', type: 'nominal', sort: [...models] },
          y: { field: 'top', type: 'quantitative' },
          text: { field: 'value', type: 'quantitative', format: '.3f' },
        },
      },
      {
        data: { name: 'baseline' },
        transform: [onlyThis],
        mark: { type: 'rule', color: '#222', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: {
          y,
          tooltip: [
            { field: 'label', type: 'nominal', title: 'Baseline' },
            { field: 'value', type: 'quantitative', title: metric, format: '.4f' },
          ],
        },
      },
      {
        data: { name: 'baseline' },
        transform: [onlyThis],
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, fontSize: 10, color: '#222' },
        encoding: {
          x: { value: 'width' },
          y,
          text: { field: 'label', type: 'nominal' },
        },
      },
    ],
  };
}

export function comparisonSpec(input: ExperimentReportInput): VegaLiteSpec {
  const models = input.models.map((m) => m.name);
  const { models: rows, baseline } = comparisonData(input);
  const kFold = rows.some((r) => r.sd !== null);
  return {
    $schema: SCHEMA,
    title: title(
      'Model comparison',
      kFold
        ? 'Test-set error per model, mean over folds with ± sd bars; the dashed line predicts the training mean for every rating'
        : 'Test-set error per model; the dashed line predicts the training mean for every rating',
    ),
    datasets: { models: rows, baseline },
    config: CHART_CONFIG,
    hconcat: [panel('RMSE', models, kFold), panel('MAE', models, kFold)],
  };
}
