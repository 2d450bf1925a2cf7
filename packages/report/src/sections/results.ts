/**
 * Result sections beyond the plain metrics table: baselines vs deep models,
 * cold start, and the spread over k folds. Each says in one line when it has
 * nothing to show, instead of drawing an empty chart.
 */
import { escapeHtml } from '../assets';
import { coldRatings, coldStartData, foldsData, hasFolds } from '../charts';
import { BASELINE_TYPES, TRAIN_MEAN, versusBaseline, type VersusRow } from '../compare';
import { fixed, int, percent } from '../format';
import { chartDiv, table } from '../html';
import type { ExperimentReportInput } from '../types';
import { share } from './data';

function signed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return '–';
  return `${x < 0 ? '−' : x > 0 ? '+' : '±'}${Math.abs(x).toFixed(digits)}`;
}

function plusMinus(mean: number, sd: number | null): string {
  return sd === null ? fixed(mean, 4) : `${fixed(mean, 4)} ± ${fixed(sd, 4)}`;
}

function versusTable(rows: readonly VersusRow[], best: string): string {
  return table(
    [
      { label: 'Model' },
      { label: 'Type' },
      { label: 'Group' },
      { label: 'RMSE', num: true },
      { label: `RMSE − ${best}`, num: true },
      { label: `vs ${best}`, num: true },
      { label: 'MAE', num: true },
      { label: `MAE − ${best}`, num: true },
      { label: `vs ${best} (MAE)`, num: true },
    ],
    rows.map((r) => ({
      className: r.bestBaseline ? 'best' : r.group === 'train mean' ? 'baseline' : '',
      cells: [
        `${escapeHtml(r.model)}${r.bestBaseline ? '<span class="tag">best baseline</span>' : ''}`,
        escapeHtml(r.type),
        escapeHtml(r.group),
        plusMinus(r.rmse, r.rmseStd),
        r.bestBaseline ? '–' : signed(r.rmseDelta, 4),
        r.bestBaseline ? '–' : percent(r.rmseRelative),
        plusMinus(r.mae, r.maeStd),
        r.bestBaseline ? '–' : signed(r.maeDelta, 4),
        r.bestBaseline ? '–' : percent(r.maeRelative),
      ],
    })),
  );
}

export function baselinesSection(input: ExperimentReportInput): string {
  const { best, rows } = versusBaseline(input);
  const heading = '<h2>Baselines vs deep models</h2>';
  if (!best) {
    return `<section id="baselines">${heading}
<p class="note">No baseline model in this experiment (types ${BASELINE_TYPES.map((t) => `<code>${t}</code>`).join(', ')}), so deep models are compared with the training mean only (above).</p>
</section>`;
  }
  const deep = rows.filter((r) => r.group === 'deep');
  const beat = deep.filter((r) => r.rmseDelta < 0).length;
  const verdict =
    deep.length === 0
      ? 'There is no deep model in this experiment.'
      : `${beat} of ${deep.length} deep model${deep.length === 1 ? '' : 's'} beat${deep.length === 1 ? 's' : ''} the best baseline, <strong>${escapeHtml(best.name)}</strong>${best.type === best.name ? '' : ` (${escapeHtml(best.type)})`}, on test RMSE.`;
  const kFold = rows.some((r) => r.rmseStd !== null);
  return `<section id="baselines">${heading}
<p class="note">Models of type <code>baseline</code> (user and item biases), <code>mf</code> (matrix factorisation) and <code>popularity</code> are baselines; the others are deep${
    input.models.some((m) => !Number.isFinite(m.metrics.rmse)) ? ' (models without a rating error, such as popularity, are left out here)' : ''
  }. Differences are against the best baseline; negative means lower error. ${verdict}${
    kFold ? ' Figures are means over folds ± their standard deviation: a difference smaller than the spread is not a clear win.' : ''
  }</p>
${chartDiv('baselines', 'Baselines vs deep models')}
${versusTable(rows, best.name)}
</section>`;
}

export function coldStartSection(input: ExperimentReportInput): string {
  const heading = '<h2>Cold start</h2>';
  const cold = coldRatings(input);
  const rows = coldStartData(input);
  const k = input.data.info.folds.length;
  const users = input.data.info.folds.reduce((n, f) => n + f.coldStart.users, 0);
  const items = input.data.info.folds.reduce((n, f) => n + f.coldStart.items, 0);
  const tests = input.data.info.folds.reduce((n, f) => n + f.counts.test, 0);
  if (cold === 0 || !rows.some((r) => r.segment === 'cold')) {
    return `<section id="cold-start">${heading}
<p class="note">No cold-start test ratings: every test user and item has training ratings${k > 1 ? ` in each of the ${k} folds` : ''}.</p>
</section>`;
  }
  const names = [...new Set(rows.map((r) => r.model))];
  const get = (model: string, segment: 'warm' | 'cold') => rows.find((r) => r.model === model && r.segment === segment);
  const body = table(
    [
      { label: 'Model' },
      { label: 'Warm RMSE', num: true },
      { label: 'Warm MAE', num: true },
      { label: 'Warm ratings', num: true },
      { label: 'Cold RMSE', num: true },
      { label: 'Cold MAE', num: true },
      { label: 'Cold ratings', num: true },
      { label: 'Cold − warm RMSE', num: true },
    ],
    names.map((model) => {
      const w = get(model, 'warm');
      const c = get(model, 'cold');
      return {
        className: model === TRAIN_MEAN ? 'baseline' : '',
        cells: [
          escapeHtml(model),
          fixed(w?.rmse, 4),
          fixed(w?.mae, 4),
          int(w?.count),
          fixed(c?.rmse, 4),
          fixed(c?.mae, 4),
          int(c?.count),
          w && c ? signed(c.rmse - w.rmse, 4) : '–',
        ],
      };
    }),
  );
  return `<section id="cold-start">${heading}
<p class="note"><strong>${int(cold)}</strong> of ${int(tests)} test ratings (${share(cold / Math.max(1, tests))}) have a user or item unseen in training: ${int(users)} user${users === 1 ? '' : 's'} and ${int(items)} item${items === 1 ? '' : 's'}${
    k > 1 ? `, summed over the ${k} folds (warm and cold errors pool every fold's test ratings)` : ''
  }. ${cold < 100 ? 'So few ratings make the cold-start error noisy: read it as a hint, not a ranking.' : ''}</p>
${chartDiv('cold-start', 'Cold start: warm vs cold-start test RMSE')}
${body}
</section>`;
}

export function foldsSection(input: ExperimentReportInput): string {
  if (!hasFolds(input)) return '';
  const { points, summary } = foldsData(input);
  const folds = Math.max(...points.map((p) => p.fold));
  const models = [...new Set(summary.map((s) => s.model))];
  const value = (model: string, fold: number, metric: 'RMSE' | 'MAE') => points.find((p) => p.model === model && p.fold === fold && p.metric === metric)?.value;
  const stat = (model: string, metric: 'RMSE' | 'MAE') => summary.find((s) => s.model === model && s.metric === metric);
  const foldNumbers = Array.from({ length: folds }, (_, k) => k + 1);
  const body = table(
    [
      { label: 'Model' },
      ...foldNumbers.map((k) => ({ label: `Fold ${k} RMSE`, num: true })),
      { label: 'Mean RMSE', num: true },
      { label: 'sd', num: true },
      ...foldNumbers.map((k) => ({ label: `Fold ${k} MAE`, num: true })),
      { label: 'Mean MAE', num: true },
      { label: 'sd', num: true },
    ],
    models.map((model) => ({
      className: model === TRAIN_MEAN ? 'baseline' : '',
      cells: [
        escapeHtml(model),
        ...foldNumbers.map((k) => fixed(value(model, k, 'RMSE'), 4)),
        fixed(stat(model, 'RMSE')?.mean, 4),
        fixed(stat(model, 'RMSE')?.sd, 4),
        ...foldNumbers.map((k) => fixed(value(model, k, 'MAE'), 4)),
        fixed(stat(model, 'MAE')?.mean, 4),
        fixed(stat(model, 'MAE')?.sd, 4),
      ],
    })),
  );
  return `<section id="folds">
<h2>Spread over folds</h2>
<p class="note">${folds}-fold cross-validation: each model was trained ${folds} times, each time tested on a different fold. The headline figures are the mean of the folds; sd is their sample standard deviation (n − 1).</p>
${chartDiv('folds', 'Test error per fold')}
${body}
</section>`;
}
