/**
 * The charts of a report, as Vega-Lite specs (plain JSON). Each chart lives in
 * its own file under charts/; this module maps the page's chart kinds to them.
 */
import { architectureSpec } from './charts/architecture';
import { type ChartKind, type VegaLiteSpec } from './charts/common';
import { comparisonSpec } from './charts/comparison';
import { curvesSpec } from './charts/curves';
import { distributionSpec, predictedVsActualSpec } from './charts/predictions';
import type { ExperimentReportInput } from './types';

export { CHART_KINDS, modelColourScale, type ChartKind, type VegaLiteSpec } from './charts/common';
export { architectureData, architectureSpec, type ArchitectureRow } from './charts/architecture';
export { comparisonData, comparisonSpec, type ComparisonRow, type BaselineRow, type MetricName } from './charts/comparison';
export { curvesData, curvesSpec, type CurvePoint, type CurvesData } from './charts/curves';
export { distributionData, distributionSpec, predictedVsActualData, predictedVsActualSpec } from './charts/predictions';
export type { DistributionRow, HeatRow } from './charts/predictions';
export { allModelNames, experimentsData, experimentsSpec } from './charts/experiments';
export type { ExperimentBaselineRow, ExperimentModelRow } from './charts/experiments';

/** Every chart of an experiment page, by the `data-chart` kind of its container. */
export function experimentCharts(input: ExperimentReportInput): Record<ChartKind, VegaLiteSpec> {
  return {
    comparison: comparisonSpec(input),
    curves: curvesSpec(input),
    'predicted-vs-actual': predictedVsActualSpec(input),
    distribution: distributionSpec(input),
    architecture: architectureSpec(input),
  };
}
