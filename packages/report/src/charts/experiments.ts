/**
 * The cross-experiment chart of the index page: RMSE and MAE per experiment and
 * model, with each experiment's train-mean baseline as a black tick, so models
 * can be compared across data sets whose absolute errors differ.
 */
import type { ExperimentReportInput } from '../types';
import { CHART_CONFIG, SCHEMA, modelColourScale, title, type SubSpec, type VegaLiteSpec } from './common';
import type { MetricName } from './comparison';

export interface ExperimentModelRow {
  experiment: string;
  model: string;
  type: string;
  metric: MetricName;
  value: number;
  baseline: number;
}

export interface ExperimentBaselineRow {
  experiment: string;
  metric: MetricName;
  value: number;
}

export function experimentsData(inputs: readonly ExperimentReportInput[]): {
  models: ExperimentModelRow[];
  baselines: ExperimentBaselineRow[];
} {
  const models: ExperimentModelRow[] = [];
  const baselines: ExperimentBaselineRow[] = [];
  for (const input of inputs) {
    // Implicit feedback has no rating error: such experiments (and ranking-only models) are left out.
    if (input.implicit) continue;
    const base = { RMSE: input.baseline.rmse, MAE: input.baseline.mae };
    for (const metric of ['RMSE', 'MAE'] as const) {
      baselines.push({ experiment: input.experiment, metric, value: base[metric] });
      for (const m of input.models) {
        const value = metric === 'RMSE' ? m.metrics.rmse : m.metrics.mae;
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        models.push({ experiment: input.experiment, model: m.name, type: m.type, metric, value, baseline: base[metric] });
      }
    }
  }
  return { models, baselines };
}

/** The experiments with a rating error, in the order given (what the index chart draws). */
export function ratingExperiments(inputs: readonly ExperimentReportInput[]): ExperimentReportInput[] {
  return inputs.filter((i) => !i.implicit);
}

/** Model names in first-seen order across experiments, for a stable colour per name. */
export function allModelNames(inputs: readonly ExperimentReportInput[]): string[] {
  return [...new Set(inputs.flatMap((input) => input.models.map((m) => m.name)))];
}

/** Null when no experiment has a rating error (all implicit): the index then shows tables only. */
export function experimentsSpec(all: readonly ExperimentReportInput[]): VegaLiteSpec | null {
  const inputs = ratingExperiments(all);
  if (inputs.length === 0) return null;
  const models = allModelNames(inputs);
  const experiments = inputs.map((i) => i.experiment);
  const { models: rows, baselines } = experimentsData(inputs);
  const step = Math.max(60, 18 * models.length + 24);
  const panel = (metric: MetricName): SubSpec => {
    const onlyThis = { filter: { field: 'metric', equal: metric } };
    const x = { field: 'experiment', type: 'nominal', title: 'Experiment', sort: experiments, axis: { labelAngle: 0 } } as const;
    const y = { field: 'value', type: 'quantitative', title: `${metric} on the test set (lower is better)` } as const;
    return {
      // A fixed width, not { step }: the bar layer's xOffset and the tick layer would disagree on the step.
      width: step * Math.max(1, experiments.length),
      height: 240,
      title: metric,
      layer: [
        {
          data: { name: 'models' },
          transform: [onlyThis],
          mark: { type: 'bar', cornerRadiusEnd: 2 },
          encoding: {
            x,
            xOffset: { field: 'model', type: 'nominal', sort: models },
            y,
            color: { field: 'model', type: 'nominal', title: 'Model', scale: modelColourScale(models) },
            tooltip: [
              { field: 'experiment', type: 'nominal', title: 'Experiment' },
              { field: 'model', type: 'nominal', title: 'Model' },
              { field: 'type', type: 'nominal', title: 'Type' },
              { field: 'value', type: 'quantitative', title: metric, format: '.4f' },
              { field: 'baseline', type: 'quantitative', title: 'Train-mean baseline', format: '.4f' },
            ],
          },
        },
        {
          data: { name: 'baselines' },
          transform: [onlyThis],
          mark: { type: 'tick', color: '#222', thickness: 2, size: step - 8 },
          encoding: {
            x,
            y,
            tooltip: [
              { field: 'experiment', type: 'nominal', title: 'Experiment' },
              { field: 'value', type: 'quantitative', title: `Train-mean baseline ${metric}`, format: '.4f' },
            ],
          },
        },
      ],
    };
  };
  return {
    $schema: SCHEMA,
    title: title('All experiments', 'Test-set error per experiment and model; black ticks mark each experiment’s train-mean baseline'),
    datasets: { models: rows, baselines },
    config: CHART_CONFIG,
    hconcat: [panel('RMSE'), panel('MAE')],
  };
}
