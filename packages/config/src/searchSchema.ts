/**
 * Hyper-parameter search in the experiment (issue 11): a top-level `search` section
 * with the settings every model shares (so every model gets the same budget unless
 * its own section says otherwise), and a `search` section per model with its space.
 *
 *   search: { algorithm: tpe, trials: 20, objective: val_rmse }
 *   models:
 *     mf:
 *       type: mf
 *       search:
 *         space:
 *           embeddingDim: { choice: [32, 64, 128] }
 *           l2: { loguniform: [0.001, 1] }
 *           train.optimizer.learningRate: { loguniform: [0.0001, 0.01] }
 *
 * Space keys are paths inside the model's section (train.* reaches its train
 * overrides); resolve.ts checks each against the model's schema at both ends of its
 * range. Selection reads validation figures only; the test split is evaluated once,
 * for the selected configuration.
 */
import { z } from 'zod';

export const SEARCH_ALGORITHMS = ['grid', 'random', 'tpe'] as const;

/** Validation objectives: val_rmse, val_mae, val_loss, or a ranking metric at a cut-off on the validation split (val_ndcg@10). */
export const OBJECTIVE_PATTERN = /^val_(rmse|mae|loss|(hr|ndcg|precision|recall|map|mrr)@[1-9][0-9]*)$/;

const scalar = z.union([z.number(), z.string(), z.boolean()]);
const range = z.tuple([z.number(), z.number()]).refine(([low, high]) => low < high, { message: 'expected [low, high] with low < high' });

/** One parameter's distribution, written as `{ <kind>: <arguments> }`. */
export const ParamSpecSchema = z.union([
  z.strictObject({ choice: z.array(z.union([scalar, z.array(scalar)])).min(1) }).describe('One of the listed values (lists allowed, e.g. layer widths).'),
  z.strictObject({ uniform: range }).describe('A real number drawn uniformly from [low, high].'),
  z
    .strictObject({ loguniform: range.refine(([low]) => low > 0, { message: 'expected low > 0 (log scale)' }) })
    .describe('A real number whose logarithm is uniform in [log low, log high] (learning rates, L2 weights).'),
  z
    .strictObject({ int: range.refine(([low, high]) => Number.isInteger(low) && Number.isInteger(high), { message: 'expected integer bounds' }) })
    .describe('An integer in [low, high], both included.'),
  z
    .strictObject({
      quniform: z
        .tuple([z.number(), z.number(), z.number().gt(0)])
        .refine(([low, high]) => low < high, { message: 'expected [low, high, q] with low < high' }),
    })
    .describe('round(x / q) * q for x uniform in [low, high].'),
]);

/** Keys a model's search section may set, overriding the top-level search section. */
const searchSettings = {
  algorithm: z
    .enum(SEARCH_ALGORITHMS)
    .describe('grid (every combination of choice/int/quniform values, in order), random (seeded draws), or tpe (Bergstra et al. 2011: random start-up trials, then the tree-structured Parzen estimator). Default tpe.'),
  trials: z.number().int().min(1).describe('Trials per model: the budget. Default 20, the same for every model.'),
  seconds: z
    .number()
    .gt(0)
    .describe(
      'A time budget on top of the trial budget: once the trials before it have trained this many seconds in all, a trial is skipped (recorded as such). Trials then run one after another, and which ones run depends on the machine\'s speed, so reruns on another machine may differ; changing it re-runs the trials. Default: none.',
    ),
  objective: z
    .string()
    .regex(OBJECTIVE_PATTERN, { message: 'expected val_rmse, val_mae, val_loss or a validation ranking metric such as val_ndcg@10' })
    .describe('The validation figure trials are ranked by: val_rmse, val_mae, val_loss (at the epoch early stopping chose), or a ranking metric over the validation split (val_hr@10, val_ndcg@10, ...; full ranking). Default: val_rmse for explicit data, val_ndcg@10 for implicit.'),
  direction: z.enum(['minimize', 'maximize']).describe('Default: minimize for rmse, mae and loss, maximize for ranking metrics.'),
  seeds: z.number().int().min(1).describe('The selected configuration is retrained and evaluated with this many seeds (the experiment seed first) for the mean and spread of its test metrics. Default 5.'),
};

export const SearchSchema = z.strictObject({
  algorithm: searchSettings.algorithm.default('tpe'),
  trials: searchSettings.trials.default(20),
  seconds: searchSettings.seconds.optional(),
  objective: searchSettings.objective.optional(),
  direction: searchSettings.direction.optional(),
  seeds: searchSettings.seeds.default(5),
  startupTrials: z.number().int().min(1).default(10).describe('tpe: trials drawn at random before the estimator takes over (they run in parallel). Default 10.'),
});

export const ModelSearchSchema = z.strictObject({
  space: z
    .record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/, { message: 'expected a key path inside the model section, e.g. l2 or train.optimizer.learningRate' }), ParamSpecSchema)
    .refine((space) => Object.keys(space).length > 0, { message: 'expected at least one parameter' })
    .describe('The parameters searched: key path inside this model section -> distribution.'),
  algorithm: searchSettings.algorithm.optional(),
  trials: searchSettings.trials.optional().describe('This model\'s budget, when it must differ from the top-level one (the report flags unequal budgets).'),
  seconds: searchSettings.seconds.optional(),
  objective: searchSettings.objective.optional(),
  direction: searchSettings.direction.optional(),
  seeds: searchSettings.seeds.optional(),
});

export type ParamSpecInput = z.output<typeof ParamSpecSchema>;
export type SearchConfig = z.output<typeof SearchSchema>;
export type ModelSearchConfig = z.output<typeof ModelSearchSchema>;

/** One model's search with the top-level settings filled in. */
export interface ResolvedSearch {
  space: Record<string, ParamSpecInput>;
  algorithm: (typeof SEARCH_ALGORITHMS)[number];
  trials: number;
  /** Training seconds after which the remaining trials are skipped; undefined: no time budget. */
  seconds?: number;
  objective: string;
  direction: 'minimize' | 'maximize';
  seeds: number;
  startupTrials: number;
}

/** Merges a model's search section over the top-level one, with the data-dependent defaults. */
export function resolveSearch(top: SearchConfig, model: ModelSearchConfig, feedback: 'explicit' | 'implicit'): ResolvedSearch {
  const objective = model.objective ?? top.objective ?? (feedback === 'explicit' ? 'val_rmse' : 'val_ndcg@10');
  const lowerIsBetter = /^val_(rmse|mae|loss)$/.test(objective);
  return {
    space: model.space,
    algorithm: model.algorithm ?? top.algorithm,
    trials: model.trials ?? top.trials,
    ...((model.seconds ?? top.seconds) !== undefined ? { seconds: (model.seconds ?? top.seconds) as number } : {}),
    objective,
    direction: model.direction ?? top.direction ?? (lowerIsBetter ? 'minimize' : 'maximize'),
    seeds: model.seeds ?? top.seeds,
    startupTrials: top.startupTrials,
  };
}
