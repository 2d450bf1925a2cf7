/**
 * Baseline predictor: global mean plus regularised user and item biases,
 * r(u, i) = mu + b_u + b_i. Koren, "Factor in the Neighbors: Scalable and Accurate
 * Collaborative Filtering", ACM TKDD 2010 (doi:10.1145/1644873.1644874), section 2.1.
 * Fitted here by the same seeded loop as every model (L2 on the biases of each batch).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory } from './contract';
import { assemble } from './assemble';
import { LayerFactory } from './layers';
import { BiasTerms } from './parts';

export const baseline: ModelFactory<'baseline'> = {
  type: 'baseline',
  paper: 'Koren, Factor in the Neighbors, ACM TKDD 2010, doi:10.1145/1644873.1644874',
  build(config, context) {
    const f = new LayerFactory(config, context.seed);
    const biases = new BiasTerms(f, context);
    const both = tf.layers.add({ name: 'biases' });
    // mu as the bias of a 1x1 layer whose weight starts at 1 and is not penalised.
    const mean = f.dense('global_mean', 1, 'linear', { bias: context.trainMean, regularize: false, kernel: 'ones' });
    return assemble(config, f, (user, item, pass) => {
      const [bu, bi] = biases.apply(user, item, pass);
      return { output: pass.apply(mean, pass.apply(both, [bu, bi])), embeddings: [bu, bi] };
    });
  },
};
