/**
 * The pure part of the report stage: plain input in, one HTML string out. No
 * clock and no artifact reads here (the loader stamps `generatedAt`), so the same
 * input always gives the same page; only the installed Vega bundles are read.
 */
import { renderExperimentPage } from './experimentPage';
import { renderIndexPage } from './indexPage';
import type { ExperimentReportInput } from './types';

/** The self-contained page of one experiment (artifacts/<exp>/report/index.html). */
export function renderExperimentReport(input: ExperimentReportInput): string {
  return renderExperimentPage(input);
}

/** The page of all experiments side by side (artifacts/report/index.html), in the order given. */
export function renderIndexReport(inputs: readonly ExperimentReportInput[]): string {
  return renderIndexPage(inputs);
}
