/**
 * Summaries computed from full columns (never samples), so the charts show exact
 * counts whatever the size of the test set, and the page stays small: a few hundred
 * numbers per model instead of one point per rating.
 */
import type { HeatCell, Histogram } from './types';

type Numbers = ArrayLike<number>;

const EPSILON = 1e-6;

function allMultiplesOf(values: Numbers, step: number, min: number): boolean {
  for (let i = 0; i < values.length; i += 1) {
    const k = ((values[i] as number) - min) / step;
    if (Math.abs(k - Math.round(k)) > EPSILON) return false;
  }
  return true;
}

/**
 * The granularity of ratings: 1 for whole stars, 0.5 for half stars (MovieLens
 * latest), otherwise 0.25 (continuous ratings, binned in quarter steps).
 */
export function ratingStep(columns: readonly Numbers[], min: number): number {
  for (const step of [1, 0.5]) {
    if (columns.every((values) => allMultiplesOf(values, step, min))) return step;
  }
  return 0.25;
}

/** Bin centres min, min + step, ..., max (inclusive, within rounding). */
export function binCentres(min: number, max: number, step: number): number[] {
  const n = Math.max(1, Math.round((max - min) / step) + 1);
  return Array.from({ length: n }, (_, i) => round(min + i * step));
}

/** Rounds away float noise (0.1 + 0.2) so bin labels read cleanly. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Index of the bin containing v; values beyond the scale fall in the end bins. */
function binIndex(v: number, min: number, step: number, n: number): number {
  const i = Math.floor((v - min) / step + 0.5 + EPSILON);
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/** Histogram of values over bins centred on the rating scale's values. */
export function histogram(values: Numbers, scale: { min: number; max: number }, step: number): Histogram {
  const centres = binCentres(scale.min, scale.max, step);
  const counts = new Array<number>(centres.length).fill(0);
  let total = 0;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const b = binIndex(v, scale.min, step, centres.length);
    counts[b] = (counts[b] as number) + 1;
    total += 1;
  }
  return { step, bins: centres.map((centre, i) => ({ centre, count: counts[i] as number })), total };
}

/**
 * 2-D histogram of (actual, predicted): actual in the rating bins, predicted in
 * bins `predictedStep` wide spanning the scale plus half a rating step either side
 * (predictions beyond it are clamped into the outer bins). Only non-empty cells are
 * returned; `share` is the cell's fraction of its actual-rating column.
 */
export function heatmap(
  actual: Numbers,
  predicted: Numbers,
  scale: { min: number; max: number },
  step: number,
  predictedStep: number,
): HeatCell[] {
  const centres = binCentres(scale.min, scale.max, step);
  const low = scale.min - step / 2;
  const rows = Math.max(1, Math.round((scale.max - scale.min + step) / predictedStep));
  const counts = new Map<number, number>();
  const columnTotals = new Array<number>(centres.length).fill(0);
  for (let i = 0; i < actual.length; i += 1) {
    const a = actual[i] as number;
    const p = predicted[i] as number;
    if (!Number.isFinite(a) || !Number.isFinite(p)) continue;
    const col = binIndex(a, scale.min, step, centres.length);
    const row = Math.min(rows - 1, Math.max(0, Math.floor((p - low) / predictedStep)));
    const key = col * rows + row;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    columnTotals[col] = (columnTotals[col] as number) + 1;
  }
  const cells: HeatCell[] = [];
  for (const [key, count] of [...counts.entries()].sort((x, y) => x[0] - y[0])) {
    const col = Math.floor(key / rows);
    const row = key % rows;
    cells.push({
      actual: centres[col] as number,
      predictedStart: round(low + row * predictedStep),
      predictedEnd: round(low + (row + 1) * predictedStep),
      count,
      share: count / (columnTotals[col] as number),
    });
  }
  return cells;
}

/** A finite number, or null (JSON cannot carry NaN/Infinity; Vega-Lite skips nulls). */
export function finiteOrNull(x: number | bigint | undefined): number | null {
  const v = typeof x === 'bigint' ? Number(x) : x;
  return v !== undefined && Number.isFinite(v) ? v : null;
}
