/**
 * The top-K side of the report: per-user ranking metrics (eval/<m>/ranking.arrow)
 * aligned across models by (fold, user), bootstrap CIs of each model's means, and
 * the pairwise significance matrix. The statistics are core's (compareModels,
 * bootstrapMeanCI, bootstrapPairedDiffCI); this module only lines the data up and
 * words the verdicts.
 */
import { RANKING_SCHEMA, column, readTable, type RankingSummary } from '@deeprec/artifacts';
import { RANKING_METRIC_NAMES, type ExperimentConfig } from '@deeprec/config';
import { bootstrapMeanCI, bootstrapPairedDiffCI, compareModels, type BootstrapInterval, type ModelComparison } from '@deeprec/metrics';
import { pValue } from './format';
import { finiteOrNull } from './stats';
import type { Interval, MetricSignificance, ModelRanking, PairComparison, RankingReport } from './types';

/** ranking.arrow as columns: one row per evaluated user (per fold for k-fold). */
export interface RankingTable {
  user: Int32Array;
  /** k-fold only (1-based); null for a single split. */
  fold: Int32Array | null;
  /** One column per per-user metric, e.g. 'ndcg@10'. */
  values: Record<string, Float64Array>;
}

export function readRankingTable(file: string): RankingTable {
  const columns = readTable(file, RANKING_SCHEMA);
  const user = column(columns, 'user', Int32Array, file);
  const fold = columns.fold === undefined ? null : column(columns, 'fold', Int32Array, file);
  const values: Record<string, Float64Array> = {};
  for (const name of Object.keys(columns)) {
    if (name === 'user' || name === 'fold') continue;
    values[name] = column(columns, name, Float64Array, file);
  }
  return { user, fold, values };
}

/** A per-user metric's key parts: 'ndcg@10' -> { family: 'ndcg', k: 10 }; 'auc' -> { family: 'auc', k: null }. */
export function parseMetric(key: string): { family: string; k: number | null } {
  const at = key.indexOf('@');
  if (at < 0) return { family: key, k: null };
  const k = Number(key.slice(at + 1));
  return { family: key.slice(0, at), k: Number.isFinite(k) ? k : null };
}

const RATING_METRICS = new Set(['rmse', 'mae']);

/**
 * Display order: families in the order the config first names them (then hr, ndcg, ...,
 * auc for the rest), each family's cut-offs ascending.
 */
export function orderMetrics(keys: Iterable<string>, configMetrics: readonly string[]): string[] {
  const families: string[] = [];
  for (const m of configMetrics) {
    const f = parseMetric(m).family;
    if (!RATING_METRICS.has(f) && !families.includes(f)) families.push(f);
  }
  for (const f of [...RANKING_METRIC_NAMES, 'auc']) if (!families.includes(f)) families.push(f);
  const rank = (key: string) => {
    const { family, k } = parseMetric(key);
    const i = families.indexOf(family);
    return [i < 0 ? families.length : i, k ?? 0] as const;
  };
  return [...new Set(keys)].sort((x, y) => {
    const [fx, kx] = rank(x);
    const [fy, ky] = rank(y);
    return fx - fy || kx - ky || x.localeCompare(y);
  });
}

/** The first ranking metric of evaluate.metrics that has per-user values; else the first per-user metric. */
export function primaryMetric(configMetrics: readonly string[], perUserMetrics: readonly string[]): string | undefined {
  return configMetrics.find((m) => perUserMetrics.includes(m)) ?? perUserMetrics[0];
}

/**
 * Aligns per-user tables of several models by (fold, user): the union of rows, sorted,
 * NaN where a model has no value (core's tests drop such pairs). Result columns are
 * indexed like `keys`.
 */
export function alignRankingTables(tables: Record<string, RankingTable>, metric: string): { keys: string[]; values: Record<string, Float64Array> } {
  const rowKey = (fold: number, user: number) => `${fold}:${user}`;
  const all = new Map<string, [number, number]>();
  for (const t of Object.values(tables)) {
    t.user.forEach((u, j) => {
      const f = t.fold?.[j] ?? 0;
      all.set(rowKey(f, u), [f, u]);
    });
  }
  const keys = [...all.entries()].sort((x, y) => x[1][0] - y[1][0] || x[1][1] - y[1][1]).map(([k]) => k);
  const index = new Map(keys.map((k, j) => [k, j]));
  const values: Record<string, Float64Array> = {};
  for (const [model, t] of Object.entries(tables)) {
    const out = new Float64Array(keys.length).fill(Number.NaN);
    const col = t.values[metric];
    if (col) t.user.forEach((u, j) => (out[index.get(rowKey(t.fold?.[j] ?? 0, u)) as number] = col[j] as number));
    values[model] = out;
  }
  return { keys, values };
}

function interval(b: BootstrapInterval): Interval {
  return { estimate: finiteOrNull(b.estimate), lower: finiteOrNull(b.lower), upper: finiteOrNull(b.upper), n: b.n };
}

/**
 * "neumf > mf, p = 0.003" when the paired t-test is significant, else "ncf ≈ widedeep, p = 0.41";
 * the model with the higher mean is named first either way.
 */
export function verdictOf(c: ModelComparison): { winner: string | null; verdict: string } {
  const [higher, lower] = c.diff < 0 ? [c.b, c.a] : [c.a, c.b];
  if (Number.isNaN(c.tPAdjusted)) {
    return { winner: null, verdict: c.n < 2 ? `${c.a} vs ${c.b}: too few users to test` : `${c.a} = ${c.b}: identical values for every user` };
  }
  const p = pValue(c.tPAdjusted);
  if (!c.tSignificant) return { winner: null, verdict: `${higher} ≈ ${lower}, ${p}` };
  return { winner: higher, verdict: `${higher} > ${lower}, ${p}` };
}

function pair(c: ModelComparison, diffCi: Interval | null): PairComparison {
  const { winner, verdict } = verdictOf(c);
  return {
    a: c.a,
    b: c.b,
    n: c.n,
    meanA: finiteOrNull(c.meanA),
    meanB: finiteOrNull(c.meanB),
    diff: finiteOrNull(c.diff),
    t: finiteOrNull(c.t),
    tP: finiteOrNull(c.tP),
    wilcoxonP: finiteOrNull(c.wilcoxonP),
    tPAdjusted: finiteOrNull(c.tPAdjusted),
    wilcoxonPAdjusted: finiteOrNull(c.wilcoxonPAdjusted),
    tSignificant: c.tSignificant,
    wilcoxonSignificant: c.wilcoxonSignificant,
    diffCi,
    winner,
    verdict,
  };
}

export interface RankingModelInput {
  name: string;
  type: string;
  summary: RankingSummary;
  /** ranking.arrow; null when absent. */
  table: RankingTable | null;
}

export interface RankingOptions {
  /** Bootstrap CIs and significance tests (seconds on large data); the index page needs means only. Default true. */
  statistics?: boolean;
}

/** Significance settings of a config, with the schema's defaults for older resolved configs. */
export function significanceSettings(config: ExperimentConfig): { alpha: number; correction: 'none' | 'holm'; resamples: number } {
  const s = config.evaluate?.significance as Partial<ExperimentConfig['evaluate']['significance']> | undefined;
  return { alpha: s?.alpha ?? 0.05, correction: s?.correction ?? 'holm', resamples: s?.resamples ?? 1000 };
}

/** Means, CIs and the significance matrices of the models that have a ranking block; undefined when none has. */
export function rankingReport(models: readonly RankingModelInput[], config: ExperimentConfig, options: RankingOptions = {}): RankingReport | undefined {
  const ranked = models.filter((m) => m.summary && typeof m.summary === 'object' && m.summary.means);
  if (ranked.length === 0) return undefined;
  const configMetrics = config.evaluate?.metrics ?? [];
  const metrics = orderMetrics(
    ranked.flatMap((m) => Object.keys(m.summary.means)),
    configMetrics,
  );
  const catalogueMetrics = orderMetrics(
    ranked.flatMap((m) => Object.keys(m.summary.catalogue ?? {})),
    configMetrics,
  );
  const primary = primaryMetric(configMetrics, metrics) ?? '';
  const { alpha, correction, resamples } = significanceSettings(config);
  const statistics = options.statistics ?? true;
  const seed = config.seed;
  const bootstrap = { seed, resamples };

  const modelRankings: ModelRanking[] = ranked.map((m) => {
    const means: ModelRanking['means'] = {};
    for (const metric of metrics) {
      const mean = m.summary.means[metric];
      const values = m.table?.values[metric];
      means[metric] = {
        mean: mean === undefined ? null : finiteOrNull(mean),
        ci: statistics && values ? interval(bootstrapMeanCI(values, bootstrap)) : null,
      };
    }
    const catalogue: Record<string, number | null> = {};
    for (const metric of catalogueMetrics) {
      const v = m.summary.catalogue?.[metric];
      catalogue[metric] = v === undefined ? null : finiteOrNull(v);
    }
    return {
      model: m.name,
      type: m.type,
      protocol: m.summary.protocol,
      users: m.summary.users,
      negatives: m.summary.negatives ?? null,
      means,
      catalogue,
      perUser: m.table !== null,
    };
  });

  const significance: MetricSignificance[] = [];
  const withTables = ranked.filter((m) => m.table !== null);
  if (statistics && withTables.length >= 2) {
    for (const metric of metrics) {
      const tables = Object.fromEntries(withTables.filter((m) => m.table?.values[metric]).map((m) => [m.name, m.table as RankingTable]));
      const names = Object.keys(tables);
      if (names.length < 2) continue;
      const { values } = alignRankingTables(tables, metric);
      const matrix = compareModels(values, { alpha, correction });
      significance.push({
        metric,
        models: names,
        pairs: matrix.pairs.map((c) =>
          pair(c, metric === primary ? interval(bootstrapPairedDiffCI(values[c.a] as Float64Array, values[c.b] as Float64Array, bootstrap)) : null),
        ),
      });
    }
  }
  return { metrics, catalogueMetrics, primary, level: 0.95, resamples, alpha, correction, seed, models: modelRankings, significance };
}

/** The primary metric's mean of a model, or null. */
export function primaryMean(report: RankingReport | undefined, model: string): number | null {
  if (!report) return null;
  return report.models.find((m) => m.model === model)?.means[report.primary]?.mean ?? null;
}
