/**
 * The kernel engine's training step: a batch as a few dozen calls into compiled SIMD code
 * (module.ts; ../../assembly/kernels.ts), no tfjs ops. The model's weights and Adam moments
 * live in the module's memory for the run (layout.ts); `sync` copies the weights into the
 * tfjs variables when the loop needs them (validation, the best epoch's copy, the end), so
 * tfjs stays the path that builds, saves, loads and scores models. The arithmetic is the
 * fused engine's (fusedTower.ts, mse.ts, fused/adam.ts): the same dropout masks from the
 * same seeds, Adam as tf.train.adam, lazy Adam on the rows of the batch. Tests hold it to
 * the fused engine and to tf.train.adam within 1e-5.
 */
import type { RecModel } from '@deeprec/models';
import type { AdamHyper } from '../fused/adam';
import { KernelLayout, type TowerLayer } from './layout';
import type { KernelBuild } from './module';

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
  /** Which compiled build (module.ts); default kernelBuild(), the one this process trains with. */
  build?: KernelBuild;
}

/** Why a model cannot train with the kernel engine, or null when it can. */
export function kernelGap(model: RecModel, loss: string): string | null {
  if (!model.kernelPlan) return `${model.type} with these settings (side features, a non-ReLU tower, or a model the kernels do not cover)`;
  if (loss !== 'mse' && loss !== 'bce') return `loss ${loss}`;
  return null;
}

export class KernelStep {
  private readonly at: KernelLayout;
  private t = 0;

  constructor(
    model: RecModel,
    private readonly options: KernelStepOptions,
  ) {
    if (!model.kernelPlan) throw new Error(`kernel engine: model ${model.name} has no kernel plan`);
    this.at = new KernelLayout(model, model.kernelPlan, options.lazy, options.maxBatch, options.build);
  }

  set learningRate(rate: number) {
    this.options.learningRate = rate;
  }

  /** Writes the weights into the tfjs variables. */
  sync(): void {
    this.at.sync();
  }

  /** One step on the first n rows of a batch; returns its loss with the L2 terms, as the fused engine's. */
  step(users: Int32Array, items: Int32Array, targets: Float32Array, n: number): number {
    const { at } = this;
    if (n > at.maxBatch) throw new Error(`kernel engine: a batch of ${n} rows, more than the ${at.maxBatch} it was laid out for`);
    at.arena.i32(at.users, n).set(users.subarray(0, n));
    at.arena.i32(at.items, n).set(items.subarray(0, n));
    at.arena.f32(at.target, n).set(targets.subarray(0, n));
    this.forward(n);
    const k = at.kernels;
    let loss = this.options.loss === 'bce' ? k.bceLoss(at.out, at.target, n, at.dOut) : k.mseLoss(at.out, at.target, n, at.dOut);
    this.backward(n);
    loss += this.penalties(n);
    this.update(n);
    return loss;
  }

  private forward(n: number): void {
    const { at } = this;
    const k = at.kernels;
    for (const l of at.lookups) k.gather(l.table.w, l.table.dim, l.by === 'user' ? at.users : at.items, n, l.rows, l.ld);
    // Masks drawn first, layer by layer, as fusedTower.ts draws them: the same seeds in the same order.
    for (const l of at.tower) if (l.rate > 0) k.dropoutMask(l.mask, n * l.units, l.rate, this.options.nextSeed());
    let x = at.towerIn;
    for (const l of at.tower) {
      k.gemm(x, l.inputs, 1, at.weight(l.kernel), l.units, l.z, l.units, n, l.inputs, l.units, at.weight(l.bias), 1);
      if (l.mask) k.multiply(l.z, l.mask, n * l.units, l.h);
      x = l.h;
    }
    const last = at.tower[at.tower.length - 1];
    const out = at.arena.f32(at.out, n);
    const head = at.head;
    if (head.kind === 'dense') {
      if (at.gmfDim > 0) {
        k.rowProduct(at.p, at.q, n, at.gmfDim, at.headIn, at.headWidth);
        if (last) k.copyBlock(last.h, last.units, at.headIn + at.gmfDim * 4, at.headWidth, n, last.units);
      }
      k.gemm(at.headIn, at.headWidth, 1, at.weight(head.kernel), 1, at.out, 1, n, at.headWidth, 1, at.weight(head.bias), 0);
      if (at.bu) {
        const [bu, bi] = [at.arena.f32(at.bu, n), at.arena.f32(at.bi, n)];
        for (let r = 0; r < n; r += 1) out[r] = Math.fround(Math.fround((out[r] as number) + (bu[r] as number)) + (bi[r] as number));
      }
      return;
    }
    // scaled: out = s * (p . q + b_u + b_i) + c + mlp(tower)
    k.rowDot(at.p, at.q, n, at.gmfDim, at.dot);
    const dot = at.arena.f32(at.dot, n);
    if (at.bu) {
      const [bu, bi] = [at.arena.f32(at.bu, n), at.arena.f32(at.bi, n)];
      for (let r = 0; r < n; r += 1) dot[r] = Math.fround(Math.fround((dot[r] as number) + (bu[r] as number)) + (bi[r] as number));
    }
    const [s, c] = this.scale();
    if (head.mlp && last) k.gemm(last.h, last.units, 1, at.weight(head.mlp), 1, at.out, 1, n, last.units, 1, 0, 0);
    for (let r = 0; r < n; r += 1) {
      const base = Math.fround(Math.fround(s * (dot[r] as number)) + c);
      out[r] = head.mlp ? Math.fround(base + (out[r] as number)) : base;
    }
  }

  /** The scaled head's s and c. */
  private scale(): [number, number] {
    const head = this.at.head;
    if (head.kind !== 'scaled') throw new Error('kernel engine: not a scaled head');
    const w = this.at.arena.f32(this.at.denseW, this.at.denseSize);
    return [w[head.scale.at] as number, w[head.shift.at] as number];
  }

  private backward(n: number): void {
    const { at } = this;
    const k = at.kernels;
    const dOut = at.arena.f32(at.dOut, n);
    const last = at.tower[at.tower.length - 1];
    const head = at.head;
    if (head.kind === 'dense') {
      const H = at.headWidth;
      k.gemm(at.headIn, 1, H, at.dOut, 1, at.grad(head.kernel), 1, H, n, 1, 0, 0);
      k.columnSums(at.dOut, n, 1, at.grad(head.bias));
      k.gemm(at.dOut, 1, 1, at.weight(head.kernel), H, at.dHeadIn, H, n, 1, H, 0, 0);
      if (at.gmfDim > 0) {
        k.rowProductGrad(at.dHeadIn, H, at.p, at.q, n, at.gmfDim, at.dp, at.dq);
        if (last) k.copyBlock(at.dHeadIn + at.gmfDim * 4, H, last.dh, last.units, n, last.units);
      }
      if (at.bu) {
        at.arena.f32(at.dbu, n).set(dOut);
        at.arena.f32(at.dbi, n).set(dOut);
      }
    } else {
      const [s] = this.scale();
      const dot = at.arena.f32(at.dot, n);
      let ds = 0;
      let dc = 0;
      for (let r = 0; r < n; r += 1) {
        ds += (dOut[r] as number) * (dot[r] as number);
        dc += dOut[r] as number;
      }
      const g = at.arena.f32(at.denseG, at.denseSize);
      g[head.scale.at] = ds;
      g[head.shift.at] = dc;
      // d out / d dot = s, into the bias gradients (or over `dot` itself, read above, without biases)
      const dtAt = at.bu ? at.dbu : at.dot;
      const dt = at.arena.f32(dtAt, n);
      for (let r = 0; r < n; r += 1) dt[r] = (dOut[r] as number) * s;
      k.rowDotGrad(dtAt, at.p, at.q, n, at.gmfDim, at.dp, at.dq);
      if (at.bu) at.arena.f32(at.dbi, n).set(dt);
      if (head.mlp && last) {
        k.gemm(last.h, 1, last.units, at.dOut, 1, at.grad(head.mlp), 1, last.units, n, 1, 0, 0);
        k.gemm(at.dOut, 1, 1, at.weight(head.mlp), last.units, last.dh, last.units, n, 1, last.units, 0, 0);
      }
    }
    for (let i = at.tower.length - 1; i >= 0; i -= 1) {
      const l = at.tower[i] as TowerLayer;
      const below = at.tower[i - 1];
      const x = below ? below.h : at.towerIn;
      const dx = below ? below.dh : at.dTowerIn;
      k.reluGrad(l.dh, l.z, l.mask, n * l.units, l.dh);
      k.gemm(x, 1, l.inputs, l.dh, l.units, at.grad(l.kernel), l.units, l.inputs, n, l.units, 0, 0);
      k.columnSums(l.dh, n, l.units, at.grad(l.bias));
      k.transpose(at.weight(l.kernel), l.inputs, l.units, l.transposed);
      k.gemm(l.dh, l.units, 1, l.transposed, l.inputs, dx, l.inputs, n, l.units, l.inputs, 0, 0);
    }
  }

  /** L2 terms: their value, and their gradients added to the row and kernel gradients. */
  private penalties(n: number): number {
    const { at } = this;
    const k = at.kernels;
    const { l2, denseL2 } = this.options;
    let value = 0;
    if (l2 > 0) {
      let squares = 0;
      for (const b of at.rowBlocks) {
        squares += k.sumSquares(b.values, n * b.width);
        k.axpy(b.grads, b.values, n * b.width, (2 * l2) / n);
      }
      value += (l2 * squares) / n;
    }
    if (denseL2 > 0) {
      let squares = 0;
      for (const d of at.dense) {
        if (!d.regularized) continue;
        squares += k.sumSquares(at.weight(d), d.size);
        k.axpy(at.grad(d), at.weight(d), d.size, 2 * denseL2);
      }
      value += denseL2 * squares;
    }
    return value;
  }

  private update(n: number): void {
    const { at, options: o } = this;
    const k = at.kernels;
    this.t += 1;
    const c1 = 1 - o.beta1 ** this.t;
    const c2 = 1 - o.beta2 ** this.t;
    k.adamDense(at.denseW, at.denseG, at.denseM, at.denseV, at.denseSize, o.learningRate, o.beta1, o.beta2, o.epsilon, c1, c2);
    for (const l of at.lookups) {
      const t = l.table;
      const ids = l.by === 'user' ? at.users : at.items;
      if (o.lazy) {
        k.lazyAdamRows(t.w, t.m, t.v, t.dim, t.slots, ids, n, l.grads, l.ld, t.scratchRows, t.sums, o.learningRate, o.beta1, o.beta2, o.epsilon, c1, c2);
      } else {
        k.zero(t.full, t.rows * t.dim);
        k.scatterRows(t.full, t.dim, ids, n, l.grads, l.ld);
        k.adamDense(t.w, t.full, t.m, t.v, t.rows * t.dim, o.learningRate, o.beta1, o.beta2, o.epsilon, c1, c2);
      }
    }
  }
}
