/**
 * How a model's graph applies its layers. The graph is written once and run twice over:
 * once on symbolic tensors (the saved network) and in every training step on concrete
 * tensors, so the network that is saved is exactly the one that was trained. What a
 * training step does differently (seeded dropout, the fused engine's lookups, the fused
 * ReLU tower) comes in as ForwardOptions from the train loop, per call: there is no
 * module state, so models trained or held side by side never see each other's settings.
 */
import * as tf from '@tensorflow/tfjs';
import { layerKind } from '@deeprec/compute';
import { fusedReluTower, type DenseWeights } from './fusedTower';

export type AnyTensor = tf.SymbolicTensor | tf.Tensor;

/**
 * Replaces embedding lookups on concrete tensors during one training pass: the fused
 * training step gathers rows itself and captures their gradients for a sparse update.
 */
export type EmbedOverride = (layer: tf.layers.Layer, index: tf.Tensor) => tf.Tensor;

/** One training forward pass's settings, made by the train loop and handed to RecModel.trainingPass. */
export interface ForwardOptions {
  /** Seeds each dropout mask, from the run's seeded stream (reruns are identical). */
  nextSeed: () => number;
  /** The fused engine's lookups (see EmbedOverride); with it, the simplest layers are also called directly. */
  embed?: EmbedOverride;
  /** ReLU towers as one op with a hand-written gradient (fusedTower.ts). Default true; false: layer by layer (tests compare both). */
  fusedTowers?: boolean;
}

/** What a graph calls to apply layers, drop units and run towers. */
export interface Pass {
  /** Applies a layer to one input of either kind, keeping the kind. */
  apply<T extends AnyTensor>(layer: tf.layers.Layer, input: T | T[]): T;
  /** Dropout with `rate` after hidden layer `index` of a tower. */
  drop<T extends AnyTensor>(x: T, rate: number, index: number): T;
  /** A tower of ReLU layers with dropout as one op, or null: layer by layer. */
  readonly reluTower: ((x: tf.Tensor2D, layers: DenseWeights[], rates: number[]) => tf.Tensor2D) | null;
}

/** The saved network's pass: tfjs layers throughout, Dropout layers named after the model (identity at inference). */
export function symbolicPass(prefix: string): Pass {
  const dropouts = new Map<number, tf.layers.Layer>();
  const apply = <T extends AnyTensor>(layer: tf.layers.Layer, input: T | T[]): T => layer.apply(input as tf.SymbolicTensor) as unknown as T;
  return {
    apply,
    drop<T extends AnyTensor>(x: T, rate: number, index: number): T {
      if (rate <= 0) return x;
      let layer = dropouts.get(index);
      if (!layer) {
        layer = tf.layers.dropout({ name: `${prefix}_dropout_${index}`, rate });
        dropouts.set(index, layer);
      }
      return apply(layer, x);
    },
    reluTower: null,
  };
}

/**
 * A training pass: dropout masks seeded from the run's stream (tfjs Dropout layers either
 * repeat one mask when seeded or use Math.random when not); with the fused engine's
 * lookups, embeddings come from the step and the simplest layers are called directly.
 */
export function trainingForward(options: ForwardOptions): Pass {
  const { nextSeed, embed } = options;
  return {
    apply<T extends AnyTensor>(layer: tf.layers.Layer, input: T | T[]): T {
      if (embed) {
        if (input instanceof tf.Tensor) {
          const kind = layerKind(layer);
          if (kind === 'Embedding') {
            // [batch, 1] indices: hand back [batch, dim] rows, so the Flatten after it has nothing to do.
            const rows = embed(layer, input);
            return (rows.rank === 3 && rows.shape[1] === 1 ? rows.reshape([rows.shape[0], -1]) : rows) as unknown as T;
          }
          if (kind === 'Flatten' && input.rank === 2) return input as unknown as T;
        }
        const direct = directCall(layer, input as tf.Tensor | tf.Tensor[]);
        if (direct) return direct as unknown as T;
      }
      return layer.apply(input as tf.Tensor) as unknown as T;
    },
    drop<T extends AnyTensor>(x: T, rate: number): T {
      return rate > 0 ? (tf.dropout(x as tf.Tensor, rate, undefined, nextSeed()) as T) : x;
    },
    reluTower: options.fusedTowers === false ? null : (x, layers, rates) => fusedReluTower(x, layers, rates, nextSeed),
  };
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
  switch (layerKind(layer)) {
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
