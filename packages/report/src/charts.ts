/**
 * The charts of a report, as Vega-Lite specs (plain JSON). Each chart lives in
 * its own file under charts/; this module maps the page's chart kinds to them.
 */
import { architectureSpec } from './charts/architecture';
import { baselinesSpec } from './charts/baselines';
import { coldStartSpec } from './charts/coldStart';
import { CHART_KINDS, type ChartKind, type VegaLiteSpec } from './charts/common';
import { comparisonSpec } from './charts/comparison';
import { curvesSpec } from './charts/curves';
import { longTailSpec, ratingHistogramSpec } from './charts/data';
import { foldsSpec } from './charts/folds';
import { distributionSpec, predictedVsActualSpec } from './charts/predictions';
import { rankingAtKSpec, rankingBarsSpec, rankingComparisonSpec, significanceSpec } from './charts/ranking';
import type { ExperimentReportInput } from './types';

export { CHART_KINDS, RANKING_CHART_KINDS, RATING_CHART_KINDS, modelColourScale, type ChartKind, type VegaLiteSpec } from './charts/common';
export { architectureData, architectureSpec, type ArchitectureRow } from './charts/architecture';
export { baselinesData, baselinesSpec, type VersusChartRow } from './charts/baselines';
export { coldRatings, coldStartData, coldStartSpec, type ColdStartRow } from './charts/coldStart';
export { comparisonData, comparisonSpec, type ComparisonRow, type BaselineRow, type MetricName } from './charts/comparison';
export { curveFolds, curvesData, curvesSpec, watchedColumn, watchedName, type CurvePoint, type CurvesData, type WatchedColumn } from './charts/curves';
export { foldNote, longTailSpec, ratingHistogramData, ratingHistogramSpec, type RatingBarRow } from './charts/data';
export { foldsData, foldsSpec, hasFolds, type FoldPoint, type FoldSummary } from './charts/folds';
export { distributionData, distributionSpec, pooledNote, predictedVsActualData, predictedVsActualSpec } from './charts/predictions';
export type { DistributionRow, HeatRow } from './charts/predictions';
export { allModelNames, experimentsData, experimentsSpec } from './charts/experiments';
export {
  curveFamilies,
  familyTitle,
  rankingAtKSpec,
  rankingBarsSpec,
  rankingComparisonSpec,
  rankingPoints,
  significanceCells,
  significanceSpec,
  type RankingPoint,
  type SignificanceCell,
} from './charts/ranking';
export type { ExperimentBaselineRow, ExperimentModelRow } from './charts/experiments';

/**
 * Every chart of an experiment page, by the `data-chart` kind of its container, in
 * page order. Charts with nothing to show (no baseline model, no cold-start
 * rating, no k-fold, no ranking metrics, implicit data for the rating charts) are
 * left out; the page says why in a line instead.
 */
export function experimentCharts(input: ExperimentReportInput): Partial<Record<ChartKind, VegaLiteSpec>> {
  // Implicit feedback: every rating is 1, so nothing built on rating error is drawn.
  const explicit = !input.implicit;
  const specs: Record<ChartKind, VegaLiteSpec | null> = {
    data: explicit ? ratingHistogramSpec(input) : null,
    'long-tail': longTailSpec(input),
    comparison: explicit ? comparisonSpec(input) : rankingComparisonSpec(input),
    'ranking-at-k': rankingAtKSpec(input),
    ranking: rankingBarsSpec(input),
    significance: significanceSpec(input),
    baselines: explicit ? baselinesSpec(input) : null,
    'cold-start': explicit ? coldStartSpec(input) : null,
    folds: explicit ? foldsSpec(input) : null,
    curves: curvesSpec(input),
    'predicted-vs-actual': explicit ? predictedVsActualSpec(input) : null,
    distribution: explicit ? distributionSpec(input) : null,
    architecture: architectureSpec(input),
  };
  const out: Partial<Record<ChartKind, VegaLiteSpec>> = {};
  for (const kind of CHART_KINDS) {
    const spec = specs[kind];
    if (spec) out[kind] = spec;
  }
  return out;
}
