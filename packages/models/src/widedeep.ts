/**
 * Wide & Deep: a wide linear part (global, user and item biases: the memorising
 * part) summed with a deep MLP over user and item embeddings (the generalising part).
 * Cheng et al., "Wide & Deep Learning for Recommender Systems", DLRS 2016
 * (doi:10.1145/2988450.2988454).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory } from './contract';
import { assemble } from './assemble';
import { apply, flatten, LayerFactory, Tower } from './layers';

export const widedeep: ModelFactory<'widedeep'> = {
  type: 'widedeep',
  paper: 'Cheng et al., Wide & Deep Learning for Recommender Systems, DLRS 2016, doi:10.1145/2988450.2988454',
  build(config, context) {
    const f = new LayerFactory(config, context.seed);
    const userBias = f.bias('user_bias', context.numUsers);
    const itemBias = f.bias('item_bias', context.numItems);
    const userEmbedding = f.embedding('user_embedding', context.numUsers, config.embeddingDim);
    const itemEmbedding = f.embedding('item_embedding', context.numItems, config.embeddingDim);
    const concat = tf.layers.concatenate({ name: 'deep_concat' });
    const tower = new Tower(f, 'deep', config.layers, config.activation, config.dropout, `models.${config.name}`);
    // The deep output's bias doubles as the global bias of the wide part.
    const deepOut = f.dense('deep_output', 1, 'linear', context.trainMean);
    const sum = tf.layers.add({ name: 'wide_plus_deep' });
    const [fUb, fIb, fU, fI] = [flatten('user_bias_flatten'), flatten('item_bias_flatten'), flatten('user_flatten'), flatten('item_flatten')];

    return assemble(config, f, (user, item, drop) => {
      const bu = apply(fUb, apply(userBias, user));
      const bi = apply(fIb, apply(itemBias, item));
      const u = apply(fU, apply(userEmbedding, user));
      const i = apply(fI, apply(itemEmbedding, item));
      const deep = apply(deepOut, tower.apply(apply(concat, [u, i]), drop));
      return { output: apply(sum, [bu, bi, deep]), embeddings: [u, i, bu, bi] };
    });
  },
};
