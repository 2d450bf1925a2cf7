/**
 * The network Mult-DAE and Mult-VAE share (Liang, Krishnan, Hoffman and Jebara,
 * "Variational Autoencoders for Collaborative Filtering", WWW 2018; multdae.ts,
 * multvae.ts): a user's click vector x over every item, L2-normalised, with dropout on
 * that input; tanh encoder layers of the configured widths (the last is the latent
 * size); a decoder mirroring them; a softmax over the items. The loss is the
 * multinomial log-likelihood -sum_i x_i log softmax(f(x))_i, averaged over the batch's
 * users. Mult-VAE's last encoder layer gives a mean and a log-variance instead (no
 * tanh), z is sampled by reparameterisation with seeded noise, and beta * KL(q || N(0, I))
 * joins the loss, beta annealed linearly from 0 to annealCap over annealSteps steps.
 *
 * Scoring: the last decoder layer is the output, so a user's logits are
 * code_u . T[i] + c[i] with code_u the input of that layer (from the mean, for the VAE,
 * and without dropout); the frozen user table holds the codes (wholeVector.ts), T and c
 * are trainable item tables. Softmax is monotone within a user, so the logits rank as
 * the probabilities do.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import type { ModelContext, RecModel } from './contract';
import { initializer, type InitializerName } from './layers';
import type { ForwardOptions } from './pass';
import { codeNetwork, codesInBatches, denseRows, frozenTable, lazyRows, ROW_BATCH, tableOf, WeightMaker } from './wholeVector';

export interface MultSettings {
  name: string;
  type: 'multdae' | 'multvae';
  layers: number[];
  dropout: number;
  initializer: InitializerName;
  /** Mult-VAE only: the KL weight's cap and the steps it takes to reach it. */
  anneal: { cap: number; steps: number } | null;
}

interface Dense {
  kernel: tf.Variable;
  bias: tf.Variable;
}

export function buildMultAutoencoder(settings: MultSettings, context: ModelContext): RecModel {
  const { numUsers, numItems } = context;
  const widths = settings.layers;
  const latent = widths[widths.length - 1] as number;
  const variational = settings.anneal !== null;
  const weights = new WeightMaker(settings.name, settings.initializer, context.seed);
  // Encoder: items -> widths[0] -> ... -> latent (twice the latent for the VAE: mean and log-variance).
  const encoder: Dense[] = widths.map((width, k) => {
    const from = k === 0 ? numItems : (widths[k - 1] as number);
    const to = variational && k === widths.length - 1 ? 2 * width : width;
    return { kernel: weights.kernel(from, to), bias: weights.bias(to) };
  });
  // Decoder hidden layers mirror the encoder's: latent -> ... -> widths[0]; the output layer is the item tables.
  const decoderWidths = widths.slice(0, -1).reverse();
  const decoder: Dense[] = decoderWidths.map((width, k) => {
    const from = k === 0 ? latent : (decoderWidths[k - 1] as number);
    return { kernel: weights.kernel(from, width), bias: weights.bias(width) };
  });
  const codeDim = decoderWidths.length > 0 ? (decoderWidths[decoderWidths.length - 1] as number) : latent;
  const rng = new Rng(context.seed, 'init', settings.name);
  const output = tf.layers.embedding({
    name: 'item_output',
    inputDim: numItems,
    outputDim: codeDim,
    inputLength: 1,
    embeddingsInitializer: initializer(settings.initializer, rng.seed()),
  });
  const outputBias = tf.layers.embedding({ name: 'item_output_bias', inputDim: numItems, outputDim: 1, inputLength: 1, embeddingsInitializer: 'zeros' });
  const code = frozenTable('user_code', numUsers, codeDim);
  const network = codeNetwork(settings.name, 'user', code, output, outputBias);
  const outputTable = tableOf(output);
  const biasTable = tableOf(outputBias);
  const rows = lazyRows(context, settings.name, 'user', true);

  const dense = (x: tf.Tensor2D, layer: Dense) => tf.add(tf.matMul(x, layer.kernel), layer.bias) as tf.Tensor2D;
  /** Encoder: the latent (the mean, for the VAE) and the VAE's log-variance; `forward` present: training, with input dropout. */
  const encode = (x: tf.Tensor2D, forward?: ForwardOptions): { mean: tf.Tensor2D; logVar: tf.Tensor2D | null } => {
    // L2-normalised rows (an empty row stays 0), as the paper's code does before dropout.
    let h = tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
    if (forward && settings.dropout > 0) h = tf.dropout(h, settings.dropout, undefined, forward.nextSeed()) as tf.Tensor2D;
    encoder.forEach((layer, k) => {
      const last = k === encoder.length - 1;
      h = last && variational ? dense(h, layer) : tf.tanh(dense(h, layer));
    });
    if (!variational) return { mean: h, logVar: null };
    return { mean: h.slice([0, 0], [-1, latent]), logVar: h.slice([0, latent], [-1, latent]) };
  };
  const decodeCode = (z: tf.Tensor2D) => decoder.reduce((h, layer) => tf.tanh(dense(h, layer)), z);
  const logits = (codes: tf.Tensor2D) => tf.add(tf.matMul(codes, outputTable, false, true), tf.reshape(biasTable, [1, numItems])) as tf.Tensor2D;
  const scoringCode = (x: tf.Tensor2D) => decodeCode(encode(x).mean);

  const model: RecModel = {
    name: settings.name,
    type: settings.type,
    network,
    kernels: [...encoder.map((l) => l.kernel), ...decoder.map((l) => l.kernel), outputTable],
    trainingPass(users, items) {
      // Pairs are scored through the saved network (the codes as last refreshed); training goes through wholeVector.
      return { output: (network.apply([users, items]) as tf.Tensor).reshape([-1]) as tf.Tensor1D, embeddings: [] };
    },
    refreshScoring() {
      const codes = codesInBatches(rows(), codeDim, scoringCode);
      code.setWeights([codes]);
      codes.dispose();
    },
    wholeVector: {
      rowCount: numUsers,
      variables: [...encoder.flatMap((l) => [l.kernel, l.bias]), ...decoder.flatMap((l) => [l.kernel, l.bias]), outputTable, biasTable],
      loss(ids, forward, step) {
        const x = denseRows(rows(), ids, false).values;
        const { mean, logVar } = encode(x, forward);
        let z = mean;
        if (logVar) z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.randomNormal(mean.shape, 0, 1, 'float32', forward.nextSeed())));
        const nll = tf.div(tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits(decodeCode(z))), x))), ids.length) as tf.Scalar;
        if (!logVar || !settings.anneal) return nll;
        const beta = Math.min(settings.anneal.cap, settings.anneal.steps > 0 ? step / settings.anneal.steps : settings.anneal.cap);
        const kl = tf.div(tf.mul(tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(logVar, 1))), 0.5), ids.length);
        return tf.add(nll, tf.mul(kl, beta)) as tf.Scalar;
      },
      validationLoss(valid) {
        return multinomialValidationLoss(valid, (ids) => logits(scoringCode(denseRows(rows(), ids, false).values)));
      },
    },
  };
  return model;
}

/** -mean log softmax(logits_u)[i] over the held-out pairs (u, i), the users' logits computed ROW_BATCH users at a time. */
function multinomialValidationLoss(valid: { user: Int32Array; item: Int32Array }, logitsOf: (ids: Int32Array) => tf.Tensor2D): number {
  if (valid.user.length === 0) return Number.NaN;
  const byUser = new Map<number, number[]>();
  valid.user.forEach((u, k) => {
    const list = byUser.get(u);
    if (list) list.push(valid.item[k] as number);
    else byUser.set(u, [valid.item[k] as number]);
  });
  const users = Int32Array.from([...byUser.keys()].sort((a, b) => a - b));
  let sum = 0;
  for (let from = 0; from < users.length; from += ROW_BATCH) {
    const ids = users.subarray(from, from + ROW_BATCH);
    const scores = tf.tidy(() => tf.logSoftmax(logitsOf(ids)));
    const values = scores.dataSync();
    const width = scores.shape[1] as number;
    scores.dispose();
    ids.forEach((u, b) => {
      for (const i of byUser.get(u) ?? []) sum -= values[b * width + i] as number;
    });
  }
  return sum / valid.user.length;
}
