/**
 * Building blocks shared by the models: seeded layer construction, dropout rates, towers.
 * Each block is applied through a Pass (pass.ts), to symbolic tensors (to build the saved
 * network) and to concrete tensors (to train).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import { type ACTIVATIONS, type NetworkModelType, type ResolvedModelConfig } from '@deeprec/config';
import type { FeatureField } from './features';
import type { AnyTensor, Pass } from './pass';

export type Activation = (typeof ACTIVATIONS)[number];

export type InitializerName = ResolvedModelConfig<NetworkModelType>['initializer'];

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
    private readonly config: ResolvedModelConfig<NetworkModelType>,
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

/** A tower of dense layers with dropout after each as configured. */
export class Tower {
  readonly layers: tf.layers.Layer[];
  readonly rates: number[];

  /** Whether every layer is ReLU (the fused tower and the kernel engine cover only that). */
  readonly relu: boolean;

  constructor(factory: LayerFactory, prefix: string, widths: number[], activation: Activation, dropout: number | number[], where: string) {
    this.relu = activation === 'relu';
    this.layers = widths.map((w, i) => factory.dense(`${prefix}_dense_${i}`, w, activation));
    this.rates = dropoutRates(dropout, widths.length, where);
  }

  apply<T extends AnyTensor>(x: T, pass: Pass): T {
    if (pass.reluTower && this.relu && x instanceof tf.Tensor) {
      const weights = this.layers.map((l) => {
        const [kernel, bias] = l.trainableWeights.map((w) => w.read() as tf.Variable);
        return { kernel: kernel as tf.Variable, bias: bias as tf.Variable };
      });
      return pass.reluTower(x as tf.Tensor2D, weights, this.rates) as unknown as T;
    }
    let h = x;
    for (const [i, layer] of this.layers.entries()) h = pass.drop(pass.apply(layer, h), this.rates[i] as number, i);
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
