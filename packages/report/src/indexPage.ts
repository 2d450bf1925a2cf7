/**
 * The index page (artifacts/report/index.html): every experiment side by side,
 * a chart and a table of RMSE/MAE per experiment x model, and links to each
 * experiment's own page by relative path, so the artifacts folder can be moved
 * or zipped as a whole.
 */
import { escapeHtml } from './assets';
import { allModelNames, experimentsSpec, modelColourScale } from './charts';
import { bestRankingModel, headlineModel } from './experimentPage';
import { dateTime, duration, fixed, int, percent } from './format';
import { primaryMean } from './ranking';
import { chartDiv, measured, renderPage, table } from './html';
import type { ExperimentReportInput } from './types';

/** Relative link from artifacts/report/index.html to artifacts/<exp>/report/index.html. */
export function experimentHref(experiment: string): string {
  return `../${encodeURIComponent(experiment)}/report/index.html`;
}

function experimentsTable(inputs: readonly ExperimentReportInput[]): string {
  const ranking = inputs.some((i) => i.ranking);
  return table(
    [
      { label: 'Experiment' },
      { label: 'Data' },
      { label: 'Users', num: true },
      { label: 'Items', num: true },
      { label: 'Train / valid / test', num: true },
      { label: 'Models', num: true },
      { label: 'Best model' },
      { label: 'Best RMSE', num: true },
      { label: 'Train-mean RMSE', num: true },
      ...(ranking ? [{ label: 'Best ranking', num: true }] : []),
      { label: 'Seed', num: true },
    ],
    inputs.map((input) => {
      const { info } = input.data;
      const best = headlineModel(input);
      const bestRanked = bestRankingModel(input);
      return {
        cells: [
          `<a href="${escapeHtml(experimentHref(input.experiment))}">${escapeHtml(input.title)}</a>`,
          `${escapeHtml(info.source)}${input.implicit ? ' · implicit' : ''}${info.folds.length > 1 ? ` · ${info.folds.length}-fold (counts of fold 1)` : ''}`,
          int(info.numUsers),
          int(info.numItems),
          `${int(info.counts.train)} / ${int(info.counts.valid)} / ${int(info.counts.test)}`,
          int(input.models.length),
          best ? escapeHtml(best.name) : '–',
          best && !input.implicit ? fixed(best.metrics.rmse, 4) : '–',
          input.implicit ? '–' : fixed(input.baseline.rmse, 4),
          ...(ranking ? [rankingCell(input, bestRanked?.name, best?.name)] : []),
          int(input.config.seed),
        ],
      };
    }),
  );
}

/** "ndcg@10 0.4123" of the best-ranking model (named when it is not the best model of the row), or '–'. */
function rankingCell(input: ExperimentReportInput, model: string | undefined, best: string | undefined): string {
  const report = input.ranking;
  const value = model === undefined ? null : primaryMean(report, model);
  if (!report || model === undefined || value === null) return '–';
  return `<span class="muted">${escapeHtml(report.primary)}</span> ${fixed(value, 4)}${model === best ? '' : ` <span class="muted">(${escapeHtml(model)})</span>`}`;
}

function resultsTable(inputs: readonly ExperimentReportInput[]): string {
  const colours = modelColourScale(allModelNames(inputs));
  const colourOf = (model: string) => colours.range[colours.domain.indexOf(model)] ?? '#999';
  const ranking = inputs.some((i) => i.ranking);
  const rows = inputs.flatMap((input) => {
    const best = headlineModel(input);
    return input.models.map((m) => ({
      className: m === best ? 'best' : '',
      cells: [
        `<a href="${escapeHtml(experimentHref(input.experiment))}">${escapeHtml(input.experiment)}</a>`,
        `<span class="swatch" style="background:${colourOf(m.name)}"></span>${escapeHtml(m.name)}${m === best ? '<span class="tag">best</span>' : ''}`,
        escapeHtml(m.type),
        fixed(m.metrics.rmse, 4),
        fixed(m.metrics.mae, 4),
        input.implicit ? '–' : percent(m.metrics.rmse / input.baseline.rmse - 1),
        ...(ranking ? [primaryMean(input.ranking, m.name) === null ? '–' : fixed(primaryMean(input.ranking, m.name), 4), input.ranking ? escapeHtml(input.ranking.primary) : '–'] : []),
        int(m.metrics.params),
        measured(duration(m.metrics.trainSeconds)),
        measured(int(m.metrics.trainSamplesPerSecond)),
        escapeHtml(m.metrics.backend ?? '–'),
      ],
    }));
  });
  return table(
    [
      { label: 'Experiment' },
      { label: 'Model' },
      { label: 'Type' },
      { label: 'RMSE', num: true },
      { label: 'MAE', num: true },
      { label: 'RMSE vs train mean', num: true },
      ...(ranking ? [{ label: 'Ranking (primary)', num: true }, { label: 'Metric' }] : []),
      { label: 'Parameters', num: true },
      { label: 'Train time', num: true },
      { label: 'Samples/s', num: true },
      { label: 'Backend' },
    ],
    rows,
  );
}

export function renderIndexPage(inputs: readonly ExperimentReportInput[]): string {
  const spec = inputs.length === 0 ? null : experimentsSpec(inputs);
  // The newest load time stands for the page: inputs are loaded together.
  const generatedAt = inputs.map((i) => i.generatedAt).sort().at(-1) ?? '';
  const mainHtml =
    inputs.length === 0
      ? '<p class="note">No experiments to show.</p>'
      : `<section id="experiments">
<h2>Experiments</h2>
<p class="note">Each name opens that experiment's full report: training curves, predictions, architecture and provenance.</p>
${experimentsTable(inputs)}
</section>
<section id="comparison">
<h2>Models across experiments</h2>
<p class="note">${
          spec
            ? "Test-set RMSE and MAE of every model in every experiment with explicit ratings. Absolute errors depend on the data, so compare each bar with its experiment's train-mean baseline (black tick)."
            : 'Every experiment here has implicit feedback: no rating error to chart.'
        }${
          inputs.some((i) => i.ranking)
            ? ' The table adds each model’s mean of its experiment’s primary ranking metric (the first ranking metric of evaluate.metrics); implicit experiments have no RMSE or MAE.'
            : ''
        }</p>
${spec ? chartDiv('experiments', 'RMSE and MAE per experiment and model') : ''}
${resultsTable(inputs)}
</section>`;
  return renderPage({
    title: 'deeprec: all experiments',
    subtitleHtml: `${inputs.length} experiment${inputs.length === 1 ? '' : 's'} · generated ${measured(dateTime(generatedAt))}`,
    nav: inputs.map((i) => ({ href: experimentHref(i.experiment), label: i.title })),
    mainHtml,
    specs: spec ? { experiments: spec } : {},
    footerHtml: `Generated by deeprec report on ${measured(dateTime(generatedAt))}. Self-contained page: charts drawn with Vega-Lite, no network access needed.`,
  });
}
