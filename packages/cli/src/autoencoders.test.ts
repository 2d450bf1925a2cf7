/**
 * The autoencoders through the compiled binary: trained by the train stage (a batch of
 * whole vectors per step, a refit for autorec), saved as ordinary tfjs layers models
 * (lookups of the frozen codes + dot), scored by evaluate and `recommend` from those
 * files alone, shown by the report; the same config and seed give the same weights.
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

const EXPLICIT = `name: ae
seed: 7
data:
  source: synthetic
  synthetic: { users: 60, items: 80, ratings: 1500 }
split: { valid: 0.1 }
train: { epochs: 6, batchSize: 16, refit: true, optimizer: { learningRate: 0.01 } }
models:
  autorec: { type: autorec, hiddenUnits: 16, l2: 0.01 }
  urec: { type: autorec, side: user, hiddenUnits: 16, l2: 0.01 }
  baseline: { type: baseline }
`;

const IMPLICIT = `name: aei
seed: 7
data:
  source: synthetic
  synthetic: { users: 60, items: 120, ratings: 900 }
  feedback: implicit
split: { method: leave-one-out, valid: 0.1, negatives: 20 }
train: { epochs: 5, batchSize: 16, optimizer: { learningRate: 0.005 } }
models:
  multvae: { type: multvae, layers: [16, 8], annealSteps: 10 }
  multdae: { type: multdae, layers: [16, 8] }
  popularity: { type: popularity }
evaluate:
  metrics: [hr@5, ndcg@5]
`;

async function expectScoredFromSaved(cwd: string, experiment: string, model: string): Promise<void> {
  const dir = join(cwd, `artifacts/${experiment}/models/${model}`);
  const topology = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: Array<{ class_name: string }> } } };
  expect(new Set(topology.modelTopology.config.layers.map((l) => l.class_name))).toEqual(new Set(['InputLayer', 'Embedding', 'Add', 'Flatten', 'Dot']));
  // evaluate's predictions are the saved network's scores, loaded here independently
  const network = await tf.loadLayersModel(fileLoadHandler(dir));
  const predictions = readTable(join(cwd, `artifacts/${experiment}/eval/${model}/predictions.arrow`), PREDICTIONS_SCHEMA);
  const own = scorePairs(network, predictions.user as Int32Array, predictions.item as Int32Array);
  expect(Array.from(predictions.prediction as Float32Array)).toEqual(Array.from(own));
  network.dispose();
  const rec = deeprec(cwd, 'recommend', `${experiment === 'ae' ? 'x' : 'i'}.yaml`, '--model', model, '--user', 'u1', '--k', '3', '--json');
  expect(rec.code).toBe(0);
  const list = JSON.parse(rec.stdout) as { model: string; items: Array<{ rank: number; score: number }> };
  expect(list.items.map((i) => i.rank)).toEqual([1, 2, 3]);
  expect(list.items[0]!.score).toBeGreaterThanOrEqual(list.items[2]!.score);
}

describe('autoencoders end to end', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'deeprec-autoenc-'));
  writeFileSync(join(cwd, 'x.yaml'), EXPLICIT);
  writeFileSync(join(cwd, 'i.yaml'), IMPLICIT);

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('autorec (item and user side): trains with a refit, beats the training mean, evaluate and recommend score what was saved', async () => {
    const r = deeprec(cwd, 'run', 'x.yaml');
    expect(r.stderr).toContain('report: ');
    expect(r.code).toBe(0);
    for (const model of ['autorec', 'urec']) {
      const manifest = readManifest(join(cwd, `artifacts/ae/models/${model}/manifest.json`), 'train');
      // the parameters counted include the encoder, which the saved network does not hold
      const cols = model === 'autorec' ? 60 : 80;
      expect(manifest.details).toMatchObject({ type: 'autorec', loss: 'mse', params: cols * 16 + 16 + cols * 16 + cols });
      const metrics = readMetrics(join(cwd, `artifacts/ae/eval/${model}/metrics.json`));
      expect(metrics.rmse).toBeLessThan(metrics.meanBaseline.rmse);
      await expectScoredFromSaved(cwd, 'ae', model);
    }
    const html = readFileSync(join(cwd, 'artifacts/ae/report/index.html'), 'utf8');
    expect(html).toContain('urec');
  });

  it('multvae and multdae: train on implicit data, rank the held-out items above chance, in the significance matrix', async () => {
    const r = deeprec(cwd, 'run', 'i.yaml');
    expect(r.code).toBe(0);
    for (const model of ['multvae', 'multdae']) {
      const metrics = readMetrics(join(cwd, `artifacts/aei/eval/${model}/metrics.json`));
      // chance is 5 / 21
      expect(metrics.ranking?.means['hr@5']).toBeGreaterThan(5 / 21);
      await expectScoredFromSaved(cwd, 'aei', model);
    }
    const html = readFileSync(join(cwd, 'artifacts/aei/report/index.html'), 'utf8');
    const significance = /<section id="significance">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(significance).toContain('multvae');
    expect(significance).toContain('multdae');
  });

  it('multdae early-stopped on validation NDCG@5: history, manifest and the report name it; the kept epoch is the best', () => {
    const set = ['--set', 'models.multdae.train.earlyStopping.monitor=val_ndcg@5', '--set', 'models.multdae.train.epochs=8', '--artifacts', 'rank'];
    const r = deeprec(cwd, 'run', 'i.yaml', ...set);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/multdae epoch 1\/8 loss [0-9.]+ val_loss [0-9.]+ val_ndcg@5 [0-9.]+ lr/);
    const dir = join(cwd, 'rank/aei/models/multdae');
    const details = readManifest(join(dir, 'manifest.json'), 'train').details;
    expect([details.monitor, details.rankingMonitor]).toEqual(['val_rank', 'val_ndcg@5']);
    const ranks = Array.from(readTable(join(dir, 'history.arrow'), HISTORY_SCHEMA).val_rank as Float64Array);
    expect(ranks.length).toBe(details.epochs);
    expect(ranks.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(details.bestEpoch).toBe(ranks.indexOf(Math.max(...ranks)) + 1);
    // multvae kept its default monitor: no val_rank column values for it
    expect(readManifest(join(cwd, 'rank/aei/models/multvae/manifest.json'), 'train').details.rankingMonitor).toBeUndefined();
    const html = readFileSync(join(cwd, 'rank/aei/report/index.html'), 'utf8');
    expect(html).toContain('<code>val_loss, val_ndcg@5</code>');
  });

  it('the same config and seed give the same weights; another seed does not', () => {
    const weights = (seed: number, artifacts: string) => {
      expect(deeprec(cwd, 'datagen', 'i.yaml', '--set', `seed=${seed}`, '--artifacts', artifacts).code).toBe(0);
      const r = deeprec(cwd, 'train', 'i.yaml', '--model', 'multvae', '--set', `seed=${seed}`, '--artifacts', artifacts);
      expect(r.code).toBe(0);
      return readFileSync(join(cwd, artifacts, 'aei/models/multvae/weights.bin'));
    };
    const first = weights(3, 'a1');
    expect(weights(3, 'a2').equals(first)).toBe(true);
    expect(weights(4, 'a3').equals(first)).toBe(false);
  });

  it('validate stops with exit 2 on feedback a model has no meaning for', () => {
    writeFileSync(join(cwd, 'bad.yaml'), EXPLICIT.replace('  baseline: { type: baseline }\n', '  vae: { type: multvae }\n'));
    const r = deeprec(cwd, 'validate', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/models\.vae\.type: multvae works with data\.feedback implicit, found explicit/);
  });
});
