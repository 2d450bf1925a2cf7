/**
 * The experiment config schema (DESIGN section 2): one zod schema, raw YAML in,
 * fully resolved values out. Every default is documented on its field, and
 * `config.schema.json` is generated from this file (see `jsonSchema.ts`).
 */
import { z } from 'zod';
import { SearchSchema } from './searchSchema';
import { ModelSchema, type ModelType } from './modelSchemas';
import type { PathBase } from './portablePaths';

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const name = (what: string, reserved: string[]) =>
  z
    .string()
    .regex(NAME_PATTERN, { message: `expected ${what}: lowercase letters, digits and '-' ([a-z0-9-]+)` })
    .refine((n) => !reserved.includes(n), { message: `expected ${what} other than ${reserved.join(' or ')} (reserved for artifact folders)` });

const positiveInt = () => z.number().int().min(1);
const fraction = () => z.number().min(0).max(1);

export const RatingScaleSchema = z
  .strictObject({
    min: z.number().default(1).describe('Lowest rating. Default 1.'),
    max: z.number().default(5).describe('Highest rating. Default 5.'),
  })
  .refine((s) => s.max > s.min, { message: 'expected max > min' });

export const SyntheticSchema = z.strictObject({
  users: positiveInt().default(500).describe('Number of users. Default 500.'),
  items: positiveInt().default(300).describe('Number of items. Default 300.'),
  ratings: positiveInt().default(3000).describe('Number of distinct (user, item) ratings. Default 3000.'),
  latentDim: positiveInt().default(4).describe('Size of the hidden user and item factors. Default 4.'),
  noise: z.number().min(0).default(0.3).describe('Standard deviation of Gaussian noise added to each rating. Default 0.3.'),
  popularity: z
    .number()
    .min(0)
    .default(0.8)
    .describe('Zipf exponent of item and user popularity when sampling pairs; 0 samples uniformly. Default 0.8.'),
  integer: z.boolean().default(true).describe('Round ratings to whole stars, as real rating data is. Default true.'),
  scale: RatingScaleSchema.prefault({}).describe('Rating scale. Default 1-5.'),
});

export const DATA_SOURCES = ['synthetic', 'movielens-100k', 'movielens-1m', 'movielens-latest', 'csv'] as const;

const columnRef = (fallback: string) =>
  z
    .union([z.string().min(1), z.number().int().min(0)])
    .default(fallback)
    .describe(`Header name, or 0-based index when there is no header. Default '${fallback}'.`);

export const CsvSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .optional()
    .describe('The CSV file, relative to data.path when that is a folder, else to the YAML file. Default: data.path itself.'),
  delimiter: z.string().min(1).default(',').describe("Field separator; '\\t' for tab, '::' for MovieLens 1M style. Default ','."),
  header: z.boolean().default(true).describe('Whether the first line names the columns. Default true.'),
  columns: z
    .strictObject({
      user: columnRef('user'),
      item: columnRef('item'),
      rating: columnRef('rating'),
      timestamp: z.union([z.string().min(1), z.number().int().min(0)]).optional().describe('Optional timestamp column (seconds).'),
    })
    .prefault({})
    .describe('Which columns hold user, item, rating and (optionally) timestamp.'),
  encoding: z
    .enum(['utf8', 'latin1'])
    .default('utf8')
    .describe(
      'Text encoding: utf8 (a byte-order mark is dropped; bytes that are not UTF-8 stop the import, naming the line) or latin1 (ISO-8859-1, one character per byte; also reads Windows-1252 exports, whose bytes 0x80-0x9F such as the euro sign come out as control characters, ids still distinct). Default utf8.',
    ),
  invalidRows: z
    .enum(['error', 'skip'])
    .default('error')
    .describe(
      'A malformed row (wrong number of fields, empty user or item id, rating or timestamp that is not a number, rating outside data.scale): error stops at the first, naming its line; skip leaves it out and lists it under details.invalidRows of the data manifest. Default error.',
    ),
  maxInvalidShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.01)
    .describe(
      'invalidRows: skip only: the largest share (0-1) of a file\'s rows that may be malformed; more stops the import, naming the count, since so many usually mean a wrong delimiter, column or encoding rather than a few bad rows. Default 0.01 (1%).',
    ),
});

export const DUPLICATE_POLICIES = ['error', 'last', 'mean'] as const;

export const DataSchema = z.strictObject({
  source: z.enum(DATA_SOURCES).default('synthetic').describe('Where ratings come from. Default synthetic.'),
  path: z.string().min(1).optional().describe('File or folder of the data, relative to the YAML file (or absolute).'),
  synthetic: SyntheticSchema.prefault({}).describe('Knobs of the synthetic generator (source: synthetic).'),
  csv: CsvSchema.prefault({}).describe('Layout of a CSV file (source: csv).'),
  scale: RatingScaleSchema.optional().describe('Rating scale; ratings outside it are an error. Default: the lowest and highest rating in the data.'),
  duplicates: z
    .enum(DUPLICATE_POLICIES)
    .default('error')
    .describe('What to do with repeated (user, item) pairs: error, keep the last, or average them. Default error.'),
  features: z.boolean().default(true).describe('Import user and item side features when the source has them. Default true.'),
  feedback: z
    .enum(['explicit', 'implicit'])
    .default('explicit')
    .describe('explicit: predict ratings; implicit: ratings become interactions (rating 1) and models rank items (He et al. 2017). Default explicit.'),
  threshold: z
    .number()
    .optional()
    .describe('implicit only: keep ratings at or above this value as interactions, drop the rest. Default: every rating is an interaction.'),
});

export const SPLIT_METHODS = ['random', 'user-stratified', 'temporal', 'leave-one-out', 'predefined', 'k-fold'] as const;

export const SplitSchema = z.strictObject({
  method: z.enum(SPLIT_METHODS).default('random').describe('How ratings are split into train and test. Default random.'),
  test: z
    .union([z.number().gt(0).lt(1), z.string().min(1)])
    .default(0.2)
    .describe('Test fraction (0-1), or for predefined the test file inside data.path. Default 0.2.'),
  train: z.string().min(1).optional().describe('predefined only: the training file inside data.path.'),
  valid: z
    .number()
    .min(0)
    .lt(1)
    .default(0.1)
    .describe('Fraction of the training ratings held out for validation and early stopping. Default 0.1.'),
  cutoff: z
    .enum(['global', 'user'])
    .default('global')
    .describe("temporal only: one global time cut-off, or each user's latest ratings. Default global."),
  folds: z.number().int().min(2).default(5).describe('k-fold only: number of folds; every fold is trained and evaluated. Default 5.'),
  negatives: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe(
      'Sampled ranking evaluation: negatives drawn per test positive from items the user never interacted with, written once by datagen (data/negatives.arrow) so every model and rerun sees the same ones. 0: none (full ranking). Default 0.',
    ),
});

export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
export const OptimizerSchema = z.strictObject({
  name: z.enum(OPTIMIZERS).default('adam').describe('adam, sgd (with momentum) or rmsprop. Default adam.'),
  learningRate: z.number().gt(0).default(0.001).describe('Initial learning rate. Default 0.001.'),
  momentum: fraction().default(0.9).describe('sgd momentum. Default 0.9.'),
  rho: fraction().default(0.9).describe('rmsprop decay of the running mean of squared gradients. Default 0.9.'),
  beta1: fraction().default(0.9).describe('Adam first-moment decay. Default 0.9.'),
  beta2: fraction().default(0.999).describe('Adam second-moment decay. Default 0.999.'),
  epsilon: z.number().gt(0).default(1e-7).describe('Numerical stabiliser of adam and rmsprop. Default 1e-7.'),
  lazy: z
    .boolean()
    .default(true)
    .describe(
      'adam with the fused engine: update only the embedding rows in each batch (lazy Adam, as TensorFlow\'s LazyAdamOptimizer); false: every row every step (dense Adam, identical to tf.train.adam). Default true.',
    ),
});

export const LR_SCHEDULES = ['none', 'plateau', 'exponential'] as const;
export const LrScheduleSchema = z.strictObject({
  type: z.enum(LR_SCHEDULES).default('plateau').describe('none, plateau (reduce on plateau) or exponential. Default plateau.'),
  factor: z.number().gt(0).lt(1).default(0.5).describe('plateau: multiply the rate by this when the monitor stalls. Default 0.5.'),
  patience: z.number().int().min(0).default(2).describe('plateau: epochs without improvement before reducing. Default 2.'),
  decayRate: z.number().gt(0).max(1).default(0.95).describe('exponential: rate multiplier per epoch. Default 0.95.'),
  minLearningRate: z.number().min(0).default(1e-6).describe('Floor for any schedule. Default 1e-6.'),
});

export const MONITORS = ['val_rmse', 'val_mae', 'val_loss'] as const;
/** A validation ranking metric early stopping can watch (implicit data): val_hr@K or val_ndcg@K. */
export const RANKING_MONITOR_PATTERN = /^val_(hr|ndcg)@([1-9][0-9]{0,2})$/;
export const EarlyStoppingSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Stop when the monitor stops improving. Default true.'),
  monitor: z
    .union([z.enum(MONITORS), z.string().regex(RANKING_MONITOR_PATTERN, { message: 'expected val_rmse, val_mae, val_loss, or val_hr@K / val_ndcg@K (K from 1 to 999)' })])
    .default('val_rmse')
    .describe(
      'Validation metric watched by early stopping and plateau: val_rmse, val_mae or val_loss (lower is better), or for implicit data val_hr@K or val_ndcg@K (higher is better: each validation positive ranked among `rankingNegatives` sampled items, as the sampled evaluation protocol ranks; RecBole\'s valid_metric). Default val_rmse.',
    ),
  rankingNegatives: positiveInt()
    .default(99)
    .describe('val_hr@K and val_ndcg@K: items sampled (seeded, the same every epoch) from those the user has no training or validation interaction with, to rank each validation positive among. Default 99.'),
  patience: z.number().int().min(0).default(5).describe('Epochs without improvement before stopping. Default 5.'),
  minDelta: z.number().min(0).default(0).describe('Smallest decrease that counts as an improvement. Default 0.'),
  restoreBest: z.boolean().default(true).describe('Restore the weights of the best epoch when done. Default true.'),
});

export const TrainSchema = z.strictObject({
  epochs: positiveInt().default(40).describe('Maximum number of epochs. Default 40.'),
  batchSize: positiveInt().default(256).describe('Ratings per training step. Default 256.'),
  optimizer: OptimizerSchema.prefault({}).describe('Optimizer and its hyper-parameters.'),
  lrSchedule: LrScheduleSchema.prefault({}).describe('Learning-rate schedule, applied after each epoch.'),
  earlyStopping: EarlyStoppingSchema.prefault({}).describe('Early stopping on a validation metric.'),
  loss: z
    .enum(['auto', 'mse', 'bce', 'bpr'])
    .default('auto')
    .describe('auto: mse for explicit data, bce for implicit; bpr (pairwise, Rendle et al. 2009) needs implicit data. Default auto.'),
  negatives: z
    .strictObject({
      perPositive: positiveInt().default(4).describe('Negatives sampled per positive each epoch. Default 4.'),
      sampling: z.enum(['uniform', 'popularity']).default('uniform').describe('uniform over items, or proportional to item popularity. Default uniform.'),
    })
    .prefault({})
    .describe('implicit only: training negatives, drawn afresh each epoch from items the user has not interacted with (seeded).'),
  engine: z
    .enum(['auto', 'fused', 'tfjs', 'kernels'])
    .default('auto')
    .describe(
      "auto: fused on the wasm and cpu backends (tables in host memory), tfjs on the native tensorflow backend (tables stay on the device); fused: one gradient pass with embedding rows gathered in place and one Adam update of every variable (adam only; others use tfjs; on tensorflow it copies every table to the host and back each step); tfjs: tf.Optimizer.minimize; kernels: each batch as a few calls into compiled SIMD code (WebAssembly) holding the weights and Adam state, copied into the model once an epoch (adam; ncf, widedeep, neumf and mf without side features and with ReLU towers; mse or bce; anything else falls back to fused, logged). Default auto.",
    ),
  refit: z
    .boolean()
    .default(false)
    .describe(
      'After early stopping has chosen the number of epochs on the validation split, train a fresh model on train + valid for that many epochs, replaying the learning rates; the refit model is the one saved. Default false.',
    ),
});

export const RATING_METRICS = ['rmse', 'mae'] as const;
/** Ranking metrics take a cut-off: hr@10, ndcg@5, ...; auc takes none. */
export const RANKING_METRIC_NAMES = ['hr', 'ndcg', 'precision', 'recall', 'map', 'mrr', 'coverage', 'novelty'] as const;
export const METRIC_PATTERN = new RegExp(`^(rmse|mae|auc|(${RANKING_METRIC_NAMES.join('|')})@[1-9][0-9]*)$`);

export const ExperimentSchema = z.strictObject({
  name: name('an experiment name', ['report']).describe('Experiment name: artifacts/<name>/. Required.'),
  seed: z.number().int().min(0).default(42).describe('Seed of every random choice: data, split, initialisers, shuffling, dropout. Default 42.'),
  data: DataSchema.prefault({}).describe('Where the ratings come from.'),
  split: SplitSchema.prefault({}).describe('How the ratings are split.'),
  train: TrainSchema.prefault({}).describe('Training defaults for every model.'),
  search: SearchSchema.prefault({}).describe('Search settings shared by every model with a search section: the same algorithm, budget and objective for each unless a model says otherwise.'),
  models: z
    .record(name('a model name', ['data', 'report']), ModelSchema)
    .refine((m) => Object.keys(m).length > 0, { message: 'expected at least one model' })
    .describe('Models to train: key = model name (artifact folder), type = architecture.'),
  evaluate: z
    .strictObject({
      metrics: z
        .array(z.string().regex(METRIC_PATTERN, { message: `expected rmse, mae, auc or a ranking metric at a cut-off such as hr@10 (${RANKING_METRIC_NAMES.join(', ')})` }))
        .min(1)
        .default(['rmse', 'mae'])
        .describe('Metrics: rmse, mae (explicit data), auc, and ranking metrics at a cut-off: hr@K, ndcg@K, precision@K, recall@K, map@K, mrr@K, coverage@K, novelty@K. Default [rmse, mae].'),
      protocol: z
        .enum(['auto', 'full', 'sampled'])
        .default('auto')
        .describe('Ranking protocol: full (all items but the user\'s training items) or sampled (each test positive among split.negatives sampled negatives); auto: sampled when datagen wrote negatives. Default auto.'),
      relevance: z
        .number()
        .optional()
        .describe('Explicit data: test ratings at or above this count as relevant for ranking metrics. Default: every test rating.'),
      significance: z
        .strictObject({
          alpha: z.number().gt(0).lt(1).default(0.05).describe('Significance level. Default 0.05.'),
          correction: z.enum(['none', 'holm']).default('holm').describe('Multiple-comparison correction across model pairs. Default holm.'),
          resamples: positiveInt().default(1000).describe('Bootstrap resamples for confidence intervals. Default 1000.'),
        })
        .prefault({})
        .describe('Paired tests between models on per-user metric values (report).'),
    })
    .prefault({})
    .describe('What evaluate computes.'),
  report: z
    .strictObject({
      title: z.string().optional().describe('Report title. Default: the experiment name.'),
      sampleUsers: z.number().int().min(0).max(20).default(3).describe('Users whose recommendations the report shows next to what they rated (0 to 20: evaluate stores the first 20 users of a seeded draw in eval/<model>/samples.arrow). Default 3.'),
      tryIt: z
        .strictObject({
          model: z
            .string()
            .optional()
            .describe('The network the "Try it" panel runs in the page. Default: the best network model by the page\'s main metric (test RMSE, or the primary ranking metric on implicit data).'),
          maxBytes: z
            .number()
            .int()
            .min(0)
            .default(8_000_000)
            .describe('Largest saved network (model.json + weights, before base64) the page inlines; above it the panel is left out with a note (0 leaves it out always). Default 8000000.'),
        })
        .prefault({})
        .describe('The "Try it" panel: top-10 recommendations computed live in the page by a saved network, weights inlined.'),
    })
    .prefault({})
    .describe('Report options.'),
});

/** What a YAML file may contain. */
export type RawExperimentConfig = z.input<typeof ExperimentSchema>;
export type ParsedExperimentConfig = z.output<typeof ExperimentSchema>;
export type TrainConfig = z.output<typeof TrainSchema>;
export type DataConfig = z.output<typeof DataSchema>;
export type SplitConfig = z.output<typeof SplitSchema>;
export type SyntheticConfig = z.output<typeof SyntheticSchema>;
export type CsvConfig = z.output<typeof CsvSchema>;
export type ModelSection = z.output<typeof ModelSchema>;
export type ModelSectionOf<T extends ModelType> = Extract<ModelSection, { type: T }>;

/** A model section with its own train settings merged in. */
export type ResolvedModelConfig<T extends ModelType = ModelType> = Omit<ModelSectionOf<T>, 'train'> & {
  name: string;
  train: TrainConfig;
};

/**
 * The fully resolved experiment: defaults filled, paths absolute (for reading files),
 * per-model train merged. Artifacts show and hash portableConfig(config) instead:
 * no absolute path of this machine (portablePaths.ts).
 */
export interface ExperimentConfig extends Omit<ParsedExperimentConfig, 'models'> {
  /** Absolute path of the YAML file it came from. */
  configPath: string;
  /** The workspace root and the absolute paths the config gave: how artifacts show paths. */
  paths: PathBase;
  models: Record<string, ResolvedModelConfig>;
}
