/**
 * NeuMF: a GMF branch (element-wise product of its own user and item embeddings)
 * and an MLP branch (on separate embeddings), concatenated into the output layer.
 * He, Liao, Zhang, Nie, Hu and Chua, "Neural Collaborative Filtering", WWW 2017
 * (doi:10.1145/3038912.3052569), section 3.4; linear output for explicit ratings,
 * optional bias terms and side-feature embeddings in the MLP branch.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory } from './contract';
import { assemble } from './assemble';
import type { KernelPlan } from './kernelPlan';
import { flatten, LayerFactory, Tower } from './layers';
import type { AnyTensor, Pass } from './pass';
import { AttributeEmbedding, BiasTerms, concat, featureBlocks, sum } from './parts';

export const neumf: ModelFactory<'neumf'> = {
  type: 'neumf',
  paper: 'He et al., Neural Collaborative Filtering (NeuMF), WWW 2017, doi:10.1145/3038912.3052569',
  itemTables: ['gmf_item_embedding', 'mlp_item_embedding'],
  build(config, context) {
    const f = new LayerFactory(config, context.seed);
    const gmfUser = f.embedding('gmf_user_embedding', context.numUsers, config.gmfDim);
    const gmfItem = f.embedding('gmf_item_embedding', context.numItems, config.gmfDim);
    const mlpUser = f.embedding('mlp_user_embedding', context.numUsers, config.mlpDim);
    const mlpItem = f.embedding('mlp_item_embedding', context.numItems, config.mlpDim);
    const [fGu, fGi, fMu, fMi] = [flatten('gmf_user_flatten'), flatten('gmf_item_flatten'), flatten('mlp_user_flatten'), flatten('mlp_item_flatten')];
    const side = featureBlocks(f, context, config.features);
    const userAttributes = side && side.users.size > 0 ? new AttributeEmbedding(f, 'user', side.users, config.mlpDim) : null;
    const itemAttributes = side && side.items.size > 0 ? new AttributeEmbedding(f, 'item', side.items, config.mlpDim) : null;
    const product = tf.layers.multiply({ name: 'gmf_product' });
    const mlpConcat = tf.layers.concatenate({ name: 'mlp_concat' });
    const fuse = tf.layers.concatenate({ name: 'neumf_concat' });
    const tower = new Tower(f, 'mlp', config.layers, config.activation, config.dropout, `models.${config.name}`);
    const biases = config.bias ? new BiasTerms(f, context) : null;
    const total = tf.layers.add({ name: 'with_biases' });
    const covered = !side && tower.relu;
    const planOf = (head: KernelPlan['head']): KernelPlan | null =>
      covered
        ? {
            tower: { user: mlpUser, item: mlpItem, layers: tower.layers, rates: tower.rates },
            gmf: { user: gmfUser, item: gmfItem },
            biases: biases ? { user: biases.user, item: biases.item } : null,
            head,
          }
        : null;
    if (config.gmfOutput === 'sum') {
      // The GMF branch is biased MF exactly as the mf model (Koren et al.): mu + s * (p . q + b_u + b_i),
      // with an unregularised scale s; the MLP branch adds its own learned output, which starts
      // at zero (a zero-initialised residual branch), so training starts from MF and the MLP adds what it finds.
      const gmfDot = tf.layers.dot({ axes: 1, name: 'gmf_dot' });
      const gmfScale = f.dense('gmf_scale', 1, 'linear', { bias: context.trainMean, regularize: false, kernel: 'ones' });
      const mlpOutput = f.dense('prediction', 1, 'linear', { bias: false, kernel: 'zeros' });
      const withMlp = tf.layers.add({ name: 'with_mlp' });
      return assemble(config, f, (user, item, pass) => {
        const { gu, gi, mlp } = branches(user, item, pass);
        const b = biases ? biases.apply(user, item, pass) : [];
        const mf = pass.apply(gmfScale, sum(pass, total, [pass.apply(gmfDot, [gu, gi]), ...b]));
        return { output: pass.apply(withMlp, [mf, pass.apply(mlpOutput, mlp.output)]), embeddings: [gu, gi, ...mlp.embeddings, ...b] };
      }, planOf({ kind: 'scaled', scale: gmfScale, mlp: mlpOutput }));
    }
    const prediction = f.dense('prediction', 1, 'linear', { bias: context.trainMean });
    return assemble(config, f, (user, item, pass) => {
      const { gu, gi, mlp } = branches(user, item, pass);
      const b = biases ? biases.apply(user, item, pass) : [];
      const fused = pass.apply(prediction, pass.apply(fuse, [pass.apply(product, [gu, gi]), mlp.output]));
      return { output: sum(pass, total, [fused, ...b]), embeddings: [gu, gi, ...mlp.embeddings, ...b] };
    }, planOf({ kind: 'dense', layer: prediction }));

    /** The two branches' inputs: GMF embeddings and the MLP tower's output. */
    function branches<T extends AnyTensor>(user: T, item: T, pass: Pass): { gu: T; gi: T; mlp: { output: T; embeddings: T[] } } {
      const gu = pass.apply(fGu, pass.apply(gmfUser, user));
      const gi = pass.apply(fGi, pass.apply(gmfItem, item));
      const mu = pass.apply(fMu, pass.apply(mlpUser, user));
      const mi = pass.apply(fMi, pass.apply(mlpItem, item));
      const extra = [...(userAttributes ? [userAttributes.apply(user, pass)] : []), ...(itemAttributes ? [itemAttributes.apply(item, pass)] : [])];
      return { gu, gi, mlp: { output: tower.apply(concat(pass, mlpConcat, [mu, mi, ...extra]), pass), embeddings: [mu, mi] } };
    }
  },
};
