/**
 * The hyper-parameter search section: per searched model, its trials (values and
 * validation objective in run order, with the running best), the selected trial and
 * the budget spent; above them the equal-budget line, since "A beats B" means little
 * when A had more trials. Validation figures only: no trial but the selected one is
 * ever scored on test.
 */
import { escapeHtml } from '../assets';
import { paramText, trialPoints } from '../charts/search';
import { duration, fixed, int } from '../format';
import { chartDiv, measured, table } from '../html';
import type { ExperimentReportInput, ModelReportInput } from '../types';

export function searchChartKind(model: string): string {
  return `search-${model}`;
}

/** Searched models, config order. */
export function searchedModels(input: ExperimentReportInput): Array<ModelReportInput & { search: NonNullable<ModelReportInput['search']> }> {
  return input.models.filter((m): m is ModelReportInput & { search: NonNullable<ModelReportInput['search']> } => m.search !== undefined);
}

/** One sentence on whether every searched model had the same number of trials. */
export function budgetLine(input: ExperimentReportInput): string {
  const models = searchedModels(input);
  const spent = models.map((m) => `<code>${escapeHtml(m.name)}</code> ${int(m.search.trials)} trials (${measured(duration(m.search.trainSeconds))} training)`).join(', ');
  const counts = new Set(models.map((m) => m.search.trials));
  const unsearched = input.models.filter((m) => m.search === undefined).map((m) => `<code>${escapeHtml(m.name)}</code>`);
  const rest = unsearched.length > 0 ? ` Not searched (their configured values): ${unsearched.join(', ')}.` : '';
  if (counts.size <= 1) return `<p class="budget equal"><strong>Equal budget:</strong> every searched model ran ${int(models[0]?.search.trials ?? 0)} trials: ${spent}.${rest}</p>`;
  return `<p class="budget unequal"><strong>Unequal budgets:</strong> ${spent}. Models with more trials had more chances on validation; compare with care.${rest}</p>`;
}

function trialsTable(m: ModelReportInput & { search: NonNullable<ModelReportInput['search']> }): string {
  const keys = Object.keys(m.search.history[0]?.params ?? m.search.params);
  const points = trialPoints(m.search);
  return table(
    [{ label: 'Trial', num: true }, ...keys.map((k) => ({ label: k })), { label: m.search.objective, num: true }, { label: 'Best so far', num: true }, { label: 'Training', num: true }],
    m.search.history.map((t, i) => ({
      className: t.index === m.search.selected ? 'best' : '',
      cells: [
        int(t.index),
        ...keys.map((k) => escapeHtml(String(paramText(t.params[k])))),
        Number.isFinite(t.value) ? fixed(t.value, 4) : escapeHtml(t.note ?? '–'),
        fixed(points[i]?.best, 4),
        measured(duration(t.trainSeconds)),
      ],
    })),
  );
}

/**
 * Each searched model's test figures over the seeds its selected configuration was
 * trained with (Rendle et al. 2020 report mean and standard deviation over repetitions):
 * a difference between two models smaller than these spreads is not one to trust.
 */
export function seedsTable(input: ExperimentReportInput): string {
  const models = input.models.filter((m) => m.seeds !== undefined);
  if (models.length === 0) return '';
  const keys = [...new Set(models.flatMap((m) => Object.keys(m.seeds?.summary ?? {})))].filter((k) => models.some((m) => Number.isFinite(m.seeds?.summary[k]?.mean)));
  return `<h3>Spread over seeds</h3>
<p class="note">The selected configuration of each searched model trained once per seed (the experiment seed first) and scored on test: mean ± standard deviation over the runs.</p>
${table(
    [{ label: 'Model' }, { label: 'Seeds' }, ...keys.map((k) => ({ label: k, num: true }))],
    models.map((m) => ({
      cells: [
        escapeHtml(m.name),
        escapeHtml((m.seeds?.runs ?? []).map((r) => r.seed).join(', ')),
        ...keys.map((k) => {
          const s = m.seeds?.summary[k];
          return s && Number.isFinite(s.mean) ? `${fixed(s.mean, 4)} ± ${fixed(s.sd, 4)}` : '–';
        }),
      ],
    })),
  )}`;
}

export function searchSection(input: ExperimentReportInput): string {
  const models = searchedModels(input);
  if (models.length === 0) return '';
  const parts = models.map(
    (m) => `<h3>${escapeHtml(m.name)}</h3>
<p class="note">${int(m.search.trials)} trials (${escapeHtml(m.search.algorithm)}) on validation <code>${escapeHtml(m.search.objective)}</code>; selected trial ${int(m.search.selected)} (${fixed(m.search.value, 4)}): ${escapeHtml(
      Object.entries(m.search.params).map(([k, v]) => `${k} = ${paramText(v)}`).join(', '),
    )}. The model in every other section is this configuration, trained once more (train + valid with refit) and scored on test once.</p>
${chartDiv(searchChartKind(m.name), `Search of ${m.name}`)}
${trialsTable(m)}`,
  );
  return `<section id="search">
<h2>Hyper-parameter search</h2>
${budgetLine(input)}
${input.ranking ? '' : seedsTable(input)}
${parts.join('\n')}
</section>`;
}
