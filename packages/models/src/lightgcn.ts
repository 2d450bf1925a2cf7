/**
 * LightGCN: He, Deng, Wang, Li, Zhang and Wang, "LightGCN: Simplifying and Powering Graph
 * Convolution Network for Recommendation", SIGIR 2020 (doi:10.1145/3397271.3401063).
 *
 * The only parameters are the layer-0 user and item embeddings. K propagation steps over
 * the symmetric-normalised graph of the training interactions (no feature transforms, no
 * non-linearity; lightgcnGraph.ts) give layers 1..K; the final embedding is their mean
 * with layer 0, and the score is the dot product of the final user and item embeddings.
 * Trained with BPR (train.loss: bpr) and L2 on the layer-0 rows of each batch, as in the
 * paper (the paper's 1/2 in front of the norm is folded into l2).
 *
 * What is saved: the graph is fixed once training ends, so the final embeddings are
 * fixed too, and the saved network is an ordinary tfjs layers model that scores
 * dot(user row, item row) by lookups, with no graph in it. Each row is the sum of two
 * tables: the trained layer-0 table and a frozen one holding (final - layer 0), which
 * refreshScoring recomputes (the train loop calls it before each validation and when
 * training ends). Keeping the layer-0 table in the network is what lets the train loop
 * and both engines find and update it like any embedding; evaluate and `recommend`
 * just look rows up.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory, RecModel } from './contract';
import { LayerFactory } from './layers';
import { propagate, propagationGraph, type PropagationGraph } from './lightgcnGraph';
import type { ForwardOptions } from './pass';

/** One training step's final embeddings, shared by the step's passes (BPR scores positives and negatives). */
interface StepState {
  egoUsers: tf.Tensor2D;
  egoItems: tf.Tensor2D;
  users: tf.Tensor2D;
  items: tf.Tensor2D;
}

function tableOf(layer: tf.layers.Layer): tf.Variable {
  return (layer.trainableWeights[0] as tf.LayerVariable).read() as tf.Variable;
}

export const lightgcn: ModelFactory<'lightgcn'> = {
  type: 'lightgcn',
  paper: 'He, Deng, Wang, Li, Zhang and Wang, LightGCN: Simplifying and Powering Graph Convolution Network for Recommendation, SIGIR 2020, doi:10.1145/3397271.3401063',
  // The final item embedding the scores use: ego + propagated, added before the cosine.
  itemTables: ['item_embedding', 'item_propagated'],
  itemTablesCombine: 'sum',
  build(config, context) {
    const { numUsers, numItems } = context;
    const dim = config.embeddingDim;
    const layers = config.propagationLayers;
    const f = new LayerFactory(config, context.seed);
    const userEgo = f.embedding('user_embedding', numUsers, dim);
    const itemEgo = f.embedding('item_embedding', numItems, dim);
    const frozen = (name: string, rows: number) =>
      tf.layers.embedding({ name, inputDim: rows, outputDim: dim, inputLength: 1, trainable: false, embeddingsInitializer: 'zeros' });
    const userPropagated = frozen('user_propagated', numUsers);
    const itemPropagated = frozen('item_propagated', numItems);

    const user = tf.input({ shape: [1], dtype: 'int32', name: 'user' });
    const item = tf.input({ shape: [1], dtype: 'int32', name: 'item' });
    const row = (ego: tf.layers.Layer, propagated: tf.layers.Layer, index: tf.SymbolicTensor, side: string) => {
      const sum = tf.layers.add({ name: `${side}_final` }).apply([ego.apply(index), propagated.apply(index)] as tf.SymbolicTensor[]);
      return tf.layers.flatten({ name: `${side}_flatten` }).apply(sum) as tf.SymbolicTensor;
    };
    const score = tf.layers.dot({ axes: 1, name: 'score' }).apply([row(userEgo, userPropagated, user, 'user'), row(itemEgo, itemPropagated, item, 'item')]);
    const network = tf.model({ inputs: [user, item], outputs: score as tf.SymbolicTensor, name: config.name.replace(/-/g, '_') });

    // Built when first needed: `validate` builds models without reading the interactions.
    let graph: PropagationGraph | null = null;
    const graphOf = (): PropagationGraph => {
      if (!graph) {
        if (!context.interactions) throw new Error(`models.${config.name}: lightgcn needs the training interactions (ModelContext.interactions) to build its graph`);
        graph = propagationGraph(context.interactions(), numUsers, numItems);
      }
      return graph;
    };
    const steps = new WeakMap<ForwardOptions, StepState>();

    const model: RecModel = {
      name: config.name,
      type: config.type,
      network,
      kernels: [],
      trainingPass(users, items, forward) {
        let state = steps.get(forward);
        const first = !state;
        if (!state) {
          // The fused engine updates embedding tables through its own lookups: look every row up, so
          // it captures the (dense) gradient of the whole table; the tfjs engine differentiates the variables.
          const whole = (layer: tf.layers.Layer, rows: number) =>
            (forward.embed ? forward.embed(layer, tf.range(0, rows, 1, 'int32')) : tableOf(layer)) as tf.Tensor2D;
          const egoUsers = whole(userEgo, numUsers);
          const egoItems = whole(itemEgo, numItems);
          const final = propagate(egoUsers, egoItems, graphOf(), layers);
          state = { egoUsers, egoItems, users: final.users, items: final.items };
          steps.set(forward, state);
        }
        const u = users.reshape([-1]);
        const i = items.reshape([-1]);
        const output = tf.sum(tf.mul(tf.gather(state.users, u), tf.gather(state.items, i)), 1) as tf.Tensor1D;
        // L2 on the layer-0 rows of the batch: users once per step (BPR's second pass scores the same users).
        const itemRows = tf.gather(state.egoItems, i);
        return { output, embeddings: first ? [tf.gather(state.egoUsers, u), itemRows] : [itemRows] };
      },
      refreshScoring() {
        tf.tidy(() => {
          const egoUsers = tableOf(userEgo) as tf.Tensor2D;
          const egoItems = tableOf(itemEgo) as tf.Tensor2D;
          const final = propagate(egoUsers, egoItems, graphOf(), layers);
          userPropagated.setWeights([tf.sub(final.users, egoUsers)]);
          itemPropagated.setWeights([tf.sub(final.items, egoItems)]);
        });
      },
    };
    return model;
  },
};
