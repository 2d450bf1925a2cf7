/**
 * Config sections of the classic (non-network) models: neighbourhood, graph, linear and
 * factorisation baselines (issue 10). Their defaults are the ones the models package
 * documents next to each algorithm (packages/models/src/classic/*.ts), chosen on ML-100k
 * validation splits; keep the two in step (a test compares them).
 *
 * These models are fitted in closed form or by their own alternating/SGD sweeps, not by
 * the train section's optimizer loop: of `train`, only `refit` applies (fit on train +
 * valid once the settings are chosen).
 */
import { z } from 'zod';
import { ModelSearchSchema } from './searchSchema';

const positiveInt = () => z.number().int().min(1);
const trainOverride = z
  .record(z.string(), z.unknown())
  .optional()
  .describe('Overrides of the top-level train section for this model; classic models read only train.refit.');
const searchOverride = ModelSearchSchema.optional().describe('Hyper-parameter search over this model\'s keys (searchSchema.ts).');

const knnKeys = {
  similarity: z
    .enum(['auto', 'cosine', 'pearson', 'adjusted-cosine', 'pearson-baseline'])
    .default('auto')
    .describe(
      'Similarity between neighbours: cosine; pearson (centred on the entity mean); adjusted-cosine (centred on the other side\'s mean, Sarwar et al. 2001); pearson-baseline (centred on mu + b_u + b_i, Koren 2010). auto: cosine for implicit data, pearson-baseline for explicit ratings (the baseline-adjusted form of Surprise\'s KNNBaseline). Default auto.',
    ),
  norms: z
    .enum(['auto', 'all', 'common'])
    .default('auto')
    .describe("Vector norms over all of an entity's ratings ('all', Dacrema et al.'s ItemKNNCF) or over co-rated entries only ('common', Herlocker et al.; Surprise). auto: all for cosine, common otherwise. Default auto."),
  topK: positiveInt().default(100).describe('Neighbours kept per user or item (the similarity table is pruned to this, bounding memory). Default 100.'),
  shrink: z.number().min(0).default(10).describe('Shrinkage s * n / (n + shrink) of a similarity supported by n co-ratings (Koren 2010); 0: none. Default 10.'),
  ratingNeighbours: positiveInt()
    .default(40)
    .describe('Explicit data: k of the rating prediction, the k most similar neighbours the user (item) has rated (Surprise\'s k). Default 40.'),
  baselineEpochs: positiveInt().default(10).describe('Sweeps of the regularised baseline fit b_u, b_i (explicit data and pearson-baseline). Default 10.'),
  baselineRegUser: z.number().min(0).default(15).describe('L2 weight on the user baselines (Surprise\'s reg_u). Default 15.'),
  baselineRegItem: z.number().min(0).default(10).describe('L2 weight on the item baselines (Surprise\'s reg_i). Default 10.'),
  train: trainOverride,
  search: searchOverride,
};

export const ItemKnnSchema = z.strictObject({ type: z.literal('itemknn'), ...knnKeys });
export const UserKnnSchema = z.strictObject({ type: z.literal('userknn'), ...knnKeys });

export const Rp3betaSchema = z.strictObject({
  type: z.literal('rp3beta'),
  alpha: z.number().gt(0).default(1).describe('Exponent on the random walk\'s transition probabilities (1: plain P3). Default 1.'),
  beta: z.number().min(0).default(0.6).describe('Popularity penalty: the walk\'s arrival probability is divided by the item degree to this power (0: P3alpha). Default 0.6.'),
  topK: positiveInt().default(100).describe('Targets kept per item in the item-item table. Default 100.'),
  normalizeRows: z.boolean().default(false).describe('Divide each kept row by its sum. Default false.'),
  train: trainOverride,
  search: searchOverride,
});

export const EaseSchema = z.strictObject({
  type: z.literal('ease'),
  lambda: z.number().gt(0).default(500).describe('L2 weight on the item-item weights (Steck 2019\'s lambda). Default 500.'),
  values: z.enum(['binary', 'rating']).default('binary').describe('Matrix entries: 1 per interaction, or the rating. Default binary.'),
  maxItems: positiveInt()
    .default(20000)
    .describe('Largest catalogue EASE accepts: a fit holds dense item x item matrices (about 12 bytes x items^2); above it, train stops with exit 2 and the size it would need. Default 20000.'),
  solver: z.enum(['auto', 'items', 'users']).default('auto').describe('items: invert the item Gram matrix; users: the Woodbury form (fewer users than items); auto: the cheaper. Default auto.'),
  train: trainOverride,
  search: searchOverride,
});

export const IalsSchema = z.strictObject({
  type: z.literal('ials'),
  dim: positiveInt().max(1024).default(64).describe('Latent dimension. Default 64.'),
  epochs: positiveInt().default(16).describe('Alternating sweeps (users, then items). Default 16.'),
  unobservedWeight: z.number().min(0).default(0.3).describe('alpha0, weight of every unobserved (user, item) pair (Rendle et al. 2022). Default 0.3.'),
  regularization: z.number().min(0).default(0.01).describe('lambda. Default 0.01.'),
  regularizationExponent: z
    .number()
    .min(0)
    .default(1)
    .describe('nu in lambda (|I_u| + alpha0 |I|)^nu: 0 plain L2, 1 frequency-scaled (Rendle et al. 2022). Default 1.'),
  initStddev: z.number().min(0).default(0.1).describe('Initial factors ~ N(0, (initStddev / sqrt(dim))^2). Default 0.1.'),
  solver: z.enum(['cholesky', 'cg']).default('cholesky').describe('cholesky: exact row solves; cg: cgSteps conjugate-gradient steps per row (Takacs et al. 2011). Default cholesky.'),
  cgSteps: positiveInt().default(3).describe('cg only: steps per row. Default 3.'),
  train: trainOverride,
  search: searchOverride,
});

export const PureSvdSchema = z.strictObject({
  type: z.literal('puresvd'),
  factors: positiveInt().default(20).describe('k, singular vectors kept. Default 20.'),
  values: z.enum(['binary', 'rating']).default('binary').describe('Matrix entries: 1 per interaction, or the rating. Default binary.'),
  oversampling: z.number().int().min(0).default(20).describe('Randomised SVD: extra random directions (Halko et al.\'s p). Default 20.'),
  powerIterations: z.number().int().min(0).default(4).describe('Randomised SVD: power iterations (Halko et al.\'s q). Default 4.'),
  train: trainOverride,
  search: searchOverride,
});

export const SvdppSchema = z.strictObject({
  type: z.literal('svdpp'),
  factors: positiveInt().default(20).describe('Latent dimension. Default 20.'),
  epochs: positiveInt().default(20).describe('SGD passes over the ratings. Default 20.'),
  lrBias: z.number().min(0).default(0.007).describe('Learning rate of the biases. Default 0.007.'),
  lrFactors: z.number().min(0).default(0.007).describe('Learning rate of the factors. Default 0.007.'),
  regBias: z.number().min(0).default(0.02).describe('L2 weight on the biases. Default 0.02.'),
  regFactors: z.number().min(0).default(0.02).describe('L2 weight on the factors. Default 0.02.'),
  initStddev: z.number().min(0).default(0.1).describe('Factors start as N(0, initStddev^2). Default 0.1.'),
  lrDecay: z.number().gt(0).max(1).default(1).describe('Both learning rates are multiplied by this after each epoch (Koren 2008: 0.9). Default 1.'),
  train: trainOverride,
  search: searchOverride,
});

export const CLASSIC_SCHEMAS = {
  itemknn: ItemKnnSchema,
  userknn: UserKnnSchema,
  rp3beta: Rp3betaSchema,
  ease: EaseSchema,
  ials: IalsSchema,
  puresvd: PureSvdSchema,
  svdpp: SvdppSchema,
} as const;
