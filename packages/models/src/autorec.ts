/**
 * AutoRec: Sedhain, Menon, Sanner and Xie, "AutoRec: Autoencoders Meet Collaborative
 * Filtering", WWW 2015 Companion (doi:10.1145/2740908.2742726).
 *
 * An autoencoder over one item's vector of ratings by every user (I-AutoRec, side:
 * item, the paper's better variant) or one user's vector over every item (U-AutoRec,
 * side: user): h = sigmoid(V r + mu), r' = W h + b, identity output. The loss is the
 * squared error over the observed entries of each vector only (unobserved inputs are 0
 * and their reconstructions cost nothing), plus l2 on V and W. The paper optimises the
 * whole objective with resilient propagation; here it is the loop's mini-batches of
 * vectors, so the loss is the masked error summed over a vector and averaged over the
 * batch's vectors, and l2 multiplies sum(V^2) + sum(W^2) once per step.
 *
 * Prediction of user u's rating of item i (I-AutoRec) is entry u of item i's
 * reconstruction, W[u] . h_i + b[u]: the saved network looks h_i up in a frozen table
 * that refreshScoring computes from the training ratings (wholeVector.ts), and W and b
 * are its trainable user tables. The encoder V, mu is trained but not saved: scoring
 * never needs it once the codes are in the table.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory, RecModel } from './contract';
import { initializer } from './layers';
import { Rng } from '@deeprec/base';
import { codeNetwork, codesInBatches, denseRows, frozenTable, lazyRows, tableOf, WeightMaker } from './wholeVector';

export const autorec: ModelFactory<'autorec'> = {
  type: 'autorec',
  paper: 'Sedhain, Menon, Sanner and Xie, AutoRec: Autoencoders Meet Collaborative Filtering, WWW 2015 Companion, doi:10.1145/2740908.2742726',
  // Item-based: each item's code (its hidden layer); user-based: the decoder's item rows.
  itemTables: ['item_code', 'item_decoder'],
  itemTablesCombine: 'first',
  build(config, context) {
    const side = config.side;
    const hidden = config.hiddenUnits;
    const [rowCount, columns] = side === 'item' ? [context.numItems, context.numUsers] : [context.numUsers, context.numItems];
    const columnSide = side === 'item' ? 'user' : 'item';
    const rng = new Rng(context.seed, 'init', config.name);
    // The decoder's rows are the columns' (users' for I-AutoRec): embedding tables the saved network indexes.
    const decoder = tf.layers.embedding({
      name: `${columnSide}_decoder`,
      inputDim: columns,
      outputDim: hidden,
      inputLength: 1,
      embeddingsInitializer: initializer(config.initializer, rng.seed()),
    });
    // Starts at the training mean, so the first reconstructions are the mean predictor.
    const bias = tf.layers.embedding({
      name: `${columnSide}_decoder_bias`,
      inputDim: columns,
      outputDim: 1,
      inputLength: 1,
      embeddingsInitializer: tf.initializers.constant({ value: context.trainMean }),
    });
    const code = frozenTable(`${side}_code`, rowCount, hidden);
    const network = codeNetwork(config.name, side, code, decoder, bias);
    const weights = new WeightMaker(config.name, config.initializer, context.seed);
    const encoder = weights.kernel(columns, hidden);
    const encoderBias = weights.bias(hidden);
    const decoderTable = tableOf(decoder);
    const biasTable = tableOf(bias);
    const rows = lazyRows(context, config.name, side, false);

    const encode = (x: tf.Tensor2D) => tf.sigmoid(tf.add(tf.matMul(x, encoder), encoderBias)) as tf.Tensor2D;
    const model: RecModel = {
      name: config.name,
      type: config.type,
      network,
      kernels: [encoder, decoderTable],
      trainingPass(users, items) {
        // Pairs are scored through the saved network (the codes as last refreshed); training goes through wholeVector.
        const output = (network.apply([users, items]) as tf.Tensor).reshape([-1]) as tf.Tensor1D;
        return { output, embeddings: [] };
      },
      refreshScoring() {
        const codes = codesInBatches(rows(), hidden, encode);
        code.setWeights([codes]);
        codes.dispose();
      },
      wholeVector: {
        rowCount,
        variables: [encoder, encoderBias, decoderTable, biasTable],
        loss(ids) {
          const { values, mask } = denseRows(rows(), ids, true);
          const reconstruction = tf.add(tf.matMul(encode(values), decoderTable, false, true), tf.reshape(biasTable, [1, columns]));
          const error = tf.mul(tf.square(tf.sub(reconstruction, values)), mask as tf.Tensor2D);
          return tf.div(tf.sum(error), ids.length) as tf.Scalar;
        },
      },
    };
    return model;
  },
};
