/**
 * The page of one experiment: headline numbers, the metrics table, the data,
 * the comparisons (train mean, baselines, cold start, folds), the training and
 * prediction charts, and provenance (what produced each artifact, and the
 * resolved config).
 */
import { portableConfig } from '@deeprec/config';
import { escapeHtml } from './assets';
import { curveFolds, experimentCharts, pooledNote, watchedName, type VegaLiteSpec } from './charts';
import { modelColour } from './charts/common';
import { versusBaseline } from './compare';
import { dateTime, duration, fixed, int, percent } from './format';
import { chartDiv, measured, renderPage, table } from './html';
import { dataSection } from './sections/data';
import { primaryMean } from './ranking';
import { protocolCaption, rankingBaselinesSection, rankingSection, recommendationsSection, significanceSection } from './sections/ranking';
import { baselinesSection, coldStartSection, foldsSection } from './sections/results';
import { searchChartKind, searchSection, searchedModels, seedsTable } from './sections/search';
import { searchSpec } from './charts/search';
import { tryItSection } from './tryIt';
import type { ExperimentReportInput, ModelReportInput, StageProvenance } from './types';
import { stringify as toYaml } from 'yaml';

/** Relative link from artifacts/<exp>/report/index.html to artifacts/report/index.html. */
export const INDEX_FROM_EXPERIMENT = '../../report/index.html';

/** Sections of one chart and a note, after the comparison sections; `rating` ones need explicit feedback. */
const SECTIONS = [
  { id: 'curves', kind: 'curves', heading: 'Training curves', rating: false },
  { id: 'predicted-vs-actual', kind: 'predicted-vs-actual', heading: 'Predicted vs actual', rating: true },
  { id: 'distribution', kind: 'distribution', heading: 'Rating distribution', rating: true },
  { id: 'architecture', kind: 'architecture', heading: 'Architecture and cost', rating: false },
] as const;

function finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** The model with the lowest test RMSE (ties: the first in config order); none without a finite RMSE (implicit data). */
export function bestModel(input: ExperimentReportInput): ModelReportInput | undefined {
  return input.models.reduce<ModelReportInput | undefined>(
    (best, m) => (finite(m.metrics.rmse) && (!best || m.metrics.rmse < best.metrics.rmse) ? m : best),
    undefined,
  );
}

/** The model with the highest mean of the primary ranking metric (ties: the first in config order). */
export function bestRankingModel(input: ExperimentReportInput): ModelReportInput | undefined {
  let best: ModelReportInput | undefined;
  let value = Number.NEGATIVE_INFINITY;
  for (const m of input.models) {
    const v = primaryMean(input.ranking, m.name);
    if (v !== null && v > value) {
      best = m;
      value = v;
    }
  }
  return best;
}

/** The model the page highlights: best on the primary ranking metric for implicit data, on RMSE otherwise. */
export function headlineModel(input: ExperimentReportInput): ModelReportInput | undefined {
  return input.implicit ? bestRankingModel(input) : bestModel(input);
}

function swatch(input: ExperimentReportInput, model: string): string {
  const colour = modelColour(
    input.models.map((m) => m.name),
    model,
  );
  return `<span class="swatch" style="background:${colour}"></span>`;
}

function kFold(input: ExperimentReportInput): boolean {
  return input.models.some((m) => m.metrics.rmseStd !== undefined);
}

function ciText(input: ExperimentReportInput, model: string): string {
  const ci = input.ranking?.models.find((m) => m.model === model)?.means[input.ranking.primary]?.ci;
  return ci && ci.lower !== null && ci.upper !== null ? `95% CI ${fixed(ci.lower, 3)}–${fixed(ci.upper, 3)}` : '';
}

function rankingCard(input: ExperimentReportInput, card: (label: string, value: string, detail: string) => string): string {
  const report = input.ranking;
  const best = bestRankingModel(input);
  if (!report || !best) return '';
  const detail = [escapeHtml(best.type), ciText(input, best.name)].filter((x) => x !== '').join(' · ');
  return card(`Best model (${report.primary})`, `${escapeHtml(best.name)} ${fixed(primaryMean(report, best.name), 4)}`, detail);
}

function implicitCards(input: ExperimentReportInput): string {
  const { info } = input.data;
  const folds = info.folds.length;
  const report = input.ranking;
  const card = (label: string, value: string, detail: string) =>
    `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${value}</div><div class="detail">${detail}</div></div>`;
  const protocol = report?.models[0]?.protocol;
  return `<div class="cards">${[
    rankingCard(input, card),
    report && protocol ? card('Ranking protocol', protocol === 'sampled' ? 'sampled' : 'full ranking', escapeHtml(protocolCaption(report))) : '',
    card(
      folds > 1 ? 'Test interactions per fold' : 'Test interactions',
      int(info.counts.test),
      `${int(info.counts.train)} train · ${int(info.counts.valid)} validation${folds > 1 ? ` · ${folds} folds` : ''}`,
    ),
    card('Users × items', `${int(info.numUsers)} × ${int(info.numItems)}`, `implicit feedback · ${escapeHtml(info.source)}`),
  ].join('')}</div>`;
}

function summaryCards(input: ExperimentReportInput): string {
  if (input.implicit) return implicitCards(input);
  const best = bestModel(input);
  const { info } = input.data;
  const versus = versusBaseline(input);
  const bestDeep = versus.rows.find((r) => r.group === 'deep');
  const folds = info.folds.length;
  const card = (label: string, value: string, detail: string) =>
    `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${value}</div><div class="detail">${detail}</div></div>`;
  const cards = [
    best
      ? card(
          'Best model (test RMSE)',
          `${escapeHtml(best.name)} ${fixed(best.metrics.rmse, 4)}`,
          `${escapeHtml(best.type)} · ${percent(best.metrics.rmse / input.baseline.rmse - 1)} vs train mean${
            best.metrics.rmseStd !== undefined ? ` · sd ${fixed(best.metrics.rmseStd, 4)}` : ''
          }`,
        )
      : '',
    versus.best && bestDeep
      ? card(
          'Best deep vs best baseline',
          `${percent(bestDeep.rmseRelative)}`,
          `${escapeHtml(bestDeep.model)} ${fixed(bestDeep.rmse, 4)} vs ${escapeHtml(versus.best.name)} ${fixed(versus.best.metrics.rmse, 4)} (RMSE)`,
        )
      : '',
    card(
      'Train-mean RMSE',
      fixed(input.baseline.rmse, 4),
      `predicts the training mean (${fixed(info.trainMean, 3)}${folds > 1 ? ' in fold 1' : ''}) for every rating · MAE ${fixed(input.baseline.mae, 4)}`,
    ),
    card(
      folds > 1 ? 'Test ratings per fold' : 'Test ratings',
      int(info.counts.test),
      `${int(info.counts.train)} train · ${int(info.counts.valid)} validation${folds > 1 ? ` · ${folds} folds` : ''}`,
    ),
    card('Users × items', `${int(info.numUsers)} × ${int(info.numItems)}`, `ratings ${fixed(info.scale.min, 0)}–${fixed(info.scale.max, 0)} · ${escapeHtml(info.source)}`),
  ];
  if (input.ranking) cards.splice(2, 0, rankingCard(input, card));
  return `<div class="cards">${cards.join('')}</div>`;
}

function sd(x: number | undefined): string {
  return x === undefined ? '–' : fixed(x, 4);
}

/** Cold-start RMSE, or '–' when the model saw no cold-start rating (or an older metrics.json has none). */
function coldRmse(cold: { rmse: number; count: number } | undefined): string {
  return cold && cold.count > 0 ? fixed(cold.rmse, 4) : '–';
}

interface MetricsColumn {
  label: string;
  num?: boolean;
  /** A model's cell. */
  cell: (m: ModelReportInput) => string;
  /** The train-mean row's cell (explicit data only). */
  mean: string;
}

function metricsTable(input: ExperimentReportInput): string {
  const best = headlineModel(input);
  const folds = kFold(input);
  const b = input.baseline;
  const report = input.ranking;
  const rating = !input.implicit;
  const columns: MetricsColumn[] = [
    {
      label: 'Model',
      cell: (m) => `${swatch(input, m.name)}${escapeHtml(m.name)}${m === best ? '<span class="tag">best</span>' : ''}`,
      mean: 'train mean',
    },
    { label: 'Type', cell: (m) => escapeHtml(m.type), mean: '–' },
  ];
  if (rating) {
    columns.push({ label: 'RMSE', num: true, cell: (m) => fixed(m.metrics.rmse, 4), mean: fixed(b.rmse, 4) });
    if (folds) columns.push({ label: 'RMSE sd', num: true, cell: (m) => sd(m.metrics.rmseStd), mean: sd(b.rmseStd) });
    columns.push({ label: 'MAE', num: true, cell: (m) => fixed(m.metrics.mae, 4), mean: fixed(b.mae, 4) });
    if (folds) columns.push({ label: 'MAE sd', num: true, cell: (m) => sd(m.metrics.maeStd), mean: sd(b.maeStd) });
    columns.push(
      { label: 'vs train mean', num: true, cell: (m) => percent(m.metrics.rmse / input.baseline.rmse - 1), mean: '±0.0%' },
      { label: 'Cold-start RMSE', num: true, cell: (m) => coldRmse((m.metrics.coldStart as typeof m.metrics.coldStart | undefined)?.cold), mean: coldRmse(b.coldStart.cold) },
    );
  }
  if (report) {
    columns.push({
      label: report.primary,
      num: true,
      cell: (m) => {
        const v = primaryMean(report, m.name);
        const ci = ciText(input, m.name);
        return v === null ? '–' : `${fixed(v, 4)}${ci ? `<span class="ci">${ci.replace('95% CI ', '')}</span>` : ''}`;
      },
      mean: '–',
    });
  }
  const tests = input.data.info.folds.reduce((n, f) => n + f.counts.test, 0);
  columns.push(
    { label: rating ? 'Test ratings' : 'Test interactions', num: true, cell: (m) => int(m.metrics.count), mean: int(tests) },
    { label: 'Parameters', num: true, cell: (m) => int(m.metrics.params), mean: '1' },
    { label: 'Epochs (best)', num: true, cell: (m) => `${int(m.metrics.epochs)} (${int(m.metrics.bestEpoch ?? m.train.bestEpoch)})`, mean: '–' },
    { label: 'Train time', num: true, cell: (m) => measured(duration(m.metrics.trainSeconds)), mean: '–' },
    { label: 'Samples/s', num: true, cell: (m) => measured(int(m.metrics.trainSamplesPerSecond)), mean: '–' },
    { label: 'Backend', cell: (m) => escapeHtml(m.metrics.backend ?? '–'), mean: '–' },
  );
  const rows = input.models.map((m) => ({ className: m === best ? 'best' : '', cells: columns.map((c) => c.cell(m)) }));
  // The training-mean predictor has a rating error only; implicit data has none.
  if (rating) rows.push({ className: 'baseline', cells: columns.map((c) => c.mean) });
  return table(columns, rows);
}

function comparisonSection(input: ExperimentReportInput, charts: Partial<Record<string, unknown>>): string {
  const folds = input.data.info.folds.length;
  if (input.implicit) {
    const report = input.ranking;
    return `<section id="comparison">
<h2>Model comparison</h2>
<p class="note">${
      report && charts.comparison
        ? `Implicit feedback: there is no rating to predict, so models are compared on the primary ranking metric, <strong>${escapeHtml(report.primary)}</strong> (higher is better; whiskers: bootstrap 95% CI over users). Whether the differences are real is tested under <a href="#significance">Significance</a>.`
        : 'Implicit feedback: there is no rating error, and no model has ranking metrics (evaluate.metrics lists none), so there is nothing to compare here.'
    }</p>
${charts.comparison ? chartDiv('comparison', 'Model comparison') : ''}
</section>`;
  }
  return `<section id="comparison">
<h2>Model comparison</h2>
<p class="note">Lower is better. The dashed line is the error of predicting the training mean (${fixed(input.data.info.trainMean, 3)}${
    folds > 1 ? ' in fold 1; each fold predicts its own' : ''
  }) for every test rating; a useful model stays well below it.${kFold(input) ? ` Bars are means over the ${folds} folds; the black error bars span ± one standard deviation.` : ''}</p>
${chartDiv('comparison', 'Model comparison')}
</section>`;
}

const NOTES: Record<(typeof SECTIONS)[number]['kind'], (input: ExperimentReportInput) => string> = {
  curves: (input) => {
    // What training watched (train manifests), not the configured monitor: implicit data has no val_rmse.
    const monitors = [...new Set(input.models.filter((m) => m.history.length > 0).map((m) => watchedName(input, m)))].join(', ');
    const folds = curveFolds(input);
    const foldNote =
      folds.length > 1
        ? ` <strong>k-fold:</strong> each model was trained once per fold, so the chart shows one fold at a time (fold ${folds[0]} first); pick another with the <em>Fold</em> menu under the chart.`
        : '';
    return `Training loss is measured with dropout active, validation metrics without, so validation can sit below training early on. Early stopping and the learning-rate schedule watch <code>${escapeHtml(monitors)}</code>${monitors === 'loss' ? ' (the training loss: there was no validation data)' : ''}.${foldNote}`;
  },
  'predicted-vs-actual': (input) =>
    `Each column is one actual rating value and its cells show where that column’s predictions fell (colour = share of the column). A good model follows the dashed y = x line; a model that learnt only the mean draws one horizontal band.${
      pooledNote(input) ? ` k-fold: the test predictions of every fold are pooled (each rating is in exactly one test fold).` : ''
    }`,
  distribution: (input) =>
    `Wide grey bars: actual test ratings; narrow bars: predictions rounded to the nearest rating value. Models trained with squared error pull predictions towards the mean, so the extremes are usually under-predicted.${
      pooledNote(input) ? ' k-fold: every fold’s test predictions pooled.' : ''
    }`,
  architecture: () =>
    'Parameters and layers describe the network (for a classic model such as itemknn or EASE: the values it stores, and no layers); training time counts the training loop or the classic fit alone (no start-up, no validation), and samples per second is training examples processed divided by that time.',
};

function provenanceSection(input: ExperimentReportInput): string {
  const stages: Array<{ label: string; p: StageProvenance }> = [
    { label: 'data', p: input.data.provenance },
    ...input.models.flatMap((m) => m.provenance.map((p) => ({ label: `${p.stage} ${m.name}`, p }))),
  ];
  const stageTable = table(
    [{ label: 'Artifact' }, { label: 'Created' }, { label: 'Wall time', num: true }, { label: 'Seed', num: true }, { label: 'Backend' }, { label: 'Config hash' }],
    stages.map(({ label, p }) => ({
      cells: [escapeHtml(label), measured(dateTime(p.createdAt)), measured(duration(p.wallSeconds)), int(p.seed), escapeHtml(p.backend ?? '–'), `<code>${escapeHtml(p.configHash.slice(0, 12))}</code>`],
    })),
  );
  // Paths relative to the workspace: the page is the same bytes in every clone.
  const { configFile, ...config } = portableConfig(input.config);
  return `<h3>Artifacts</h3>
<p class="note">Every stage writes a manifest next to its artifacts; these rows come from them. Experiment seed: <strong>${int(input.config.seed)}</strong>.</p>
${stageTable}
<h3>Tool versions</h3>
${versionsTable(stages)}
<h3>Configuration</h3>
<p class="note">Resolved from <code>${escapeHtml(configFile)}</code> (defaults filled in, per-model train settings merged; paths relative to the workspace root).</p>
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

/** One chart per searched model, keyed by its chart kind. */
function searchSpecs(input: ExperimentReportInput): Record<string, VegaLiteSpec> {
  const specs: Record<string, VegaLiteSpec> = {};
  for (const m of searchedModels(input)) {
    const space = (input.config.models[m.name] as { search?: { space?: Parameters<typeof searchSpec>[2] } } | undefined)?.search?.space ?? {};
    specs[searchChartKind(m.name)] = searchSpec(m.name, m.search, space);
  }
  return specs;
}

export function renderExperimentPage(input: ExperimentReportInput): string {
  const { info } = input.data;
  const charts = experimentCharts(input);
  const shown = SECTIONS.filter((s) => !(s.rating && input.implicit));
  const sections = shown.map(
    (s) => `<section id="${s.id}">
<h2>${escapeHtml(s.heading)}</h2>
<p class="note">${NOTES[s.kind](input)}</p>
${chartDiv(s.kind, s.heading)}
</section>`,
  ).join('\n');
  const folds = info.folds.length;
  const mainHtml = `${summaryCards(input)}
<section id="metrics">
<h2>Metrics</h2>
<p class="note">Test-set metrics from each model's <code>metrics.json</code>; ${
    input.implicit
      ? `implicit feedback has no rating error, so the best <strong>${escapeHtml(input.ranking?.primary ?? 'ranking metric')}</strong> is highlighted (below it: its bootstrap 95% CI). `
      : `the best RMSE is highlighted. ${kFold(input) ? `k-fold: RMSE and MAE are means over the ${folds} folds, sd their standard deviation. ` : ''}Cold-start RMSE covers the test ratings whose user or item has no training rating. ${
          input.ranking ? `${escapeHtml(input.ranking.primary)} is the primary ranking metric (below it: its bootstrap 95% CI). ` : ''
        }`
  }Time and throughput are for the training loop on the backend shown${folds > 1 ? ', summed over folds; epochs are fold 1’s' : ''}.</p>
${metricsTable(input)}
</section>
${dataSection(input)}
${comparisonSection(input, charts)}
${rankingSection(input)}
${significanceSection(input)}${input.ranking && seedsTable(input) ? `\n<section id="seeds">\n${seedsTable(input)}\n</section>` : ''}
${input.implicit ? rankingBaselinesSection(input) : baselinesSection(input)}
${input.implicit ? '' : coldStartSection(input)}
${input.implicit ? '' : foldsSection(input)}
${recommendationsSection(input)}
${tryItSection(input)}
${searchSection(input)}
${sections}
<section id="provenance">
<h2>Provenance</h2>
${provenanceSection(input)}
</section>`;
  return renderPage({
    title: input.title,
    subtitleHtml: `Experiment <code>${escapeHtml(input.experiment)}</code> · ${escapeHtml(info.source)} data${folds > 1 ? ` · ${folds}-fold` : ''} · ${input.models.length} model${
      input.models.length === 1 ? '' : 's'
    } · seed ${int(input.config.seed)} · generated ${measured(dateTime(input.generatedAt))}`,
    nav: [
      { href: '#metrics', label: 'Metrics' },
      { href: '#data', label: 'Data' },
      { href: '#comparison', label: 'Comparison' },
      ...(input.ranking
        ? [
            { href: '#ranking', label: 'Top-K' },
            { href: '#significance', label: 'Significance' },
          ]
        : []),
      { href: '#baselines', label: 'Baselines' },
      ...(input.implicit ? [] : [{ href: '#cold-start', label: 'Cold start' }]),
      ...(!input.implicit && foldsSection(input) ? [{ href: '#folds', label: 'Folds' }] : []),
      ...(recommendationsSection(input) ? [{ href: '#recommendations', label: 'Recommendations' }] : []),
      ...(input.tryIt ? [{ href: '#try-it', label: 'Try it' }] : []),
      ...(searchedModels(input).length > 0 ? [{ href: '#search', label: 'Search' }] : []),
      ...shown.map((s) => ({ href: `#${s.id}`, label: s.heading })),
      { href: '#provenance', label: 'Provenance' },
      { href: INDEX_FROM_EXPERIMENT, label: 'All experiments' },
    ],
    mainHtml,
    specs: { ...(charts as Record<string, VegaLiteSpec>), ...searchSpecs(input) },
    footerHtml: `Generated by deeprec report on ${measured(dateTime(input.generatedAt))}. Self-contained page: charts drawn with Vega-Lite, no network access needed.`,
  });
}
