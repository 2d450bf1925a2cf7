/**
 * Shared pieces of every chart: the spec type, the look, and one colour per
 * model that stays the same on every chart of a page.
 */
// vega-lite is ESM-only; a type-only import costs nothing at run time.
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };

export type VegaLiteSpec = TopLevelSpec;
/** A view inside a concat (what hconcat/concat entries may be). */
export type SubSpec = Extract<TopLevelSpec, { hconcat: unknown }>['hconcat'][number];
/** One entry of a layered view's `layer`. */
export type LayerEntry = Extract<SubSpec, { layer: unknown }>['layer'][number];

/**
 * The chart containers an experiment page may have (`data-chart` attribute values),
 * in page order. `baselines` needs a baseline model, `cold-start` cold-start test
 * ratings, and `folds` k-fold data; `ranking-at-k`, `ranking` and `significance` need
 * ranking metrics (metrics.json `ranking`: curves for families with several cut-offs,
 * bars for single cut-offs, the matrix with two models with ranking.arrow). Implicit
 * feedback has no rating error: `data` (the rating histogram), `baselines`,
 * `cold-start`, `predicted-vs-actual` and `distribution` are left out, and
 * `comparison` shows the primary ranking metric. The others are always drawn.
 */
export const CHART_KINDS = [
  'data',
  'long-tail',
  'comparison',
  'ranking-at-k',
  'ranking',
  'significance',
  'baselines',
  'cold-start',
  'folds',
  'curves',
  'predicted-vs-actual',
  'distribution',
  'architecture',
] as const;
export type ChartKind = (typeof CHART_KINDS)[number];
/** The kinds that need ranking metrics (metrics.json `ranking`). */
export const RANKING_CHART_KINDS: readonly ChartKind[] = ['ranking-at-k', 'ranking', 'significance'];
/** The kinds built on rating error, left out for implicit feedback. */
export const RATING_CHART_KINDS: readonly ChartKind[] = ['data', 'baselines', 'cold-start', 'folds', 'predicted-vs-actual', 'distribution'];

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Tableau 10: distinct, colour-blind tolerant, and what Vega-Lite users expect. */
const MODEL_PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#ff9da6', '#9d755d', '#bab0ac'];

/** Colour scale that pins each model to the same colour on every chart. */
export function modelColourScale(models: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...models], range: models.map((_, i) => MODEL_PALETTE[i % MODEL_PALETTE.length] as string) };
}

export function modelColour(models: readonly string[], model: string): string {
  const i = Math.max(0, models.indexOf(model));
  return MODEL_PALETTE[i % MODEL_PALETTE.length] as string;
}

/** Fonts the page already uses, so SVG text matches the HTML and needs no download. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Look shared by all charts: quiet axes, left-aligned titles, page fonts. */
export const CHART_CONFIG = {
  font: FONT,
  view: { stroke: '#ddd' },
  title: { anchor: 'start', fontSize: 14, fontWeight: 600, subtitleFontSize: 12, subtitleColor: '#555', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500, gridColor: '#eee', domainColor: '#888', tickColor: '#888' },
  header: { labelFontSize: 12, labelFontWeight: 600, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'right' },
  concat: { spacing: 28 },
  facet: { spacing: 20 },
} as const;

/** Colours of the model groups (distinct from the per-model palette, which the group charts do not use). */
export const GROUP_COLOURS = { domain: ['deep', 'baseline', 'train mean'], range: ['#1f6f8b', '#d08c1f', '#8a8a8a'] };

/** One colour per fold (Dark2), for charts that tell folds apart. */
export const FOLD_PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];

/** A tooltip list built at run time (literal `as const` lists need no annotation). */
export type TooltipList = Array<{ field: string; type: 'nominal' | 'ordinal' | 'quantitative'; title: string; format?: string }>;

/**
 * Columns of a wrapped facet grid: the most columns, up to `max`, that leave every
 * row full (3 models: one row of 3; 4: two rows of 2). Vega-Lite draws a shared x
 * axis under each column of the last row, so an empty cell there shows a bare axis,
 * an empty panel beside the last model. A count that no number from 2 to `max`
 * divides (5 or 7 with max 3) cannot fill its rows: it gets `max` columns, and
 * FACET_OWN_X_AXIS keeps the empty cells blank.
 */
export function facetColumns(panels: number, max: number): number {
  for (let columns = Math.min(max, panels); columns > 1; columns -= 1) if (panels % columns === 0) return columns;
  return panels > max ? max : 1;
}

/** Each facet panel draws its own x axis (the scale stays shared), so no axis stands under an empty cell. */
export const FACET_OWN_X_AXIS = { axis: { x: 'independent' } } as const;

export function title(text: string, subtitle?: string): { text: string; subtitle?: string } {
  return subtitle === undefined ? { text } : { text, subtitle };
}
