/**
 * Biased matrix factorisation: r(u, i) = mu + b_u + b_i + p_u . q_i.
 * Koren, Bell and Volinsky, "Matrix Factorization Techniques for Recommender Systems",
 * IEEE Computer 2009 (doi:10.1109/MC.2009.263). With bias: false it is plain MF.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory } from './contract';
import { assemble } from './assemble';
import type { KernelPlan } from './kernelPlan';
import { flatten, LayerFactory } from './layers';
import { BiasTerms, sum } from './parts';

export const mf: ModelFactory<'mf'> = {
  type: 'mf',
  paper: 'Koren, Bell and Volinsky, Matrix Factorization Techniques for Recommender Systems, IEEE Computer 2009, doi:10.1109/MC.2009.263',
  itemTables: ['item_factors'],
  build(config, context) {
    const f = new LayerFactory(config, context.seed);
    const userFactors = f.embedding('user_factors', context.numUsers, config.embeddingDim);
    const itemFactors = f.embedding('item_factors', context.numItems, config.embeddingDim);
    const [flatUser, flatItem] = [flatten('user_flatten'), flatten('item_flatten')];
    const dot = tf.layers.dot({ axes: 1, name: 'factor_dot' });
    const biases = config.bias ? new BiasTerms(f, context) : null;
    const total = tf.layers.add({ name: 'with_biases' });
    const mean = f.dense('global_mean', 1, 'linear', { bias: context.trainMean, regularize: false, kernel: 'ones' });
    const plan: KernelPlan = {
      tower: null,
      gmf: { user: userFactors, item: itemFactors },
      biases: biases ? { user: biases.user, item: biases.item } : null,
      head: { kind: 'scaled', scale: mean, mlp: null },
    };
    return assemble(config, f, (user, item, pass) => {
      const p = pass.apply(flatUser, pass.apply(userFactors, user));
      const q = pass.apply(flatItem, pass.apply(itemFactors, item));
      const b = biases ? biases.apply(user, item, pass) : [];
      return { output: pass.apply(mean, sum(pass, total, [pass.apply(dot, [p, q]), ...b])), embeddings: [p, q, ...b] };
    }, plan);
  },
};
