/**
 * The top-K sections of an experiment page: ranking metrics with their confidence
 * intervals, metric@K curves, the significance matrix with its verdicts, and sample
 * users' recommendations. Each is empty ('') when the experiment has no ranking metrics.
 */
import { escapeHtml } from '../assets';
import { curveFamilies, familyTitle } from '../charts';
import { BASELINE_TYPES, modelGroup } from '../compare';
import { modelColour } from '../charts/common';
import { fixed, int, pNumber, signedFixed } from '../format';
import { chartDiv, table } from '../html';
import type { ExperimentReportInput, MetricSignificance, ModelRanking, PairComparison, RankingReport } from '../types';

/** "sampled: each test item among 99 negatives; 943 users", per protocol (and per model when they differ). */
export function protocolCaption(report: RankingReport): string {
  const describe = (m: ModelRanking) =>
    m.protocol === 'sampled'
      ? `sampled: each test item among ${int(m.negatives)} negatives`
      : 'full ranking: each user’s test items among every item they have not rated in training';
  const protocols = [...new Set(report.models.map(describe))];
  const users = [...new Set(report.models.map((m) => m.users))];
  const usersText = users.length === 1 ? `${int(users[0])} users` : report.models.map((m) => `${m.model} ${int(m.users)} users`).join(', ');
  return protocols.length === 1 ? `${protocols[0]}; ${usersText}` : `${report.models.map((m) => `${m.model}: ${describe(m)}`).join('; ')}; ${usersText}`;
}

function swatch(input: ExperimentReportInput, model: string): string {
  const colour = modelColour(
    input.models.map((m) => m.name),
    model,
  );
  return `<span class="swatch" style="background:${colour}"></span>`;
}

function interval(lower: number | null | undefined, upper: number | null | undefined, digits = 3): string {
  return lower === null || lower === undefined || upper === null || upper === undefined ? '' : `${fixed(lower, digits)} – ${fixed(upper, digits)}`;
}

/** Rows = metrics, columns = models: mean and its 95% CI; the best mean of each row in bold. */
function metricsTable(input: ExperimentReportInput, report: RankingReport): string {
  const models = report.models;
  const rows = [...report.metrics, ...report.catalogueMetrics].map((metric) => {
    const catalogue = report.catalogueMetrics.includes(metric);
    const values = models.map((m) => (catalogue ? m.catalogue[metric] : m.means[metric]?.mean) ?? null);
    const best = Math.max(...values.map((v) => (v === null ? Number.NEGATIVE_INFINITY : v)));
    return {
      className: metric === report.primary ? 'primary' : '',
      cells: [
        `${escapeHtml(metric)}${metric === report.primary ? '<span class="tag">primary</span>' : ''}${catalogue ? '<span class="muted"> · catalogue</span>' : ''}`,
        ...models.map((m, i) => {
          const v = values[i] ?? null;
          const ci = catalogue ? null : m.means[metric]?.ci;
          const mean = `<span class="mean${v !== null && v === best && models.length > 1 ? ' top' : ''}">${fixed(v, 4)}</span>`;
          return ci ? `${mean}<span class="ci">${interval(ci.lower, ci.upper)}</span>` : mean;
        }),
      ],
    };
  });
  return table(
    [{ label: 'Metric' }, ...models.map((m) => ({ label: m.model, num: true, html: `${swatch(input, m.model)}${escapeHtml(m.model)}` }))],
    rows,
    'ranking-table',
    `${escapeHtml(protocolCaption(report))}. Mean over users (bold: the best), and below it the bootstrap 95% confidence interval (${int(report.resamples)} resamples of users, seed ${int(report.seed)}).`,
  );
}

export function rankingSection(input: ExperimentReportInput): string {
  const report = input.ranking;
  if (!report) return '';
  const noArrow = report.models.filter((m) => !m.perUser).map((m) => m.model);
  const families = curveFamilies(report);
  const single = [...report.metrics, ...report.catalogueMetrics].filter((m) => !families.includes(m.split('@')[0] as string));
  return `<section id="ranking">
<h2>Top-K ranking</h2>
<p class="note">How well each model ranks a user’s held-out items. Every metric is higher-is-better: HR@K is the share of users with a test item in their top K, NDCG@K also rewards placing it high, AUC is the chance a test item outranks a non-interacted one.${
    report.catalogueMetrics.length > 0 ? ' Coverage@K (share of the catalogue recommended to anyone) and novelty@K (mean −log₂ popularity of recommended items) describe the lists as a whole, so they have no per-user interval.' : ''
  }${noArrow.length > 0 ? ` No per-user values (ranking.arrow) for ${noArrow.map((m) => `<strong>${escapeHtml(m)}</strong>`).join(', ')}: means only, left out of the significance tests.` : ''}</p>
${metricsTable(input, report)}
${families.length > 0 ? chartDiv('ranking-at-k', `Ranking metrics at each cut-off: ${families.map(familyTitle).join(', ')}`) : ''}
${single.length > 0 ? chartDiv('ranking', `Ranking metrics: ${single.join(', ')}`) : ''}
</section>`;
}

/** A pair as the page shows it: the model with the higher mean first, so the difference reads as a gain. */
interface OrientedPair {
  better: string;
  worse: string;
  diff: number | null;
  lower: number | null;
  upper: number | null;
  p: PairComparison;
}

export function orient(p: PairComparison): OrientedPair {
  const flip = (p.diff ?? 0) < 0;
  const lower = p.diffCi?.lower ?? null;
  const upper = p.diffCi?.upper ?? null;
  return flip
    ? { better: p.b, worse: p.a, diff: p.diff === null ? null : -p.diff, lower: upper === null ? null : -upper, upper: lower === null ? null : -lower, p }
    : { better: p.a, worse: p.b, diff: p.diff, lower, upper, p };
}

function ciText(lower: number | null, upper: number | null): string {
  return lower === null || upper === null ? '–' : `${signedFixed(lower, 4)} to ${signedFixed(upper, 4)}`;
}

function verdictCell(p: PairComparison): string {
  const text = escapeHtml(p.verdict);
  const disagree = p.tSignificant !== p.wilcoxonSignificant && p.tPAdjusted !== null && p.wilcoxonPAdjusted !== null;
  const note = disagree ? `<span class="muted"> · Wilcoxon ${p.wilcoxonSignificant ? 'significant' : 'not significant'}</span>` : '';
  return `${p.winner ? `<strong>${text}</strong>` : text}${note}`;
}

function pairsTable(s: MetricSignificance, withCi: boolean, report: RankingReport): string {
  const adjusted = report.correction === 'holm' ? ' (Holm)' : '';
  // One user count for every pair (the usual case) goes in the caption, not a column.
  const counts = new Set(s.pairs.map((p) => p.n));
  const users = counts.size > 1;
  return table(
    [
      { label: 'Higher mean' },
      { label: 'vs' },
      { label: 'Difference', num: true },
      ...(withCi ? [{ label: '95% CI', num: true }] : []),
      { label: `t-test p${adjusted}`, num: true },
      { label: `Wilcoxon p${adjusted}`, num: true },
      ...(users ? [{ label: 'Users', num: true }] : []),
      { label: 'Verdict' },
    ],
    s.pairs.map(orient).map((o) => ({
      className: o.p.winner ? 'significant' : '',
      cells: [
        `${escapeHtml(o.better)} <span class="muted">${fixed(o.p.a === o.better ? o.p.meanA : o.p.meanB, 4)}</span>`,
        `${escapeHtml(o.worse)} <span class="muted">${fixed(o.p.a === o.worse ? o.p.meanA : o.p.meanB, 4)}</span>`,
        signedFixed(o.diff, 4),
        ...(withCi ? [ciText(o.lower, o.upper)] : []),
        pNumber(o.p.tPAdjusted),
        pNumber(o.p.wilcoxonPAdjusted),
        ...(users ? [int(o.p.n)] : []),
        verdictCell(o.p),
      ],
    })),
    'pairs',
    users ? undefined : `${int([...counts][0])} users paired; difference = higher mean − the other.`,
  );
}

/** The models of a matrix from best to worst by mean (for the one-line summary). */
function ranked(s: MetricSignificance): string[] {
  const mean = new Map<string, number>();
  for (const p of s.pairs) {
    if (p.meanA !== null) mean.set(p.a, p.meanA);
    if (p.meanB !== null) mean.set(p.b, p.meanB);
  }
  return [...s.models].sort((a, b) => (mean.get(b) ?? Number.NEGATIVE_INFINITY) - (mean.get(a) ?? Number.NEGATIVE_INFINITY));
}

export function significanceSection(input: ExperimentReportInput): string {
  const report = input.ranking;
  if (!report) return '';
  const heading = '<h2>Significance</h2>';
  const primary = report.significance.find((s) => s.metric === report.primary) ?? report.significance[0];
  if (!primary) {
    return `<section id="significance">${heading}
<p class="note">Paired tests need per-user values (ranking.arrow) of at least two models; ${
      report.models.filter((m) => m.perUser).length
    } of ${report.models.length} have them.</p>
</section>`;
  }
  const order = ranked(primary);
  const best = order[0] as string;
  const beats = primary.pairs.filter((p) => p.winner === best).length;
  const others = primary.models.length - 1;
  const summary =
    beats === others
      ? `<strong>${escapeHtml(best)}</strong> is significantly better than every other model on ${escapeHtml(primary.metric)}.`
      : `<strong>${escapeHtml(best)}</strong> has the highest mean ${escapeHtml(primary.metric)} and is significantly better than ${beats} of the ${others} other models.`;
  const rest = report.significance.filter((s) => s !== primary);
  const adjusted = report.correction === 'holm' ? `Holm-adjusted over the ${primary.pairs.length} pairs of each metric` : 'not adjusted for multiple comparisons';
  return `<section id="significance">${heading}
<p class="note">Every pair of models compared on the same users (paired by user${input.data.info.folds.length > 1 ? ' and fold' : ''}): the paired t-test and the Wilcoxon signed-rank test, p-values ${adjusted}, significance at α = ${report.alpha}; the interval is a bootstrap 95% CI of the mean difference (${int(
    report.resamples,
  )} resamples of users). Verdicts follow the t-test. ${summary}</p>
${chartDiv('significance', `Significance matrix of ${primary.metric}`)}
<h3>${escapeHtml(primary.metric)}${primary.metric === report.primary ? ' (primary metric)' : ''}</h3>
${pairsTable(primary, true, report)}
${
  rest.length > 0
    ? `<details><summary>Every other metric (${rest.length})</summary>
${rest.map((s) => `<h3>${escapeHtml(s.metric)}</h3>\n${pairsTable(s, false, report)}`).join('\n')}
</details>`
    : ''
}
</section>`;
}

/** Held-out items listed per user (the hits in the lists are marked whatever their number). */
const TEST_SHOWN = 10;

export function recommendationsSection(input: ExperimentReportInput): string {
  const recs = input.recommendations;
  if (!input.ranking || !recs) return '';
  const implicit = input.implicit;
  const heading = '<h2>Sample recommendations</h2>';
  const skipped =
    recs.skipped.length > 0
      ? `<p class="note">Not shown: ${recs.skipped.map((s) => `<strong>${escapeHtml(s.model)}</strong> (${escapeHtml(s.reason)})`).join('; ')}.</p>`
      : '';
  if (recs.users.length === 0) {
    return `<section id="recommendations">${heading}<p class="note">No user has a test item outside their training items.</p>${skipped}</section>`;
  }
  const users = recs.users.map((u) => {
    const stars = (rating: number) => (implicit ? '' : `<span class="stars">${fixed(rating, Number.isInteger(rating) ? 0 : 1)}★</span> `);
    const rated = u.rated.map((r) => `<li>${stars(r.rating)}<span class="item" title="${escapeHtml(r.label)}">${escapeHtml(r.label)}</span></li>`).join('');
    const test = u.test
      .slice(0, TEST_SHOWN)
      .map(
        (t) =>
          `<li${t.relevant ? '' : ' class="muted" title="below evaluate.relevance: not a hit"'}>${stars(t.rating)}<span class="item" title="${escapeHtml(t.label)}">${escapeHtml(t.label)}</span></li>`,
      )
      .join('');
    const lists = u.lists;
    const rows = Array.from({ length: Math.max(0, ...lists.map((l) => l.items.length)) }, (_, rank) => ({
      cells: [
        String(rank + 1),
        ...lists.map((l) => {
          const item = l.items[rank];
          if (!item) return '';
          return `<span class="rec${item.hit ? ' hit' : ''}" title="${escapeHtml(`${item.label} · score ${fixed(item.score, 3)}${item.hit ? ' · in the test set' : ''}`)}">${item.hit ? '<b>✓</b> ' : ''}${escapeHtml(item.label)}</span>`;
        }),
      ],
    }));
    const headers = [
      { label: '#', num: true },
      ...lists.map((l) => {
        const hits = l.items.filter((i) => i.hit).length;
        return { label: `${l.model} · ${hits} hit${hits === 1 ? '' : 's'}` };
      }),
    ];
    return `<div class="rec-user">
<h3>User ${escapeHtml(u.id)} <span class="muted">· ${int(u.trainCount)} item${u.trainCount === 1 ? '' : 's'} in training · ${int(u.test.length)} held out</span></h3>
<div class="rec-grid">
<div><h4>${implicit ? 'Interacted with in training' : 'Rated highest in training'}${u.trainCount > u.rated.length ? ` (${u.rated.length} of ${int(u.trainCount)})` : ''}</h4><ol class="rated">${rated}</ol></div>
<div><h4>Held out for testing${u.test.length > TEST_SHOWN ? ` (${TEST_SHOWN} of ${int(u.test.length)})` : ''}</h4><ul class="rated">${test}</ul></div>
</div>
${table(headers, rows, 'recs')}
</div>`;
  });
  return `<section id="recommendations">${heading}
<p class="note">${recs.users.length} user${recs.users.length === 1 ? '' : 's'} picked with the experiment seed among those with a held-out item${
    input.data.info.folds.length > 1 ? ' (fold 1’s data and networks)' : ''
  }. Each model’s top ${recs.k} is what evaluate found scoring every item with the model’s saved network (eval/&lt;model&gt;/samples.arrow); items the user already has in training or validation are left out, and <span class="rec hit"><b>✓</b> green</span> marks a held-out (test) item: a hit.</p>
${skipped}
${users.join('\n')}
</section>`;
}

/**
 * Implicit data: baselines (popularity, mf, baseline) against the deep models on the
 * primary ranking metric, each deep model's paired difference from the best baseline.
 */
export function rankingBaselinesSection(input: ExperimentReportInput): string {
  const heading = '<h2>Baselines vs deep models</h2>';
  const report = input.ranking;
  const types = BASELINE_TYPES.map((t) => `<code>${t}</code>`).join(', ');
  if (!report) {
    return `<section id="baselines">${heading}<p class="note">Implicit feedback without ranking metrics: nothing to compare baselines on.</p></section>`;
  }
  const mean = (model: string) => report.models.find((m) => m.model === model)?.means[report.primary]?.mean ?? null;
  const baselines = report.models.filter((m) => modelGroup(m.type) === 'baseline' && mean(m.model) !== null);
  if (baselines.length === 0) {
    return `<section id="baselines">${heading}<p class="note">No baseline model in this experiment (types ${types}); the significance matrix above compares the deep models with each other.</p></section>`;
  }
  const best = baselines.reduce((b, m) => ((mean(m.model) as number) > (mean(b.model) as number) ? m : b));
  const pairs = report.significance.find((s) => s.metric === report.primary)?.pairs ?? [];
  const rows = report.models
    .filter((m) => m.model !== best.model)
    .map((m) => {
      const p = pairs.find((x) => (x.a === m.model && x.b === best.model) || (x.b === m.model && x.a === best.model));
      const sign = p && p.a === m.model ? 1 : -1;
      const diff = p?.diff === null || p?.diff === undefined ? (mean(m.model) ?? Number.NaN) - (mean(best.model) as number) : sign * p.diff;
      const lower = p?.diffCi?.lower ?? null;
      const upper = p?.diffCi?.upper ?? null;
      const ci = lower === null || upper === null ? '–' : sign > 0 ? `${signedFixed(lower, 4)} to ${signedFixed(upper, 4)}` : `${signedFixed(-upper, 4)} to ${signedFixed(-lower, 4)}`;
      return {
        group: modelGroup(m.type),
        better: p?.winner === m.model,
        worse: p?.winner === best.model,
        cells: [
          `${swatch(input, m.model)}${escapeHtml(m.model)}`,
          escapeHtml(m.type),
          modelGroup(m.type),
          fixed(mean(m.model), 4),
          signedFixed(diff, 4),
          ci,
          pNumber(p?.tPAdjusted),
          p ? verdictCell(p) : 'no per-user values',
        ],
      };
    });
  const deep = rows.filter((r) => r.group === 'deep');
  const verdict =
    deep.length === 0
      ? 'There is no deep model in this experiment.'
      : `${deep.filter((r) => r.better).length} of ${deep.length} deep model${deep.length === 1 ? '' : 's'} ${deep.length === 1 ? 'is' : 'are'} significantly better than the best baseline, <strong>${escapeHtml(best.model)}</strong>, on ${escapeHtml(report.primary)}${
          deep.some((r) => r.worse) ? `; ${deep.filter((r) => r.worse).length} significantly worse` : ''
        }.`;
  return `<section id="baselines">${heading}
<p class="note">Implicit feedback: models of type ${types} are baselines, the others deep, compared on <strong>${escapeHtml(report.primary)}</strong> with the best baseline (${escapeHtml(best.model)}, ${fixed(mean(best.model), 4)}) as reference: the paired difference per user, its bootstrap 95% CI and the paired t-test. ${verdict}</p>
${table(
  [
    { label: 'Model' },
    { label: 'Type' },
    { label: 'Group' },
    { label: report.primary, num: true },
    { label: `− ${best.model}`, num: true },
    { label: '95% CI', num: true },
    { label: `t-test p${report.correction === 'holm' ? ' (Holm)' : ''}`, num: true },
    { label: 'Verdict' },
  ],
  rows.map((r) => ({ cells: r.cells, className: r.better ? 'significant' : '' })),
)}
</section>`;
}
