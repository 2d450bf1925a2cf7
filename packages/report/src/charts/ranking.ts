/**
 * Top-K charts: metric@K curves per metric family (several cut-offs), grouped bars
 * for the metrics with a single cut-off, the significance heatmap of every model
 * pair, and the implicit-data model comparison on the primary ranking metric. Means
 * come from metrics.json, whiskers are the bootstrap 95% CIs over users.
 */
import { parseMetric } from '../ranking';
import type { ExperimentReportInput, RankingReport } from '../types';
import { CHART_CONFIG, SCHEMA, modelColourScale, title, type TooltipList, type VegaLiteSpec } from './common';

export interface RankingPoint {
  model: string;
  type: string;
  /** 'ndcg@10' */
  metric: string;
  /** 'ndcg' */
  family: string;
  /** The cut-off; null for auc. */
  k: number | null;
  value: number;
  /** Bootstrap CI; null for catalogue metrics and models without ranking.arrow. */
  lower: number | null;
  upper: number | null;
  /** Where the value label sits: above the whisker when there is one. */
  top: number;
}

const FAMILY_TITLES: Record<string, string> = {
  hr: 'Hit ratio (HR@K)',
  ndcg: 'NDCG@K',
  precision: 'Precision@K',
  recall: 'Recall@K',
  map: 'MAP@K',
  mrr: 'MRR@K',
  coverage: 'Catalogue coverage@K',
  novelty: 'Novelty@K (bits)',
  auc: 'AUC',
};

/** A family's heading: 'ndcg' -> 'NDCG@K'. */
export function familyTitle(family: string): string {
  return FAMILY_TITLES[family] ?? `${family}@K`;
}

/** Every mean (per-user and catalogue) of every model, in metric order then config order. */
export function rankingPoints(report: RankingReport): RankingPoint[] {
  const points: RankingPoint[] = [];
  for (const metric of [...report.metrics, ...report.catalogueMetrics]) {
    const { family, k } = parseMetric(metric);
    for (const m of report.models) {
      const perUser = m.means[metric];
      const value = perUser ? perUser.mean : (m.catalogue[metric] ?? null);
      if (value === null || value === undefined) continue;
      const lower = perUser?.ci?.lower ?? null;
      const upper = perUser?.ci?.upper ?? null;
      points.push({ model: m.model, type: m.type, metric, family, k, value, lower, upper, top: Math.max(value, upper ?? value) });
    }
  }
  return points;
}

/** Families measured at more than one cut-off (drawn as curves), in metric order. */
export function curveFamilies(report: RankingReport): string[] {
  const ks = new Map<string, Set<number>>();
  for (const metric of [...report.metrics, ...report.catalogueMetrics]) {
    const { family, k } = parseMetric(metric);
    if (k === null) continue;
    if (!ks.has(family)) ks.set(family, new Set());
    ks.get(family)?.add(k);
  }
  return [...ks.entries()].filter(([, set]) => set.size > 1).map(([family]) => family);
}

function tooltip(): TooltipList {
  return [
    { field: 'model', type: 'nominal', title: 'Model' },
    { field: 'metric', type: 'nominal', title: 'Metric' },
    { field: 'value', type: 'quantitative', title: 'Mean', format: '.4f' },
    { field: 'lower', type: 'quantitative', title: '95% CI from', format: '.4f' },
    { field: 'upper', type: 'quantitative', title: '95% CI to', format: '.4f' },
  ];
}

function modelNames(report: RankingReport): string[] {
  return report.models.map((m) => m.model);
}

/** The colour of each ranked model as on every other chart of the page (the page's model order). */
function colourScale(input: ExperimentReportInput): { domain: string[]; range: string[] } {
  const all = modelColourScale(input.models.map((m) => m.name));
  const ranked = new Set(modelNames(input.ranking as RankingReport));
  const keep = all.domain.map((d, i) => [d, all.range[i] as string] as const).filter(([d]) => ranked.has(d));
  return { domain: keep.map(([d]) => d), range: keep.map(([, r]) => r) };
}

/** Rows of one panel, and whether any of them has an interval (a whisker layer over no rows makes Vega warn). */
function panelRows<T extends RankingPoint>(rows: readonly T[], keep: (r: T) => boolean): { rows: T[]; ci: boolean } {
  const kept = rows.filter(keep);
  return { rows: kept, ci: kept.some((r) => r.lower !== null) };
}

/** The y-axis title of a metric's panel: catalogue metrics are not means over users. */
function yTitle(report: RankingReport, metrics: readonly string[]): string {
  return metrics.every((m) => report.catalogueMetrics.includes(m)) ? 'Catalogue-wide value' : 'Mean over users';
}

/** metric@K curves, one panel per family with several cut-offs; null when there is none. */
export function rankingAtKSpec(input: ExperimentReportInput): VegaLiteSpec | null {
  const report = input.ranking;
  if (!report) return null;
  const families = curveFamilies(report);
  if (families.length === 0) return null;
  const rows = rankingPoints(report).filter((p) => families.includes(p.family) && p.k !== null);
  const models = modelNames(report);
  const color = { field: 'model', type: 'nominal', title: 'Model', scale: colourScale(input), sort: models } as const;
  const anyCi = rows.some((r) => r.lower !== null);
  const panels = families.map((family) => {
    const panel = panelRows(rows, (r) => r.family === family);
    const ks = [...new Set(panel.rows.map((r) => r.k as number))].sort((a, b) => a - b);
    const x = { field: 'k', type: 'ordinal', title: 'Cut-off K', sort: ks, axis: { labelAngle: 0 } } as const;
    const xOffset = { field: 'model', type: 'nominal', sort: models, scale: { paddingInner: 0.15 } } as const;
    return {
      title: familyTitle(family),
      data: { values: panel.rows },
      width: Math.max(200, 22 * ks.length * Math.max(1, models.length)),
      height: 190,
      layer: [
        ...(panel.ci
          ? [
              {
                transform: [{ filter: 'datum.lower != null' }],
                mark: { type: 'rule' as const, strokeWidth: 1.5, opacity: 0.8 },
                encoding: { x, xOffset, y: { field: 'lower', type: 'quantitative' as const }, y2: { field: 'upper' }, color, tooltip: tooltip() },
              },
            ]
          : []),
        {
          mark: { type: 'line' as const, point: { filled: true, size: 45 }, strokeWidth: 2 },
          encoding: {
            x,
            xOffset,
            y: { field: 'value', type: 'quantitative' as const, title: yTitle(report, panel.rows.map((r) => r.metric)), scale: { zero: false } },
            color,
            tooltip: tooltip(),
          },
        },
      ],
    };
  });
  return {
    $schema: SCHEMA,
    title: title(
      'Ranking metrics at each cut-off K',
      `Mean over ${report.models[0]?.users ?? 0} users per model${anyCi ? '; whiskers are bootstrap 95% confidence intervals' : ''}; higher is better`,
    ),
    config: CHART_CONFIG,
    concat: panels,
    columns: Math.min(3, panels.length),
    resolve: { scale: { y: 'independent', x: 'independent', color: 'shared' } },
  };
}

/** Grouped bars of the metrics measured at a single cut-off (and AUC), one panel per metric; null when every family has several. */
export function rankingBarsSpec(input: ExperimentReportInput): VegaLiteSpec | null {
  const report = input.ranking;
  if (!report) return null;
  const families = curveFamilies(report);
  const rows = rankingPoints(report).filter((p) => !families.includes(p.family));
  if (rows.length === 0) return null;
  const metrics = [...new Set(rows.map((r) => r.metric))];
  const models = modelNames(report);
  const x = { field: 'model', type: 'nominal', title: null, sort: models, axis: { labelAngle: -30, labelLimit: 90 } } as const;
  const anyCi = rows.some((r) => r.lower !== null);
  const panels = metrics.map((metric) => {
    const panel = panelRows(rows, (r) => r.metric === metric);
    return {
      title: metric,
      data: { values: panel.rows },
      width: { step: 30 },
      height: 160,
      layer: [
        {
          mark: { type: 'bar' as const, cornerRadiusEnd: 2 },
          encoding: {
            x,
            y: { field: 'value', type: 'quantitative' as const, title: yTitle(report, [metric]) },
            color: { field: 'model', type: 'nominal' as const, title: 'Model', scale: colourScale(input), sort: models, legend: null },
            tooltip: tooltip(),
          },
        },
        ...(panel.ci
          ? [
              {
                transform: [{ filter: 'datum.lower != null' }],
                mark: { type: 'rule' as const, color: '#222', strokeWidth: 1.2 },
                encoding: { x, y: { field: 'lower', type: 'quantitative' as const }, y2: { field: 'upper' }, tooltip: tooltip() },
              },
            ]
          : []),
        {
          mark: { type: 'text' as const, dy: -5, fontSize: 9.5, color: '#333' },
          encoding: { x, y: { field: 'top', type: 'quantitative' as const }, text: { field: 'value', type: 'quantitative' as const, format: '.3f' } },
        },
      ],
    };
  });
  return {
    $schema: SCHEMA,
    title: title(
      'Ranking metrics',
      `Mean per model${anyCi ? ' with bootstrap 95% confidence intervals' : ''}; higher is better${
        report.catalogueMetrics.some((m) => metrics.includes(m)) ? ' (coverage and novelty are catalogue-wide: no interval)' : ''
      }`,
    ),
    config: CHART_CONFIG,
    concat: panels,
    columns: Math.min(5, panels.length),
    resolve: { scale: { y: 'independent' } },
  };
}

export interface SignificanceCell {
  metric: string;
  /** Row model (a) and column model (b); the cell reads "row − column". */
  row: string;
  column: string;
  self: boolean;
  diff: number | null;
  /** diff / the largest |diff| of this metric: the colour, in [-1, 1] (0 on the diagonal). */
  shade: number;
  /** Paired t-test p (adjusted when the config says so) and Wilcoxon p. */
  p: number | null;
  wilcoxonP: number | null;
  significant: boolean;
  /** "+0.083 *" */
  label: string;
  verdict: string;
  n: number;
}

function signed(x: number, digits: number): string {
  return `${x < 0 ? '−' : x > 0 ? '+' : '±'}${Math.abs(x).toFixed(digits)}`;
}

/** Both triangles of every metric's matrix: the (a, b) pair read as row a, and mirrored as row b. */
export function significanceCells(report: RankingReport): SignificanceCell[] {
  const cells: SignificanceCell[] = [];
  for (const s of report.significance) {
    const scale = Math.max(1e-12, ...s.pairs.map((p) => Math.abs(p.diff ?? 0)));
    for (const row of s.models) {
      for (const column of s.models) {
        if (row === column) {
          // shade 0, not null: a null colour value would drop the cell (Vega-Lite filters invalid values).
          cells.push({ metric: s.metric, row, column, self: true, diff: null, shade: 0, p: null, wilcoxonP: null, significant: false, label: '–', verdict: '', n: 0 });
          continue;
        }
        const pair = s.pairs.find((p) => (p.a === row && p.b === column) || (p.a === column && p.b === row));
        if (!pair) continue;
        const sign = pair.a === row ? 1 : -1;
        const diff = pair.diff === null ? null : sign * pair.diff;
        cells.push({
          metric: s.metric,
          row,
          column,
          self: false,
          diff,
          shade: diff === null ? 0 : diff / scale,
          p: pair.tPAdjusted,
          wilcoxonP: pair.wilcoxonPAdjusted,
          significant: pair.tSignificant,
          label: diff === null ? '–' : `${signed(diff, 3)}${pair.tSignificant ? ' *' : ''}`,
          verdict: pair.verdict,
          n: pair.n,
        });
      }
    }
  }
  return cells;
}

/** The heatmap of every pair on one metric at a time (a select under the chart picks the metric); null without two models with ranking.arrow. */
export function significanceSpec(input: ExperimentReportInput): VegaLiteSpec | null {
  const report = input.ranking;
  if (!report || report.significance.length === 0) return null;
  const metrics = report.significance.map((s) => s.metric);
  const first = metrics.includes(report.primary) ? report.primary : (metrics[0] as string);
  const models = report.significance.find((s) => s.metric === first)?.models ?? [];
  const adjusted = report.correction === 'holm' ? ', Holm-adjusted' : '';
  const x = { field: 'column', type: 'nominal', title: 'minus (column)', sort: models, axis: { labelAngle: 0, orient: 'top' } } as const;
  const y = { field: 'row', type: 'nominal', title: 'Model (row)', sort: models } as const;
  const tip: TooltipList = [
    { field: 'metric', type: 'nominal', title: 'Metric' },
    { field: 'row', type: 'nominal', title: 'Row' },
    { field: 'column', type: 'nominal', title: 'Column' },
    { field: 'diff', type: 'quantitative', title: 'Mean difference (row − column)', format: '+.4f' },
    { field: 'p', type: 'quantitative', title: `Paired t-test p${adjusted}`, format: '.3g' },
    { field: 'wilcoxonP', type: 'quantitative', title: `Wilcoxon p${adjusted}`, format: '.3g' },
    { field: 'n', type: 'quantitative', title: 'Users paired' },
    { field: 'verdict', type: 'nominal', title: 'Verdict' },
  ];
  const metricFilter = { filter: 'datum.metric === significanceMetric' };
  return {
    $schema: SCHEMA,
    title: title(
      'Significance matrix',
      `Mean per-user difference, row − column; blue: the row model is better; * and a dark border: paired t-test p ≤ ${report.alpha}${adjusted}`,
    ),
    data: { values: significanceCells(report) },
    config: { ...CHART_CONFIG, view: { stroke: null } },
    params: [
      {
        name: 'significanceMetric',
        value: first,
        ...(metrics.length > 1 ? { bind: { input: 'select' as const, options: metrics, name: 'Metric ' } } : {}),
      },
    ],
    width: { step: Math.max(72, 12 * Math.max(...models.map((m) => m.length))) },
    height: { step: 38 },
    transform: [metricFilter],
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 2 },
        encoding: {
          x,
          y,
          color: {
            condition: { test: 'datum.self', value: '#e4e4e4' },
            field: 'shade',
            type: 'quantitative',
            title: 'row − column',
            scale: { scheme: 'redblue', domain: [-1, 1] },
            legend: {
              values: [-1, 0, 1],
              labelExpr: "datum.value > 0.5 ? 'row better' : datum.value < -0.5 ? 'column better' : 'equal'",
              gradientLength: 120,
            },
          },
          tooltip: tip,
        },
      },
      {
        transform: [{ filter: 'datum.significant' }],
        mark: { type: 'rect', fill: null, stroke: '#111', strokeWidth: 2 },
        encoding: { x, y, tooltip: tip },
      },
      {
        mark: { type: 'text', fontSize: 12, fontWeight: 500 },
        encoding: {
          x,
          y,
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: 'abs(datum.shade) > 0.55', value: '#fff' }, value: '#222' },
          tooltip: tip,
        },
      },
    ],
  };
}

/** Implicit data: the model comparison on the primary ranking metric (with its CI) instead of RMSE and MAE. */
export function rankingComparisonSpec(input: ExperimentReportInput): VegaLiteSpec | null {
  const report = input.ranking;
  if (!report) return null;
  const rows = rankingPoints(report).filter((p) => p.metric === report.primary);
  if (rows.length === 0) return null;
  const models = modelNames(report);
  const x = { field: 'model', type: 'nominal', title: 'Model', sort: models, axis: { labelAngle: 0 } } as const;
  const y = { field: 'value', type: 'quantitative', title: `${report.primary} (higher is better)` } as const;
  const anyCi = rows.some((r) => r.lower !== null);
  return {
    $schema: SCHEMA,
    title: title('Model comparison', `Mean ${report.primary} per model${anyCi ? ' with its bootstrap 95% confidence interval' : ''}: implicit feedback has no rating error`),
    data: { values: rows },
    config: CHART_CONFIG,
    width: { step: 72 },
    height: 230,
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: { x, y, color: { field: 'model', type: 'nominal', title: 'Model', scale: colourScale(input), legend: null }, tooltip: tooltip() },
      },
      ...(anyCi
        ? [
            {
              transform: [{ filter: 'datum.lower != null' }],
              mark: { type: 'rule' as const, color: '#222', strokeWidth: 1.2 },
              encoding: { x, y: { field: 'lower', type: 'quantitative' as const }, y2: { field: 'upper' }, tooltip: tooltip() },
            },
          ]
        : []),
      {
        mark: { type: 'text', dy: -6, fontSize: 11, color: '#333' },
        encoding: { x, y: { field: 'top', type: 'quantitative' }, text: { field: 'value', type: 'quantitative', format: '.3f' } },
      },
    ],
  };
}
