/**
 * Building blocks shared by the models. Each block is written once and applied to
 * symbolic tensors (to build the saved network) and to concrete tensors (to train),
 * so the network that is saved is exactly the one that was trained.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import { type ACTIVATIONS, type ResolvedModelConfig } from '@deeprec/config';
import type { FeatureField } from './features';
import { fusedReluTower } from './fusedTower';

export type Activation = (typeof ACTIVATIONS)[number];

export type AnyTensor = tf.SymbolicTensor | tf.Tensor;

/**
 * Replaces embedding lookups on concrete tensors during one training pass: the fused
 * training step gathers rows itself and captures their gradients for a sparse update.
 */
export type EmbedOverride = (layer: tf.layers.Layer, index: tf.Tensor) => tf.Tensor;

let embedOverride: EmbedOverride | null = null;

/** Runs `pass` with embedding lookups routed through `override` (a dynamic scope, reset afterwards). */
export function withEmbedOverride<R>(override: EmbedOverride | undefined, pass: () => R): R {
  if (!override) return pass();
  const previous = embedOverride;
  embedOverride = override;
  try {
    return pass();
  } finally {
    embedOverride = previous;
  }
}

/** Applies a layer to one input of either kind, keeping the kind. */
export function apply<T extends AnyTensor>(layer: tf.layers.Layer, input: T | T[]): T {
  if (embedOverride && input instanceof tf.Tensor) {
    const kind = layer.getClassName();
    if (kind === 'Embedding') {
      // [batch, 1] indices: hand back [batch, dim] rows, so the Flatten after it has nothing to do.
      const rows = embedOverride(layer, input);
      return (rows.rank === 3 && rows.shape[1] === 1 ? rows.reshape([rows.shape[0], -1]) : rows) as unknown as T;
    }
    if (kind === 'Flatten' && input.rank === 2) return input as unknown as T;
  }
  if (embedOverride && (input instanceof tf.Tensor || (Array.isArray(input) && input[0] instanceof tf.Tensor))) {
    const direct = directCall(layer, input as tf.Tensor | tf.Tensor[]);
    if (direct) return direct as unknown as T;
  }
  return layer.apply(input as tf.Tensor) as unknown as T;
}

const linearDense = new WeakMap<tf.layers.Layer, boolean>();

/**
 * The fused engine's training pass calls the ops of the simplest layers itself: the same
 * kernels, in the same order, as the layers' own call() (so the same numbers), without
 * tfjs-layers' per-call bookkeeping (name scopes, input specs, a clone per merge), which
 * costs about 30 us a layer, several per step. Anything else goes through layer.apply.
 */
function directCall(layer: tf.layers.Layer, input: tf.Tensor | tf.Tensor[]): tf.Tensor | null {
  const inputs = Array.isArray(input) ? input : [input];
  if (!inputs.every((t) => t.rank === 2)) return null;
  switch (layer.getClassName()) {
    case 'Dense': {
      let linear = linearDense.get(layer);
      if (linear === undefined) {
        linear = (layer.getConfig().activation as string) === 'linear';
        linearDense.set(layer, linear);
      }
      if (!linear || inputs.length !== 1) return null;
      const [kernel, bias] = layer.weights.map((w) => w.read());
      return tf.fused.matMul({ a: inputs[0] as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation: 'linear' });
    }
    case 'Multiply':
      return inputs.slice(1).reduce((acc, t) => tf.mul(acc, t), inputs[0] as tf.Tensor);
    case 'Add':
      return inputs.slice(1).reduce((acc, t) => tf.add(acc, t), inputs[0] as tf.Tensor);
    case 'Concatenate':
      return tf.concat(inputs, -1);
    default:
      return null;
  }
}

type InitializerName = ResolvedModelConfig['initializer'];

/** A fresh seeded initialiser per layer: glorot (uniform), he (normal), normal or uniform. */
export function initializer(name: InitializerName, seed: number): ReturnType<typeof tf.initializers.zeros> {
  switch (name) {
    case 'glorot':
      return tf.initializers.glorotUniform({ seed });
    case 'he':
      return tf.initializers.heNormal({ seed });
    case 'normal':
      return tf.initializers.randomNormal({ mean: 0, stddev: 0.05, seed });
    case 'uniform':
      return tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed });
  }
}

/** Hands out initialiser seeds in build order, from the model's own stream. */
export class LayerFactory {
  private readonly rng: Rng;
  readonly kernels: tf.layers.Layer[] = [];

  constructor(
    private readonly config: ResolvedModelConfig,
    seed: number,
  ) {
    this.rng = new Rng(seed, 'init', config.name);
  }

  embedding(name: string, inputDim: number, outputDim: number): tf.layers.Layer {
    return tf.layers.embedding({
      name,
      inputDim,
      outputDim,
      inputLength: 1,
      embeddingsInitializer: initializer(this.config.initializer, this.rng.seed()),
    });
  }

  /** A bias embedding (one number per user or item), starting at zero. */
  bias(name: string, inputDim: number): tf.layers.Layer {
    return tf.layers.embedding({ name, inputDim, outputDim: 1, inputLength: 1, embeddingsInitializer: 'zeros' });
  }

  dense(
    name: string,
    units: number,
    activation: 'linear' | Activation,
    options: { bias?: number | false; regularize?: boolean; kernel?: 'ones' | 'zeros' } = {},
  ): tf.layers.Layer {
    const { bias = 0, regularize = true } = options;
    const layer = tf.layers.dense({
      name,
      units,
      activation,
      useBias: bias !== false,
      kernelInitializer: options.kernel ?? initializer(this.config.initializer, this.rng.seed()),
      biasInitializer: tf.initializers.constant({ value: bias === false ? 0 : bias }),
    });
    if (regularize) this.kernels.push(layer);
    return layer;
  }

  /** A frozen lookup table holding one side-feature field; filled by `fillTables` once built. */
  featureTable(name: string, field: FeatureField, rows: number): tf.layers.Layer {
    const layer = tf.layers.embedding({ name, inputDim: rows, outputDim: field.labels.length, inputLength: 1, trainable: false, embeddingsInitializer: 'zeros' });
    this.tables.push({ layer, values: field.values, shape: [rows, field.labels.length] });
    return layer;
  }

  private readonly tables: Array<{ layer: tf.layers.Layer; values: Float32Array; shape: [number, number] }> = [];

  /** Copies the side-feature values into their tables (layers have weights only once built). */
  fillTables(): void {
    for (const { layer, values, shape } of this.tables) tf.tidy(() => layer.setWeights([tf.tensor2d(values, shape)]));
  }
}

/** Per-layer dropout rates: a number applies after every hidden layer but the last. */
export function dropoutRates(dropout: number | number[], layerCount: number, where: string): number[] {
  if (Array.isArray(dropout)) {
    if (dropout.length !== layerCount) {
      throw new RangeError(`${where}.dropout: expected ${layerCount} rates (one per hidden layer), found ${dropout.length}`);
    }
    return dropout;
  }
  return Array.from({ length: layerCount }, (_, i) => (i < layerCount - 1 ? dropout : 0));
}

/**
 * How dropout is applied: the saved network uses Dropout layers (identity at inference);
 * training uses masks seeded from the experiment's stream (tfjs Dropout layers either
 * repeat one mask when seeded or use Math.random when not).
 */
export type DropFn = <T extends AnyTensor>(x: T, rate: number, index: number) => T;

export function seededDrop(nextSeed: () => number): DropFn {
  const drop = <T extends AnyTensor>(x: T, rate: number): T => (rate > 0 ? (tf.dropout(x as tf.Tensor, rate, undefined, nextSeed()) as T) : x);
  // A training pass: towers of ReLU layers can take the fused path with the same seed stream.
  return Object.assign(drop, { nextSeed });
}

export function layerDrop(prefix: string): DropFn {
  const cache = new Map<number, tf.layers.Layer>();
  return <T extends AnyTensor>(x: T, rate: number, index: number): T => {
    if (rate <= 0) return x;
    let layer = cache.get(index);
    if (!layer) {
      layer = tf.layers.dropout({ name: `${prefix}_dropout_${index}`, rate });
      cache.set(index, layer);
    }
    return apply(layer, x);
  };
}

let fusedTowers = true;
/** Whether training passes use the fused ReLU tower (fusedTower.ts); tests compare both paths. */
export function setFusedTowers(enabled: boolean): void {
  fusedTowers = enabled;
}

/** A tower of dense layers with dropout after each as configured. */
export class Tower {
  readonly layers: tf.layers.Layer[];
  readonly rates: number[];

  private readonly relu: boolean;

  constructor(factory: LayerFactory, prefix: string, widths: number[], activation: Activation, dropout: number | number[], where: string) {
    this.relu = activation === 'relu';
    this.layers = widths.map((w, i) => factory.dense(`${prefix}_dense_${i}`, w, activation));
    this.rates = dropoutRates(dropout, widths.length, where);
  }

  apply<T extends AnyTensor>(x: T, drop: DropFn): T {
    const nextSeed = (drop as { nextSeed?: () => number }).nextSeed;
    if (nextSeed && fusedTowers && x instanceof tf.Tensor && this.relu) {
      const weights = this.layers.map((l) => {
        const [kernel, bias] = l.trainableWeights.map((w) => w.read() as tf.Variable);
        return { kernel: kernel as tf.Variable, bias: bias as tf.Variable };
      });
      return fusedReluTower(x as tf.Tensor2D, weights, this.rates, nextSeed) as unknown as T;
    }
    let h = x;
    for (const [i, layer] of this.layers.entries()) h = drop(apply(layer, h), this.rates[i] as number, i);
    return h;
  }
}

/** A named Flatten layer: [batch, 1, d] embeddings to [batch, d]. */
export function flatten(name: string): tf.layers.Layer {
  return tf.layers.flatten({ name });
}

/** Reads the variables of the kernel of each dense layer (for L2). */
export function kernelVariables(layers: tf.layers.Layer[]): tf.Variable[] {
  return layers.map((l) => (l.trainableWeights[0] as tf.LayerVariable).read() as tf.Variable);
}

/** Flattens [batch, 1] model output into [batch]. */
export function squeezeOutput(output: tf.Tensor): tf.Tensor1D {
  return output.reshape([-1]) as tf.Tensor1D;
}
