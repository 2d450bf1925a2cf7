import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, scorePairs } from '@deeprec/compute';
import { loadConfigSource, resolveConfig, type ResolvedModelConfig } from '@deeprec/config';
import { modelParams, trainableParams, type ModelContext, type RecModel } from './contract';
import type { ForwardOptions } from './pass';
import { buildModel } from './registry';

const REFERENCE = resolve(__dirname, '../../../bench/autoencoders/reference.py');

// 5 users, 6 items; user 4 and item 5 without interactions (an empty vector must not break the normalisation).
const interactions = {
  user: Int32Array.from([0, 0, 0, 1, 1, 2, 2, 2, 3, 3]),
  item: Int32Array.from([0, 1, 3, 1, 2, 0, 2, 4, 3, 4]),
  rating: Float32Array.from([5, 3, 4, 2, 5, 1, 4, 3, 5, 2]),
};
const [numUsers, numItems] = [5, 6];
const context: ModelContext = { numUsers, numItems, trainMean: 3.4, seed: 7, interactions: () => interactions };

function modelConfig(section: string, feedback: 'explicit' | 'implicit'): ResolvedModelConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-autoenc-')), 'c.yaml');
  writeFileSync(file, `name: t\ndata: { feedback: ${feedback} }\nmodels:\n  m: ${section}\n`);
  return resolveConfig(loadConfigSource(file)).models.m as ResolvedModelConfig;
}

/** The rows' vectors written out here from the interactions, independently of wholeVector.ts. */
function vectors(rows: number[], side: 'user' | 'item', binary: boolean): { x: number[][]; mask: number[][] } {
  const width = side === 'user' ? numItems : numUsers;
  const x = rows.map(() => new Array<number>(width).fill(0));
  const mask = rows.map(() => new Array<number>(width).fill(0));
  interactions.user.forEach((u, k) => {
    const i = interactions.item[k] as number;
    const [row, col] = side === 'user' ? [u, i] : [i, u];
    const b = rows.indexOf(row);
    if (b < 0) return;
    x[b]![col] = binary ? 1 : (interactions.rating[k] as number);
    mask[b]![col] = 1;
  });
  return { x, mask };
}

function reference(input: unknown): { loss: number; grads: Record<string, number[]> } {
  const dir = mkdtempSync(join(tmpdir(), 'deeprec-autoenc-ref-'));
  try {
    writeFileSync(join(dir, 'in.json'), JSON.stringify(input));
    const run = spawnSync('/usr/bin/python3', [REFERENCE, 'grad', join(dir, 'in.json'), join(dir, 'out.json')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`reference.py exited ${String(run.status)}: ${run.stderr}`);
    return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { loss: number; grads: Record<string, number[]> };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The loop's step loss: the model's loss plus l2 on its kernels (wholeVectorFit.ts), and tfjs's gradient of every variable. */
function tfjsGradients(model: RecModel, rows: number[], l2: number, forward: ForwardOptions, step: number): { loss: number; grads: number[][] } {
  const training = model.wholeVector!;
  const { value, grads } = tf.variableGrads(() => {
    const penalty = tf.addN(model.kernels.map((k) => tf.sum(tf.square(k))));
    return tf.add(training.loss(Int32Array.from(rows), forward, step), tf.mul(penalty, l2)) as tf.Scalar;
  }, training.variables);
  const out = { loss: value.dataSync()[0] as number, grads: training.variables.map((v) => Array.from(grads[v.name]!.dataSync())) };
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  return out;
}

function expectClose(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1e-3, ...want.map(Math.abs));
  got.forEach((g, k) => expect(Math.abs(g - (want[k] as number))).toBeLessThan(2e-4 * scale));
}

const weightsJson = (model: RecModel, names: string[]) =>
  Object.fromEntries(model.wholeVector!.variables.map((v, k) => [names[k], { shape: v.shape, values: Array.from(v.dataSync()) }]));

beforeAll(async () => {
  await initBackend('cpu');
});

describe('autorec', () => {
  it('I-AutoRec: loss and gradients equal the PyTorch reference of the paper\'s masked objective', () => {
    const model = buildModel(modelConfig('{ type: autorec, hiddenUnits: 4, l2: 0.01 }', 'explicit'), context);
    const rows = [0, 1, 3, 5];
    const { x, mask } = vectors(rows, 'item', false);
    const names = ['encoder', 'encoder_bias', 'decoder', 'decoder_bias'];
    const want = reference({ model: 'autorec', weights: weightsJson(model, names), x, mask, l2: 0.01 });
    const got = tfjsGradients(model, rows, 0.01, { nextSeed: () => 1 }, 0);
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4 * Math.abs(want.loss));
    names.forEach((name, k) => expectClose(got.grads[k]!, want.grads[name]!));
    // the bias starts at the training mean, so a fresh model predicts near it
    expect(Array.from(model.wholeVector!.variables[3]!.dataSync())).toEqual(new Array(numUsers).fill(Math.fround(3.4)));
  });

  it('its parameters count the encoder, which the saved network leaves out (codes in a frozen table)', () => {
    // I-AutoRec over 5 users' ratings, 4 hidden units: encoder 5 x 4 + 4, decoder 5 x 4 + 5 (per user)
    const model = buildModel(modelConfig('{ type: autorec, hiddenUnits: 4 }', 'explicit'), context);
    expect(modelParams(model)).toBe(5 * 4 + 4 + 5 * 4 + 5);
    expect(trainableParams(model.network)).toBe(5 * 4 + 5);
  });

  it.each(['item', 'user'] as const)('side %s: the saved network scores each pair as the reconstruction of its row', (side) => {
    const model = buildModel(modelConfig(`{ type: autorec, side: ${side}, hiddenUnits: 3 }`, 'explicit'), context);
    model.refreshScoring!();
    const [rowCount, width] = side === 'item' ? [numItems, numUsers] : [numUsers, numItems];
    const [V, mu, W, b] = model.wholeVector!.variables as unknown as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D];
    const rows = Array.from({ length: rowCount }, (_, r) => r);
    const reconstruction = tf.tidy(() =>
      tf.add(tf.matMul(tf.sigmoid(tf.add(tf.matMul(tf.tensor2d(vectors(rows, side, false).x), V), mu)), W, false, true), tf.reshape(b, [1, width])).arraySync(),
    ) as number[][];
    const users = Int32Array.from({ length: numUsers * numItems }, (_, k) => Math.floor(k / numItems));
    const items = Int32Array.from({ length: numUsers * numItems }, (_, k) => k % numItems);
    const scores = scorePairs(model.network, users, items);
    users.forEach((u, k) => {
      const i = items[k] as number;
      const want = side === 'item' ? reconstruction[i]![u]! : reconstruction[u]![i]!;
      expect(Math.abs((scores[k] as number) - want)).toBeLessThan(1e-5);
    });
    model.network.dispose();
  });
});

describe.each(['multdae', 'multvae'] as const)('%s', (type) => {
  const variational = type === 'multvae';
  const section = `{ type: ${type}, layers: [4, 3], dropout: 0.4, l2: 0.02${variational ? ', annealCap: 0.3, annealSteps: 10' : ''} }`;

  it('loss and gradients equal the PyTorch reference (the same dropout mask and noise)', () => {
    const model = buildModel(modelConfig(section, 'implicit'), context);
    const rows = [0, 2, 3, 4];
    const { x } = vectors(rows, 'user', true);
    // The seeds the loss draws in order (input dropout, then the VAE's noise), and the mask and noise they give.
    const seeds = [11, 12];
    let next = 0;
    const forward: ForwardOptions = { nextSeed: () => seeds[next++] as number };
    const keep = tf.tidy(() => tf.mul(tf.dropout(tf.ones([rows.length, numItems]), 0.4, undefined, 11), 0.6).arraySync());
    const noise = variational ? tf.tidy(() => tf.randomNormal([rows.length, 3], 0, 1, 'float32', 12).arraySync()) : null;
    const encoder = [['e0', 'eb0'], ['e1', 'eb1']];
    const decoder = [['d0', 'db0']];
    const names = ['e0', 'eb0', 'e1', 'eb1', 'd0', 'db0', 'output', 'output_bias'];
    const step = 4;
    const beta = variational ? Math.min(0.3, step / 10) : 0;
    const want = reference({ model: type, weights: weightsJson(model, names), x, keep, noise, encoder, decoder, beta, l2: 0.02, dropout: 0.4 });
    const got = tfjsGradients(model, rows, 0.02, forward, step);
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4 * Math.abs(want.loss));
    names.forEach((name, k) => expectClose(got.grads[k]!, want.grads[name]!));
    model.network.dispose();
  });

  it('the saved network scores the logits of each user\'s reconstruction; the validation loss is their negative log softmax', () => {
    const model = buildModel(modelConfig(section, 'implicit'), context);
    model.refreshScoring!();
    const users = Int32Array.from({ length: numUsers * numItems }, (_, k) => Math.floor(k / numItems));
    const items = Int32Array.from({ length: numUsers * numItems }, (_, k) => k % numItems);
    const scores = scorePairs(model.network, users, items);
    // Without dropout and with the mean for z, the pass is deterministic: the reference's loss on one-hot
    // targets is -log softmax(logits)[i], so the saved logits must give the same validation loss.
    const valid = { user: Int32Array.from([0, 1, 4]), item: Int32Array.from([5, 0, 2]) };
    let expected = 0;
    valid.user.forEach((u, k) => {
      const logits = Array.from(scores.subarray(u * numItems, (u + 1) * numItems));
      const max = Math.max(...logits);
      const logSum = max + Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
      expected += logSum - (logits[valid.item[k] as number] as number);
    });
    expect(model.wholeVector!.validationLoss!(valid)).toBeCloseTo(expected / 3, 5);
    // Scores differ across items and users: the codes are not the zeros the table starts with.
    expect(new Set(Array.from(scores, (s) => s.toFixed(6))).size).toBeGreaterThan(numItems);
    model.network.dispose();
  });
});
