/**
 * What the whole-vector models (autorec, glocalk, multdae, multvae) share: the training
 * interactions as sparse rows (users' or items' vectors), dense batches of those rows
 * for a step, seeded weights outside the saved network (the encoders), and row codes
 * computed in batches so memory stays bounded by batch x catalogue, never users x items.
 *
 * Why the saved network stays an ordinary two-input layers model: every one of these
 * networks ends in a dense layer over the row's code, so score(row r, column c) =
 * dot(code[r], outputKernel[c]) + outputBias[c]. The codes depend only on the training
 * vectors, which are fixed once training ends; they live in a frozen table that
 * refreshScoring recomputes (as lightgcn's propagated table), and the output layer's
 * kernel and bias are trainable embedding tables indexed by the column.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@deeprec/base';
import type { ModelContext } from './contract';
import { initializer, type InitializerName } from './layers';

/** Rows of the interaction matrix in compressed form: row r's columns are cols[start[r] .. start[r + 1]). */
export interface SparseRows {
  rows: number;
  columns: number;
  start: Int32Array;
  cols: Int32Array;
  values: Float32Array;
}

/** Which side is a row: 'user' (a user's vector over items) or 'item' (an item's vector over users). */
export type RowSide = 'user' | 'item';

/** The interactions as rows of `side`; `binary` stores 1 for every interaction (implicit models), else the rating. */
export function sparseRows(data: { user: Int32Array; item: Int32Array; rating?: Float32Array }, side: RowSide, numUsers: number, numItems: number, binary: boolean): SparseRows {
  const [rowIds, colIds, rows, columns] = side === 'user' ? [data.user, data.item, numUsers, numItems] : [data.item, data.user, numItems, numUsers];
  if (!binary && !data.rating) throw new Error('sparseRows: explicit rows need the ratings (ModelContext.interactions().rating)');
  const start = new Int32Array(rows + 1);
  for (const r of rowIds) start[r + 1] = (start[r + 1] as number) + 1;
  for (let r = 0; r < rows; r += 1) start[r + 1] = (start[r + 1] as number) + (start[r] as number);
  const fill = start.slice(0, rows);
  const cols = new Int32Array(rowIds.length);
  const values = new Float32Array(rowIds.length);
  for (let k = 0; k < rowIds.length; k += 1) {
    const r = rowIds[k] as number;
    const at = fill[r] as number;
    fill[r] = at + 1;
    cols[at] = colIds[k] as number;
    values[at] = binary ? 1 : (data.rating?.[k] as number);
  }
  return { rows, columns, start, cols, values };
}

/** The sparse rows of a context's training interactions, read once when first asked for. */
export function lazyRows(context: ModelContext, name: string, side: RowSide, binary: boolean): () => SparseRows {
  let rows: SparseRows | null = null;
  return () => {
    if (!rows) {
      if (!context.interactions) throw new Error(`models.${name}: a whole-vector model needs the training interactions (ModelContext.interactions)`);
      rows = sparseRows(context.interactions(), side, context.numUsers, context.numItems, binary);
    }
    return rows;
  };
}

/** Rows `ids` as a dense [ids.length, columns] array (absent entries 0), and the mask of present ones when asked. */
export function denseRows(matrix: SparseRows, ids: ArrayLike<number>, withMask: boolean): { values: tf.Tensor2D; mask: tf.Tensor2D | null } {
  const width = matrix.columns;
  const values = new Float32Array(ids.length * width);
  const mask = withMask ? new Float32Array(ids.length * width) : null;
  for (let b = 0; b < ids.length; b += 1) {
    const r = ids[b] as number;
    for (let k = matrix.start[r] as number; k < (matrix.start[r + 1] as number); k += 1) {
      const at = b * width + (matrix.cols[k] as number);
      values[at] = matrix.values[k] as number;
      if (mask) mask[at] = 1;
    }
  }
  return { values: tf.tensor2d(values, [ids.length, width]), mask: mask ? tf.tensor2d(mask, [ids.length, width]) : null };
}

/** Seeded variables outside the saved network, from the model's own initialiser stream. */
export class WeightMaker {
  private readonly rng: Rng;

  constructor(
    name: string,
    private readonly init: InitializerName,
    seed: number,
  ) {
    this.rng = new Rng(seed, 'init-encoder', name);
  }

  // Unnamed: tfjs names variables uniquely, and a refit builds the same model again in this process.
  kernel(rows: number, cols: number): tf.Variable {
    return tf.variable(initializer(this.init, this.rng.seed()).apply([rows, cols]) as tf.Tensor, true);
  }

  bias(size: number): tf.Variable {
    return tf.variable(tf.zeros([size]), true);
  }
}

/** The weights of a layer table (an embedding's matrix) as a variable. */
export function tableOf(layer: tf.layers.Layer): tf.Variable {
  return (layer.trainableWeights[0] as tf.LayerVariable).read() as tf.Variable;
}

/** Rows handled at once when codes are computed or validation is scored. */
export const ROW_BATCH = 256;

/** Every row's code, `batch` rows at a time (encode gets a dense [b, columns] batch); a [rows, dim] array. */
export function codesInBatches(matrix: SparseRows, dim: number, encode: (x: tf.Tensor2D) => tf.Tensor2D, batch = ROW_BATCH): tf.Tensor2D {
  const out = new Float32Array(matrix.rows * dim);
  for (let from = 0; from < matrix.rows; from += batch) {
    const ids = Int32Array.from({ length: Math.min(batch, matrix.rows - from) }, (_, k) => from + k);
    const codes = tf.tidy(() => encode(denseRows(matrix, ids, false).values));
    out.set(codes.dataSync(), from * dim);
    codes.dispose();
  }
  return tf.tensor2d(out, [matrix.rows, dim]);
}

/** A frozen table a network reads the codes from (refreshScoring writes it). */
export function frozenTable(name: string, rows: number, dim: number): tf.layers.Layer {
  return tf.layers.embedding({ name, inputDim: rows, outputDim: dim, inputLength: 1, trainable: false, embeddingsInitializer: 'zeros' });
}

/**
 * The saved network of a whole-vector model: score = dot(code[row], kernel[column]) + bias[column],
 * where row and column are the user and item inputs in the model's orientation.
 */
export function codeNetwork(name: string, side: RowSide, code: tf.layers.Layer, kernel: tf.layers.Layer, bias: tf.layers.Layer): tf.LayersModel {
  const user = tf.input({ shape: [1], dtype: 'int32', name: 'user' });
  const item = tf.input({ shape: [1], dtype: 'int32', name: 'item' });
  const [row, column] = side === 'user' ? [user, item] : [item, user];
  const flat = (layer: tf.layers.Layer, input: tf.SymbolicTensor, label: string) =>
    tf.layers.flatten({ name: `${label}_flatten` }).apply(layer.apply(input)) as tf.SymbolicTensor;
  const dot = tf.layers.dot({ axes: 1, name: 'dot' }).apply([flat(code, row, 'code'), flat(kernel, column, 'kernel')]) as tf.SymbolicTensor;
  const score = tf.layers.add({ name: 'score' }).apply([dot, flat(bias, column, 'bias')]) as tf.SymbolicTensor;
  return tf.model({ inputs: [user, item], outputs: score, name: name.replace(/-/g, '_') });
}
