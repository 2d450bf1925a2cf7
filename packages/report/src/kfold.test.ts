/**
 * The report of a k-fold experiment (3 folds): data from data/fold-<k>/, history
 * and predictions with a fold column, metrics with folds, rmseStd and maeStd.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, readMetrics } from '@deeprec/artifacts';
import {
  CHART_KINDS,
  RANKING_CHART_KINDS,
  baselinesData,
  comparisonData,
  curveFolds,
  curvesData,
  curvesSpec,
  experimentCharts,
  foldsData,
  predictedVsActualData,
} from './charts';
import { loadFixture, tempRoot, writeFixture, type Fixture } from './fixture.testutil';
import { renderExperimentReport } from './run';
import type { ExperimentReportInput } from './types';
import { writeExperimentReport } from './write';

const FOLDS = 3;
const EPOCHS = 6;
let root: string;
let fixture: Fixture;
let input: ExperimentReportInput;
let single: ExperimentReportInput;

beforeAll(() => {
  root = tempRoot();
  fixture = writeFixture(root, { name: 'kfold', folds: FOLDS, testRatings: 200, epochs: EPOCHS });
  input = loadFixture(fixture);
  single = loadFixture(writeFixture(root, { name: 'single', epochs: EPOCHS }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loading k-fold artifacts', () => {
  it('reads fold 1 for the data charts and the train-mean baseline of every fold from metrics.json', () => {
    const { info } = input.data;
    expect(info.folds).toHaveLength(FOLDS);
    expect(input.data.train.total).toBe(info.folds[0]!.counts.train);
    expect(input.data.test.total).toBe(200);
    expect(input.baseline).toEqual(readMetrics(fixture.catalogue.evaluation('ncf').metrics).meanBaseline);
    expect(input.baseline.folds).toHaveLength(FOLDS);
    const foldRmse = input.baseline.folds!.map((f) => f.rmse);
    const meanRmse = foldRmse.reduce((a, b) => a + b, 0) / FOLDS;
    expect(input.baseline.rmse).toBeCloseTo(meanRmse, 12);
    expect(input.baseline.rmseStd).toBeCloseTo(Math.sqrt(foldRmse.reduce((a, x) => a + (x - meanRmse) ** 2, 0) / (FOLDS - 1)), 12);
    expect(input.baseline.coldStart.cold.count).toBe(info.folds.reduce((n, f) => n + f.coldStart.ratings, 0));
  });

  it('keeps the fold of every history row and pools the predictions of every fold', () => {
    for (const m of input.models) {
      expect(m.history).toHaveLength(FOLDS * EPOCHS);
      expect(m.history.map((h) => h.fold)).toEqual(Array.from({ length: FOLDS * EPOCHS }, (_, i) => Math.floor(i / EPOCHS) + 1));
      expect(m.predictions).toMatchObject({ count: FOLDS * 200, folds: FOLDS });
      expect(m.metrics.folds).toHaveLength(FOLDS);
    }
    expect(JSON.parse(JSON.stringify(input))).toEqual(input);
  });
});

describe('k-fold charts', () => {
  it('draws every chart kind, the spread over folds included', () => {
    expect(Object.keys(experimentCharts(input))).toEqual(CHART_KINDS.filter((k) => !RANKING_CHART_KINDS.includes(k)));
  });

  it('training curves: one fold at a time, each fold with its own best epoch', () => {
    expect(curveFolds(input)).toEqual([1, 2, 3]);
    expect(curveFolds(single)).toEqual([1]);
    const { watched: rmse } = curvesData(input);
    for (const m of input.models) {
      for (let fold = 1; fold <= FOLDS; fold += 1) {
        const points = rmse.filter((p) => p.model === m.name && p.fold === fold);
        expect(points).toHaveLength(EPOCHS);
        // The fixture's fold k keeps epoch EPOCHS - k (train manifest details.folds).
        expect(points.filter((p) => p.best).map((p) => p.epoch)).toEqual([EPOCHS - fold]);
      }
    }
    const spec = curvesSpec(input) as unknown as { params: Array<{ name: string; value: number; bind: { input: string; options: number[] } }> };
    expect(spec.params).toEqual([expect.objectContaining({ name: 'fold', value: 1, bind: expect.objectContaining({ input: 'select', options: [1, 2, 3] }) })]);
    expect(JSON.stringify(spec)).toContain('datum.fold == fold');
    expect(curvesSpec(single)).not.toHaveProperty('params');
    expect(JSON.stringify(curvesSpec(single))).not.toContain('datum.fold');
  });

  it('comparison and baselines: mean ± sd error bars from metrics.json', () => {
    const { models } = comparisonData(input);
    for (const m of input.models) {
      const row = models.find((r) => r.model === m.name && r.metric === 'RMSE')!;
      expect(row).toMatchObject({ value: m.metrics.rmse, sd: m.metrics.rmseStd, low: m.metrics.rmse - m.metrics.rmseStd!, high: m.metrics.rmse + m.metrics.rmseStd! });
      expect(row.top).toBe(row.high);
    }
    expect(JSON.stringify(experimentCharts(input).comparison)).toContain('datum.sd != null');
    const versus = baselinesData(input);
    expect(versus.every((r) => r.low !== null && r.high !== null && r.rmseStd !== null)).toBe(true);
    expect(versus.find((r) => r.model === 'train mean')?.rmseStd).toBe(input.baseline.rmseStd);
  });

  it('spread: every fold of every model and of the train mean, with mean and sd', () => {
    const { points, summary } = foldsData(input);
    const names = [...input.models.map((m) => m.name), 'train mean'];
    expect(points).toHaveLength(names.length * FOLDS * 2);
    for (const m of input.models) {
      expect(points.filter((p) => p.model === m.name && p.metric === 'RMSE').map((p) => p.value)).toEqual(m.metrics.folds!.map((f) => f.rmse));
      expect(summary.find((s) => s.model === m.name && s.metric === 'MAE')).toMatchObject({ mean: m.metrics.mae, sd: m.metrics.maeStd });
    }
    expect(foldsData(single)).toEqual({ points: [], summary: [] });
  });

  it('predicted vs actual pools every fold', () => {
    const cells = predictedVsActualData(input).filter((r) => r.model === 'ncf' && r.kind === 'cell');
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(FOLDS * 200);
    expect(JSON.stringify(experimentCharts(input)['predicted-vs-actual'])).toContain(`all ${FOLDS} folds pooled`);
  });
});

describe('k-fold page', () => {
  it('adds sd columns, a per-fold table, and says what is fold 1 only and what is pooled', () => {
    const page = renderExperimentReport(input);
    for (const label of ['RMSE sd', 'MAE sd', 'Cold-start RMSE', 'Fold 3 RMSE', 'Fold 1 MAE']) expect(page).toContain(`<th class="num">${label}</th>`);
    expect(page).toContain('<section id="folds">');
    expect(page).toContain(`${FOLDS}-fold cross-validation`);
    expect(page).toContain('<strong>fold 1</strong>');
    expect(page).toContain('one fold at a time');
    expect(page).toContain('test predictions of every fold are pooled');
    for (const m of input.models) expect(page).toContain(`${m.metrics.rmse.toFixed(4)} ± ${m.metrics.rmseStd!.toFixed(4)}`);
    // Per-fold data table: one row per fold.
    expect(page.match(/<td>fold \d<\/td>/g)).toEqual(['<td>fold 1</td>', '<td>fold 2</td>', '<td>fold 3</td>']);
  });

  it('shows the k-fold baseline exactly as metrics.json has it: one number, the mean of the fold values', () => {
    const baseline = readMetrics(fixture.catalogue.evaluation('widedeep').metrics).meanBaseline;
    expect(baseline.rmse).toBeCloseTo(baseline.folds!.reduce((a, f) => a + f.rmse, 0) / FOLDS, 12);
    const page = renderExperimentReport(input);
    // The metrics table's train-mean row: name, type, RMSE, RMSE sd, MAE, MAE sd.
    const row = /<tr class="baseline">(.*?)<\/tr>/.exec(page)?.[1];
    expect(row).toContain(
      ['train mean', '–', baseline.rmse.toFixed(4), baseline.rmseStd!.toFixed(4), baseline.mae.toFixed(4), baseline.maeStd!.toFixed(4)].map((c, i) => `<td${i > 1 ? ' class="num"' : ''}>${c}</td>`).join(''),
    );
    expect(page).toContain(`<div class="label">Train-mean RMSE</div><div class="value">${baseline.rmse.toFixed(4)}</div>`);
  });

  it('is written with fold 1’s files as its inputs', async () => {
    const file = await writeExperimentReport(root, fixture.config);
    const manifest = readManifest(join(file, '..', 'manifest.json'), 'report');
    // Fold 1's data for the charts; every other fold's figures are in metrics.json.
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['kfold/data/fold-1/train.arrow', 'kfold/data/fold-1/test.arrow', 'kfold/eval/ncf/metrics.json']));
    expect(Object.keys(manifest.inputs).filter((f) => f.includes('fold-2') || f.includes('fold-3'))).toEqual([]);
    expect(Object.keys(manifest.inputs)).not.toContain('kfold/data/train.arrow');
    expect(manifest.details.charts).toEqual(CHART_KINDS.filter((k) => !RANKING_CHART_KINDS.includes(k)));
    expect(readFileSync(file, 'utf8')).toContain('data-chart="folds"');
  });
});
