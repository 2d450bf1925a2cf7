import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readMetrics, readRatings, writeMetrics } from '@deeprec/artifacts';
import { ArtifactError } from '@deeprec/base';
import {
  CHART_KINDS,
  RANKING_CHART_KINDS,
  architectureData,
  comparisonData,
  curvesData,
  distributionData,
  experimentCharts,
  experimentsData,
  experimentsSpec,
  predictedVsActualData,
  type VegaLiteSpec,
} from './charts';
import { FIXTURE_MODELS, tempRoot, writeFixture, type Fixture } from './fixture.testutil';
import { loadExperimentReportInput } from './load';
import type { ExperimentReportInput } from './types';

const MODELS: string[] = FIXTURE_MODELS;
let fixture: Fixture;
let input: ExperimentReportInput;

beforeAll(() => {
  fixture = writeFixture(tempRoot());
  input = loadExperimentReportInput(fixture.catalogue, fixture.config, { now: new Date('2026-12-01T10:00:00Z') });
});
afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

/** Every title, axis title and tooltip the spec declares, found by walking it. */
function walk(spec: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(spec)) spec.forEach((v) => walk(v, visit));
  else if (spec && typeof spec === 'object') {
    for (const [k, v] of Object.entries(spec)) {
      visit(k, v);
      walk(v, visit);
    }
  }
}

describe('loadExperimentReportInput', () => {
  it('reads every model in config order, with metrics, history and provenance', () => {
    expect(input.experiment).toBe('tiny');
    expect(input.generatedAt).toBe('2026-12-01T10:00:00.000Z');
    expect(input.models.map((m) => m.name)).toEqual(MODELS);
    const ncf = input.models.find((m) => m.name === 'ncf')!;
    const metrics = readMetrics(fixture.catalogue.evaluation('ncf').metrics);
    expect(ncf.metrics).toEqual(metrics);
    expect(ncf.history).toHaveLength(8);
    expect(ncf.history[0]).toMatchObject({ epoch: 1, val_mae: null, fold: null });
    expect(ncf.predictions.folds).toBe(1);
    expect(ncf.predictions.count).toBe(400);
    expect(ncf.predictions.predicted.total).toBe(400);
    expect(ncf.predictions.heatmap.reduce((s, c) => s + c.count, 0)).toBe(400);
    expect(ncf.provenance[0]).toMatchObject({ stage: 'train', model: 'ncf', backend: 'wasm', seed: 7 });
    expect(input.data.train.total).toBe(1600);
    expect(input.data.test.step).toBe(1);
    // The train-mean baseline is metrics.json's, as evaluate wrote it, the same for every model.
    for (const m of input.models) expect(input.baseline).toEqual(readMetrics(fixture.catalogue.evaluation(m.name).metrics).meanBaseline);
    // ... and it is the train-mean predictor, scored by hand on the test ratings.
    const test = readRatings(fixture.catalogue.data().ratings('test'));
    const trainMean = input.data.info.trainMean;
    expect(input.baseline.rmse).toBeCloseTo(Math.sqrt(Array.from(test.rating).reduce((a, r) => a + (r - trainMean) ** 2, 0) / test.rating.length), 9);
    // Plain data: survives JSON unchanged (no typed arrays, no NaN).
    expect(JSON.parse(JSON.stringify(input))).toEqual(input);
  });

  it('names the missing file when an artifact is absent', () => {
    const root = tempRoot();
    try {
      const f = writeFixture(root);
      rmSync(f.catalogue.evaluation('widedeep').metrics);
      expect(() => loadExperimentReportInput(f.catalogue, f.config)).toThrow(ArtifactError);
      expect(() => loadExperimentReportInput(f.catalogue, f.config)).toThrow(/eval\/widedeep\/metrics\.json: metrics\.json is missing/);
      rmSync(f.catalogue.model('ncf').history);
      expect(() => loadExperimentReportInput(f.catalogue, f.config)).toThrow(/models\/ncf\/history\.arrow: history artifact is missing/);
      // A bad key: the file and the key path.
      const train = f.catalogue.model('baseline').manifest;
      writeFileSync(train, readFileSync(train, 'utf8').replace(/"params": \d+/, '"params": "many"'));
      expect(() => loadExperimentReportInput(f.catalogue, f.config)).toThrow(/models\/baseline\/manifest\.json: train manifest: details\.params: expected number, found 'many'/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the train-mean baseline', () => {
  it('is one per experiment: models whose metrics.json differ (evaluated on other data) are an error naming both files', () => {
    const root = tempRoot();
    try {
      const f = writeFixture(root);
      const file = f.catalogue.evaluation('ncf').metrics;
      const stale = readMetrics(file);
      writeMetrics(file, { ...stale, meanBaseline: { ...stale.meanBaseline, rmse: stale.meanBaseline.rmse + 0.01 } });
      expect(() => loadExperimentReportInput(f.catalogue, f.config)).toThrow(/eval\/ncf\/metrics\.json: meanBaseline differs from .*eval\/baseline\/metrics\.json's; the models were evaluated on different data/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('chart specs', () => {
  it('has one spec per chart kind, each with a title, axis titles and tooltips', () => {
    const charts = experimentCharts(input);
    // A single split: every chart but the k-fold spread, in page order.
    expect(Object.keys(charts)).toEqual(CHART_KINDS.filter((k) => k !== 'folds' && !RANKING_CHART_KINDS.includes(k)));
    for (const [kind, spec] of Object.entries(charts) as Array<[string, VegaLiteSpec]>) {
      expect(spec.$schema).toContain('vega-lite/v6');
      expect((spec.title as { text: string }).text.length).toBeGreaterThan(3);
      const axisTitles: unknown[] = [];
      let tooltips = 0;
      walk(spec, (key, value) => {
        if (key === 'x' || key === 'y') {
          const t = (value as { title?: unknown }).title;
          if (t !== undefined) axisTitles.push(t);
        }
        if (key === 'tooltip') tooltips += 1;
      });
      expect({ kind, axisTitles: axisTitles.length > 0 }).toEqual({ kind, axisTitles: true });
      expect(axisTitles.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
      expect({ kind, tooltips: tooltips > 0 }).toEqual({ kind, tooltips: true });
      // The spec is plain JSON: nothing lost in the page's JSON round trip.
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    }
  });

  it('training curves: loss, validation loss and RMSE (the column early stopping watched) of every epoch of every model', () => {
    const { loss, watched: rmse } = curvesData(input);
    for (const name of MODELS) {
      const model = input.models.find((m) => m.name === name)!;
      expect(loss.filter((p) => p.model === name && p.split === 'train').map((p) => p.value)).toEqual(model.history.map((h) => h.loss));
      expect(rmse.filter((p) => p.model === name).map((p) => p.value)).toEqual(model.history.map((h) => h.val_rmse));
      expect(rmse.filter((p) => p.model === name && p.best).map((p) => p.epoch)).toEqual([model.metrics.bestEpoch]);
      expect(new Set(rmse.filter((p) => p.model === name).map((p) => p.metric))).toEqual(new Set(['val_rmse']));
    }
  });

  it('training curves without a validation split: the loss panel alone', () => {
    const root = tempRoot();
    try {
      const f = writeFixture(root, { noValidation: true });
      const noValid = loadExperimentReportInput(f.catalogue, f.config);
      expect(curvesData(noValid).watched).toEqual([]);
      expect(curvesData(noValid).loss.every((p) => p.split === 'train')).toBe(true);
      expect((experimentCharts(noValid).curves as { hconcat: unknown[] }).hconcat).toHaveLength(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('comparison: RMSE and MAE per model plus the train-mean baseline', () => {
    const { models, baseline } = comparisonData(input);
    for (const m of input.models) {
      expect(models.find((r) => r.model === m.name && r.metric === 'RMSE')?.value).toBe(m.metrics.rmse);
      expect(models.find((r) => r.model === m.name && r.metric === 'MAE')?.value).toBe(m.metrics.mae);
    }
    expect(baseline).toEqual([
      { metric: 'RMSE', value: input.baseline.rmse, label: 'train mean' },
      { metric: 'MAE', value: input.baseline.mae, label: 'train mean' },
    ]);
    // A single split has no spread: no error bars, labels sit on the bars.
    expect(models.every((r) => r.sd === null && r.top === r.value)).toBe(true);
    expect(JSON.stringify(experimentCharts(input).comparison)).not.toContain('datum.sd != null');
  });

  it('predicted vs actual: every test prediction of every model, and a y = x line each', () => {
    const rows = predictedVsActualData(input);
    for (const name of MODELS) {
      const cells = rows.filter((r) => r.model === name && r.kind === 'cell');
      expect(cells.reduce((s, r) => s + r.count, 0)).toBe(400);
      const diagonal = rows.filter((r) => r.model === name && r.kind === 'diagonal');
      expect(diagonal.map((r) => [r.x0, r.y0])).toEqual([
        [0.5, 0.5],
        [5.5, 5.5],
      ]);
    }
  });

  it('distribution: actual vs predicted per model (train vs test is in the data section)', () => {
    const rows = distributionData(input);
    const total = (series: string, panel?: string) =>
      rows.filter((r) => r.series === series && (panel === undefined || r.panel.startsWith(panel))).reduce((s, r) => s + r.count, 0);
    expect(total('train ratings')).toBe(0);
    expect(new Set(rows.map((r) => r.panel)).size).toBe(MODELS.length);
    for (const name of MODELS) {
      expect(total(`${name} predictions`)).toBe(400);
      expect(total('test ratings', `${name}:`)).toBe(400);
    }
    const shares = rows.filter((r) => r.series === 'ncf predictions').reduce((s, r) => s + r.share, 0);
    expect(shares).toBeCloseTo(1);
  });

  it('architecture: parameters, layers, time and throughput per model from the train manifest', () => {
    expect(architectureData(input)).toEqual(
      input.models.map((m) => ({
        model: m.name,
        type: m.type,
        params: m.train.params,
        layers: m.train.layers,
        trainSeconds: m.train.trainSeconds,
        trainSamplesPerSecond: m.train.trainSamplesPerSecond,
        epochs: m.train.epochs,
      })),
    );
  });

  it('index chart: one bar per experiment x model x metric, one baseline per experiment x metric', () => {
    const other = { ...input, experiment: 'other', models: input.models.slice(0, 2) };
    const { models, baselines } = experimentsData([input, other]);
    expect(models).toHaveLength((MODELS.length + 2) * 2);
    expect(baselines).toHaveLength(2 * 2);
    const second = input.models[1]!;
    expect(models.find((r) => r.experiment === 'other' && r.model === second.name && r.metric === 'MAE')?.value).toBe(second.metrics.mae);
    expect(JSON.stringify(experimentsSpec([input, other]))).toContain('"other"');
  });
});
