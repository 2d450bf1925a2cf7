/**
 * (c) Predicted vs actual and (d) rating distributions. Both are drawn from
 * histograms of every test prediction (stats.ts), not a sample: counts are
 * exact and the page stays small however big the test set is. k-fold: every
 * fold's test predictions pooled (each rating is in exactly one test fold).
 */
import type { ExperimentReportInput, Histogram } from '../types';
import { CHART_CONFIG, FACET_OWN_X_AXIS, SCHEMA, facetColumns, modelColour, title, type VegaLiteSpec } from './common';

export interface HeatRow {
  model: string;
  kind: 'cell' | 'diagonal';
  /** Actual-rating band [x0, x1) and predicted band [y0, y1); the diagonal uses x0/y0 only. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  actual: number;
  count: number;
  share: number;
}

/**
 * Cells plus two points of the y = x line per model, in one table: facets split one
 * data source, so the reference line has to travel in it (filtered by `kind`).
 */
export function predictedVsActualData(input: ExperimentReportInput): HeatRow[] {
  const rows: HeatRow[] = [];
  const { min, max } = input.data.info.scale;
  const step = input.data.test.step;
  for (const m of input.models) {
    for (const c of m.predictions.heatmap) {
      rows.push({
        model: m.name,
        kind: 'cell',
        x0: c.actual - step / 2,
        x1: c.actual + step / 2,
        y0: c.predictedStart,
        y1: c.predictedEnd,
        actual: c.actual,
        count: c.count,
        share: c.share,
      });
    }
    for (const v of [min - step / 2, max + step / 2]) {
      rows.push({ model: m.name, kind: 'diagonal', x0: v, x1: v, y0: v, y1: v, actual: v, count: 0, share: 0 });
    }
  }
  return rows;
}

/** ", all 3 folds pooled" for k-fold predictions, '' otherwise. */
export function pooledNote(input: ExperimentReportInput): string {
  const folds = Math.max(1, ...input.models.map((m) => m.predictions.folds));
  return folds > 1 ? `, all ${folds} folds pooled` : '';
}

export function predictedVsActualSpec(input: ExperimentReportInput): VegaLiteSpec {
  const models = input.models.map((m) => m.name);
  const { min, max } = input.data.info.scale;
  const step = input.data.test.step;
  const domain = [min - step / 2, max + step / 2];
  const x = { field: 'x0', type: 'quantitative', title: 'Actual rating', scale: { domain, nice: false }, axis: { tickMinStep: step } } as const;
  const y = { field: 'y0', type: 'quantitative', title: 'Predicted rating', scale: { domain, nice: false } } as const;
  return {
    $schema: SCHEMA,
    title: title(
      'Predicted vs actual',
      `All test ratings${pooledNote(input)}; each column shows where the predictions for one actual rating fall (share of that column); the line is y = x`,
    ),
    data: { values: predictedVsActualData(input) },
    config: CHART_CONFIG,
    facet: { field: 'model', type: 'nominal', title: null, sort: models, header: { labelFontSize: 13 } },
    columns: facetColumns(models.length, 3),
    resolve: FACET_OWN_X_AXIS,
    spec: {
      width: 230,
      height: 230,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'cell'" }],
          mark: { type: 'rect', stroke: '#fff', strokeWidth: 0.3 },
          encoding: {
            x,
            x2: { field: 'x1' },
            y,
            y2: { field: 'y1' },
            color: {
              field: 'share',
              type: 'quantitative',
              title: 'Share of column',
              scale: { scheme: 'blues', domain: [0, 1] },
              legend: { format: '.0%' },
            },
            tooltip: [
              { field: 'model', type: 'nominal', title: 'Model' },
              { field: 'actual', type: 'quantitative', title: 'Actual rating' },
              { field: 'y0', type: 'quantitative', title: 'Predicted from', format: '.2f' },
              { field: 'y1', type: 'quantitative', title: 'Predicted to', format: '.2f' },
              { field: 'count', type: 'quantitative', title: 'Ratings' },
              { field: 'share', type: 'quantitative', title: 'Share of column', format: '.1%' },
            ],
          },
        },
        {
          transform: [{ filter: "datum.kind === 'diagonal'" }],
          mark: { type: 'line', color: '#d62728', strokeDash: [4, 3], strokeWidth: 1.5 },
          encoding: { x, y, tooltip: { value: 'y = x (perfect prediction)' } },
        },
      ],
    },
  };
}

export interface DistributionRow {
  panel: string;
  series: string;
  rating: number;
  /** Bar extent: the first series of a panel fills the bin, the second is drawn narrower on top. */
  x0: number;
  x1: number;
  /** Draw order: the wide reference bar first (0), the narrow bar on top (1). */
  z: number;
  count: number;
  share: number;
}

const TEST = 'test ratings';

function histogramRows(panel: string, series: string, h: Histogram, wide: boolean): DistributionRow[] {
  const half = wide ? h.step / 2 : h.step / 4;
  return h.bins.map((b) => ({
    panel,
    series,
    rating: b.centre,
    x0: b.centre - half,
    x1: b.centre + half,
    z: wide ? 0 : 1,
    count: b.count,
    share: h.total === 0 ? 0 : b.count / h.total,
  }));
}

export function distributionData(input: ExperimentReportInput): DistributionRow[] {
  // Train vs test of the data alone is drawn in the data section.
  const rows: DistributionRow[] = [];
  for (const m of input.models) {
    const panel = `${m.name}: test ratings vs predictions`;
    rows.push(...histogramRows(panel, TEST, m.predictions.actual, true));
    rows.push(...histogramRows(panel, `${m.name} predictions`, m.predictions.predicted, false));
  }
  return rows;
}

export function distributionSpec(input: ExperimentReportInput): VegaLiteSpec {
  const models = input.models.map((m) => m.name);
  const { min, max } = input.data.info.scale;
  const step = input.data.test.step;
  const series = [TEST, ...models.map((m) => `${m} predictions`)];
  const colours = ['#bdbdbd', ...models.map((m) => modelColour(models, m))];
  const panels = models.map((m) => `${m}: test ratings vs predictions`);
  const pooled = pooledNote(input);
  return {
    $schema: SCHEMA,
    title: title(
      'Rating distribution, actual vs predicted',
      `Share of ratings per rating value; predictions are binned to the nearest rating value (outliers into the end bins)${pooled}`,
    ),
    data: { values: distributionData(input) },
    config: CHART_CONFIG,
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels },
    columns: facetColumns(panels.length, 3),
    resolve: FACET_OWN_X_AXIS,
    spec: {
      // Three panels and the legend fit the page's 1180 px.
      width: 260,
      height: 180,
      mark: { type: 'bar', opacity: 0.95, stroke: '#fff', strokeWidth: 0.6 },
      encoding: {
        x: {
          field: 'x0',
          type: 'quantitative',
          title: 'Rating',
          scale: { domain: [min - step / 2, max + step / 2], nice: false },
          axis: { tickMinStep: step },
        },
        x2: { field: 'x1' },
        y: { field: 'share', type: 'quantitative', title: 'Share of ratings', axis: { format: '.0%' }, stack: null },
        // Bars from zero: with x/x2 ranges Vega-Lite would otherwise draw thin horizontal ticks.
        y2: { datum: 0 },
        color: { field: 'series', type: 'nominal', title: 'Series', scale: { domain: series, range: colours } },
        order: { field: 'z', type: 'quantitative', sort: 'ascending' },
        tooltip: [
          { field: 'series', type: 'nominal', title: 'Series' },
          { field: 'rating', type: 'quantitative', title: 'Rating' },
          { field: 'count', type: 'quantitative', title: 'Count' },
          { field: 'share', type: 'quantitative', title: 'Share', format: '.1%' },
        ],
      },
    },
  };
}
