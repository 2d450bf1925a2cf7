/**
 * The model contract. A model is a tfjs layers network (what is saved, loaded with
 * tf.loadLayersModel and scored) plus a training forward pass over the same layers
 * whose dropout draws from the experiment's seeded stream, so reruns are identical.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelType, ResolvedModelConfig } from '@deeprec/config';
import type { FeatureField } from './features';
import type { KernelPlan } from './kernelPlan';
import type { ForwardOptions } from './pass';

/** Facts from the data that size and initialise a network. */
export interface ModelContext {
  numUsers: number;
  numItems: number;
  /**
   * Output bias init: the mean training rating, so explicit training begins at the mean
   * predictor; 0 for implicit data, whose output is a logit (modelContext sets it).
   */
  trainMean: number;
  /** Seed for initialisers. */
  seed: number;
  /**
   * Training interactions per item, counted when first asked for (only the popularity
   * model asks): counting a streamed 10M-rating split is a pass over the file.
   */
  itemCounts?: () => Int32Array;
  /**
   * The training interactions (the user-item graph), collected when first asked for (only
   * lightgcn asks): like itemCounts, a pass over a streamed split.
   */
  interactions?: () => { user: Int32Array; item: Int32Array; rating?: Float32Array };
  /** Encoded side features, when the data has them (see features.ts). */
  features?: { users: FeatureField[]; items: FeatureField[] };
}

export interface TrainingPass {
  /** Predicted ratings, shape [batch]. */
  output: tf.Tensor1D;
  /** Embedding rows looked up for this batch, for the L2 penalty. */
  embeddings: tf.Tensor[];
}

export interface RecModel {
  readonly name: string;
  readonly type: ModelType;
  /** Saved and scored as is: inputs user and item, int32 of shape [batch, 1]; output [batch, 1]. */
  readonly network: tf.LayersModel;
  /** Forward pass for training, as `forward` says (made by the train loop per step). Call inside tf.tidy or a gradient function. */
  trainingPass(users: tf.Tensor2D, items: tf.Tensor2D, forward: ForwardOptions): TrainingPass;
  /** Dense kernels that the L2 penalty covers. */
  readonly kernels: tf.Variable[];
  /** The network's parts for the kernel engine, or null where its shape is not the one that engine covers (kernelPlan.ts). */
  readonly kernelPlan?: KernelPlan | null;
  /**
   * For a network whose scoring weights are derived from the trained ones (lightgcn: the
   * propagated embeddings, in frozen tables): recomputes them. The train loop calls it
   * before each validation and when training ends, so `network` scores as trained
   * whenever it is read. Absent: the trained weights are the scoring weights.
   */
  refreshScoring?(): void;
  /**
   * For a model that reads a user's or an item's whole vector (the autoencoders): how the
   * train loop trains it, a batch of rows per step instead of a batch of pairs. Such a
   * model also has refreshScoring, which puts the codes of the rows into `network`.
   */
  readonly wholeVector?: WholeVectorTraining;
}

/** Training over whole rows of the interaction matrix (users' or items' vectors); wholeVector.ts. */
export interface WholeVectorTraining {
  /** How many rows an epoch visits: users, or items (I-AutoRec). */
  readonly rowCount: number;
  /** Every trained variable: the saved network's and the encoder's (which scoring does not need). */
  readonly variables: tf.Variable[];
  /**
   * The loss of one step over `rows`' vectors, penalties excluded (the loop adds l2 on
   * `kernels`); `step` counts the optimizer steps taken so far (KL annealing reads it).
   * Call inside a gradient function.
   */
  loss(rows: Int32Array, forward: ForwardOptions, step: number): tf.Scalar;
  /** Implicit feedback: the validation loss of held-out pairs (scored in batches of rows); absent: the loop scores pairs. */
  validationLoss?(valid: { user: Int32Array; item: Int32Array }): number;
  /**
   * A model trained in stages (glocalk: pre-training, then fine-tuning): the loop runs
   * each in turn as its own early-stopped phase with a fresh optimizer, the best weights
   * of one the start of the next. Absent: one stage over `variables`.
   */
  readonly stages?: readonly WholeVectorStage[];
}

/** One stage of a staged whole-vector model (WholeVectorTraining.stages). */
export interface WholeVectorStage {
  readonly name: string;
  /** The epoch budget of the stage; undefined: train.epochs. */
  readonly epochs?: number;
  /** What the stage trains (a subset of WholeVectorTraining.variables). */
  readonly variables: tf.Variable[];
  /** Switches `loss` and `refreshScoring` to this stage; the loop calls it before the stage's first epoch. */
  enter(): void;
}

export interface ModelFactory<T extends ModelType> {
  type: T;
  /** Full reference of the paper the architecture follows. */
  paper: string;
  build(config: ResolvedModelConfig<T>, context: ModelContext): RecModel;
  /**
   * Names of the layers holding item embedding tables (numItems x dim), the model's item
   * representation for similar items (each table's rows unit-normalised, then joined,
   * unless itemTablesCombine says otherwise); absent when items have only a bias or a count.
   */
  readonly itemTables?: readonly string[];
  /**
   * How itemTables make one vector per item: 'join' (the default: neumf's GMF and MLP
   * embeddings, each normalised), 'sum' (rows added first: lightgcn's final embedding is
   * ego + propagated), 'first' (the first table the saved network has: a model whose
   * layout depends on its settings, as autorec's item- or user-based side).
   */
  readonly itemTablesCombine?: ItemTablesCombine;
}

export type ItemTablesCombine = 'join' | 'sum' | 'first';

/** Where a saved network keeps its item representation (ModelFactory.itemTables and itemTablesCombine). */
export interface ItemTableSpec {
  readonly tables: readonly string[];
  readonly combine: ItemTablesCombine;
}


/** Trainable parameters (frozen side-feature tables are inputs, not parameters). */
export function trainableParams(network: tf.LayersModel): number {
  return network.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
}

/**
 * A model's trained parameters, as train's manifest and `validate` report them: a
 * whole-vector model's training variables (its encoder is not in the saved network, which
 * holds its codes in a frozen table), otherwise the network's trainable weights.
 */
export function modelParams(model: RecModel): number {
  return model.wholeVector ? model.wholeVector.variables.reduce((n, v) => n + v.size, 0) : trainableParams(model.network);
}
