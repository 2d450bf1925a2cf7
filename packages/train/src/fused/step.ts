/**
 * The fused training step: one gradient computation and one Adam update of every
 * variable, with embedding rows gathered here rather than by tf.gather. Row gradients
 * are captured where they arrive (a custom gradient on each lookup) and applied to the
 * rows of the batch only (lazy Adam) or scattered into a dense update; dense layers get
 * one in-place Adam pass each. Against tfjs's optimizer.minimize this removes the
 * gather and segment-sum kernels and the ~8 kernels per variable of tf.train.adam.
 */
import * as tf from '@tensorflow/tfjs';
import { copyRows, layerKind, storageId } from '@deeprec/compute';
import type { EmbedOverride, RecModel } from '@deeprec/models';
import { accumulateRows, adamDense, adamRows, newMoments, type AdamHyper, type Moments } from './adam';
import { currentValues, tensorCopiesInput, updateInPlace } from './memory';

export interface FusedOptions extends AdamHyper {
  /** Update only the embedding rows in the batch (lazy Adam); false: every row, as dense Adam. */
  lazy: boolean;
}

interface Table {
  variable: tf.Variable;
  dim: number;
  moments: Moments;
  /**
   * A scalar the table's lookups hang their gradient on: tfjs computes gradients only
   * for variables, so each lookup is a custom op of it. One per table, so lookups of
   * different tables never need their (discarded) anchor gradients added up.
   */
  anchor: tf.Variable;
  /** Scratch for accumulateRows, one entry per row, kept at -1 between steps. */
  slots: Int32Array;
  /** Reused for the gathered rows where tf.tensor copies its input (wasm); else each lookup allocates. */
  gathered: Float32Array;
}

interface DenseWeight {
  variable: tf.Variable;
  moments: Moments;
  /**
   * The values this step last assigned and the storage they went to: the next step starts
   * from them instead of reading the variable back, unless something else has assigned
   * the variable since (restoring the best weights does).
   */
  last?: { values: Float32Array; storage: object };
}

interface CapturedRows {
  table: Table;
  ids: Int32Array;
  grad: Float32Array;
}

export class FusedAdamStep {
  private readonly tables = new Map<tf.layers.Layer, Table>();
  private readonly dense: DenseWeight[] = [];
  private t = 0;
  /** tf.tensor copies its values into the wasm heap at once, so arrays handed to it can be reused. */
  private readonly tensorsCopyInput = tensorCopiesInput();
  private static instances = 0;

  constructor(
    model: RecModel,
    private readonly options: FusedOptions,
  ) {
    FusedAdamStep.instances += 1;
    const tableVariables = new Set<tf.Variable>();
    for (const layer of model.network.layers) {
      if (layerKind(layer) !== 'Embedding' || !layer.trainable) continue;
      const variable = (layer.trainableWeights[0] as tf.LayerVariable).read() as tf.Variable;
      tableVariables.add(variable);
      const zero = tf.scalar(0);
      const anchor = tf.variable(zero, true, `${variable.name}_fused_anchor_${FusedAdamStep.instances}`);
      zero.dispose(); // the variable holds its own reference to the value
      const rows = variable.shape[0] as number;
      this.tables.set(layer, { variable, dim: variable.shape[1] as number, moments: newMoments(variable.size), anchor, slots: new Int32Array(rows).fill(-1), gathered: new Float32Array(0) });
    }
    for (const w of model.network.trainableWeights) {
      const variable = w.read() as tf.Variable;
      if (!tableVariables.has(variable)) this.dense.push({ variable, moments: newMoments(variable.size) });
    }
  }

  set learningRate(rate: number) {
    this.options.learningRate = rate;
  }

  /**
   * One step: `lossOf` builds the loss with the given embedding lookup (pass it to
   * model.trainingPass). Returns the loss, which the caller disposes.
   */
  step(lossOf: (embed: EmbedOverride) => tf.Scalar): tf.Scalar {
    const captured: CapturedRows[] = [];
    // Several tables are looked up with the same index tensor (NeuMF: four): read each once.
    const idsOf = new Map<tf.Tensor, Int32Array>();
    const embed: EmbedOverride = (layer, index) => this.lookup(layer, index, captured, idsOf);
    const variables = [...this.dense.map((d) => d.variable), ...[...this.tables.values()].map((t) => t.anchor)];
    const { value, grads } = tf.variableGrads(() => lossOf(embed), variables);
    this.t += 1;
    for (const d of this.dense) {
      const g = grads[d.variable.name];
      if (!g) continue;
      const values = g.dataSync();
      this.updateDense(d, (w) => adamDense(w, values, d.moments, this.options, this.t));
    }
    this.applyRows(captured);
    tf.dispose(grads);
    return value;
  }

  private updateDense(d: DenseWeight, update: (values: Float32Array) => void): void {
    const values = d.last && d.last.storage === storageId(d.variable) ? d.last.values : (d.variable.dataSync().slice() as Float32Array);
    update(values);
    // The cpu backend keeps the array it is given as the tensor's storage, so it gets a copy; wasm copies it itself.
    d.variable.assign(tf.tensor(this.tensorsCopyInput ? values : values.slice(), d.variable.shape, 'float32'));
    d.last = { values, storage: storageId(d.variable) };
  }

  private lookup(layer: tf.layers.Layer, index: tf.Tensor, captured: CapturedRows[], idsOf: Map<tf.Tensor, Int32Array>): tf.Tensor {
    const table = this.tables.get(layer);
    const variable = table?.variable ?? ((layer.weights[0] as tf.LayerVariable).read() as tf.Variable);
    const dim = variable.shape[1] as number;
    let ids = idsOf.get(index);
    if (!ids) {
      // A copy: on some backends dataSync hands back the tensor's own storage.
      ids = Int32Array.from(index.dataSync());
      idsOf.set(index, ids);
    }
    const values = currentValues(variable);
    let into: Float32Array | undefined;
    if (table && this.tensorsCopyInput) {
      if (table.gathered.length !== ids.length * dim) table.gathered = new Float32Array(ids.length * dim);
      into = table.gathered;
    }
    const rows = into ?? new Float32Array(ids.length * dim);
    copyRows(values, ids, dim, rows);
    // [batch, 1] indices (the network's inputs) give [batch, dim] rows directly: no reshape op to record.
    const shape = index.rank === 2 && index.shape[1] === 1 ? [index.shape[0], dim] : [...index.shape, dim];
    if (!table) return tf.tensor(rows, shape, 'float32'); // a frozen side-feature table
    const anchor = table.anchor;
    const lookupRows = tf.customGrad((() => ({
      value: tf.tensor(rows, shape, 'float32'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        captured.push({ table, ids, grad: (dy as tf.Tensor).dataSync() as Float32Array });
        return [tf.scalar(0)];
      },
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    return lookupRows(anchor);
  }

  private applyRows(captured: CapturedRows[]): void {
    // One table may be looked up several times in a step (BPR scores two item lists).
    const byTable = new Map<Table, CapturedRows[]>();
    for (const c of captured) {
      const parts = byTable.get(c.table);
      if (parts) parts.push(c);
      else byTable.set(c.table, [c]);
    }
    for (const [table, parts] of byTable) {
      const { ids, grad } = parts.length === 1 ? (parts[0] as CapturedRows) : joinParts(parts, table.dim);
      const { rows, grads } = accumulateRows(ids, grad, table.dim, table.slots);
      if (this.options.lazy) {
        updateInPlace(table.variable, (w) => adamRows(w, rows, grads, table.dim, table.moments, this.options, this.t));
      } else {
        const full = new Float32Array(table.variable.size);
        rows.forEach((row, r) => full.set(grads.subarray(r * table.dim, (r + 1) * table.dim), row * table.dim));
        updateInPlace(table.variable, (w) => adamDense(w, full, table.moments, this.options, this.t));
      }
    }
    // Tables not looked up this step still decay their moments under dense Adam.
    if (!this.options.lazy) {
      for (const table of this.tables.values()) {
        if (byTable.has(table)) continue;
        updateInPlace(table.variable, (w) => adamDense(w, new Float32Array(table.variable.size), table.moments, this.options, this.t));
      }
    }
  }

  dispose(): void {
    for (const table of this.tables.values()) table.anchor.dispose();
  }
}

function joinParts(parts: CapturedRows[], dim: number): { ids: Int32Array; grad: Float32Array } {
  const total = parts.reduce((n, p) => n + p.ids.length, 0);
  const ids = new Int32Array(total);
  const grad = new Float32Array(total * dim);
  let offset = 0;
  for (const p of parts) {
    ids.set(p.ids, offset);
    grad.set(p.grad, offset * dim);
    offset += p.ids.length;
  }
  return { ids, grad };
}
