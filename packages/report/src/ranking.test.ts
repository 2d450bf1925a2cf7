/**
 * The top-K side of the report on two fixtures whose per-user values come from
 * @deeprec/metrics' protocols over fixed score tables: implicit feedback (popularity,
 * mf, neumf with a clear winner; sampled protocol; rmse/mae null) and explicit ratings
 * with full ranking. The statistics are checked against the library's functions on the
 * arrays of ranking.arrow; sample recommendations are what samples.arrow holds.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RANKING_SCHEMA, column, readManifest, readMetrics, readRatings, readSampleLists, readTable } from '@deeprec/artifacts';
import { bootstrapMeanCI, bootstrapPairedDiffCI, compareModels } from '@deeprec/metrics';
import {
  RANKING_CHART_KINDS,
  RATING_CHART_KINDS,
  CHART_KINDS,
  experimentCharts,
  experimentsData,
  rankingPoints,
  significanceCells,
  type VegaLiteSpec,
} from './charts';
import { headlineModel } from './experimentPage';
import { FIXTURE_MODELS, loadFixture, tempRoot, writeFixture, type Fixture } from './fixture.testutil';
import { EXPLICIT_RANKING_METRICS, IMPLICIT_MODELS, IMPLICIT_RANKING_METRICS, writeRankingFixture } from './rankingFixture.testutil';
import { loadExperimentReportInput } from './load';
import { alignRankingTables, orderMetrics, parseMetric, primaryMetric, readRankingTable } from './ranking';
import { drawnUsers } from './recommendations';
import { renderExperimentReport, renderIndexReport } from './run';
import type { ExperimentReportInput, MetricSignificance, PairComparison } from './types';
import { writeExperimentReport } from './write';

let root: string;
let implicit: Fixture;
let explicit: Fixture;
let kfold: Fixture;
let imp: ExperimentReportInput;
let exp: ExperimentReportInput;

beforeAll(() => {
  root = tempRoot();
  implicit = writeRankingFixture(root, { feedback: 'implicit' });
  explicit = writeRankingFixture(root, { feedback: 'explicit' });
  kfold = writeRankingFixture(root, { feedback: 'explicit', name: 'kfold-ranking', folds: 2 });
  imp = loadFixture(implicit);
  exp = loadFixture(explicit);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** ranking.arrow of every model, keyed by "fold:user", the test's own alignment. */
function perUser(f: Fixture, metric: string, models: readonly string[]): { keys: string[]; values: Record<string, Float64Array> } {
  const tables = models.map((m) => {
    const file = f.catalogue.evaluation(m).ranking;
    const t = readTable(file, RANKING_SCHEMA);
    const user = column(t, 'user', Int32Array, file);
    const fold = t.fold === undefined ? null : column(t, 'fold', Int32Array, file);
    const values = column(t, metric, Float64Array, file);
    return new Map(Array.from(user, (u, j) => [`${fold?.[j] ?? 0}:${u}`, values[j] as number]));
  });
  const keys = [...new Set(tables.flatMap((t) => [...t.keys()]))].sort((a, b) => {
    const [fa, ua] = a.split(':').map(Number) as [number, number];
    const [fb, ub] = b.split(':').map(Number) as [number, number];
    return fa - fb || ua - ub;
  });
  return { keys, values: Object.fromEntries(models.map((m, i) => [m, Float64Array.from(keys, (k) => tables[i]?.get(k) ?? Number.NaN)])) };
}

/** A page without its inlined Vega bundles (whose code mentions NaN). */
function withoutBundles(html: string): string {
  return html.replace(/<script data-bundle[\s\S]*?<\/script>/g, '');
}

/**
 * The report input is plain data: it survives JSON unchanged, but for NaN, which only
 * rating errors of implicit data may hold (metrics.json has them as null).
 */
function expectPlain(input: ExperimentReportInput): void {
  const nanPaths: string[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'number' && Number.isNaN(value)) {
      nanPaths.push(path);
      return null;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${path}.${k}`)]));
    return value;
  };
  const withNulls = walk(input, 'input');
  expect(JSON.parse(JSON.stringify(input))).toEqual(withNulls);
  expect(nanPaths.filter((p) => !/\.(rmse|mae|rmseStd|maeStd)$/.test(p))).toEqual([]);
  if (!input.implicit) expect(nanPaths).toEqual([]);
}

/** null for what JSON cannot carry, as the report stores it. */
function plain(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function expectMatrixEqualsCore(f: Fixture, input: ExperimentReportInput, s: MetricSignificance): void {
  const { alpha, correction, resamples } = f.config.evaluate.significance;
  const { values } = perUser(f, s.metric, s.models);
  const core = compareModels(values, { alpha, correction });
  expect(s.pairs.map((p) => [p.a, p.b])).toEqual(core.pairs.map((p) => [p.a, p.b]));
  core.pairs.forEach((c, k) => {
    const p = s.pairs[k] as PairComparison;
    expect({ metric: s.metric, pair: `${p.a}-${p.b}`, n: p.n, sigT: p.tSignificant, sigW: p.wilcoxonSignificant }).toEqual({
      metric: s.metric,
      pair: `${c.a}-${c.b}`,
      n: c.n,
      sigT: c.tSignificant,
      sigW: c.wilcoxonSignificant,
    });
    for (const key of ['meanA', 'meanB', 'diff', 't', 'tP', 'wilcoxonP', 'tPAdjusted', 'wilcoxonPAdjusted'] as const) {
      expect([s.metric, key, p[key]]).toEqual([s.metric, key, plain(c[key])]);
    }
    if (s.metric === input.ranking?.primary) {
      const ci = bootstrapPairedDiffCI(values[c.a] as Float64Array, values[c.b] as Float64Array, { seed: f.config.seed, resamples });
      expect(p.diffCi).toEqual({ estimate: plain(ci.estimate), lower: plain(ci.lower), upper: plain(ci.upper), n: ci.n });
    } else {
      expect(p.diffCi).toBeNull();
    }
  });
}

describe('metric names', () => {
  it('parses, orders by the config families then K, and picks the first configured per-user metric as primary', () => {
    expect(parseMetric('ndcg@10')).toEqual({ family: 'ndcg', k: 10 });
    expect(parseMetric('auc')).toEqual({ family: 'auc', k: null });
    expect(orderMetrics(['hr@20', 'auc', 'ndcg@5', 'hr@5', 'mrr@10', 'ndcg@10'], ['rmse', 'ndcg@10', 'hr@5'])).toEqual(['ndcg@5', 'ndcg@10', 'hr@5', 'hr@20', 'mrr@10', 'auc']);
    expect(primaryMetric(['rmse', 'coverage@10', 'hr@10', 'ndcg@10'], ['ndcg@10', 'hr@10'])).toBe('hr@10');
    expect(primaryMetric(['rmse'], ['ndcg@10', 'hr@10'])).toBe('ndcg@10');
  });

  it('aligns per-user tables by fold and user, NaN where a model lacks a row', () => {
    const a = { user: Int32Array.from([3, 1]), fold: null, values: { m: Float64Array.from([0.3, 0.1]) } };
    const b = { user: Int32Array.from([1, 2]), fold: null, values: { m: Float64Array.from([1.1, 1.2]) } };
    const { keys, values } = alignRankingTables({ a, b }, 'm');
    expect(keys).toEqual(['0:1', '0:2', '0:3']);
    expect(Array.from(values.a as Float64Array)).toEqual([0.1, Number.NaN, 0.3]);
    expect(Array.from(values.b as Float64Array)).toEqual([1.1, 1.2, Number.NaN]);
  });
});

describe('loading ranking artifacts', () => {
  it('reads every model’s ranking block, in config order, as plain data', () => {
    for (const [input, f, models] of [
      [imp, implicit, IMPLICIT_MODELS],
      [exp, explicit, FIXTURE_MODELS],
    ] as const) {
      const report = input.ranking!;
      expect(report.models.map((m) => m.model)).toEqual(models);
      expect(report.primary).toBe('ndcg@10');
      expect({ alpha: report.alpha, correction: report.correction, resamples: report.resamples, seed: report.seed }).toEqual({
        ...f.config.evaluate.significance,
        seed: 7,
      });
      for (const m of report.models) {
        const metrics = readMetrics(f.catalogue.evaluation(m.model).metrics);
        expect(Object.fromEntries(report.metrics.map((k) => [k, m.means[k]?.mean]))).toEqual(metrics.ranking?.means);
        expect(m.users).toBe(metrics.ranking?.users);
        expect(m.perUser).toBe(true);
      }
      expectPlain(input);
    }
    expect(imp.implicit).toBe(true);
    expect(exp.implicit).toBe(false);
    expect(imp.ranking?.metrics).toEqual(orderMetrics(IMPLICIT_RANKING_METRICS, IMPLICIT_RANKING_METRICS));
    expect(imp.ranking?.models[0]).toMatchObject({ protocol: 'sampled', negatives: 20 });
    expect(exp.ranking?.catalogueMetrics).toEqual(['coverage@10', 'novelty@10']);
    expect(exp.ranking?.metrics).toEqual(['ndcg@10', 'hr@5', 'hr@10', 'hr@20', 'precision@10', 'recall@10', 'auc']);
    expect(EXPLICIT_RANKING_METRICS.filter((m) => m.includes('@') || m === 'auc')).toEqual(expect.arrayContaining(exp.ranking!.metrics));
  });

  it('accepts implicit metrics.json with rmse and mae null, read as NaN', () => {
    const file = implicit.catalogue.evaluation('mf').metrics;
    expect(readFileSync(file, 'utf8')).toContain('"rmse": null');
    const metrics = readMetrics(file);
    expect(metrics.rmse).toBeNaN();
    expect(metrics.mae).toBeNaN();
    expect(imp.baseline.rmse).toBeNaN();
    expect(imp.models.map((m) => m.predictions.count)).toEqual([0, 0, 0]);
  });

  it('bootstrap CIs are core’s bootstrapMeanCI over each model’s per-user values, seeded with the experiment seed', () => {
    for (const [input, f] of [
      [imp, implicit],
      [exp, explicit],
    ] as const) {
      const report = input.ranking!;
      for (const m of report.models) {
        const table = readRankingTable(f.catalogue.evaluation(m.model).ranking);
        for (const metric of report.metrics) {
          const core = bootstrapMeanCI(table.values[metric]!, { seed: f.config.seed, resamples: f.config.evaluate.significance.resamples });
          const ci = m.means[metric]!.ci!;
          expect(ci).toEqual({ estimate: plain(core.estimate), lower: plain(core.lower), upper: plain(core.upper), n: core.n });
          expect(ci.lower! <= m.means[metric]!.mean! && m.means[metric]!.mean! <= ci.upper!).toBe(true);
        }
      }
    }
  });

  it('the significance matrix of every metric equals compareModels (and bootstrapPairedDiffCI) on the ranking.arrow arrays', () => {
    for (const [input, f] of [
      [imp, implicit],
      [exp, explicit],
    ] as const) {
      expect(input.ranking!.significance.map((s) => s.metric)).toEqual(input.ranking!.metrics);
      for (const s of input.ranking!.significance) expectMatrixEqualsCore(f, input, s);
    }
  });

  it('finds the clear winner of the implicit fixture and words the verdicts', () => {
    const s = imp.ranking!.significance.find((x) => x.metric === 'ndcg@10')!;
    expect(s.pairs.map((p) => p.winner)).toEqual(['mf', 'neumf', 'neumf']);
    const neumf = s.pairs.find((p) => p.a === 'mf' && p.b === 'neumf')!;
    expect(neumf.verdict).toMatch(/^neumf > mf, p (< 0\.001|= 0\.\d+)$/);
    expect(headlineModel(imp)?.name).toBe('neumf');
    // Explicit fixture: close models stay undecided.
    const close = exp.ranking!.significance.find((x) => x.metric === 'ndcg@10')!.pairs.filter((p) => p.winner === null);
    expect(close.length).toBeGreaterThan(0);
    expect(close[0]!.verdict).toMatch(/ ≈ .*, p = 0\.\d+$/);
  });

  it('k-fold: aligns by fold and user and pools every fold’s rows', () => {
    const input = loadFixture(kfold);
    const report = input.ranking!;
    const table = readRankingTable(kfold.catalogue.evaluation('mf').ranking);
    expect(new Set(table.fold)).toEqual(new Set([1, 2]));
    expect(report.models[0]!.users).toBe(table.user.length);
    for (const s of report.significance) expectMatrixEqualsCore(kfold, input, s);
    expect(renderExperimentReport(input)).toContain('paired by user and fold');
  });

  it('k-fold: sample recommendations are fold 1’s (samples.arrow and fold 1’s data)', () => {
    const input = loadFixture(kfold);
    const recs = input.recommendations!;
    expect(recs.skipped).toEqual([]);
    expect(recs.users.length).toBeGreaterThan(0);
    const test = readRatings(kfold.catalogue.data().fold(0).ratings('test'));
    for (const u of recs.users) {
      expect(u.test.every((t) => test.item.some((i, j) => i === t.item && test.user[j] === u.user))).toBe(true);
      expect(u.lists).toHaveLength(FIXTURE_MODELS.length);
    }
  });

  it('without a model’s ranking.arrow: its means without CIs, the others tested; the page says so', () => {
    const fixture = writeRankingFixture(root, { feedback: 'implicit', name: 'no-arrow', withoutRankingArrow: 'mf' });
    const input = loadFixture(fixture);
    const mf = input.ranking!.models.find((m) => m.model === 'mf')!;
    expect(mf.perUser).toBe(false);
    expect(mf.means['ndcg@10']).toEqual({ mean: expect.any(Number), ci: null });
    expect(input.ranking!.significance[0]!.models).toEqual(['popularity', 'neumf']);
    expect(renderExperimentReport(input)).toMatch(/No per-user values \(ranking\.arrow\) for <strong>mf<\/strong>/);
  });

  it('statistics: false (the index page) keeps the means and skips CIs and tests', () => {
    const input = loadExperimentReportInput(implicit.catalogue, implicit.config, { statistics: false });
    expect(input.ranking!.models.every((m) => Object.values(m.means).every((v) => v.ci === null && v.mean !== null))).toBe(true);
    expect(input.ranking!.significance).toEqual([]);
  });
});

describe('ranking chart specs', () => {
  function values(spec: VegaLiteSpec | undefined): Array<Record<string, unknown>> {
    const s = spec as { data?: { values: Array<Record<string, unknown>> }; concat?: Array<{ data: { values: Array<Record<string, unknown>> } }> };
    return s.concat ? s.concat.flatMap((v) => v.data.values) : (s.data?.values ?? []);
  }

  it('implicit: the ranking charts and the comparison on the primary metric, no rating charts', () => {
    const charts = experimentCharts(imp);
    expect(Object.keys(charts)).toEqual(CHART_KINDS.filter((k) => !RATING_CHART_KINDS.includes(k)));
    const comparison = values(charts.comparison);
    expect(comparison.map((r) => [r.model, r.metric, r.value])).toEqual(IMPLICIT_MODELS.map((m) => [m, 'ndcg@10', imp.ranking!.models.find((x) => x.model === m)!.means['ndcg@10']!.mean]));
  });

  it('explicit: every chart, the ranking ones included', () => {
    expect(Object.keys(experimentCharts(exp))).toEqual(CHART_KINDS.filter((k) => k !== 'folds'));
  });

  it('metric@K curves and bars have a point for every model at every metric', () => {
    for (const input of [imp, exp]) {
      const charts = experimentCharts(input);
      const curves = values(charts['ranking-at-k']);
      const bars = values(charts.ranking);
      const models = input.ranking!.models.map((m) => m.model);
      const families = new Set(curves.map((r) => r.family));
      expect([...families]).toEqual(input === imp ? ['ndcg', 'hr'] : ['hr']);
      for (const metric of [...input.ranking!.metrics, ...input.ranking!.catalogueMetrics]) {
        const rows = [...curves, ...bars].filter((r) => r.metric === metric);
        expect([metric, rows.map((r) => r.model)]).toEqual([metric, models]);
      }
      // Curves for families with several cut-offs, bars for the rest.
      expect(new Set(bars.map((r) => r.metric))).toEqual(new Set([...input.ranking!.metrics, ...input.ranking!.catalogueMetrics].filter((m) => !families.has(parseMetric(m).family))));
      expect(rankingPoints(input.ranking!).length).toBe(curves.length + bars.length);
    }
  });

  it('significance cells: both triangles of every metric, the signed difference and its significance', () => {
    const cells = significanceCells(exp.ranking!);
    const models = FIXTURE_MODELS;
    expect(cells.length).toBe(exp.ranking!.metrics.length * models.length * models.length);
    for (const s of exp.ranking!.significance) {
      for (const p of s.pairs) {
        const ab = cells.find((c) => c.metric === s.metric && c.row === p.a && c.column === p.b)!;
        const ba = cells.find((c) => c.metric === s.metric && c.row === p.b && c.column === p.a)!;
        expect([ab.diff, ba.diff]).toEqual([p.diff, -p.diff!]);
        expect([ab.significant, ab.p]).toEqual([p.tSignificant, p.tPAdjusted]);
        expect(Math.abs(ab.shade)).toBeLessThanOrEqual(1);
        expect(ab.label.endsWith(' *')).toBe(p.tSignificant);
      }
    }
    const spec = experimentCharts(exp).significance as { params: Array<{ value: string; bind: { options: string[] } }> };
    expect(spec.params[0]!.value).toBe('ndcg@10');
    expect(spec.params[0]!.bind.options).toEqual(exp.ranking!.metrics);
  });

  it('implicit data without ranking metrics: no comparison chart, a line saying why, no NaN', () => {
    const f = writeFixture(root, { name: 'implicit-bare', feedback: 'implicit', models: IMPLICIT_MODELS });
    const input = loadFixture(f);
    expect(input.ranking).toBeUndefined();
    expect(Object.keys(experimentCharts(input))).toEqual(['long-tail', 'curves', 'architecture']);
    const page = renderExperimentReport(input);
    expect(page).toContain('no model has ranking metrics');
    expect(page).not.toContain('data-chart="comparison"');
    expect(withoutBundles(page)).not.toContain('NaN');
  });

  it('a page without ranking metrics has no ranking chart or section', () => {
    const plainInput = loadFixture(writeFixture(root, { name: 'plain' }));
    expect(plainInput.ranking).toBeUndefined();
    expect(Object.keys(experimentCharts(plainInput)).filter((k) => RANKING_CHART_KINDS.includes(k as never))).toEqual([]);
    const page = renderExperimentReport(plainInput);
    for (const id of ['ranking', 'significance', 'recommendations']) expect(page).not.toContain(`<section id="${id}">`);
  });
});

describe('sample recommendations', () => {
  it('shows the first report.sampleUsers users of evaluate’s draw, ascending', () => {
    const lists = readSampleLists(implicit.catalogue.evaluation('mf').samples);
    const count = implicit.config.report.sampleUsers;
    const drawn = [...new Set(Array.from(lists.user).filter((_, r) => lists.draw[r]! < count))].sort((a, b) => a - b);
    expect(drawn).toHaveLength(count);
    expect(imp.recommendations!.users.map((u) => u.user)).toEqual(drawn);
    expect(drawnUsers(lists, count)).toEqual(drawn);
    // More than evaluate stored: every stored user, no error.
    expect(drawnUsers(lists, 1000)).toHaveLength(new Set(lists.user).size);
  });

  it('presents each model’s samples.arrow: its items in rank order with their scores, hits marked, titles shown', () => {
    const recs = imp.recommendations!;
    expect(recs.k).toBe(10);
    expect(recs.skipped).toEqual([]);
    const data = implicit.catalogue.data();
    const train = readRatings(data.ratings('train'));
    const valid = readRatings(data.ratings('valid'));
    const test = readRatings(data.ratings('test'));
    for (const u of recs.users) {
      const seen = new Set([...train.item.filter((_, j) => train.user[j] === u.user), ...valid.item.filter((_, j) => valid.user[j] === u.user)]);
      const held = new Set(test.item.filter((i, j) => test.user[j] === u.user && !seen.has(i)));
      expect(u.trainCount).toBe(seen.size);
      expect(u.test.map((t) => t.item).sort()).toEqual([...held].sort());
      expect(u.lists.map((l) => l.model)).toEqual(IMPLICIT_MODELS);
      for (const list of u.lists) {
        const file = readSampleLists(implicit.catalogue.evaluation(list.model).samples);
        const rows = Array.from(file.user.keys()).filter((r) => file.user[r] === u.user);
        expect(list.items.map((i) => i.item)).toEqual(rows.map((r) => file.item[r]));
        expect(list.items.map((i) => i.score)).toEqual(rows.map((r) => file.score[r]));
        expect(list.items.map((i) => i.hit)).toEqual(list.items.map((i) => held.has(i.item)));
      }
      expect(u.rated[0]!.label).toMatch(/\(\d{4}\)$/);
    }
    // The clear winner finds more held-out items than popularity.
    const hits = (model: string) => recs.users.reduce((n, u) => n + u.lists.find((l) => l.model === model)!.items.filter((i) => i.hit).length, 0);
    expect(hits('neumf')).toBeGreaterThan(hits('popularity'));
  });

  it('explicit data without titles: raw ids; a model without samples.arrow is left out with the reason', () => {
    const f = writeRankingFixture(root, { feedback: 'explicit', name: 'missing-samples', sampleUsers: 2 });
    rmSync(f.catalogue.evaluation('ncf').samples);
    const input = loadFixture(f);
    const recs = input.recommendations!;
    expect(recs.users).toHaveLength(2);
    expect(recs.skipped).toEqual([{ model: 'ncf', reason: expect.stringContaining('eval/ncf/samples.arrow is missing') }]);
    expect(recs.users[0]!.lists.map((l) => l.model)).toEqual(FIXTURE_MODELS.filter((m) => m !== 'ncf'));
    expect(recs.users[0]!.lists[0]!.items[0]!.label).toMatch(/^item 10\d\d$/);
    expect(recs.users[0]!.rated.map((r) => r.rating)).toEqual([...recs.users[0]!.rated.map((r) => r.rating)].sort((a, b) => b - a));
    expect(renderExperimentReport(input)).toContain('<strong>ncf</strong> (');
  });

  it('none with report.sampleUsers: 0', async () => {
    const f = writeRankingFixture(root, { feedback: 'implicit', name: 'no-samples', sampleUsers: 0 });
    expect(loadFixture(f).recommendations).toBeUndefined();
    const html = readFileSync(await writeExperimentReport(root, f.config), 'utf8');
    expect(html).not.toContain('<section id="recommendations">');
  });
});

describe('pages', () => {
  let impPage: string;
  let expPage: string;
  beforeAll(async () => {
    impPage = readFileSync(await writeExperimentReport(root, implicit.config), 'utf8');
    expPage = readFileSync(await writeExperimentReport(root, explicit.config), 'utf8');
  });

  it('shows protocol and users in the ranking table caption, and every mean with its CI', () => {
    expect(impPage).toMatch(/<caption>sampled: each test item among 20 negatives; \d+ users\./);
    expect(expPage).toMatch(/<caption>full ranking: [^<]*; \d+ users\./);
    for (const m of imp.ranking!.models) expect(impPage).toContain(m.means['hr@10']!.mean!.toFixed(4));
    expect(expPage).toContain('coverage@10');
    expect(expPage).toContain('novelty@10');
  });

  it('significance: a verdict per pair and the matrix', () => {
    expect(impPage).toContain('data-chart="significance"');
    expect(impPage).toMatch(/<strong>neumf &gt; mf, p [<=] [^<]*<\/strong>/);
    expect(impPage).toContain('<strong>neumf</strong> is significantly better than every other model on ndcg@10.');
  });

  it('implicit: nothing built on rating error, and no NaN anywhere', () => {
    const sections = [...impPage.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
    expect(sections).toEqual(['metrics', 'data', 'comparison', 'ranking', 'significance', 'baselines', 'recommendations', 'try-it', 'curves', 'architecture', 'provenance']);
    const metricsSection = /<section id="metrics">([\s\S]*?)<\/section>/.exec(impPage)?.[1] ?? '';
    expect(metricsSection).not.toContain('RMSE');
    expect(withoutBundles(impPage)).not.toContain('NaN');
    expect(impPage).not.toContain('data-chart="predicted-vs-actual"');
    expect(impPage).toContain('Implicit feedback');
    // Titles are escaped wherever they appear.
    expect(impPage).not.toContain('<b>Bold</b>');
  });

  it('explicit with ranking: the rating sections stay and the ranking ones join them', () => {
    const sections = [...expPage.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
    expect(sections).toEqual([
      'metrics',
      'data',
      'comparison',
      'ranking',
      'significance',
      'baselines',
      'cold-start',
      'recommendations',
      'try-it',
      'curves',
      'predicted-vs-actual',
      'distribution',
      'architecture',
      'provenance',
    ]);
    const manifest = readManifest(join(explicit.catalogue.report().dir, 'manifest.json'), 'report');
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['explicit/eval/mf/ranking.arrow', 'explicit/eval/mf/samples.arrow', 'explicit/data/items.arrow']));
    expect(Object.keys(manifest.inputs).filter((f) => f.startsWith('explicit/models/') && !f.endsWith('/manifest.json') && !f.endsWith('/history.arrow'))).toEqual([]);
    expect(manifest.details.charts).toEqual(CHART_KINDS.filter((k) => k !== 'folds'));
  });

  it('index: ranking means per experiment x model; the RMSE chart leaves implicit experiments out', () => {
    const inputs = [exp, imp];
    expect(new Set(experimentsData(inputs).models.map((r) => r.experiment))).toEqual(new Set(['explicit']));
    const page = renderIndexReport(inputs);
    for (const input of inputs) {
      for (const m of input.ranking!.models) expect(page).toContain(`${m.means['ndcg@10']!.mean!.toFixed(4)}</td>`);
    }
    expect(page).toContain('Ranking (primary)');
    expect(withoutBundles(page)).not.toContain('NaN');
  });
});
