/**
 * NCF: user and item embeddings, concatenated and passed through an MLP.
 * The "MLP" instance of the framework in He, Liao, Zhang, Nie, Hu and Chua,
 * "Neural Collaborative Filtering", WWW 2017 (doi:10.1145/3038912.3052569),
 * here with a linear output for explicit ratings; optional bias terms and
 * side-feature (attribute) embeddings in the MLP input.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory } from './contract';
import { assemble } from './assemble';
import type { KernelPlan } from './kernelPlan';
import { flatten, LayerFactory, Tower } from './layers';
import { AttributeEmbedding, BiasTerms, concat, featureBlocks, sum } from './parts';

export const ncf: ModelFactory<'ncf'> = {
  type: 'ncf',
  paper: 'He et al., Neural Collaborative Filtering, WWW 2017, doi:10.1145/3038912.3052569',
  itemTables: ['item_embedding'],
  build(config, context) {
    const f = new LayerFactory(config, context.seed);
    const userEmbedding = f.embedding('user_embedding', context.numUsers, config.embeddingDim);
    const itemEmbedding = f.embedding('item_embedding', context.numItems, config.embeddingDim);
    const [flatUser, flatItem] = [flatten('user_flatten'), flatten('item_flatten')];
    const side = featureBlocks(f, context, config.features);
    const userAttributes = side && side.users.size > 0 ? new AttributeEmbedding(f, 'user', side.users, config.embeddingDim) : null;
    const itemAttributes = side && side.items.size > 0 ? new AttributeEmbedding(f, 'item', side.items, config.embeddingDim) : null;
    const mlpInput = tf.layers.concatenate({ name: 'concat' });
    const tower = new Tower(f, 'mlp', config.layers, config.activation, config.dropout, `models.${config.name}`);
    const prediction = f.dense('prediction', 1, 'linear', { bias: context.trainMean });
    const biases = config.bias ? new BiasTerms(f, context) : null;
    const total = tf.layers.add({ name: 'with_biases' });

    const plan: KernelPlan | null =
      side || !tower.relu
        ? null
        : {
            tower: { user: userEmbedding, item: itemEmbedding, layers: tower.layers, rates: tower.rates },
            gmf: null,
            biases: biases ? { user: biases.user, item: biases.item } : null,
            head: { kind: 'dense', layer: prediction },
          };
    return assemble(
      config,
      f,
      (user, item, pass) => {
        const u = pass.apply(flatUser, pass.apply(userEmbedding, user));
        const i = pass.apply(flatItem, pass.apply(itemEmbedding, item));
        const extra = [...(userAttributes ? [userAttributes.apply(user, pass)] : []), ...(itemAttributes ? [itemAttributes.apply(item, pass)] : [])];
        const h = tower.apply(concat(pass, mlpInput, [u, i, ...extra]), pass);
        const b = biases ? biases.apply(user, item, pass) : [];
        return { output: sum(pass, total, [pass.apply(prediction, h), ...b]), embeddings: [u, i, ...b] };
      },
      plan,
    );
  },
};
