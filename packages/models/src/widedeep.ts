/**
 * Wide & Deep: a wide linear part (global, user and item biases; with side features,
 * a weight per attribute value and cross-product terms of user x item attributes,
 * e.g. occupation x genre: the memorising part) summed with a deep MLP over user and
 * item embeddings and attribute embeddings (the generalising part).
 * Cheng et al., "Wide & Deep Learning for Recommender Systems", DLRS 2016
 * (doi:10.1145/2988450.2988454).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory } from './contract';
import { assemble } from './assemble';
import type { KernelPlan } from './kernelPlan';
import { flatten, LayerFactory, Tower } from './layers';
import type { AnyTensor } from './pass';
import { AttributeEmbedding, BiasTerms, concat, featureBlocks, sum } from './parts';

export const widedeep: ModelFactory<'widedeep'> = {
  type: 'widedeep',
  paper: 'Cheng et al., Wide & Deep Learning for Recommender Systems, DLRS 2016, doi:10.1145/2988450.2988454',
  itemTables: ['item_embedding'],
  build(config, context) {
    const f = new LayerFactory(config, context.seed);
    const biases = new BiasTerms(f, context);
    const userEmbedding = f.embedding('user_embedding', context.numUsers, config.embeddingDim);
    const itemEmbedding = f.embedding('item_embedding', context.numItems, config.embeddingDim);
    const [flatUser, flatItem] = [flatten('user_flatten'), flatten('item_flatten')];
    const side = featureBlocks(f, context, config.features);

    // Wide: first-order attribute weights, and one bilinear cross per (user field, item field):
    // onehot(occupation)^T W multihot(genres) gives every occupation x genre pair its own weight.
    const wideInput = tf.layers.concatenate({ name: 'wide_attributes_concat' });
    const firstOrder = side ? f.dense('wide_attributes', 1, 'linear', { bias: false }) : null;
    const crosses =
      side && config.crosses
        ? side.users.fields.flatMap((uf, ui) =>
            side.items.fields.map((itf, ii) => ({
              ui,
              ii,
              weights: f.dense(`wide_cross_${uf.name}_x_${itf.name}`, itf.labels.length, 'linear', { bias: false }),
              dot: tf.layers.dot({ axes: 1, name: `wide_cross_${uf.name}_x_${itf.name}_dot` }),
            })),
          )
        : [];

    const userAttributes = side && side.users.size > 0 ? new AttributeEmbedding(f, 'user', side.users, config.embeddingDim) : null;
    const itemAttributes = side && side.items.size > 0 ? new AttributeEmbedding(f, 'item', side.items, config.embeddingDim) : null;
    const deepInput = tf.layers.concatenate({ name: 'deep_concat' });
    const tower = new Tower(f, 'deep', config.layers, config.activation, config.dropout, `models.${config.name}`);
    // The deep output's bias doubles as the global bias of the wide part.
    const deepOut = f.dense('deep_output', 1, 'linear', { bias: context.trainMean });
    const total = tf.layers.add({ name: 'wide_plus_deep' });

    const plan: KernelPlan | null =
      side || !tower.relu
        ? null
        : {
            tower: { user: userEmbedding, item: itemEmbedding, layers: tower.layers, rates: tower.rates },
            gmf: null,
            biases: { user: biases.user, item: biases.item },
            head: { kind: 'dense', layer: deepOut },
          };
    return assemble(config, f, (user, item, pass) => {
      const [bu, bi] = biases.apply(user, item, pass);
      const wide: AnyTensor[] = [bu, bi];
      if (side && firstOrder) {
        const userBlocks = side.users.blocks(user, pass);
        const itemBlocks = side.items.blocks(item, pass);
        wide.push(pass.apply(firstOrder, concat(pass, wideInput, [...userBlocks, ...itemBlocks])));
        for (const c of crosses) wide.push(pass.apply(c.dot, [pass.apply(c.weights, userBlocks[c.ui] as typeof user), itemBlocks[c.ii] as typeof user]));
      }
      const u = pass.apply(flatUser, pass.apply(userEmbedding, user));
      const i = pass.apply(flatItem, pass.apply(itemEmbedding, item));
      const extra = [...(userAttributes ? [userAttributes.apply(user, pass)] : []), ...(itemAttributes ? [itemAttributes.apply(item, pass)] : [])];
      const deep = pass.apply(deepOut, tower.apply(concat(pass, deepInput, [u, i, ...extra]), pass));
      return { output: sum(pass, total, [...(wide as Array<typeof user>), deep]), embeddings: [u, i, bu, bi] };
    }, plan);
  },
};
