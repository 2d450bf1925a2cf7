/**
 * Item popularity: every user gets the items with the most training interactions
 * (ItemPop, the non-personalised baseline of He et al. 2017 and Rendle et al. 2009).
 * The score is log(1 + training count), kept in a frozen table, so the saved network
 * ranks like any other model; it has no trainable parameters. A ranking baseline:
 * its scores are not ratings.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@deeprec/base';
import type { ModelFactory } from './contract';
import { assemble } from './assemble';
import { flatten, LayerFactory } from './layers';

export const popularity: ModelFactory<'popularity'> = {
  type: 'popularity',
  paper: 'He et al., Neural Collaborative Filtering (ItemPop baseline), WWW 2017, doi:10.1145/3038912.3052569',
  build(config, context) {
    const counts = context.itemCounts?.();
    if (!counts) throw new ConfigError(`models.${config.name}: popularity needs the training item counts`);
    const f = new LayerFactory(config, context.seed);
    const scores = Float32Array.from(counts, (c) => Math.log1p(c));
    const table = f.featureTable('item_popularity', { name: 'popularity', kind: 'bucket', labels: ['log1p_count'], values: scores }, context.numItems);
    const flat = flatten('item_popularity_flatten');
    // The user input must reach the output for tfjs to accept the graph; it contributes 0.
    const userZero = f.featureTable('user_zero', { name: 'zero', kind: 'bucket', labels: ['zero'], values: new Float32Array(context.numUsers) }, context.numUsers);
    const flatUser = flatten('user_zero_flatten');
    const total = tf.layers.add({ name: 'popularity_score' });
    return assemble(config, f, (user, item, pass) => ({
      output: pass.apply(total, [pass.apply(flat, pass.apply(table, item)), pass.apply(flatUser, pass.apply(userZero, user))]),
      embeddings: [],
    }));
  },
};
