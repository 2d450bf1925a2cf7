/**
 * The training curves plot the validation column early stopping watched. On implicit
 * data that is val_loss (val_rmse is NaN there); the chart used to look for val_rmse
 * only and told the reader "no validation split, so no validation curves" although
 * every model had validation interactions and stopped on them.
 */
import { rmSync } from 'node:fs';
import { curvesData, curvesSpec } from './charts';
import { renderExperimentPage } from './experimentPage';
import { loadFixture, tempRoot, writeFixture, type Fixture } from './fixture.testutil';
import { IMPLICIT_MODELS } from './rankingFixture.testutil';
import type { ExperimentReportInput } from './types';

let root: string;
let implicit: ExperimentReportInput;
let noValidation: ExperimentReportInput;

beforeAll(() => {
  root = tempRoot();
  const load = (f: Fixture) => loadFixture(f);
  implicit = load(writeFixture(root, { name: 'implicit', feedback: 'implicit', models: IMPLICIT_MODELS, testRatings: 100, epochs: 6 }));
  noValidation = load(writeFixture(root, { name: 'novalid', noValidation: true, deepOnly: true, testRatings: 100, epochs: 4 }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface CurvesSpecShape {
  title: { subtitle: string };
  hconcat: Array<{ title: string; data: { name: string }; layer: Array<{ encoding: { y: { title?: string } } }> }>;
}
const shape = (input: ExperimentReportInput) => curvesSpec(input) as unknown as CurvesSpecShape;

/** The text of the page's training-curves section (note and chart container). */
function curvesSection(input: ExperimentReportInput): string {
  const html = renderExperimentPage(input);
  const start = html.indexOf('<section id="curves">');
  if (start < 0) throw new Error('expected a <section id="curves"> on the page, found none');
  return html.slice(start, html.indexOf('</section>', start));
}

describe('training curves on implicit data', () => {
  it('plot every epoch of val_loss, the column early stopping watched, with the kept epoch marked', () => {
    const { watched } = curvesData(implicit);
    for (const m of implicit.models) {
      const points = watched.filter((p) => p.model === m.name);
      expect(m.history.every((h) => h.val_rmse === null)).toBe(true);
      expect(points.map((p) => [p.metric, p.value])).toEqual(m.history.map((h) => ['val_loss', h.val_loss]));
      expect(points.filter((p) => p.best).map((p) => p.epoch)).toEqual([m.train.bestEpoch]);
    }
  });

  it('draw the validation panel and say what was watched, never "no validation"', () => {
    const spec = shape(implicit);
    expect(spec.hconcat.map((p) => p.title)).toEqual(['Loss: train (solid) and validation (dashed)', 'Validation loss, watched by early stopping']);
    expect(spec.hconcat[1]!.data.name).toBe('watched');
    // Implicit models train with binary cross-entropy, not squared error.
    expect(spec.hconcat[0]!.layer[0]!.encoding.y.title).toBe('Binary cross-entropy');
    expect(spec.title.subtitle).toContain('diamonds mark the epoch whose weights were kept');
    const section = curvesSection(implicit);
    expect(section).toContain('watch <code>val_loss</code>.');
    expect(section).not.toMatch(/no validation/);
  });

  it('fall back on the configured monitor for a train manifest written before train recorded it', () => {
    const older = { ...implicit, config: withMonitor(implicit, 'val_loss'), models: implicit.models.map(({ train: { monitor: _, ...train }, ...m }) => ({ ...m, train })) };
    expect(curvesData(older).watched.map((p) => p.value)).toEqual(curvesData(implicit).watched.map((p) => p.value));
  });
});

describe('training curves without validation data', () => {
  it('keep the loss alone and say early stopping watched the training loss', () => {
    expect(curvesData(noValidation).watched).toEqual([]);
    const spec = shape(noValidation);
    expect(spec.hconcat.map((p) => p.title)).toEqual(['Training loss']);
    expect(spec.hconcat[0]!.layer[0]!.encoding.y.title).toBe('Mean squared error');
    expect(spec.title.subtitle).toContain('no validation data, so no validation curves');
    expect(curvesSection(noValidation)).toContain('watch <code>loss</code> (the training loss: there was no validation data).');
  });
});

/** The input's config with every model's configured early-stopping monitor set to `monitor`. */
function withMonitor(input: ExperimentReportInput, monitor: 'val_rmse' | 'val_mae' | 'val_loss'): ExperimentReportInput['config'] {
  const models = Object.fromEntries(
    Object.entries(input.config.models).map(([name, m]) => [name, { ...m, train: { ...m.train, earlyStopping: { ...m.train.earlyStopping, monitor } } }]),
  );
  return { ...input.config, models };
}
