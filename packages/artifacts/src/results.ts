/**
 * The JSON results stages hand to each other: metrics.json (evaluate -> report) and the
 * train manifest's details (train -> evaluate, report). One zod schema each; the types
 * are derived from them, and readMetrics/writeMetrics are the only way to the file.
 */
import { z } from 'zod';
import { count, measure, readJsonArtifact, writeJsonArtifact } from './jsonArtifact';

/** RMSE and MAE over `count` test ratings (NaN when there are none, or on implicit data). */
export const ErrorSummarySchema = z.object({ rmse: measure, mae: measure, count });
export type ErrorSummary = z.output<typeof ErrorSummarySchema>;

/**
 * Rating errors of a predictor over the test ratings of every fold, computed by
 * @deeprec/metrics' ratingErrors: a model's (the top level of metrics.json) and the
 * training mean's (metrics.json `meanBaseline`) have the same shape and definition.
 */
export const RatingErrorsSchema = z.object({
  /** Single split: over the test ratings. k-fold: the mean of the fold values in `folds`. */
  rmse: measure,
  mae: measure,
  /** Test ratings scored (of every fold). */
  count,
  /** Test ratings split by whether user and item were seen in training (pooled over folds). */
  coldStart: z.object({ warm: ErrorSummarySchema, cold: ErrorSummarySchema }),
  /** k-fold only: each fold's figures. */
  folds: z.array(ErrorSummarySchema).optional(),
  /** k-fold only: sample standard deviation (n - 1) of the fold RMSEs and MAEs. */
  rmseStd: measure.optional(),
  maeStd: measure.optional(),
});
export type RatingErrors = z.output<typeof RatingErrorsSchema>;

export const RankingSummarySchema = z.object({
  protocol: z.enum(['full', 'sampled']),
  /** Users with at least one relevant test item (the others are skipped). */
  users: count,
  /** Sampled protocol: negatives per test positive. */
  negatives: count.optional(),
  /** Mean over users of each per-user metric, e.g. { 'hr@10': 0.68, 'ndcg@10': 0.41, auc: 0.9 }. */
  means: z.record(z.string(), measure),
  /** Catalogue-level metrics of the full protocol: coverage@K, novelty@K. */
  catalogue: z.record(z.string(), measure).optional(),
});
export type RankingSummary = z.output<typeof RankingSummarySchema>;

/** metrics.json (DESIGN section 3); evaluate writes it, report reads it. */
export const EvalMetricsSchema = RatingErrorsSchema.extend({
  experiment: z.string(),
  model: z.string(),
  type: z.string(),
  /** Trainable parameters. */
  params: count,
  /** Time in the training loop alone: no start-up, no validation. */
  trainSeconds: z.number(),
  /** Training examples processed / trainSeconds. */
  trainSamplesPerSecond: z.number(),
  /** Epochs actually run (early stopping may end sooner). */
  epochs: count,
  /** Epoch whose weights were kept (restoreBest). */
  bestEpoch: count,
  backend: z.string(),
  /**
   * Predicting each fold's training mean for every test rating, scored exactly like the
   * model above (k-fold: rmse and mae are the mean of the fold values, like the model's).
   */
  meanBaseline: RatingErrorsSchema,
  /** Ranking metrics, when evaluate.metrics asks for any (per-user values in ranking.arrow). */
  ranking: RankingSummarySchema.optional(),
});
export type EvalMetrics = z.output<typeof EvalMetricsSchema>;

/** What train records in models/<model>/manifest.json `details`. */
export const TrainDetailsSchema = z.object({
  type: z.string(),
  params: count,
  /** Dense/embedding layers of the network, for the architecture chart. */
  layers: count,
  trainSeconds: z.number(),
  trainSamples: count,
  trainSamplesPerSecond: z.number(),
  epochs: count,
  bestEpoch: count,
  stoppedEarly: z.boolean(),
  /**
   * The history.arrow column early stopping watched (bestEpoch is its best): the
   * configured monitor, val_loss for implicit data (which has no val_rmse or val_mae),
   * val_rank for a ranking monitor (rankingMonitor names it), loss without validation
   * data. Manifests written before it lack it.
   */
  monitor: z.enum(['val_rmse', 'val_mae', 'val_loss', 'val_rank', 'loss']).optional(),
  /** With monitor val_rank: the validation ranking metric it holds, as configured (val_hr@10, val_ndcg@10). */
  rankingMonitor: z.string().regex(/^val_(hr|ndcg)@[1-9][0-9]*$/).optional(),
  /** The resolved model section, including its train settings. */
  modelConfig: z.unknown(),
  /** The loss trained with (train.loss resolved against the data's feedback). */
  loss: z.string().optional(),
  /** The training engine used (train.engine resolved against the backend), the tfjs overrides in force, and the kernel engine's build (fma or simd). */
  engine: z
    .object({ name: z.enum(['fused', 'tfjs', 'kernels']), requested: z.enum(['auto', 'fused', 'tfjs', 'kernels']), tfjsOverrides: z.array(z.string()), kernelBuild: z.enum(['fma', 'simd']).optional() })
    .optional(),
  /** A searched model: the extra seeds its selected configuration was also trained with (models/<m>/seeds/seed-<s>/). */
  seeds: z.array(z.number().int()).optional(),
  /** k-fold only: each fold's run; the figures above are sums (time, samples) or the first fold's (epochs). */
  folds: z.array(z.object({ epochs: count, bestEpoch: count, trainSeconds: z.number(), stoppedEarly: z.boolean() })).optional(),
});
export type TrainDetails = z.output<typeof TrainDetailsSchema>;

export function readMetrics(file: string): EvalMetrics {
  return readJsonArtifact(EvalMetricsSchema, file, 'metrics.json');
}

export function writeMetrics(file: string, metrics: EvalMetrics): void {
  writeJsonArtifact(EvalMetricsSchema, file, 'metrics.json', metrics);
}

/**
 * eval/<model>/seeds.json: a searched model's selected configuration scored on test with
 * every seed it was trained with (the experiment seed first), and the mean and sample
 * standard deviation of each figure over them.
 */
export const SeedRunsSchema = z.strictObject({
  experiment: z.string(),
  model: z.string(),
  runs: z.array(z.strictObject({ seed: z.number().int(), rmse: measure, mae: measure, ranking: z.record(z.string(), measure).optional() })),
  /** Per figure (rmse, mae, ranking keys such as ndcg@10): mean, sd (n - 1) and the number of runs. */
  summary: z.record(z.string(), z.strictObject({ mean: measure, sd: measure, n: count })),
});
export type SeedRuns = z.output<typeof SeedRunsSchema>;

export function readSeedRuns(file: string): SeedRuns {
  return readJsonArtifact(SeedRunsSchema, file, 'seeds.json');
}

export function writeSeedRuns(file: string, runs: SeedRuns): void {
  writeJsonArtifact(SeedRunsSchema, file, 'seeds.json', runs);
}
