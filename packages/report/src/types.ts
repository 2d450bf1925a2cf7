/**
 * The report's input model: everything a page shows, read from artifacts once by
 * `load.ts`, then rendered by pure functions. Keeping it plain data (no file
 * handles, no typed arrays) means the renderers are testable without a disk and
 * the page is a pure function of this object.
 */
import type { DataInfo, EvalMetrics, ManifestOf, RatingErrors, SeedRuns, SelectedRecord, TrainDetails } from '@deeprec/artifacts';
import type { ExperimentConfig } from '@deeprec/config';

/** One row of history.arrow (DESIGN section 3). NaN is kept as null (JSON has no NaN). */
export interface HistoryRow {
  epoch: number;
  loss: number | null;
  val_loss: number | null;
  val_rmse: number | null;
  val_mae: number | null;
  /** A ranking monitor's validation metric (train manifest details.rankingMonitor names it); null otherwise. */
  val_rank: number | null;
  lr: number | null;
  seconds: number | null;
  /** k-fold only: the fold (1-based) the row belongs to; null for a single split. */
  fold: number | null;
}

/**
 * A histogram over rating values. Bins are centred on the values a rating can take
 * (whole stars, half stars, or quarter steps for continuous ratings), so "actual 3"
 * and "predicted rounds to 3" land in the same bar.
 */
export interface Histogram {
  /** Bin width; bins are [centre - step/2, centre + step/2). */
  step: number;
  /** One entry per bin centre, lowest first, empty bins included. */
  bins: Array<{ centre: number; count: number }>;
  /** Values counted (outliers are clamped into the end bins, never dropped). */
  total: number;
}

/** One cell of the predicted-vs-actual 2-D histogram of all test predictions. */
export interface HeatCell {
  /** Centre of the actual-rating bin (same bins as Histogram). */
  actual: number;
  /** Predicted-rating bin [predictedStart, predictedEnd). */
  predictedStart: number;
  predictedEnd: number;
  count: number;
  /** count / number of test ratings with this actual value: reads as P(predicted bin | actual). */
  share: number;
}

/** What produced one artifact folder, from its manifest.json. */
export interface StageProvenance {
  stage: string;
  model?: string;
  createdAt: string;
  wallSeconds: number;
  seed: number;
  backend?: string;
  configHash: string;
  versions: Record<string, string>;
}

/** Everything the report shows about one model. */
export interface ModelReportInput {
  name: string;
  type: string;
  metrics: EvalMetrics;
  train: TrainDetails;
  history: HistoryRow[];
  predictions: {
    /** Test ratings scored (rows of predictions.arrow). */
    count: number;
    /** Actual ratings of the scored rows. */
    actual: Histogram;
    /** Predictions, binned like `actual`. */
    predicted: Histogram;
    /** 2-D histogram over all rows: exact counts, however large the test set. */
    heatmap: HeatCell[];
    /** Predicted-bin width of the heatmap. */
    heatStep: number;
    /** Folds whose test predictions are pooled here (1 for a single split). */
    folds: number;
  };
  /** Train manifest, then the evaluate manifest when evaluate wrote one. */
  provenance: StageProvenance[];
  /** The model's hyper-parameter search (search/<model>/selected/selected.json), when it had one. */
  search?: SelectedRecord;
  /** Test figures of the selected configuration over several seeds (eval/<model>/seeds.json). */
  seeds?: SeedRuns;
}

/** A bootstrap interval, plain (null for what JSON cannot carry: NaN, infinities). */
export interface Interval {
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  /** Values (or pairs) used. */
  n: number;
}

/** One model's ranking figures (metrics.json `ranking`, plus CIs from ranking.arrow). */
export interface ModelRanking {
  model: string;
  type: string;
  protocol: 'full' | 'sampled';
  /** Users evaluated. */
  users: number;
  negatives: number | null;
  /** Per-user metrics in `RankingReport.metrics` order: metrics.json's mean and the bootstrap CI over ranking.arrow. */
  means: Record<string, { mean: number | null; ci: Interval | null }>;
  /** Catalogue metrics (coverage@K, novelty@K): one value, no per-user spread. */
  catalogue: Record<string, number | null>;
  /** False when ranking.arrow is absent: means without CIs, left out of the significance tests. */
  perUser: boolean;
}

/** One pair of the significance matrix (core's compareModels, plus a bootstrap CI of the difference). */
export interface PairComparison {
  a: string;
  b: string;
  /** Users (or user x fold rows) where both values are defined. */
  n: number;
  meanA: number | null;
  meanB: number | null;
  /** meanA - meanB. */
  diff: number | null;
  t: number | null;
  tP: number | null;
  wilcoxonP: number | null;
  /** Holm-adjusted when the config says so, else the raw p-values. */
  tPAdjusted: number | null;
  wilcoxonPAdjusted: number | null;
  tSignificant: boolean;
  wilcoxonSignificant: boolean;
  /** Bootstrap CI of the paired mean difference; computed for the primary metric only (null elsewhere). */
  diffCi: Interval | null;
  /** The better model when the paired t-test is significant, else null. */
  winner: string | null;
  /** "neumf > mf, p = 0.003" or "ncf ≈ widedeep, p = 0.41". */
  verdict: string;
}

export interface MetricSignificance {
  metric: string;
  /** Models compared (those with per-user values), config order. */
  models: string[];
  /** Every pair (models[i], models[j]), i < j. */
  pairs: PairComparison[];
}

/** The top-K side of the report, present when any model's metrics.json has `ranking`. */
export interface RankingReport {
  /** Per-user metrics (those in ranking.means), config order first, then by name and K. */
  metrics: string[];
  /** Catalogue metrics (ranking.catalogue). */
  catalogueMetrics: string[];
  /** The first ranking metric of evaluate.metrics with per-user values: what verdicts and "best" use. */
  primary: string;
  /** Bootstrap and test settings (config.evaluate.significance, experiment seed). */
  level: number;
  resamples: number;
  alpha: number;
  correction: 'none' | 'holm';
  seed: number;
  /** Models with a ranking block, config order. */
  models: ModelRanking[];
  /** One matrix per per-user metric (metrics order), over the models with ranking.arrow; empty with fewer than two. */
  significance: MetricSignificance[];
}

/** One recommended item of a sample user's list. */
export interface RecommendedItem {
  item: number;
  label: string;
  score: number | null;
  /** A test item of the user. */
  hit: boolean;
}

/** A user of the sample-recommendations section. */
export interface SampleUser {
  user: number;
  /** Raw id (users.arrow). */
  id: string;
  /** Training (and validation) interactions, and how many the page lists. */
  trainCount: number;
  /** The best-rated training items first (implicit: latest first when there are timestamps). */
  rated: Array<{ item: number; label: string; rating: number }>;
  /** Test items and their ratings; `relevant` ones are hits (all, unless evaluate.relevance sets a floor on explicit data). */
  test: Array<{ item: number; label: string; rating: number; relevant: boolean }>;
  /** Top-10 per model as evaluate scored it, config order; models without samples.arrow are absent. */
  lists: Array<{ model: string; items: RecommendedItem[] }>;
}

export interface SampleRecommendations {
  k: number;
  /** k-fold: the fold whose data and networks evaluate used (1-based); 1 otherwise. */
  fold: number;
  users: SampleUser[];
  /** Models left out, with why ("eval/x/samples.arrow is missing"). */
  skipped: Array<{ model: string; reason: string }>;
}

export interface ExperimentReportInput {
  experiment: string;
  title: string;
  /** The resolved config, shown verbatim in the provenance section. */
  config: ExperimentConfig;
  data: {
    info: DataInfo;
    /** Rating distribution of the train and test splits (fold 1 for k-fold). */
    train: Histogram;
    test: Histogram;
    /** Item popularity in the training split (fold 1 for k-fold). */
    longTail: LongTail;
    provenance: StageProvenance;
    /** data.csv.invalidRows: skip: the malformed rows datagen left out (data manifest details.invalidRows). */
    invalidRows?: NonNullable<ManifestOf<'datagen'>['details']['invalidRows']>;
  };
  /** Predicting the training mean for every test rating: the bar every model must clear. */
  baseline: MeanPredictor;
  /** In config order, which fixes colours and row order everywhere. */
  models: ModelReportInput[];
  /** ISO time the input was loaded; part of the input so rendering stays pure. */
  generatedAt: string;
  /** Implicit feedback (data.feedback): no rating error; the page compares models on ranking metrics. */
  implicit: boolean;
  /** Top-K metrics, CIs and significance; absent when no metrics.json has `ranking`. */
  ranking?: RankingReport;
  /** Sample users' top-10 lists (eval/<model>/samples.arrow); absent without ranking metrics or with report.sampleUsers 0. */
  recommendations?: SampleRecommendations;
  /** The "Try it" panel (report.tryIt); absent on the index page. */
  tryIt?: TryItInput;
}

/** The "Try it" panel: a saved network inlined into the page, or a note saying why it is left out. */
export interface TryItInput {
  /** The network the panel runs (or would run). */
  model?: string;
  /** Why this model: "the best network model by test RMSE" or "report.tryIt.model". */
  reason: string;
  /** model.json + weights bytes before base64. */
  bytes?: number;
  /** What #try-it-data holds (@deeprec/webmodel's TryItPayload); absent when the panel is left out. */
  payload?: object;
  /** Why the panel is left out. */
  note?: string;
}

/**
 * The training-mean predictor, scored like a model: metrics.json `meanBaseline`, which
 * evaluate computes with @deeprec/metrics' meanBaseline (k-fold: mean of the fold
 * figures, like the models'). The report shows it as read.
 */
export type MeanPredictor = RatingErrors;

/** One point of the popularity curve: the item at `rank` (1 = most rated). */
export interface LongTailPoint {
  rank: number;
  /** Training ratings of that item. */
  count: number;
  /** rank / items. */
  itemShare: number;
  /** Share of all training ratings held by the items of rank 1..rank. */
  ratingShare: number;
}

/** How training ratings spread over items: the classic long-tail curve. */
export interface LongTail {
  items: number;
  ratings: number;
  /** Items with no training rating (cold items, if the test set has any). */
  unrated: number;
  /** Ranks 1..items, thinned to a few hundred points (the head kept dense). */
  points: LongTailPoint[];
  /** The short head: the fewest most-rated items that hold `ratingShare` >= half the ratings. */
  head: { items: number; itemShare: number; ratingShare: number };
  /** Share of ratings held by the top 20% of items (the Pareto reading). */
  top20: number;
  /** Gini coefficient of ratings per item: 0 = every item rated equally, 1 = one item has all. */
  gini: number;
}
