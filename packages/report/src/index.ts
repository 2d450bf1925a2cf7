/**
 * @deeprec/report: the HTML report stage (DESIGN section 3, report/).
 *
 * `deeprec report <config>` -> writeExperimentReport(artifactsRoot, config)
 * `deeprec report --all`    -> writeExperimentReport for each, then writeIndexReport(artifactsRoot, configs)
 */
export { loadExperimentReportInput, type LoadOptions } from './load';
export { renderExperimentReport, renderIndexReport } from './run';
export { writeExperimentReport, writeIndexReport } from './write';
export { experimentCharts, experimentsSpec, CHART_KINDS, RANKING_CHART_KINDS, RATING_CHART_KINDS, type ChartKind, type VegaLiteSpec } from './charts';
export type { ExperimentReportInput, ModelReportInput, HistoryRow, Histogram, HeatCell, StageProvenance } from './types';
