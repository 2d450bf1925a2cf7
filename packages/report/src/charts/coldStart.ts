/**
 * Cold start: test RMSE of every model on warm ratings (user and item seen in
 * training) next to cold-start ones (user or item unseen), with the training-mean
 * predictor for reference; bars are labelled with how many ratings they cover,
 * since the cold set is often small and its error noisy.
 */
import type { ErrorSummary } from '@deeprec/artifacts';
import { TRAIN_MEAN, modelGroup, type ModelGroup } from '../compare';
import type { ExperimentReportInput } from '../types';
import { CHART_CONFIG, SCHEMA, title, type TooltipList, type VegaLiteSpec } from './common';

export interface ColdStartRow {
  model: string;
  type: string;
  group: ModelGroup;
  segment: 'warm' | 'cold';
  rmse: number;
  mae: number;
  count: number;
}

/** Warm and cold errors per model (config order), then the training-mean predictor; missing sets are left out. */
export function coldStartData(input: ExperimentReportInput): ColdStartRow[] {
  const rows: ColdStartRow[] = [];
  const push = (model: string, type: string, group: ModelGroup, cs: { warm: ErrorSummary; cold: ErrorSummary } | undefined) => {
    for (const segment of ['warm', 'cold'] as const) {
      const s = cs?.[segment];
      if (s && s.count > 0 && Number.isFinite(s.rmse)) rows.push({ model, type, group, segment, rmse: s.rmse, mae: s.mae, count: s.count });
    }
  };
  // metrics.json of an older evaluate may lack coldStart: that model is left out, not an error.
  for (const m of input.models) push(m.name, m.type, modelGroup(m.type), m.metrics.coldStart as typeof m.metrics.coldStart | undefined);
  push(TRAIN_MEAN, '–', 'train mean', input.baseline.coldStart);
  return rows;
}

/** Cold-start test ratings of every fold together (what the pooled warm/cold metrics cover). */
export function coldRatings(input: ExperimentReportInput): number {
  return input.data.info.folds.reduce((n, f) => n + f.coldStart.ratings, 0);
}

/** Null when no test rating is cold-start: the page says so in a line instead. */
export function coldStartSpec(input: ExperimentReportInput): VegaLiteSpec | null {
  const rows = coldStartData(input);
  if (!rows.some((r) => r.segment === 'cold')) return null;
  const order = [...input.models.map((m) => m.name), TRAIN_MEAN];
  const x = { field: 'model', type: 'nominal', title: 'Model', sort: order, axis: { labelAngle: 0 } } as const;
  const y = { field: 'rmse', type: 'quantitative', title: 'Test RMSE (lower is better)' } as const;
  const xOffset = { field: 'segment', type: 'nominal', sort: ['warm', 'cold'] } as const;
  const tooltip: TooltipList = [
    { field: 'model', type: 'nominal', title: 'Model' },
    { field: 'segment', type: 'nominal', title: 'Test ratings' },
    { field: 'rmse', type: 'quantitative', title: 'RMSE', format: '.4f' },
    { field: 'mae', type: 'quantitative', title: 'MAE', format: '.4f' },
    { field: 'count', type: 'quantitative', title: 'Ratings', format: ',' },
  ];
  return {
    $schema: SCHEMA,
    title: title('Cold start', 'Test RMSE on warm ratings (user and item seen in training) and cold-start ones; labels give the number of ratings'),
    data: { values: rows },
    config: CHART_CONFIG,
    width: Math.min(900, 120 * order.length),
    height: 230,
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          x,
          xOffset,
          y,
          color: { field: 'segment', type: 'nominal', title: 'Test ratings', sort: ['warm', 'cold'], scale: { domain: ['warm', 'cold'], range: ['#9ecae1', '#08519c'] } },
          tooltip,
        },
      },
      {
        // Compact above 10k ("n=20k") so neighbouring labels do not collide; the tooltip has the exact count.
        transform: [{ calculate: "'n=' + format(datum.count, datum.count >= 10000 ? '.3~s' : ',')", as: 'label' }],
        mark: { type: 'text', dy: -6, fontSize: 10, color: '#333' },
        encoding: { x, xOffset, y, text: { field: 'label', type: 'nominal' }, tooltip },
      },
    ],
  };
}
