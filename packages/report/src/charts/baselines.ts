/**
 * Baselines vs deep models: test RMSE of every model and of the training-mean
 * predictor as a dot plot sorted best first (a dot plot, not bars, so a scale
 * that does not start at zero stays honest), the best baseline as a reference
 * line, and a column reading what each model gains or loses against it.
 * k-fold: error bars span mean +- one standard deviation over folds.
 */
import { versusBaseline, type VersusRow } from '../compare';
import { percent } from '../format';
import type { ExperimentReportInput } from '../types';
import { CHART_CONFIG, GROUP_COLOURS, SCHEMA, title, type LayerEntry, type SubSpec, type TooltipList, type VegaLiteSpec } from './common';

export interface VersusChartRow extends VersusRow {
  /** mean - sd and mean + sd (k-fold), else null. */
  low: number | null;
  high: number | null;
  /** "−1.4% (−0.0135)" or "best baseline". */
  label: string;
}

function deltaLabel(r: VersusRow, best: string): string {
  if (r.bestBaseline) return 'best baseline';
  const sign = r.rmseDelta < 0 ? '−' : '+';
  return `${percent(r.rmseRelative)} (${sign}${Math.abs(r.rmseDelta).toFixed(4)}) vs ${best}`;
}

export function baselinesData(input: ExperimentReportInput): VersusChartRow[] {
  const { best, rows } = versusBaseline(input);
  if (!best) return [];
  return rows.map((r) => ({
    ...r,
    low: r.rmseStd === null ? null : r.rmse - r.rmseStd,
    high: r.rmseStd === null ? null : r.rmse + r.rmseStd,
    label: deltaLabel(r, best.name),
  }));
}

/** Null when the experiment has no baseline model: the page says so in a line instead. */
export function baselinesSpec(input: ExperimentReportInput): VegaLiteSpec | null {
  const rows = baselinesData(input);
  const best = rows.find((r) => r.bestBaseline);
  if (!best) return null;
  const order = rows.map((r) => r.model);
  const y = { field: 'model', type: 'nominal', title: 'Model', sort: order, scale: { domain: order } } as const;
  const height = { step: 26 } as const;
  const kFold = rows.some((r) => r.low !== null);
  const tooltip: TooltipList = [
    { field: 'model', type: 'nominal', title: 'Model' },
    { field: 'type', type: 'nominal', title: 'Type' },
    { field: 'group', type: 'nominal', title: 'Group' },
    { field: 'rmse', type: 'quantitative', title: kFold ? 'RMSE (mean of folds)' : 'RMSE', format: '.4f' },
    ...(kFold ? [{ field: 'rmseStd', type: 'quantitative' as const, title: 'RMSE sd over folds', format: '.4f' }] : []),
    { field: 'rmseDelta', type: 'quantitative', title: `RMSE − ${best.model}`, format: '+.4f' },
    { field: 'rmseRelative', type: 'quantitative', title: `vs ${best.model}`, format: '+.1%' },
  ];
  const x = { field: 'rmse', type: 'quantitative', title: 'Test RMSE (lower is better)', scale: { zero: false, padding: 12 }, axis: { tickCount: 6 } } as const;
  const errorBars: LayerEntry = {
    data: { name: 'rows' },
    transform: [{ filter: 'datum.low != null' }],
    mark: { type: 'rule', strokeWidth: 2 },
    encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' }, y, color: { field: 'group', type: 'nominal', scale: GROUP_COLOURS }, tooltip },
  };
  const dots: SubSpec = {
    width: 420,
    height,
    layer: [
      {
        data: { values: [{ rmse: best.rmse, label: `best baseline: ${best.model}` }] },
        mark: { type: 'rule', color: '#d08c1f', strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { x, tooltip: [{ field: 'label', type: 'nominal', title: 'Reference' }, { field: 'rmse', type: 'quantitative', title: 'RMSE', format: '.4f' }] },
      },
      // Error bars only with k-fold: a layer with no rows makes Vega warn about an empty extent.
      ...(kFold ? [errorBars] : []),
      {
        data: { name: 'rows' },
        mark: { type: 'point', filled: true, size: 90, opacity: 1 },
        encoding: {
          x,
          y,
          color: { field: 'group', type: 'nominal', title: 'Group', scale: GROUP_COLOURS, legend: { orient: 'bottom', direction: 'horizontal' } },
          shape: { field: 'group', type: 'nominal', title: 'Group', scale: { domain: GROUP_COLOURS.domain, range: ['circle', 'diamond', 'square'] } },
          tooltip,
        },
      },
    ],
  };
  const labels: SubSpec = {
    data: { name: 'rows' },
    width: 230,
    height,
    title: { text: 'vs best baseline (RMSE)', fontSize: 12, fontWeight: 500 },
    mark: { type: 'text', align: 'left', fontSize: 11.5 },
    encoding: {
      y: { ...y, axis: null },
      x: { value: 4 },
      text: { field: 'label', type: 'nominal' },
      color: {
        condition: [
          { test: 'datum.bestBaseline', value: '#8a5a00' },
          { test: 'datum.rmseDelta < 0', value: '#1a7f37' },
        ],
        value: '#b42318',
      },
      tooltip,
    },
  };
  return {
    $schema: SCHEMA,
    title: title(
      'Baselines vs deep models',
      `Test RMSE${kFold ? ' (mean ± sd over folds)' : ''}, best first; the dashed line is the best baseline, ${best.model}`,
    ),
    datasets: { rows },
    config: { ...CHART_CONFIG, view: { stroke: null } },
    hconcat: [dots, labels],
    spacing: 8,
  };
}
