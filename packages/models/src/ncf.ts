/**
 * NCF: user and item embeddings, concatenated and passed through an MLP.
 * The "MLP" instance of the framework in He, Liao, Zhang, Nie, Hu and Chua,
 * "Neural Collaborative Filtering", WWW 2017 (doi:10.1145/3038912.3052569),
 * here with a linear output for explicit ratings.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory } from './contract';
import { assemble } from './assemble';
import { apply, flatten, LayerFactory, Tower } from './layers';

export const ncf: ModelFactory<'ncf'> = {
  type: 'ncf',
  paper: 'He et al., Neural Collaborative Filtering, WWW 2017, doi:10.1145/3038912.3052569',
  build(config, context) {
    const f = new LayerFactory(config, context.seed);
    const userEmbedding = f.embedding('user_embedding', context.numUsers, config.embeddingDim);
    const itemEmbedding = f.embedding('item_embedding', context.numItems, config.embeddingDim);
    const flattenUser = flatten('user_flatten');
    const flattenItem = flatten('item_flatten');
    const concat = tf.layers.concatenate({ name: 'concat' });
    const tower = new Tower(f, 'mlp', config.layers, config.activation, config.dropout, `models.${config.name}`);
    const prediction = f.dense('prediction', 1, 'linear', context.trainMean);

    return assemble(config, f, (user, item, drop) => {
      const u = apply(flattenUser, apply(userEmbedding, user));
      const i = apply(flattenItem, apply(itemEmbedding, item));
      const h = tower.apply(apply(concat, [u, i]), drop);
      return { output: apply(prediction, h), embeddings: [u, i] };
    });
  },
};
