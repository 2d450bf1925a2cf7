import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, scorePairs } from '@deeprec/compute';
import { loadConfigSource, resolveConfig, type ResolvedModelConfig } from '@deeprec/config';
import { modelParams, type ModelContext, type RecModel } from './contract';
import { buildModel } from './registry';

const REFERENCE = resolve(__dirname, '../../../bench/autoencoders/glocalk_reference.py');

// 5 users, 6 items; user 4 and item 5 without ratings. Items' vectors are the rows.
const interactions = {
  user: Int32Array.from([0, 0, 0, 1, 1, 2, 2, 2, 3, 3]),
  item: Int32Array.from([0, 1, 3, 1, 2, 0, 2, 4, 3, 4]),
  rating: Float32Array.from([5, 3, 4, 2, 5, 1, 4, 3, 5, 2]),
};
const [numUsers, numItems, hidden, dim, size] = [5, 6, 4, 3, 3];
const context: ModelContext = { numUsers, numItems, trainMean: 3.4, seed: 7, interactions: () => interactions };
const [lambda2, lambdaS, scale] = [0.5, 0.3, 0.7];

function modelConfig(section: string): ResolvedModelConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-glocalk-')), 'c.yaml');
  writeFileSync(file, `name: t\ndata: { feedback: explicit }\nmodels:\n  m: ${section}\n`);
  return resolveConfig(loadConfigSource(file)).models.m as ResolvedModelConfig;
}
const section = `{ type: glocalk, hiddenUnits: ${hidden}, hiddenLayers: 2, kernelDim: ${dim}, lambda2: ${lambda2}, lambdaS: ${lambdaS}, globalKernelSize: ${size}, dotScale: ${scale} }`;

/** The rating matrix (items x users) and its mask, written out here from the interactions. */
function matrix(): { x: number[][]; mask: number[][] } {
  const x = Array.from({ length: numItems }, () => new Array<number>(numUsers).fill(0));
  const mask = Array.from({ length: numItems }, () => new Array<number>(numUsers).fill(0));
  interactions.user.forEach((u, k) => {
    const i = interactions.item[k] as number;
    x[i]![u] = interactions.rating[k] as number;
    mask[i]![u] = 1;
  });
  return { x, mask };
}

const NAMES = [0, 1, 2].flatMap((k) => [`w${k}`, `u${k}`, `v${k}`, `b${k}`]).concat('conv');

/**
 * A model whose kernel vectors are spread (sd 0.5, not the 1e-3 of the paper's start), so
 * some kernel entries are clamped at 0 and the rest lie between: the check covers the
 * kernel's whole formula, not only K = 1.
 */
function spreadModel(): RecModel {
  const model = buildModel(modelConfig(section), context);
  model.wholeVector!.variables.forEach((v, k) => {
    if (/^[uv]/.test(NAMES[k]!)) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 100 + k));
  });
  return model;
}

function reference(model: RecModel, rows: number[], stage: 'pre' | 'fine'): { loss: number; grads: Record<string, number[]>; scores: number[][] } {
  const dir = mkdtempSync(join(tmpdir(), 'deeprec-glocalk-ref-'));
  try {
    const weights = Object.fromEntries(model.wholeVector!.variables.map((v, k) => [NAMES[k], { shape: v.shape, values: Array.from(v.dataSync()) }]));
    writeFileSync(join(dir, 'in.json'), JSON.stringify({ weights, layers: 3, ...matrix(), rows, stage, size, scale, lambda2, lambdaS }));
    const run = spawnSync('/usr/bin/python3', [REFERENCE, 'grad', join(dir, 'in.json'), join(dir, 'out.json')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`glocalk_reference.py exited ${String(run.status)}: ${run.stderr}`);
    return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { loss: number; grads: Record<string, number[]>; scores: number[][] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tfjsGradients(model: RecModel, rows: number[]): { loss: number; grads: number[][] } {
  const training = model.wholeVector!;
  const { value, grads } = tf.variableGrads(() => training.loss(Int32Array.from(rows), { nextSeed: () => 1 }, 0), training.variables);
  // A variable the loss does not reach (the conv kernel in pre-training) has no gradient: zeros, as torch's.
  const out = { loss: value.dataSync()[0] as number, grads: training.variables.map((v) => (grads[v.name] ? Array.from(grads[v.name]!.dataSync()) : new Array<number>(v.size).fill(0))) };
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  return out;
}

function expectClose(got: number[], want: number[], label: string): void {
  expect(got.length).toBe(want.length);
  const scale2 = Math.max(1e-3, ...want.map(Math.abs));
  const worst = Math.max(...got.map((g, k) => Math.abs(g - (want[k] as number))));
  expect({ label, relativeError: worst / scale2 < 2e-4 ? 'small' : worst / scale2 }).toEqual({ label, relativeError: 'small' });
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('glocalk', () => {
  it.each([['pre-training', 'pre'], ['fine-tuning', 'fine']] as const)('%s: loss and gradients equal the PyTorch reference of the paper\'s objective', (_, stage) => {
    const model = spreadModel();
    const stages = model.wholeVector!.stages!;
    stages[stage === 'pre' ? 0 : 1]!.enter();
    // Rows 0 and 5 sit at the matrix's edges: their neighbour rows are the convolution's zero padding.
    const rows = [0, 2, 3, 5];
    const want = reference(model, rows, stage);
    const got = tfjsGradients(model, rows);
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4 * Math.abs(want.loss));
    NAMES.forEach((name, k) => expectClose(got.grads[k]!, want.grads[name]!, name));
    // The check is not vacuous: some kernel entries are clamped, and fine-tuning moves the conv kernel.
    const kernel = tf.tidy(() => tf.relu(tf.sub(1, tf.sum(tf.square(tf.sub(tf.expandDims(model.wholeVector!.variables[1]!, 1), tf.expandDims(model.wholeVector!.variables[2]!, 0))), 2))).dataSync());
    expect(Array.from(kernel).filter((k) => k === 0).length).toBeGreaterThan(0);
    expect(Array.from(kernel).filter((k) => k > 0 && k < 1).length).toBeGreaterThan(0);
    if (stage === 'fine') expect(Math.max(...want.grads.conv!.map(Math.abs))).toBeGreaterThan(1e-6);
    model.network.dispose();
  });

  it('the saved network scores each pair as the fine-tuned reconstruction of the convolved matrix', () => {
    const model = spreadModel();
    model.wholeVector!.stages![1]!.enter();
    model.refreshScoring!();
    const want = reference(model, [0], 'fine').scores;
    const users = Int32Array.from({ length: numUsers * numItems }, (_, k) => Math.floor(k / numItems));
    const items = Int32Array.from({ length: numUsers * numItems }, (_, k) => k % numItems);
    const scores = scorePairs(model.network, users, items);
    users.forEach((u, k) => expect(Math.abs((scores[k] as number) - want[items[k] as number]![u]!)).toBeLessThan(1e-4));
    model.network.dispose();
  });

  it('counts every layer\'s W, u, v, b and the global kernel\'s weights; the same seed gives the same weights', () => {
    const model = buildModel(modelConfig(section), context);
    // 5 -> 4 -> 4 -> 5 users, each layer W + u + v + b; the conv matrix is items x k^2.
    const layer = (i: number, o: number) => i * o + i * dim + o * dim + o;
    expect(modelParams(model)).toBe(layer(5, 4) + layer(4, 4) + layer(4, 5) + numItems * size * size);
    const again = buildModel(modelConfig(section), context);
    model.wholeVector!.variables.forEach((v, k) => expect(Array.from(again.wholeVector!.variables[k]!.dataSync())).toEqual(Array.from(v.dataSync())));
    expect(() => buildModel(modelConfig(section.replace('globalKernelSize: 3', 'globalKernelSize: 4')), context)).toThrow('expected an odd size');
  });
});
