/**
 * glocalk through the compiled binary: its two stages trained by the train stage (epochs
 * counted on through both, each early-stopped), saved as an ordinary tfjs layers model
 * (lookups of frozen codes and output rows + dot), scored by evaluate and `recommend` from
 * those files alone, shown by the report; the same config and seed give the same weights.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HISTORY_SCHEMA, PREDICTIONS_SCHEMA, readManifest, readMetrics, readTable } from '@deeprec/artifacts';
import { fileLoadHandler, initBackend, scorePairs } from '@deeprec/compute';

const bin = resolve(__dirname, '../bin/deeprec.js');

function deeprec(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: 'wasm' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONFIG = `name: gk
seed: 7
data:
  source: synthetic
  synthetic: { users: 60, items: 80, ratings: 1500 }
split: { valid: 0.1 }
train: { epochs: 4, batchSize: 16, optimizer: { learningRate: 0.01 }, earlyStopping: { monitor: val_rmse, patience: 2, restoreBest: true } }
models:
  glocalk: { type: glocalk, hiddenUnits: 16, kernelDim: 3, lambda2: 1, pretrainEpochs: 3 }
  baseline: { type: baseline }
`;

describe('glocalk end to end', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'deeprec-glocalk-'));
  writeFileSync(join(cwd, 'g.yaml'), CONFIG);

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('trains both stages, beats the training mean, evaluate and recommend score what was saved, the report shows it', async () => {
    const r = deeprec(cwd, 'run', 'g.yaml');
    expect(r.stderr).toContain('report: ');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('glocalk pre-training: up to 3 epochs from epoch 1');
    expect(r.stderr).toMatch(/glocalk fine-tuning: up to 4 epochs from epoch [2-4]/);
    const dir = join(cwd, 'artifacts/gk/models/glocalk');
    const manifest = readManifest(join(dir, 'manifest.json'), 'train');
    // 60 users -> 16 -> 16 -> 60: each layer W + u + v + b (kernel vectors of 3), and the 80 x 9 global kernel matrix.
    const layer = (i: number, o: number) => i * o + (i + o) * 3 + o;
    expect(manifest.details).toMatchObject({ type: 'glocalk', loss: 'mse', params: layer(60, 16) + layer(16, 16) + layer(16, 60) + 80 * 9 });
    const history = readTable(join(dir, 'history.arrow'), HISTORY_SCHEMA);
    const epochs = Array.from(history.epoch as Int32Array);
    // Epochs count on across the stages: 1..n without a restart.
    expect(epochs).toEqual(epochs.map((_, k) => k + 1));
    expect(epochs.length).toBeGreaterThan(3);
    const metrics = readMetrics(join(cwd, 'artifacts/gk/eval/glocalk/metrics.json'));
    expect(metrics.rmse).toBeLessThan(metrics.meanBaseline.rmse);

    const topology = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: Array<{ class_name: string }> } } };
    expect(new Set(topology.modelTopology.config.layers.map((l) => l.class_name))).toEqual(new Set(['InputLayer', 'Embedding', 'Add', 'Flatten', 'Dot']));
    const network = await tf.loadLayersModel(fileLoadHandler(dir));
    const predictions = readTable(join(cwd, 'artifacts/gk/eval/glocalk/predictions.arrow'), PREDICTIONS_SCHEMA);
    expect(Array.from(predictions.prediction as Float32Array)).toEqual(Array.from(scorePairs(network, predictions.user as Int32Array, predictions.item as Int32Array)));
    network.dispose();
    const rec = deeprec(cwd, 'recommend', 'g.yaml', '--model', 'glocalk', '--user', 'u1', '--k', '3', '--json');
    expect(rec.code).toBe(0);
    const list = JSON.parse(rec.stdout) as { items: Array<{ rank: number; score: number }> };
    expect(list.items.map((i) => i.rank)).toEqual([1, 2, 3]);
    expect(list.items[0]!.score).toBeGreaterThanOrEqual(list.items[2]!.score);
    expect(readFileSync(join(cwd, 'artifacts/gk/report/index.html'), 'utf8')).toContain('glocalk');
  });

  it('the same config and seed give the same weights; another seed does not', () => {
    const weights = (seed: number, artifacts: string) => {
      expect(deeprec(cwd, 'datagen', 'g.yaml', '--set', `seed=${seed}`, '--artifacts', artifacts).code).toBe(0);
      expect(deeprec(cwd, 'train', 'g.yaml', '--model', 'glocalk', '--set', `seed=${seed}`, '--artifacts', artifacts).code).toBe(0);
      return readFileSync(join(cwd, artifacts, 'gk/models/glocalk/weights.bin'));
    };
    const first = weights(3, 'a1');
    expect(weights(3, 'a2').equals(first)).toBe(true);
    expect(weights(4, 'a3').equals(first)).toBe(false);
  });

  it('a refit is refused with what was expected', () => {
    const r = deeprec(cwd, 'train', 'g.yaml', '--model', 'glocalk', '--set', 'train.refit=true');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('models.glocalk.train.refit: expected false for glocalk');
  });
});
