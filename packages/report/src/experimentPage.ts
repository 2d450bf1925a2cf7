/**
 * The page of one experiment: headline numbers, the metrics table, the five
 * charts, and provenance (what produced each artifact, and the resolved config).
 */
import { escapeHtml } from './assets';
import { experimentCharts } from './charts';
import { modelColour } from './charts/common';
import { dateTime, duration, fixed, int, percent } from './format';
import { chartDiv, renderPage, table } from './html';
import type { ExperimentReportInput, ModelReportInput, StageProvenance } from './types';
import { stringify as toYaml } from 'yaml';

/** Relative link from artifacts/<exp>/report/index.html to artifacts/report/index.html. */
export const INDEX_FROM_EXPERIMENT = '../../report/index.html';

const SECTIONS = [
  { id: 'comparison', kind: 'comparison', heading: 'Model comparison' },
  { id: 'curves', kind: 'curves', heading: 'Training curves' },
  { id: 'predicted-vs-actual', kind: 'predicted-vs-actual', heading: 'Predicted vs actual' },
  { id: 'distribution', kind: 'distribution', heading: 'Rating distribution' },
  { id: 'architecture', kind: 'architecture', heading: 'Architecture and cost' },
] as const;

/** The model with the lowest test RMSE (ties: the first in config order). */
export function bestModel(input: ExperimentReportInput): ModelReportInput | undefined {
  return input.models.reduce<ModelReportInput | undefined>((best, m) => (!best || m.metrics.rmse < best.metrics.rmse ? m : best), undefined);
}

function swatch(input: ExperimentReportInput, model: string): string {
  const colour = modelColour(
    input.models.map((m) => m.name),
    model,
  );
  return `<span class="swatch" style="background:${colour}"></span>`;
}

function summaryCards(input: ExperimentReportInput): string {
  const best = bestModel(input);
  const { info } = input.data;
  const card = (label: string, value: string, detail: string) =>
    `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${value}</div><div class="detail">${detail}</div></div>`;
  const cards = [
    best
      ? card(
          'Best model (test RMSE)',
          `${escapeHtml(best.name)} ${fixed(best.metrics.rmse, 4)}`,
          `${escapeHtml(best.type)} · ${percent(best.metrics.rmse / input.baseline.rmse - 1)} vs baseline`,
        )
      : '',
    card('Train-mean baseline RMSE', fixed(input.baseline.rmse, 4), `predicts ${fixed(info.trainMean, 3)} for every rating · MAE ${fixed(input.baseline.mae, 4)}`),
    card('Test ratings', int(info.counts.test), `${int(info.counts.train)} train · ${int(info.counts.valid)} validation`),
    card('Users × items', `${int(info.numUsers)} × ${int(info.numItems)}`, `ratings ${fixed(info.scale.min, 0)}–${fixed(info.scale.max, 0)} · ${escapeHtml(info.source)}`),
  ];
  return `<div class="cards">${cards.join('')}</div>`;
}

function metricsTable(input: ExperimentReportInput): string {
  const best = bestModel(input);
  const headers = [
    { label: 'Model' },
    { label: 'Type' },
    { label: 'RMSE', num: true },
    { label: 'MAE', num: true },
    { label: 'vs baseline', num: true },
    { label: 'Test ratings', num: true },
    { label: 'Parameters', num: true },
    { label: 'Epochs (best)', num: true },
    { label: 'Train time', num: true },
    { label: 'Samples/s', num: true },
    { label: 'Backend' },
  ];
  const rows = input.models.map((m) => ({
    className: m === best ? 'best' : '',
    cells: [
      `${swatch(input, m.name)}${escapeHtml(m.name)}${m === best ? '<span class="tag">best</span>' : ''}`,
      escapeHtml(m.type),
      fixed(m.metrics.rmse, 4),
      fixed(m.metrics.mae, 4),
      percent(m.metrics.rmse / input.baseline.rmse - 1),
      int(m.metrics.count),
      int(m.metrics.params),
      `${int(m.metrics.epochs)} (${int(m.metrics.bestEpoch ?? m.train.bestEpoch)})`,
      duration(m.metrics.trainSeconds),
      int(m.metrics.trainSamplesPerSecond),
      escapeHtml(m.metrics.backend ?? '–'),
    ],
  }));
  rows.push({
    className: 'baseline',
    cells: ['train mean (baseline)', '–', fixed(input.baseline.rmse, 4), fixed(input.baseline.mae, 4), '±0.0%', int(input.data.info.counts.test), '1', '–', '–', '–', '–'],
  });
  return table(headers, rows);
}

const NOTES: Record<(typeof SECTIONS)[number]['kind'], (input: ExperimentReportInput) => string> = {
  comparison: (input) =>
    `Lower is better. The dashed line is the error of predicting the training mean (${fixed(input.data.info.trainMean, 3)}) for every test rating; a useful model stays well below it.`,
  curves: (input) => {
    const monitors = [...new Set(Object.values(input.config.models).map((m) => m.train.earlyStopping.monitor))].join(', ');
    return `Training loss is measured with dropout active, validation loss and RMSE without, so validation can sit below training early on. Early stopping and the learning-rate schedule watch <code>${escapeHtml(monitors)}</code>.`;
  },
  'predicted-vs-actual': () =>
    'Each column is one actual rating value and its cells show where that column’s predictions fell (colour = share of the column). A good model follows the dashed y = x line; a model that learnt only the mean draws one horizontal band.',
  distribution: () =>
    'Wide grey bars: actual ratings; narrow bars: predictions rounded to the nearest rating value. Models trained with squared error pull predictions towards the mean, so the extremes are usually under-predicted.',
  architecture: () =>
    'Parameters and layers describe the network; training time counts the training loop alone (no start-up, no validation), and samples per second is training examples processed divided by that time.',
};

function provenanceSection(input: ExperimentReportInput): string {
  const stages: Array<{ label: string; p: StageProvenance }> = [
    { label: 'data', p: input.data.provenance },
    ...input.models.flatMap((m) => m.provenance.map((p) => ({ label: `${p.stage} ${m.name}`, p }))),
  ];
  const stageTable = table(
    [{ label: 'Artifact' }, { label: 'Created' }, { label: 'Wall time', num: true }, { label: 'Seed', num: true }, { label: 'Backend' }, { label: 'Config hash' }],
    stages.map(({ label, p }) => ({
      cells: [escapeHtml(label), dateTime(p.createdAt), duration(p.wallSeconds), int(p.seed), escapeHtml(p.backend ?? '–'), `<code>${escapeHtml(p.configHash.slice(0, 12))}</code>`],
    })),
  );
  const { configPath, ...config } = input.config;
  return `<h3>Artifacts</h3>
<p class="note">Every stage writes a manifest next to its artifacts; these rows come from them. Experiment seed: <strong>${int(input.config.seed)}</strong>.</p>
${stageTable}
<h3>Tool versions</h3>
${versionsTable(stages)}
<h3>Configuration</h3>
<p class="note">Resolved from <code>${escapeHtml(configPath)}</code> (defaults filled in, per-model train settings merged).</p>
<details><summary>Resolved config (YAML)</summary><pre>${escapeHtml(toYaml(config))}</pre></details>`;
}

/** One column when every stage ran with the same versions; a column per stage otherwise. */
function versionsTable(stages: ReadonlyArray<{ label: string; p: StageProvenance }>): string {
  const packages = [...new Set(stages.flatMap((s) => Object.keys(s.p.versions)))].sort();
  const distinct = new Set(stages.map((s) => JSON.stringify(packages.map((k) => s.p.versions[k]))));
  const columns = distinct.size <= 1 ? stages.slice(0, 1).map((s) => ({ ...s, label: 'All stages' })) : stages;
  return table(
    [{ label: 'Package' }, ...columns.map((c) => ({ label: c.label }))],
    packages.map((name) => ({ cells: [escapeHtml(name), ...columns.map((c) => escapeHtml(c.p.versions[name] ?? '–'))] })),
  );
}

export function renderExperimentPage(input: ExperimentReportInput): string {
  const { info } = input.data;
  const sections = SECTIONS.map(
    (s) => `<section id="${s.id}">
<h2>${escapeHtml(s.heading)}</h2>
<p class="note">${NOTES[s.kind](input)}</p>
${chartDiv(s.kind, s.heading)}
</section>`,
  ).join('\n');
  const mainHtml = `${summaryCards(input)}
<section id="metrics">
<h2>Metrics</h2>
<p class="note">Test-set metrics from each model's <code>metrics.json</code>; the best RMSE is highlighted. Time and throughput are for the training loop on the backend shown.</p>
${metricsTable(input)}
</section>
${sections}
<section id="provenance">
<h2>Provenance</h2>
${provenanceSection(input)}
</section>`;
  return renderPage({
    title: input.title,
    subtitleHtml: `Experiment <code>${escapeHtml(input.experiment)}</code> · ${escapeHtml(info.source)} data · ${input.models.length} model${
      input.models.length === 1 ? '' : 's'
    } · seed ${int(input.config.seed)} · generated ${dateTime(input.generatedAt)}`,
    nav: [
      { href: '#metrics', label: 'Metrics' },
      ...SECTIONS.map((s) => ({ href: `#${s.id}`, label: s.heading })),
      { href: '#provenance', label: 'Provenance' },
      { href: INDEX_FROM_EXPERIMENT, label: 'All experiments' },
    ],
    mainHtml,
    specs: experimentCharts(input),
    footerHtml: `Generated by deeprec report on ${dateTime(input.generatedAt)}. Self-contained page: charts drawn with Vega-Lite, no network access needed.`,
  });
}
