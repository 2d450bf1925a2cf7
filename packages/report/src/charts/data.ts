/**
 * The data section's charts: (1) rating histogram, train next to test, as shares
 * so splits of different size compare; (2) the long tail of item popularity:
 * ratings per item by rank on a log scale, and the cumulative share of ratings
 * against the share of items, with the short head shaded.
 */
import type { ExperimentReportInput } from '../types';
import { CHART_CONFIG, SCHEMA, title, type SubSpec, type VegaLiteSpec } from './common';

export interface RatingBarRow {
  split: 'train' | 'test';
  rating: number;
  count: number;
  share: number;
}

export function ratingHistogramData(input: ExperimentReportInput): RatingBarRow[] {
  const rows: RatingBarRow[] = [];
  for (const split of ['train', 'test'] as const) {
    const h = input.data[split];
    for (const b of h.bins) rows.push({ split, rating: b.centre, count: b.count, share: h.total === 0 ? 0 : b.count / h.total });
  }
  return rows;
}

/** "fold 1 of 3" for k-fold data, '' otherwise: what the data charts were drawn from. */
export function foldNote(input: ExperimentReportInput): string {
  const k = input.data.info.folds.length;
  return k > 1 ? `fold 1 of ${k}` : '';
}

export function ratingHistogramSpec(input: ExperimentReportInput): VegaLiteSpec {
  const fold = foldNote(input);
  return {
    $schema: SCHEMA,
    title: title('Ratings per value', `Share of each split's ratings${fold ? ` (${fold})` : ''}; bars side by side per rating value`),
    data: { values: ratingHistogramData(input) },
    config: CHART_CONFIG,
    width: { step: 44 },
    height: 200,
    mark: { type: 'bar', cornerRadiusEnd: 1 },
    encoding: {
      x: { field: 'rating', type: 'ordinal', title: 'Rating', axis: { labelAngle: 0 } },
      xOffset: { field: 'split', type: 'nominal', sort: ['train', 'test'] },
      y: { field: 'share', type: 'quantitative', title: 'Share of the split’s ratings', axis: { format: '.0%' } },
      color: { field: 'split', type: 'nominal', title: 'Split', scale: { domain: ['train', 'test'], range: ['#9aa5b1', '#3d5a80'] } },
      tooltip: [
        { field: 'split', type: 'nominal', title: 'Split' },
        { field: 'rating', type: 'quantitative', title: 'Rating' },
        { field: 'count', type: 'quantitative', title: 'Ratings', format: ',' },
        { field: 'share', type: 'quantitative', title: 'Share', format: '.1%' },
      ],
    },
  };
}

const TOOLTIP = [
  { field: 'rank', type: 'quantitative', title: 'Item rank', format: ',' },
  { field: 'count', type: 'quantitative', title: 'Training ratings of this item', format: ',' },
  { field: 'itemShare', type: 'quantitative', title: 'Share of items up to here', format: '.1%' },
  { field: 'ratingShare', type: 'quantitative', title: 'Share of ratings they hold', format: '.1%' },
] as const;

export function longTailSpec(input: ExperimentReportInput): VegaLiteSpec {
  const lt = input.data.longTail;
  const fold = foldNote(input);
  const head = lt.head;
  const headLabel = `short head: ${head.items.toLocaleString('en-US')} items (${(head.itemShare * 100).toFixed(1)}%) hold ${(head.ratingShare * 100).toFixed(0)}% of ratings`;
  const rated = { filter: 'datum.count > 0' };
  const byRank: SubSpec = {
    width: 360,
    height: 230,
    title: 'Ratings per item, most rated first',
    layer: [
      {
        data: { values: [{ x0: 0.5, x1: head.items + 0.5 }] },
        mark: { type: 'rect', color: '#f2d7a6', opacity: 0.6 },
        encoding: { x: { field: 'x0', type: 'quantitative' }, x2: { field: 'x1' }, tooltip: { value: headLabel } },
      },
      {
        data: { name: 'points' },
        transform: [rated],
        mark: { type: 'line', color: '#3d5a80', strokeWidth: 1.8, interpolate: 'step-after' },
        encoding: {
          x: { field: 'rank', type: 'quantitative', title: 'Item rank by training ratings (1 = most rated)', scale: { domain: [0.5, Math.max(1, lt.items) + 0.5], nice: false } },
          y: { field: 'count', type: 'quantitative', title: 'Training ratings (log scale)', scale: { type: 'log' } },
          tooltip: [...TOOLTIP],
        },
      },
    ],
  };
  const cumulative: SubSpec = {
    width: 300,
    height: 230,
    title: 'Cumulative share of ratings',
    layer: [
      {
        data: { values: [{ x0: 0, x1: head.itemShare }] },
        mark: { type: 'rect', color: '#f2d7a6', opacity: 0.6 },
        encoding: { x: { field: 'x0', type: 'quantitative' }, x2: { field: 'x1' }, tooltip: { value: headLabel } },
      },
      {
        data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
        mark: { type: 'line', color: '#999', strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, tooltip: { value: 'every item rated equally' } },
      },
      {
        // The curve starts at the origin: no items, no ratings.
        data: { values: [{ rank: 0, count: 0, itemShare: 0, ratingShare: 0 }, ...lt.points] },
        mark: { type: 'line', color: '#3d5a80', strokeWidth: 2 },
        encoding: {
          x: { field: 'itemShare', type: 'quantitative', title: 'Share of items, most rated first', axis: { format: '.0%' }, scale: { domain: [0, 1], nice: false } },
          y: { field: 'ratingShare', type: 'quantitative', title: 'Share of training ratings', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
          tooltip: [...TOOLTIP],
        },
      },
      {
        data: { values: [{ x: head.itemShare, y: head.ratingShare, label: `top ${(head.itemShare * 100).toFixed(1)}% of items: ${(head.ratingShare * 100).toFixed(0)}%` }] },
        layer: [
          { mark: { type: 'point', filled: true, color: '#b35c00', size: 50 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, tooltip: { value: headLabel } } },
          {
            mark: { type: 'text', align: 'left', dx: 8, dy: 4, fontSize: 11, color: '#7a3e00' },
            encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
          },
        ],
      },
    ],
  };
  return {
    $schema: SCHEMA,
    title: title(
      'Item popularity: the long tail',
      `Training ratings${fold ? ` (${fold})` : ''}; shaded: the short head, the fewest most-rated items that hold half of all ratings`,
    ),
    datasets: { points: lt.points },
    config: CHART_CONFIG,
    hconcat: [byRank, cumulative],
  };
}
