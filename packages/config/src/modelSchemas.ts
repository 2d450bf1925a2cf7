/**
 * The model sections of the experiment config: the network models' schemas (the
 * classic ones are in classicSchemas.ts), every type's traits (network or classic,
 * deep or baseline, the feedback it has a meaning for), and the union a YAML model
 * section is parsed with. Every default is documented on its field.
 */
import { z } from 'zod';
import { CLASSIC_SCHEMAS, EaseSchema, IalsSchema, ItemKnnSchema, PureSvdSchema, Rp3betaSchema, SvdppSchema, UserKnnSchema } from './classicSchemas';
import { ModelSearchSchema } from './searchSchema';

const positiveInt = () => z.number().int().min(1);

export const INITIALIZERS = ['glorot', 'he', 'normal', 'uniform'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'selu'] as const;

/** Keys every model type accepts. */
const modelCommon = {
  l2: z
    .number()
    .min(0)
    .default(0)
    .describe('L2 penalty on the embedding and bias rows of each batch (per rating), and on dense kernels unless denseL2 is set. Default 0.'),
  denseL2: z.number().min(0).optional().describe('L2 penalty on dense kernels. Default: l2.'),
  initializer: z.enum(INITIALIZERS).default('glorot').describe('Weight initialiser of dense and embedding layers. Default glorot.'),
  train: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Overrides of any key of the top-level train section for this model only.'),
  search: ModelSearchSchema.optional().describe('Hyper-parameter search over this model\'s keys (searchSchema.ts); the selected values train the model.'),
};
/** Keys of the models with hidden layers. */
const deepCommon = {
  ...modelCommon,
  dropout: z
    .union([z.number().min(0).lt(1), z.array(z.number().min(0).lt(1))])
    .default(0.2)
    .describe('Dropout rate after each hidden layer but the last (a number), or one rate per hidden layer (a list). Default 0.2.'),
  activation: z.enum(ACTIVATIONS).default('relu').describe('Hidden-layer activation. Default relu.'),
};
const layers = (defaults: number[]) =>
  z.array(positiveInt()).min(1).default(defaults).describe(`Hidden layer widths. Default [${defaults.join(', ')}].`);
const biasOption = (fallback: boolean) =>
  z.boolean().default(fallback).describe(`Add user and item bias terms to the output. Default ${fallback}.`);
const featuresOption = (fallback: boolean) =>
  z
    .boolean()
    .default(fallback)
    .describe(`Use user and item side features (users.arrow / items.arrow columns) when the data has them. Default ${fallback}.`);

export const NcfSchema = z.strictObject({
  type: z.literal('ncf'),
  embeddingDim: positiveInt().default(32).describe('User and item embedding size. Default 32.'),
  layers: layers([64, 32, 16]),
  bias: biasOption(false),
  features: featuresOption(false),
  ...deepCommon,
});

export const WideDeepSchema = z.strictObject({
  type: z.literal('widedeep'),
  embeddingDim: positiveInt().default(32).describe('Embedding size of the deep part. Default 32.'),
  layers: layers([64, 32]),
  features: featuresOption(true),
  crosses: z
    .boolean()
    .default(true)
    .describe('Wide part: cross every user attribute with every item attribute (e.g. occupation x genre) when side features exist. Default true.'),
  ...deepCommon,
});

export const NeuMfSchema = z.strictObject({
  type: z.literal('neumf'),
  gmfDim: positiveInt().default(32).describe('Embedding size of the GMF branch. Default 32.'),
  mlpDim: positiveInt().default(32).describe('Embedding size of the MLP branch. Default 32.'),
  gmfOutput: z
    .enum(['dense', 'sum'])
    .default('dense')
    .describe(
      "How the GMF branch reaches the output. 'dense' (the paper's NeuMF): its vector is concatenated with the MLP output into one learned prediction layer. 'sum': the GMF branch is biased MF exactly as the mf model, mu + s * (p . q + b_u + b_i) with one unregularised scale s (prediction weights tied, He et al. section 3.2), so L2 on the embeddings regularises it as in mf; the MLP output is added through its own learned weights, which start at zero. Default dense.",
    ),
  layers: layers([64, 32, 16]),
  bias: biasOption(false),
  features: featuresOption(false),
  ...deepCommon,
});

export const BaselineSchema = z.strictObject({
  type: z.literal('baseline'),
  ...modelCommon,
});

export const PopularitySchema = z.strictObject({
  type: z.literal('popularity'),
  ...modelCommon,
});

export const MfSchema = z.strictObject({
  type: z.literal('mf'),
  embeddingDim: positiveInt().default(64).describe('Latent factor size. Default 64.'),
  bias: biasOption(true),
  ...modelCommon,
});

export const LightGcnSchema = z.strictObject({
  type: z.literal('lightgcn'),
  embeddingDim: positiveInt().default(64).describe('Size of the layer-0 user and item embeddings (the only parameters). Default 64, as in He et al. 2020.'),
  propagationLayers: z
    .number()
    .int()
    .min(0)
    .max(8)
    .default(3)
    .describe('K, the number of propagation steps over the normalised user-item graph; the final embedding is the mean of layers 0..K (0: plain MF). Default 3, the paper\'s choice.'),
  ...modelCommon,
  l2: z
    .number()
    .min(0)
    .default(0.0001)
    .describe('L2 penalty on the layer-0 embeddings of each batch\'s users, positive and negative items (sum of squares over the batch size), as in the paper. Default 0.0001.'),
  initializer: z.enum(INITIALIZERS).default('normal').describe('Initialiser of the layer-0 embeddings. Default normal (sd 0.05); the paper\'s code draws from N(0, 0.1).'),
});

export const AutoRecSchema = z.strictObject({
  type: z.literal('autorec'),
  side: z
    .enum(['item', 'user'])
    .default('item')
    .describe('item: I-AutoRec, one item\'s ratings by every user per vector (the paper\'s better variant); user: U-AutoRec. Default item.'),
  hiddenUnits: positiveInt().default(500).describe('Units of the sigmoid hidden layer. Default 500, as in Sedhain et al. 2015.'),
  ...modelCommon,
  l2: z
    .number()
    .min(0)
    .default(0.001)
    .describe('L2 penalty: l2 * (sum of squares of the encoder and decoder kernels), once per step of a batch of vectors. Default 0.001.'),
});

export const GlocalKSchema = z.strictObject({
  type: z.literal('glocalk'),
  hiddenUnits: positiveInt().default(500).describe('Units of each sigmoid hidden layer. Default 500, as in Han et al. 2021.'),
  hiddenLayers: positiveInt().default(2).describe('Kernelised sigmoid hidden layers before the identity output layer. Default 2, as in the paper.'),
  kernelDim: positiveInt().default(5).describe('Size of the vectors u, v of each layer\'s input and output units that make its local kernel max(0, 1 - |u - v|^2). Default 5, as in the paper\'s code.'),
  lambda2: z.number().min(0).default(20).describe('L2 penalty on the layers\' weights W (before the kernel), against the masked squared error summed over all items; scaled by batch / items per step. Default 20, the paper\'s code for ML-100k.'),
  lambdaS: z.number().min(0).default(0.006).describe('Sparsity penalty on the local kernels (sum of squares of K), scaled as lambda2. Default 0.006, the paper\'s code for ML-100k.'),
  globalKernelSize: positiveInt()
    .default(3)
    .describe('Side of the global convolution kernel over the rating matrix (odd). Default 3, as in the paper.'),
  dotScale: z.number().positive().default(1).describe('Scale of the global kernel (pooled reconstruction . learned kernels). Default 1, the paper\'s code.'),
  pretrainEpochs: positiveInt().default(30).describe('Epoch budget of the pre-training stage (the local autoencoder alone, early-stopped on validation); the fine-tuning stage gets train.epochs. Default 30.'),
  ...modelCommon,
});

const multLayers = z
  .array(positiveInt())
  .min(1)
  .default([600, 200])
  .describe('Encoder widths, the last the latent size; the decoder mirrors them back to the items. Default [600, 200], as in Liang et al. 2018.');
const inputDropout = z.number().min(0).lt(1).default(0.5).describe('Dropout on the normalised input vector (training only). Default 0.5, as in the paper.');
const multL2 = z
  .number()
  .min(0)
  .default(0)
  .describe('L2 penalty: l2 * (sum of squares of every kernel and the item output table), once per step of a batch of users. Default 0.');

export const MultDaeSchema = z.strictObject({
  type: z.literal('multdae'),
  layers: multLayers,
  dropout: inputDropout,
  ...modelCommon,
  l2: multL2,
});

export const MultVaeSchema = z.strictObject({
  type: z.literal('multvae'),
  layers: multLayers,
  dropout: inputDropout,
  annealCap: z.number().min(0).default(0.2).describe('The largest weight of the KL term (beta). Default 0.2, as in the paper.'),
  annealSteps: z
    .number()
    .int()
    .min(0)
    .default(200000)
    .describe('Optimizer steps over which beta grows linearly from 0 to annealCap (0: annealCap from the start). Default 200000, the paper\'s; a small data set takes far fewer steps.'),
  ...modelCommon,
  l2: multL2,
});

/** Model sections by type; the models package keeps a builder for each key (its registry). */
export const NETWORK_SCHEMAS = {
  ncf: NcfSchema,
  widedeep: WideDeepSchema,
  neumf: NeuMfSchema,
  baseline: BaselineSchema,
  mf: MfSchema,
  popularity: PopularitySchema,
  lightgcn: LightGcnSchema,
  autorec: AutoRecSchema,
  glocalk: GlocalKSchema,
  multdae: MultDaeSchema,
  multvae: MultVaeSchema,
} as const;
export const MODEL_SCHEMAS = { ...NETWORK_SCHEMAS, ...CLASSIC_SCHEMAS } as const;
/** Types trained as tfjs networks by the optimizer loop. */
export type NetworkModelType = keyof typeof NETWORK_SCHEMAS;
/** Types fitted by their own algorithm (classicSchemas.ts). */
export type ClassicModelType = keyof typeof CLASSIC_SCHEMAS;
export type ModelType = keyof typeof MODEL_SCHEMAS;
export const MODEL_TYPES = Object.keys(MODEL_SCHEMAS) as ModelType[];

export type Feedback = 'explicit' | 'implicit';
export type ModelKind = 'network' | 'classic';
export type ModelFamily = 'deep' | 'baseline';

/**
 * What each model type is: trained as a tfjs network by the optimizer loop, or fitted by
 * its own algorithm (classic); a deep model or a baseline in the report's comparisons;
 * and the feedback it has a meaning for (validate stops with exit 2 on any other).
 */
export const MODEL_TRAITS: { readonly [T in ModelType]: { kind: ModelKind; family: ModelFamily; feedback: readonly Feedback[]; why?: string } } = {
  ncf: { kind: 'network', family: 'deep', feedback: ['explicit', 'implicit'] },
  widedeep: { kind: 'network', family: 'deep', feedback: ['explicit', 'implicit'] },
  neumf: { kind: 'network', family: 'deep', feedback: ['explicit', 'implicit'] },
  baseline: { kind: 'network', family: 'baseline', feedback: ['explicit', 'implicit'] },
  mf: { kind: 'network', family: 'baseline', feedback: ['explicit', 'implicit'] },
  popularity: { kind: 'network', family: 'baseline', feedback: ['explicit', 'implicit'] },
  itemknn: { kind: 'classic', family: 'baseline', feedback: ['explicit', 'implicit'] },
  userknn: { kind: 'classic', family: 'baseline', feedback: ['explicit', 'implicit'] },
  rp3beta: { kind: 'classic', family: 'baseline', feedback: ['implicit'], why: 'a random walk over interactions that ranks items; it has no rating form' },
  ease: { kind: 'classic', family: 'baseline', feedback: ['implicit'], why: 'item-item regression on the interaction matrix that ranks items; it has no rating form' },
  ials: { kind: 'classic', family: 'baseline', feedback: ['implicit'], why: 'implicit ALS weighs every unobserved pair as a negative; for ratings use svdpp or mf' },
  puresvd: { kind: 'classic', family: 'baseline', feedback: ['implicit'], why: 'a truncated SVD with missing entries as zeros ranks items; its scores are not ratings' },
  svdpp: { kind: 'classic', family: 'baseline', feedback: ['explicit'], why: 'SVD++ regresses rating values; on implicit data every target is 1 (use ials)' },
  lightgcn: { kind: 'network', family: 'deep', feedback: ['implicit'], why: 'graph convolution over the interactions that ranks items (BPR); it has no rating form' },
  autorec: { kind: 'network', family: 'deep', feedback: ['explicit'], why: 'it reconstructs rating values; on implicit data every observed entry is 1' },
  glocalk: { kind: 'network', family: 'deep', feedback: ['explicit'], why: 'it reconstructs rating values; on implicit data every observed entry is 1' },
  multdae: { kind: 'network', family: 'deep', feedback: ['implicit'], why: 'a multinomial over the items a user clicks; it has no rating form' },
  multvae: { kind: 'network', family: 'deep', feedback: ['implicit'], why: 'a multinomial over the items a user clicks; it has no rating form' },
};

export const ModelSchema = z.discriminatedUnion('type', [
  NcfSchema,
  WideDeepSchema,
  NeuMfSchema,
  BaselineSchema,
  MfSchema,
  PopularitySchema,
  ItemKnnSchema,
  UserKnnSchema,
  Rp3betaSchema,
  EaseSchema,
  IalsSchema,
  PureSvdSchema,
  SvdppSchema,
  LightGcnSchema,
  AutoRecSchema,
  GlocalKSchema,
  MultDaeSchema,
  MultVaeSchema,
]);
