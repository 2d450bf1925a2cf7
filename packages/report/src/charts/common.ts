/**
 * Shared pieces of every chart: the spec type, the look, and one colour per
 * model that stays the same on every chart of a page.
 */
// vega-lite is ESM-only; a type-only import costs nothing at run time.
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };

export type VegaLiteSpec = TopLevelSpec;
/** A view inside a concat (what hconcat/concat entries may be). */
export type SubSpec = Extract<TopLevelSpec, { hconcat: unknown }>['hconcat'][number];

/** The chart containers of an experiment page (`data-chart` attribute values). */
export const CHART_KINDS = ['comparison', 'curves', 'predicted-vs-actual', 'distribution', 'architecture'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

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

export function title(text: string, subtitle?: string): { text: string; subtitle?: string } {
  return subtitle === undefined ? { text } : { text, subtitle };
}
