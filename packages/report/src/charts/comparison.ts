/**
 * (b) Model comparison: test RMSE and MAE per model, with the "predict the
 * training mean" baseline drawn across each panel. A model whose bar reaches the
 * line has learnt nothing beyond the average rating.
 */
import type { ExperimentReportInput } from '../types';
import { CHART_CONFIG, SCHEMA, modelColourScale, title, type SubSpec, type VegaLiteSpec } from './common';

export type MetricName = 'RMSE' | 'MAE';

export interface ComparisonRow {
  model: string;
  type: string;
  metric: MetricName;
  value: number;
  /** Relative to the baseline: -0.1 means 10% lower error than predicting the mean. */
  vsBaseline: number;
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
    for (const [metric, value] of [['RMSE', m.metrics.rmse], ['MAE', m.metrics.mae]] as const) {
      models.push({ model: m.name, type: m.type, metric, value, vsBaseline: value / base[metric] - 1 });
    }
  }
  const baseline = (['RMSE', 'MAE'] as const).map((metric) => ({ metric, value: base[metric], label: 'train-mean baseline' }));
  return { models, baseline };
}

function panel(metric: MetricName, models: readonly string[]): SubSpec {
  const y = { field: 'value', type: 'quantitative', title: `${metric} on the test set (lower is better)` } as const;
  const onlyThis = { filter: { field: 'metric', equal: metric } };
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
            { field: 'vsBaseline', type: 'quantitative', title: 'vs baseline', format: '+.1%' },
          ],
        },
      },
      {
        data: { name: 'models' },
        transform: [onlyThis],
        mark: { type: 'text', dy: -6, fontSize: 11, color: '#333' },
        encoding: {
          x: { field: 'model', type: 'nominal', sort: [...models] },
          y,
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
  return {
    $schema: SCHEMA,
    title: title('Model comparison', 'Test-set error per model; the dashed line predicts the training mean for every rating'),
    datasets: { models: rows, baseline },
    config: CHART_CONFIG,
    hconcat: [panel('RMSE', models), panel('MAE', models)],
  };
}
