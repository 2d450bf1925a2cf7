/** The JSON results stages hand to each other: metrics.json and the train manifest details. */

/** metrics.json (DESIGN section 3); evaluate writes it, report reads it. */
export interface EvalMetrics {
  experiment: string;
  model: string;
  type: string;
  rmse: number;
  mae: number;
  /** Test ratings scored. */
  count: number;
  /** Trainable parameters. */
  params: number;
  /** Time in the training loop alone: no start-up, no validation. */
  trainSeconds: number;
  /** Training examples processed / trainSeconds. */
  trainSamplesPerSecond: number;
  /** Epochs actually run (early stopping may end sooner). */
  epochs: number;
  /** Epoch whose weights were kept (restoreBest). */
  bestEpoch: number;
  backend: string;
  /** RMSE and MAE of predicting the training mean for every test rating. */
  meanBaseline: { rmse: number; mae: number };
  /** Test ratings split by whether user and item were seen in training. */
  coldStart: { warm: ErrorSummary; cold: ErrorSummary };
  /** Ranking metrics, when evaluate.metrics asks for any (per-user values in ranking.arrow). */
  ranking?: RankingSummary;
  /** k-fold only: each fold's figures; rmse and mae above are their means. */
  folds?: ErrorSummary[];
  /** k-fold only: standard deviation of the fold RMSEs and MAEs. */
  rmseStd?: number;
  maeStd?: number;
}

export interface RankingSummary {
  protocol: 'full' | 'sampled';
  /** Users with at least one relevant test item (the others are skipped). */
  users: number;
  /** Sampled protocol: negatives per test positive. */
  negatives?: number;
  /** Mean over users of each per-user metric, e.g. { 'hr@10': 0.68, 'ndcg@10': 0.41, auc: 0.9 }. */
  means: Record<string, number>;
  /** Catalogue-level metrics of the full protocol: coverage@K, novelty@K. */
  catalogue?: Record<string, number>;
}

export interface ErrorSummary {
  rmse: number;
  mae: number;
  count: number;
}

/** What train records in models/<model>/manifest.json `details`. */
export interface TrainDetails {
  type: string;
  params: number;
  /** Dense/embedding layers of the network, for the architecture chart. */
  layers: number;
  trainSeconds: number;
  trainSamples: number;
  trainSamplesPerSecond: number;
  epochs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  /** The resolved model section, including its train settings. */
  modelConfig: unknown;
  /** k-fold only: each fold's run; the figures above are sums (time, samples) or the first fold's (epochs). */
  folds?: Array<{ epochs: number; bestEpoch: number; trainSeconds: number; stoppedEarly: boolean }>;
}
