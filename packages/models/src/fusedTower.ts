/**
 * A tower of ReLU dense layers with dropout as one operation with a hand-written
 * gradient (DESIGN section 6: fewer tfjs ops per step). Forward: one fused
 * matmul + bias + ReLU per layer and one mask multiply. Backward per layer: mask,
 * ReLU derivative, dW = h^T dZ, db = sum dZ, dh = dZ W^T. tfjs's autograd records
 * about three times as many kernels for the same layers, plus a copy of every
 * saved tensor. Numerically it is the same computation (tests compare both).
 */
import * as tf from '@tensorflow/tfjs';

/** xorshift32: dropout masks need speed, not cryptographic quality; seeded per layer per step. The kernel engine makes the same masks (train/assembly/dropout.ts). */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  const keep = 1 / (1 - rate);
  const threshold = rate * 4294967296;
  let s = seed >>> 0 || 0x9e3779b9;
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i += 1) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    mask[i] = (s >>> 0) < threshold ? 0 : keep;
  }
  return mask;
}

export interface DenseWeights {
  kernel: tf.Variable;
  bias: tf.Variable;
}

/** h = dropout(relu(x W_i + b_i)) for each layer, with the gradient written out. */
export function fusedReluTower(x: tf.Tensor2D, layers: DenseWeights[], rates: number[], nextSeed: () => number): tf.Tensor2D {
  const batch = x.shape[0];
  const masks = layers.map((l, i) => {
    const rate = rates[i] as number;
    if (rate <= 0) return null;
    const units = l.kernel.shape[1] as number;
    return tf.tensor2d(dropoutMask(batch * units, rate, nextSeed()), [batch, units]);
  });
  const weights = layers.flatMap((l) => [l.kernel, l.bias]);
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const input = args[0] as tf.Tensor2D;
    const activations: tf.Tensor2D[] = [input];
    const relus: tf.Tensor2D[] = [];
    let h = input;
    layers.forEach((l, i) => {
      const z = tf.fused.matMul({ a: h, b: l.kernel, bias: l.bias, activation: 'relu' }) as tf.Tensor2D;
      relus.push(z);
      const mask = masks[i];
      h = mask ? (tf.mul(z, mask) as tf.Tensor2D) : z;
      activations.push(h);
    });
    // Masks too: tensors a gradient function uses must be saved, or the forward scope disposes them.
    save([...activations.slice(0, -1), ...relus, ...masks.filter((m): m is tf.Tensor2D => m !== null)]);
    return {
      value: h,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const inputs = saved.slice(0, layers.length) as tf.Tensor2D[];
        const outputs = saved.slice(layers.length, 2 * layers.length) as tf.Tensor2D[];
        const savedMasks = saved.slice(2 * layers.length);
        let next = 0;
        const maskOf = masks.map((m) => (m ? (savedMasks[next++] as tf.Tensor2D) : null));
        const grads: tf.Tensor[] = new Array(1 + 2 * layers.length);
        let g = dy as tf.Tensor2D;
        for (let i = layers.length - 1; i >= 0; i -= 1) {
          const mask = maskOf[i];
          const afterMask = mask ? (tf.mul(g, mask) as tf.Tensor2D) : g;
          const dz = tf.mul(afterMask, tf.step(outputs[i] as tf.Tensor2D)) as tf.Tensor2D;
          grads[1 + 2 * i] = tf.matMul(inputs[i] as tf.Tensor2D, dz, true, false);
          grads[2 + 2 * i] = tf.sum(dz, 0);
          g = tf.matMul(dz, (layers[i] as DenseWeights).kernel, false, true);
        }
        grads[0] = g;
        return grads;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const out = (op as unknown as (...xs: tf.Tensor[]) => tf.Tensor2D)(x, ...weights);
  return out;
}
