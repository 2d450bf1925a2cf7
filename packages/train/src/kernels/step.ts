/**
 * The kernel engine's training step: a batch as a few dozen calls into compiled SIMD code
 * (module.ts), no tfjs ops. The model's weights and Adam moments live in the module's
 * memory for the run; `sync` copies the weights into the tfjs variables when the loop needs
 * them (validation, the best epoch's copy, the end), so tfjs stays the path that builds,
 * saves, loads and scores models. The network's shape comes from its KernelPlan
 * (@deeprec/models kernelPlan.ts); the arithmetic is the fused engine's (fusedTower.ts, mse.ts,
 * fused/adam.ts): the same dropout masks from the same seeds, Adam as tf.train.adam, lazy
 * Adam on the rows of the batch. Tests hold it to the fused engine within 1e-5.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelPlan, RecModel } from '@deeprec/models';
import type { AdamHyper } from '../fused/adam';
import { Arena, instantiateKernels, type Kernels } from './module';

export interface KernelStepOptions extends AdamHyper {
  lazy: boolean;
  /** Largest batch a step takes (the config's batch size). */
  maxBatch: number;
  loss: 'mse' | 'bce';
  /** L2 on the looked-up rows (per rating) and on the dense kernels the model lists. */
  l2: number;
  denseL2: number;
  /** The run's dropout seed stream (ForwardOptions.nextSeed). */
  nextSeed: () => number;
}

interface Table {
  variable: tf.Variable;
  dim: number;
  rows: number;
  w: number;
  m: number;
  v: number;
  /** lazy: one i32 per row, kept at -1; rows and sums: scratch for the batch's distinct rows. Dense: `full`, a table-sized gradient. */
  slots: number;
  scratchRows: number;
  sums: number;
  full: number;
}

interface Dense {
  variable: tf.Variable;
  /** Offset (in entries) in the dense block: weights, gradients and moments lie side by side. */
  at: number;
  size: number;
  regularized: boolean;
}

interface TowerLayer {
  kernel: Dense;
  bias: Dense;
  inputs: number;
  units: number;
  rate: number;
  z: number;
  mask: number;
  h: number;
  /** The gradient of h, then (in place) of z. */
  dh: number;
  transposed: number;
}

/** Why a model cannot train with the kernel engine, or null when it can. */
export function kernelGap(model: RecModel, loss: string): string | null {
  if (!model.kernelPlan) return `${model.type} with these settings (side features, a non-ReLU tower, or a model the kernels do not cover)`;
  if (loss !== 'mse' && loss !== 'bce') return `loss ${loss}`;
  return null;
}

export class KernelStep {
  private readonly k: Kernels;
  private readonly arena: Arena;
  private readonly tables = new Map<tf.layers.Layer, Table>();
  private readonly dense: Dense[] = [];
  private denseSize = 0;
  private readonly plan: KernelPlan;
  private readonly tower: TowerLayer[] = [];
  private t = 0;
  // dense block: weights, gradients, moments
  private dW = 0;
  private dG = 0;
  private dM = 0;
  private dV = 0;
  // batch buffers
  private readonly users: number;
  private readonly items: number;
  private readonly target: number;
  private readonly out: number;
  private readonly dOut: number;
  private towerIn = 0;
  private dTowerIn = 0;
  private p = 0;
  private q = 0;
  private dp = 0;
  private dq = 0;
  private bu = 0;
  private bi = 0;
  private dbu = 0;
  private dbi = 0;
  private headIn = 0;
  private dHeadIn = 0;
  private headWidth = 0;
  private readonly dot: number;
  private readonly embedWidth: { tower: [number, number]; gmf: number };

  constructor(
    model: RecModel,
    private readonly options: KernelStepOptions,
  ) {
    if (!model.kernelPlan) throw new Error(`kernel engine: model ${model.name} has no kernel plan`);
    const plan = model.kernelPlan;
    this.plan = plan;
    this.k = instantiateKernels();
    this.arena = new Arena(this.k);
    const a = this.arena;
    const B = options.maxBatch;
    const regularized = new Set(model.kernels);
    const denseOf = (layer: tf.layers.Layer, index: number): Dense => {
      const variable = (layer.trainableWeights[index] as tf.LayerVariable).read() as tf.Variable;
      const d: Dense = { variable, at: this.denseSize, size: variable.size, regularized: index === 0 && regularized.has(variable) };
      // 4-entry alignment, so each weight starts on a 16-byte boundary
      this.denseSize += Math.ceil(variable.size / 4) * 4;
      this.dense.push(d);
      return d;
    };
    const tableOf = (layer: tf.layers.Layer): Table => {
      const variable = (layer.trainableWeights[0] as tf.LayerVariable).read() as tf.Variable;
      const [rows, dim] = variable.shape as [number, number];
      const size = rows * dim;
      const table: Table = {
        variable,
        dim,
        rows,
        w: a.take(size),
        m: a.take(size),
        v: a.take(size),
        slots: options.lazy ? a.take(rows) : 0,
        scratchRows: options.lazy ? a.take(B) : 0,
        sums: options.lazy ? a.take(B * dim) : 0,
        full: options.lazy ? 0 : a.take(size),
      };
      this.tables.set(layer, table);
      return table;
    };

    this.users = a.take(B);
    this.items = a.take(B);
    this.target = a.take(B);
    this.out = a.take(B);
    this.dOut = a.take(B);
    this.dot = a.take(B);
    let towerOut = 0;
    let towerWidth = 0;
    const embedWidth = { tower: [0, 0] as [number, number], gmf: 0 };
    if (plan.tower) {
      const tu = tableOf(plan.tower.user);
      const ti = tableOf(plan.tower.item);
      embedWidth.tower = [tu.dim, ti.dim];
      let inputs = tu.dim + ti.dim;
      this.towerIn = a.take(B * inputs);
      this.dTowerIn = a.take(B * inputs);
      plan.tower.layers.forEach((layer, i) => {
        const units = layer.trainableWeights[0]?.shape[1] as number;
        const rate = plan.tower?.rates[i] ?? 0;
        const z = a.take(B * units);
        const l: TowerLayer = {
          kernel: denseOf(layer, 0),
          bias: denseOf(layer, 1),
          inputs,
          units,
          rate,
          z,
          mask: rate > 0 ? a.take(B * units) : 0,
          h: rate > 0 ? a.take(B * units) : z,
          dh: a.take(B * units),
          transposed: a.take(inputs * units),
        };
        this.tower.push(l);
        inputs = units;
      });
      const last = this.tower[this.tower.length - 1] as TowerLayer;
      towerOut = last.h;
      towerWidth = last.units;
    }
    if (plan.gmf) {
      const gu = tableOf(plan.gmf.user);
      tableOf(plan.gmf.item);
      embedWidth.gmf = gu.dim;
      this.p = a.take(B * gu.dim);
      this.q = a.take(B * gu.dim);
      this.dp = a.take(B * gu.dim);
      this.dq = a.take(B * gu.dim);
    }
    this.embedWidth = embedWidth;
    if (plan.biases) {
      tableOf(plan.biases.user);
      tableOf(plan.biases.item);
      this.bu = a.take(B);
      this.bi = a.take(B);
      this.dbu = a.take(B);
      this.dbi = a.take(B);
    }
    if (plan.head.kind === 'dense') {
      denseOf(plan.head.layer, 0);
      denseOf(plan.head.layer, 1);
      this.headWidth = embedWidth.gmf + towerWidth;
      // Without a GMF branch the head reads the tower's output where it lies.
      this.headIn = plan.gmf ? a.take(B * this.headWidth) : towerOut;
      this.dHeadIn = plan.gmf ? a.take(B * this.headWidth) : (this.tower[this.tower.length - 1] as TowerLayer).dh;
    } else {
      denseOf(plan.head.scale, 0);
      denseOf(plan.head.scale, 1);
      if (plan.head.mlp) denseOf(plan.head.mlp, 0);
    }
    const covered = new Set([...this.dense.map((d) => d.variable), ...[...this.tables.values()].map((t) => t.variable)]);
    const missing = model.network.trainableWeights.filter((w) => !covered.has(w.read() as tf.Variable));
    if (missing.length > 0 || covered.size !== model.network.trainableWeights.length) {
      throw new Error(`kernel engine: the kernel plan of ${model.name} leaves out ${missing.map((w) => w.name).join(', ')}`);
    }
    this.dW = a.take(this.denseSize);
    this.dG = a.take(this.denseSize);
    this.dM = a.take(this.denseSize);
    this.dV = a.take(this.denseSize);
    a.commit();
    this.load();
  }

  set learningRate(rate: number) {
    this.options.learningRate = rate;
  }

  /** Copies the tfjs variables' values in (moments stay zero). */
  private load(): void {
    const a = this.arena;
    for (const t of this.tables.values()) {
      a.f32(t.w, t.rows * t.dim).set(t.variable.dataSync() as Float32Array);
      if (t.slots) a.i32(t.slots, t.rows).fill(-1);
    }
    for (const d of this.dense) a.f32(this.dW + d.at * 4, d.size).set(d.variable.dataSync() as Float32Array);
  }

  /** Writes the weights back into the tfjs variables (validation, saving and scoring read those). */
  sync(): void {
    const a = this.arena;
    const assign = (variable: tf.Variable, at: number) => variable.assign(tf.tensor(a.f32(at, variable.size).slice(), variable.shape, 'float32'));
    for (const t of this.tables.values()) assign(t.variable, t.w);
    for (const d of this.dense) assign(d.variable, this.dW + d.at * 4);
  }

  private table(layer: tf.layers.Layer): Table {
    return this.tables.get(layer) as Table;
  }

  private weight(d: Dense): number {
    return this.dW + d.at * 4;
  }

  private grad(d: Dense): number {
    return this.dG + d.at * 4;
  }

  /** One step on a batch; returns its loss (with the L2 terms), as the fused engine's. */
  step(users: Int32Array, items: Int32Array, targets: Float32Array, n: number): number {
    if (n > this.options.maxBatch) throw new Error(`kernel engine: a batch of ${n} rows, more than the ${this.options.maxBatch} it was laid out for`);
    const { k, arena: a } = this;
    a.i32(this.users, n).set(users.subarray(0, n));
    a.i32(this.items, n).set(items.subarray(0, n));
    a.f32(this.target, n).set(targets.subarray(0, n));
    this.forward(n);
    let loss = this.options.loss === 'bce' ? k.bceLoss(this.out, this.target, n, this.dOut) : k.mseLoss(this.out, this.target, n, this.dOut);
    this.backward(n);
    loss += this.penalties(n);
    this.update(n);
    return loss;
  }

  private forward(n: number): void {
    const { k, plan } = this;
    if (plan.tower) {
      const [du, di] = this.embedWidth.tower;
      k.gather(this.table(plan.tower.user).w, du, this.users, n, this.towerIn, du + di);
      k.gather(this.table(plan.tower.item).w, di, this.items, n, this.towerIn + du * 4, du + di);
      // Masks drawn first, layer by layer, as fusedTower.ts draws them: the same seeds in the same order; two at a time.
      const dropped = this.tower.filter((l) => l.rate > 0).map((l) => ({ l, seed: this.options.nextSeed() }));
      for (let i = 0; i < dropped.length; i += 2) {
        const { l, seed } = dropped[i] as { l: TowerLayer; seed: number };
        const second = dropped[i + 1];
        if (second) k.dropoutMask2(l.mask, n * l.units, l.rate, seed, second.l.mask, n * second.l.units, second.l.rate, second.seed);
        else k.dropoutMask(l.mask, n * l.units, l.rate, seed);
      }
      let x = this.towerIn;
      for (const l of this.tower) {
        k.gemm(x, l.inputs, 1, this.weight(l.kernel), l.units, l.z, l.units, n, l.inputs, l.units, this.weight(l.bias), 1);
        if (l.rate > 0) k.multiply(l.z, l.mask, n * l.units, l.h);
        x = l.h;
      }
    }
    const g = this.embedWidth.gmf;
    if (plan.gmf) {
      k.gather(this.table(plan.gmf.user).w, g, this.users, n, this.p, g);
      k.gather(this.table(plan.gmf.item).w, g, this.items, n, this.q, g);
    }
    if (plan.biases) {
      k.gather(this.table(plan.biases.user).w, 1, this.users, n, this.bu, 1);
      k.gather(this.table(plan.biases.item).w, 1, this.items, n, this.bi, 1);
    }
    const a = this.arena;
    const out = a.f32(this.out, n);
    const head = plan.head;
    if (head.kind === 'dense') {
      const kernel = this.dense.find((d) => d.variable === (head.layer.trainableWeights[0] as tf.LayerVariable).read()) as Dense;
      if (plan.gmf) {
        k.rowProduct(this.p, this.q, n, g, this.headIn, this.headWidth);
        const last = this.tower[this.tower.length - 1];
        if (last) k.copyBlock(last.h, last.units, this.headIn + g * 4, this.headWidth, n, last.units);
      }
      k.gemm(this.headIn, this.headWidth, 1, this.weight(kernel), 1, this.out, 1, n, this.headWidth, 1, this.weight(this.dense[this.dense.indexOf(kernel) + 1] as Dense), 0);
      if (plan.biases) {
        const bu = a.f32(this.bu, n);
        const bi = a.f32(this.bi, n);
        for (let r = 0; r < n; r += 1) out[r] = Math.fround(Math.fround((out[r] as number) + (bu[r] as number)) + (bi[r] as number));
      }
    } else {
      // scaled: out = s * (p . q + b_u + b_i) + c + mlp(tower)
      k.rowDot(this.p, this.q, n, g, this.dot);
      const dot = a.f32(this.dot, n);
      if (plan.biases) {
        const bu = a.f32(this.bu, n);
        const bi = a.f32(this.bi, n);
        for (let r = 0; r < n; r += 1) dot[r] = Math.fround(Math.fround((dot[r] as number) + (bu[r] as number)) + (bi[r] as number));
      }
      const [s, c] = this.scaleWeights();
      const mlp = this.mlpHead();
      if (mlp) k.gemm(mlp.last.h, mlp.last.units, 1, this.weight(mlp.kernel), 1, this.out, 1, n, mlp.last.units, 1, 0, 0);
      for (let r = 0; r < n; r += 1) {
        const base = Math.fround(Math.fround(s * (dot[r] as number)) + c);
        out[r] = mlp ? Math.fround(base + (out[r] as number)) : base;
      }
    }
  }

  private scaleWeights(): [number, number] {
    const w = this.arena.f32(this.dW, this.denseSize);
    const head = this.plan.head;
    if (head.kind !== 'scaled') throw new Error('kernel engine: not a scaled head');
    const scale = this.dense.find((d) => d.variable === (head.scale.trainableWeights[0] as tf.LayerVariable).read()) as Dense;
    return [w[scale.at] as number, w[scale.at + 4] as number];
  }

  private mlpHead(): { kernel: Dense; last: TowerLayer } | null {
    const head = this.plan.head;
    if (head.kind !== 'scaled' || !head.mlp) return null;
    const variable = (head.mlp.trainableWeights[0] as tf.LayerVariable).read();
    return { kernel: this.dense.find((d) => d.variable === variable) as Dense, last: this.tower[this.tower.length - 1] as TowerLayer };
  }

  private backward(n: number): void {
    const { k, plan, arena: a } = this;
    const g = this.embedWidth.gmf;
    const dOut = a.f32(this.dOut, n);
    let dTowerOut = 0;
    const head = plan.head;
    if (head.kind === 'dense') {
      const kernelIndex = this.dense.findIndex((d) => d.variable === (head.layer.trainableWeights[0] as tf.LayerVariable).read());
      const kernel = this.dense[kernelIndex] as Dense;
      const bias = this.dense[kernelIndex + 1] as Dense;
      const H = this.headWidth;
      k.gemm(this.headIn, 1, H, this.dOut, 1, this.grad(kernel), 1, H, n, 1, 0, 0);
      k.columnSums(this.dOut, n, 1, this.grad(bias));
      k.gemm(this.dOut, 1, 1, this.weight(kernel), H, this.dHeadIn, H, n, 1, H, 0, 0);
      if (plan.gmf) {
        k.rowProductGrad(this.dHeadIn, H, this.p, this.q, n, g, this.dp, this.dq);
        const last = this.tower[this.tower.length - 1];
        if (last) k.copyBlock(this.dHeadIn + g * 4, H, last.dh, last.units, n, last.units);
      }
      if (plan.tower) dTowerOut = 1;
      if (plan.biases) {
        a.f32(this.dbu, n).set(dOut);
        a.f32(this.dbi, n).set(dOut);
      }
    } else {
      const [s] = this.scaleWeights();
      const scale = this.dense.find((d) => d.variable === (head.scale.trainableWeights[0] as tf.LayerVariable).read()) as Dense;
      const dot = a.f32(this.dot, n);
      const dt = a.f32(this.dbu || this.dot, n);
      let ds = 0;
      let dc = 0;
      for (let r = 0; r < n; r += 1) {
        ds += (dOut[r] as number) * (dot[r] as number);
        dc += dOut[r] as number;
      }
      const gw = a.f32(this.grad(scale), 8);
      gw[0] = ds;
      gw[4] = dc;
      // d(out)/d(dot) = s: written over `dot` itself when there are no bias rows to hold it
      for (let r = 0; r < n; r += 1) dt[r] = (dOut[r] as number) * s;
      const dtPtr = this.dbu || this.dot;
      k.rowDotGrad(dtPtr, this.p, this.q, n, g, this.dp, this.dq);
      if (plan.biases) a.f32(this.dbi, n).set(dt);
      const mlp = this.mlpHead();
      if (mlp) {
        k.gemm(mlp.last.h, 1, mlp.last.units, this.dOut, 1, this.grad(mlp.kernel), 1, mlp.last.units, n, 1, 0, 0);
        k.gemm(this.dOut, 1, 1, this.weight(mlp.kernel), mlp.last.units, mlp.last.dh, mlp.last.units, n, 1, mlp.last.units, 0, 0);
        dTowerOut = 1;
      }
    }
    if (dTowerOut) {
      for (let i = this.tower.length - 1; i >= 0; i -= 1) {
        const l = this.tower[i] as TowerLayer;
        const x = i === 0 ? this.towerIn : (this.tower[i - 1] as TowerLayer).h;
        const dx = i === 0 ? this.dTowerIn : (this.tower[i - 1] as TowerLayer).dh;
        k.reluGrad(l.dh, l.z, l.mask, n * l.units, l.dh);
        k.gemm(x, 1, l.inputs, l.dh, l.units, this.grad(l.kernel), l.units, l.inputs, n, l.units, 0, 0);
        k.columnSums(l.dh, n, l.units, this.grad(l.bias));
        k.transpose(this.weight(l.kernel), l.inputs, l.units, l.transposed);
        k.gemm(l.dh, l.units, 1, l.transposed, l.inputs, dx, l.inputs, n, l.units, l.inputs, 0, 0);
      }
    } else if (plan.tower) {
      k.zero(this.dTowerIn, n * (this.embedWidth.tower[0] + this.embedWidth.tower[1]));
    }
  }

  /** L2 terms: their value, and their gradients added to the row and kernel gradients. */
  private penalties(n: number): number {
    const { k, plan } = this;
    const { l2, denseL2 } = this.options;
    let value = 0;
    if (l2 > 0) {
      const rows: Array<[number, number, number]> = [];
      if (plan.tower) rows.push([this.dTowerIn, this.towerIn, n * (this.embedWidth.tower[0] + this.embedWidth.tower[1])]);
      if (plan.gmf) rows.push([this.dp, this.p, n * this.embedWidth.gmf], [this.dq, this.q, n * this.embedWidth.gmf]);
      if (plan.biases) rows.push([this.dbu, this.bu, n], [this.dbi, this.bi, n]);
      let squares = 0;
      for (const [grad, values, count] of rows) {
        squares += k.sumSquares(values, count);
        k.axpy(grad, values, count, (2 * l2) / n);
      }
      value += (l2 * squares) / n;
    }
    if (denseL2 > 0) {
      let squares = 0;
      for (const d of this.dense) {
        if (!d.regularized) continue;
        squares += k.sumSquares(this.weight(d), d.size);
        k.axpy(this.grad(d), this.weight(d), d.size, 2 * denseL2);
      }
      value += denseL2 * squares;
    }
    return value;
  }

  private update(n: number): void {
    const { k, plan, options: o } = this;
    this.t += 1;
    const c1 = 1 - o.beta1 ** this.t;
    const c2 = 1 - o.beta2 ** this.t;
    k.adamDense(this.dW, this.dG, this.dM, this.dV, this.denseSize, o.learningRate, o.beta1, o.beta2, o.epsilon, c1, c2);
    const rows = (layer: tf.layers.Layer, ids: number, grad: number, ldg: number) => {
      const t = this.table(layer);
      if (o.lazy) {
        k.lazyAdamRows(t.w, t.m, t.v, t.dim, t.slots, ids, n, grad, ldg, t.scratchRows, t.sums, o.learningRate, o.beta1, o.beta2, o.epsilon, c1, c2);
      } else {
        k.zero(t.full, t.rows * t.dim);
        k.scatterRows(t.full, t.dim, ids, n, grad, ldg);
        k.adamDense(t.w, t.full, t.m, t.v, t.rows * t.dim, o.learningRate, o.beta1, o.beta2, o.epsilon, c1, c2);
      }
    };
    if (plan.tower) {
      const [du, di] = this.embedWidth.tower;
      rows(plan.tower.user, this.users, this.dTowerIn, du + di);
      rows(plan.tower.item, this.items, this.dTowerIn + du * 4, du + di);
    }
    if (plan.gmf) {
      rows(plan.gmf.user, this.users, this.dp, this.embedWidth.gmf);
      rows(plan.gmf.item, this.items, this.dq, this.embedWidth.gmf);
    }
    if (plan.biases) {
      rows(plan.biases.user, this.users, this.dbu, 1);
      rows(plan.biases.item, this.items, this.dbi, 1);
    }
  }
}
