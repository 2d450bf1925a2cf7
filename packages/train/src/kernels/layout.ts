/**
 * Where everything of one kernel-engine run lies in its module's memory, laid out once from
 * the model's KernelPlan (@deeprec/models kernelPlan.ts): each embedding table with its Adam
 * moments; every dense weight side by side in one block (so one Adam call updates them all),
 * with blocks of the same layout for their gradients and moments; and the step's buffers for
 * batches of up to `maxBatch` rows. Pointers are byte addresses; `at` offsets are in entries.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelPlan, RecModel } from '@deeprec/models';
import { Arena, instantiateKernels, type KernelBuild, type Kernels } from './module';

export interface Table {
  variable: tf.Variable;
  dim: number;
  rows: number;
  w: number;
  m: number;
  v: number;
  /** lazy: one i32 per row, kept at -1; scratchRows and sums: the batch's distinct rows. Dense: `full`, a table-sized gradient. */
  slots: number;
  scratchRows: number;
  sums: number;
  full: number;
}

export interface Dense {
  variable: tf.Variable;
  /** Offset in entries within the dense block (weights, gradients and moments alike). */
  at: number;
  size: number;
  /** A kernel the dense L2 penalty covers (RecModel.kernels). */
  regularized: boolean;
}

export interface TowerLayer {
  kernel: Dense;
  bias: Dense;
  inputs: number;
  units: number;
  rate: number;
  z: number;
  /** 0 without dropout; then h is z. */
  mask: number;
  h: number;
  /** The gradient of h, then (in place) of z. */
  dh: number;
  transposed: number;
}

/** The output layer's weights: dense on [gmf product, tower output], or scale (1 x 1 + bias) and the tower's own output weights. */
export type Head = { kind: 'dense'; kernel: Dense; bias: Dense } | { kind: 'scaled'; scale: Dense; shift: Dense; mlp: Dense | null };

/** Embedding lookups of a step: the table, and where its rows (and their gradients) go, ld entries apart. */
export interface Lookup {
  table: Table;
  by: 'user' | 'item';
  rows: number;
  grads: number;
  ld: number;
}

export class KernelLayout {
  readonly kernels: Kernels;
  readonly arena: Arena;
  readonly tables: Table[] = [];
  readonly dense: Dense[] = [];
  readonly tower: TowerLayer[] = [];
  readonly lookups: Lookup[] = [];
  /** The batch's looked-up rows as blocks of `width` entries a row (the tower's two tables share one): what the row L2 covers. */
  readonly rowBlocks: Array<{ values: number; grads: number; width: number }> = [];
  readonly head: Head;
  denseSize = 0;
  /** The dense block: weights, gradients, first and second moments. */
  readonly denseW: number;
  readonly denseG: number;
  readonly denseM: number;
  readonly denseV: number;
  // a batch's buffers
  readonly users: number;
  readonly items: number;
  readonly target: number;
  readonly out: number;
  readonly dOut: number;
  /** Scaled head: p . q + b_u + b_i, then its gradient. */
  readonly dot: number;
  readonly towerIn: number = 0;
  readonly dTowerIn: number = 0;
  readonly towerWidth: number = 0;
  readonly gmfDim: number = 0;
  readonly p: number = 0;
  readonly q: number = 0;
  readonly dp: number = 0;
  readonly dq: number = 0;
  readonly bu: number = 0;
  readonly bi: number = 0;
  readonly dbu: number = 0;
  readonly dbi: number = 0;
  /** Dense head: its input [gmf product, tower output] and that input's gradient, headWidth entries a row. */
  readonly headIn: number = 0;
  readonly dHeadIn: number = 0;
  readonly headWidth: number = 0;

  constructor(
    model: RecModel,
    readonly plan: KernelPlan,
    lazy: boolean,
    readonly maxBatch: number,
    build?: KernelBuild,
  ) {
    this.kernels = instantiateKernels(build);
    const a = new Arena(this.kernels);
    this.arena = a;
    const B = maxBatch;
    const regularized = new Set(model.kernels);
    const denseOf = (layer: tf.layers.Layer, index: number): Dense => {
      const variable = (layer.trainableWeights[index] as tf.LayerVariable).read() as tf.Variable;
      const d: Dense = { variable, at: this.denseSize, size: variable.size, regularized: index === 0 && regularized.has(variable) };
      this.denseSize += Math.ceil(variable.size / 4) * 4; // each weight on a 16-byte boundary
      this.dense.push(d);
      return d;
    };
    const lookup = (layer: tf.layers.Layer, by: 'user' | 'item', rows: number, grads: number, ld: number): Table => {
      const variable = (layer.trainableWeights[0] as tf.LayerVariable).read() as tf.Variable;
      const [count, dim] = variable.shape as [number, number];
      const size = count * dim;
      const table: Table = {
        variable,
        dim,
        rows: count,
        w: a.take(size),
        m: a.take(size),
        v: a.take(size),
        slots: lazy ? a.take(count) : 0,
        scratchRows: lazy ? a.take(B) : 0,
        sums: lazy ? a.take(B * dim) : 0,
        full: lazy ? 0 : a.take(size),
      };
      this.tables.push(table);
      this.lookups.push({ table, by, rows, grads, ld });
      return table;
    };
    const dimOf = (layer: tf.layers.Layer) => layer.trainableWeights[0]?.shape[1] as number;

    this.users = a.take(B);
    this.items = a.take(B);
    this.target = a.take(B);
    this.out = a.take(B);
    this.dOut = a.take(B);
    this.dot = a.take(B);
    if (plan.tower) {
      const [du, di] = [dimOf(plan.tower.user), dimOf(plan.tower.item)];
      this.towerIn = a.take(B * (du + di));
      this.dTowerIn = a.take(B * (du + di));
      // Both tables write into one [batch, du + di] input: the concatenation costs nothing.
      lookup(plan.tower.user, 'user', this.towerIn, this.dTowerIn, du + di);
      lookup(plan.tower.item, 'item', this.towerIn + du * 4, this.dTowerIn + du * 4, du + di);
      this.rowBlocks.push({ values: this.towerIn, grads: this.dTowerIn, width: du + di });
      let inputs = du + di;
      plan.tower.layers.forEach((layer, i) => {
        const units = dimOf(layer);
        const rate = plan.tower?.rates[i] ?? 0;
        const z = a.take(B * units);
        const mask = rate > 0 ? a.take(B * units) : 0;
        const kernel = denseOf(layer, 0);
        const bias = denseOf(layer, 1);
        this.tower.push({ kernel, bias, inputs, units, rate, z, mask, h: mask ? a.take(B * units) : z, dh: a.take(B * units), transposed: a.take(inputs * units) });
        inputs = units;
      });
      this.towerWidth = inputs;
    }
    if (plan.gmf) {
      const g = dimOf(plan.gmf.user);
      this.gmfDim = g;
      this.p = a.take(B * g);
      this.q = a.take(B * g);
      this.dp = a.take(B * g);
      this.dq = a.take(B * g);
      lookup(plan.gmf.user, 'user', this.p, this.dp, g);
      lookup(plan.gmf.item, 'item', this.q, this.dq, g);
      this.rowBlocks.push({ values: this.p, grads: this.dp, width: g }, { values: this.q, grads: this.dq, width: g });
    }
    if (plan.biases) {
      this.bu = a.take(B);
      this.bi = a.take(B);
      this.dbu = a.take(B);
      this.dbi = a.take(B);
      lookup(plan.biases.user, 'user', this.bu, this.dbu, 1);
      lookup(plan.biases.item, 'item', this.bi, this.dbi, 1);
      this.rowBlocks.push({ values: this.bu, grads: this.dbu, width: 1 }, { values: this.bi, grads: this.dbi, width: 1 });
    }
    const last = this.tower[this.tower.length - 1];
    if (plan.head.kind === 'dense') {
      this.head = { kind: 'dense', kernel: denseOf(plan.head.layer, 0), bias: denseOf(plan.head.layer, 1) };
      this.headWidth = this.gmfDim + this.towerWidth;
      // Without a GMF branch the head reads the tower's output, and writes its gradient, where they lie.
      this.headIn = plan.gmf || !last ? a.take(B * this.headWidth) : last.h;
      this.dHeadIn = plan.gmf || !last ? a.take(B * this.headWidth) : last.dh;
    } else {
      this.head = { kind: 'scaled', scale: denseOf(plan.head.scale, 0), shift: denseOf(plan.head.scale, 1), mlp: plan.head.mlp ? denseOf(plan.head.mlp, 0) : null };
    }
    const covered = new Set([...this.dense.map((d) => d.variable), ...this.tables.map((t) => t.variable)]);
    const missing = model.network.trainableWeights.filter((w) => !covered.has(w.read() as tf.Variable));
    if (missing.length > 0 || covered.size !== model.network.trainableWeights.length) {
      throw new Error(`kernel engine: the kernel plan of ${model.name} leaves out ${missing.map((w) => w.name).join(', ') || 'a weight'}`);
    }
    this.denseW = a.take(this.denseSize);
    this.denseG = a.take(this.denseSize);
    this.denseM = a.take(this.denseSize);
    this.denseV = a.take(this.denseSize);
    a.commit();
    this.load();
  }

  weight(d: Dense): number {
    return this.denseW + d.at * 4;
  }

  grad(d: Dense): number {
    return this.denseG + d.at * 4;
  }

  /** Copies the tfjs variables' values in (the moments start at zero, as a fresh optimizer's). */
  private load(): void {
    const a = this.arena;
    for (const t of this.tables) {
      a.f32(t.w, t.rows * t.dim).set(t.variable.dataSync() as Float32Array);
      if (t.slots) a.i32(t.slots, t.rows).fill(-1);
    }
    for (const d of this.dense) a.f32(this.weight(d), d.size).set(d.variable.dataSync() as Float32Array);
  }

  /** Writes the weights into the tfjs variables (validation, saving and scoring read those). */
  sync(): void {
    const a = this.arena;
    const assign = (variable: tf.Variable, at: number) => variable.assign(tf.tensor(a.f32(at, variable.size).slice(), variable.shape, 'float32'));
    for (const t of this.tables) assign(t.variable, t.w);
    for (const d of this.dense) assign(d.variable, this.weight(d));
  }
}
