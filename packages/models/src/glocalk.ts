/**
 * GLocal-K: Han, Lim, Long, Burgstaller and Poon, "GLocal-K: Global and Local Kernels
 * for Recommender Systems", CIKM 2021, pp. 3063-3067 (doi:10.1145/3459637.3482112,
 * arXiv:2108.12184).
 *
 * An item-based autoencoder (as I-AutoRec: one item's vector of ratings by every user,
 * missing entries 0) whose every weight matrix is kernelised: W_eff = W * K(U, V), with
 * K_ij = max(0, 1 - |u_i - v_j|^2) over learned kernelDim-sized vectors u of the layer's
 * inputs and v of its outputs (the local kernel). hiddenLayers sigmoid layers of
 * hiddenUnits, then an identity output layer back to the users. Two stages, each a phase
 * of the loop early-stopped on validation (WholeVectorTraining.stages):
 *  1. pre-training: the local autoencoder reconstructs each item's raw rating vector;
 *  2. fine-tuning: the global kernel. The reconstruction of every item is average-pooled
 *     over users (one value per item); those N values times a learned [N, k*k] matrix
 *     make one k x k kernel, which convolves the rating matrix (items x users as an
 *     image, zero-padded, ReLU); the same autoencoder then reconstructs each item's raw
 *     ratings from its row of the convolved matrix. Rows of the matrix are the catalogue's
 *     ids, so a batch of items reads its neighbour rows too.
 * The loss, per the paper's code: the squared error over observed ratings plus
 * lambda2 * sum(W^2) + lambdaS * sum(K^2) over the layers; with mini-batches of items
 * the error is averaged over the batch's items and the penalties divided by the item
 * count, so a step is the full objective / items in expectation.
 *
 * Departures, on purpose:
 *  - Adam (train.optimizer), where the paper uses L-BFGS over the whole matrix.
 *  - The pooled vector is recomputed from the current weights on entering fine-tuning
 *    and after each of its epochs (refreshScoring), and is a constant within an epoch:
 *    the paper's full-batch graph differentiates through it, which with mini-batches
 *    would be a pass over every item per step. The learned [N, k*k] matrix and the
 *    autoencoder still get their gradients through the convolved input.
 *  - Epochs are chosen on the validation split (the paper's code keeps the best test
 *    epoch); predictions are not clipped to the rating scale.
 *
 * The saved network (wholeVector.ts's codeNetwork) scores user u, item i as
 * dot(h_i, W_out_eff[:, u]) + b_out[u], h_i the last hidden layer of item i's (convolved)
 * vector: all three tables are frozen and written by refreshScoring.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFactory, RecModel, WholeVectorStage } from './contract';
import { Rng } from '@deeprec/base';
import { codeNetwork, denseRows, frozenTable, lazyRows, ROW_BATCH, WeightMaker, type SparseRows } from './wholeVector';

/** One kernelised layer: W [in, out], u [in, dim], v [out, dim], b [out]. */
interface KernelLayer {
  w: tf.Variable;
  u: tf.Variable;
  v: tf.Variable;
  b: tf.Variable;
}

/** K_ij = max(0, 1 - |u_i - v_j|^2), as |u_i|^2 + |v_j|^2 - 2 u_i.v_j (one matmul, no [in, out, dim] tensor). */
export function localKernel(u: tf.Tensor, v: tf.Tensor): tf.Tensor2D {
  const uu = tf.sum(tf.square(u), 1, true);
  const vv = tf.reshape(tf.sum(tf.square(v), 1), [1, -1]);
  const distance = tf.sub(tf.add(uu, vv), tf.mul(tf.matMul(u, v, false, true), 2));
  return tf.relu(tf.sub(1, distance)) as tf.Tensor2D;
}

/** Rows ids - h .. ids + h of the matrix as a [ids.length, 2h + 1, columns] array; rows outside the matrix are 0 (the convolution's padding). */
export function neighbourRows(matrix: SparseRows, ids: ArrayLike<number>, half: number): tf.Tensor3D {
  const span = 2 * half + 1;
  const width = matrix.columns;
  const out = new Float32Array(ids.length * span * width);
  for (let b = 0; b < ids.length; b += 1) {
    for (let o = -half; o <= half; o += 1) {
      const r = (ids[b] as number) + o;
      if (r < 0 || r >= matrix.rows) continue;
      const base = (b * span + o + half) * width;
      for (let k = matrix.start[r] as number; k < (matrix.start[r + 1] as number); k += 1) out[base + (matrix.cols[k] as number)] = matrix.values[k] as number;
    }
  }
  return tf.tensor3d(out, [ids.length, span, width]);
}

export const glocalk: ModelFactory<'glocalk'> = {
  type: 'glocalk',
  paper: 'Han, Lim, Long, Burgstaller and Poon, GLocal-K: Global and Local Kernels for Recommender Systems, CIKM 2021, doi:10.1145/3459637.3482112',
  itemTables: ['item_code'],
  build(config, context) {
    const size = config.globalKernelSize;
    if (size % 2 !== 1) throw new RangeError(`models.${config.name}.globalKernelSize: expected an odd size (the convolution keeps the matrix shape), found ${size}`);
    if (config.train.refit) throw new RangeError(`models.${config.name}.train.refit: expected false for glocalk (a refit would replay one stage's epochs, and it has two), found true`);
    const half = (size - 1) / 2;
    const [items, users, hidden] = [context.numItems, context.numUsers, config.hiddenUnits];
    const rows = lazyRows(context, config.name, 'item', false);
    const weights = new WeightMaker(config.name, config.initializer, context.seed);
    const rng = new Rng(context.seed, 'init-kernel', config.name);
    // The paper's code draws u and v from a truncated normal of sd 1e-3: every kernel entry starts near 1.
    const small = (rowsOf: number) => tf.variable(tf.truncatedNormal([rowsOf, config.kernelDim], 0, 1e-3, 'float32', rng.seed()), true);
    const widths = [users, ...new Array<number>(config.hiddenLayers).fill(hidden), users];
    const layers: KernelLayer[] = widths.slice(1).map((out, k) => ({ w: weights.kernel(widths[k] as number, out), u: small(widths[k] as number), v: small(out), b: weights.bias(out) }));
    const outputLayer = layers[layers.length - 1] as KernelLayer;
    // Starts at the training mean, so the first reconstructions are the mean predictor (as autorec's).
    tf.tidy(() => outputLayer.b.assign(tf.fill([users], context.trainMean)));
    const convKernel = tf.variable(tf.truncatedNormal([items, size * size], 0, 0.1, 'float32', rng.seed()), true);
    const layerVariables = layers.flatMap((l) => [l.w, l.u, l.v, l.b]);
    const code = frozenTable('item_code', items, hidden);
    const outputTable = frozenTable('user_output', users, hidden);
    const outputBias = frozenTable('user_output_bias', users, 1);
    const network = codeNetwork(config.name, 'item', code, outputTable, outputBias);

    let finetune = false;
    // The per-item mean reconstruction the global kernel is made from (a [1, items] constant; fine-tuning only).
    let pooled: tf.Tensor2D | null = null;
    const effective = () => layers.map((l) => {
      const kernel = localKernel(l.u, l.v);
      return { weight: tf.mul(l.w, kernel) as tf.Tensor2D, kernel, bias: l.b };
    });
    const hiddenCode = (x: tf.Tensor2D, eff: ReturnType<typeof effective>) =>
      eff.slice(0, -1).reduce((h, e) => tf.sigmoid(tf.add(tf.matMul(h, e.weight), e.bias)) as tf.Tensor2D, x);
    const reconstruct = (code2: tf.Tensor2D, eff: ReturnType<typeof effective>) => {
      const out = eff[eff.length - 1] as ReturnType<typeof effective>[number];
      return tf.add(tf.matMul(code2, out.weight), out.bias) as tf.Tensor2D;
    };
    /** The k x k global kernel as a [k * k, 1] column, row-major (entry a * k + b weighs row offset a - h, column offset b - h). */
    const globalKernel = () => {
      if (!pooled) throw new Error(`models.${config.name}: the global kernel needs the pooled reconstruction (enter fine-tuning first)`);
      return tf.reshape(tf.mul(tf.matMul(pooled, convKernel), config.dotScale), [size * size, 1]) as tf.Tensor2D;
    };
    /**
     * Items `ids`' rows of relu(conv(R, global kernel)), [ids.length, users]: the k * k shifted
     * views of the zero-padded neighbour rows as patches times the kernel column (a
     * cross-correlation, as conv2d's; slices and a matmul, which every backend differentiates).
     */
    const convolved = (ids: ArrayLike<number>) => {
      const slab = tf.pad(neighbourRows(rows(), ids, half), [[0, 0], [0, 0], [half, half]]);
      const views: tf.Tensor[] = [];
      for (let a = 0; a < size; a += 1) for (let b = 0; b < size; b += 1) views.push(tf.reshape(tf.slice(slab, [0, a, b], [ids.length, 1, users]), [ids.length, users]));
      const patches = tf.reshape(tf.stack(views, 2), [ids.length * users, size * size]);
      return tf.relu(tf.reshape(tf.matMul(patches, globalKernel()), [ids.length, users])) as tf.Tensor2D;
    };
    const inBatches = (each: (ids: Int32Array) => tf.Tensor, width: number) => {
      const out = new Float32Array(items * width);
      for (let from = 0; from < items; from += ROW_BATCH) {
        const ids = Int32Array.from({ length: Math.min(ROW_BATCH, items - from) }, (_, k) => from + k);
        const part = tf.tidy(() => each(ids));
        out.set(part.dataSync(), from * width);
        part.dispose();
      }
      return out;
    };
    const refreshPooled = () => {
      const means = inBatches((ids) => {
        const eff = effective();
        return tf.mean(reconstruct(hiddenCode(denseRows(rows(), ids, false).values, eff), eff), 1);
      }, 1);
      pooled?.dispose();
      pooled = tf.tensor2d(means, [1, items]);
    };

    const stage = (name: string, fine: boolean, variables: tf.Variable[], epochs?: number): WholeVectorStage => ({
      name,
      variables,
      ...(epochs === undefined ? {} : { epochs }),
      enter() {
        finetune = fine;
        if (fine) refreshPooled();
      },
    });
    const model: RecModel = {
      name: config.name,
      type: config.type,
      network,
      // The model's own penalties (lambda2, lambdaS) are in its loss; the loop's l2 has nothing to add.
      kernels: [],
      trainingPass(users2, items2) {
        const output = (network.apply([users2, items2]) as tf.Tensor).reshape([-1]) as tf.Tensor1D;
        return { output, embeddings: [] };
      },
      refreshScoring() {
        if (finetune) refreshPooled();
        const codes = inBatches((ids) => hiddenCode(finetune ? convolved(ids) : denseRows(rows(), ids, false).values, effective()), hidden);
        const codeTensor = tf.tensor2d(codes, [items, hidden]);
        code.setWeights([codeTensor]);
        codeTensor.dispose();
        const [table, bias] = tf.tidy(() => {
          const out = effective()[layers.length - 1] as ReturnType<typeof effective>[number];
          return [tf.transpose(out.weight), tf.reshape(out.bias, [users, 1])];
        });
        outputTable.setWeights([table as tf.Tensor]);
        outputBias.setWeights([bias as tf.Tensor]);
        [table, bias].forEach((t) => t?.dispose());
      },
      wholeVector: {
        rowCount: items,
        variables: [...layerVariables, convKernel],
        stages: [stage('pre-training', false, layerVariables, config.pretrainEpochs), stage('fine-tuning', true, [...layerVariables, convKernel])],
        loss(ids) {
          const { values, mask } = denseRows(rows(), ids, true);
          const eff = effective();
          const prediction = reconstruct(hiddenCode(finetune ? convolved(ids) : values, eff), eff);
          const error = tf.div(tf.sum(tf.mul(tf.square(tf.sub(prediction, values)), mask as tf.Tensor2D)), ids.length);
          const l2 = tf.addN(layers.map((l) => tf.sum(tf.square(l.w))));
          const sparsity = tf.addN(eff.map((e) => tf.sum(tf.square(e.kernel))));
          const penalty = tf.div(tf.add(tf.mul(l2, config.lambda2), tf.mul(sparsity, config.lambdaS)), items);
          return tf.add(error, penalty) as tf.Scalar;
        },
      },
    };
    return model;
  },
};
