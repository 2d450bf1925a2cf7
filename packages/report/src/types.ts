/**
 * The report's input model: everything a page shows, read from artifacts once by
 * `load.ts`, then rendered by pure functions. Keeping it plain data (no file
 * handles, no typed arrays) means the renderers are testable without a disk and
 * the page is a pure function of this object.
 */
import type { DataInfo, ErrorSummary, EvalMetrics, ExperimentConfig, TrainDetails } from '@deeprec/core';

/** One row of history.arrow (DESIGN section 3). NaN is kept as null (JSON has no NaN). */
export interface HistoryRow {
  epoch: number;
  loss: number | null;
  val_loss: number | null;
  val_rmse: number | null;
  val_mae: number | null;
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
  };
  /** Predicting the training mean for every test rating: the bar every model must clear. */
  baseline: MeanPredictor;
  /** In config order, which fixes colours and row order everywhere. */
  models: ModelReportInput[];
  /** ISO time the input was loaded; part of the input so rendering stays pure. */
  generatedAt: string;
}

/**
 * The training-mean predictor, scored like a model: per fold for k-fold (the
 * figures are then means over folds, as in metrics.json), and split into warm and
 * cold-start test ratings.
 */
export interface MeanPredictor {
  rmse: number;
  mae: number;
  coldStart: { warm: ErrorSummary; cold: ErrorSummary };
  /** k-fold only. */
  folds?: ErrorSummary[];
  rmseStd?: number;
  maeStd?: number;
}

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
