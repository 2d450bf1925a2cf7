/**
 * lightgcn through the compiled binary: trained by the train stage, saved as an ordinary
 * tfjs layers model (lookups + dot, no graph), scored by evaluate and `recommend` from
 * that file alone, shown by the report; refused by validate on explicit data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PREDICTIONS_SCHEMA, readManifest, readMetrics, readTable } from '@deeprec/artifacts';
import { fileLoadHandler, initBackend, scorePairs } from '@deeprec/compute';

const bin = resolve(__dirname, '../bin/deeprec.js');

function deeprec(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: 'wasm' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const IMPLICIT = `name: lgcn
seed: 7
data:
  source: synthetic
  synthetic: { users: 60, items: 80, ratings: 700 }
  feedback: implicit
split: { method: leave-one-out, negatives: 20 }
train: { epochs: 3, batchSize: 128, loss: bpr, negatives: { perPositive: 1 }, optimizer: { learningRate: 0.01 } }
models:
  lightgcn: { type: lightgcn, embeddingDim: 8, propagationLayers: 2 }
  popularity: { type: popularity }
evaluate:
  metrics: [hr@5, ndcg@5]
`;

describe('lightgcn end to end', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'deeprec-lightgcn-'));
  writeFileSync(join(cwd, 'i.yaml'), IMPLICIT);
  writeFileSync(join(cwd, 'x.yaml'), IMPLICIT.replace('  feedback: implicit\n', '').replace('split: { method: leave-one-out, negatives: 20 }\n', '').replace(', loss: bpr', '').replace('evaluate:\n  metrics: [hr@5, ndcg@5]\n', ''));

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('trains, saves plain layers, and evaluate and recommend score what was saved', async () => {
    const r = deeprec(cwd, 'run', 'i.yaml');
    expect(r.stderr).toContain('report: ');
    expect(r.code).toBe(0);
    const dir = join(cwd, 'artifacts/lgcn/models/lightgcn');
    const topology = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: Array<{ class_name: string }> } } };
    expect(new Set(topology.modelTopology.config.layers.map((l) => l.class_name))).toEqual(new Set(['InputLayer', 'Embedding', 'Add', 'Flatten', 'Dot']));
    const manifest = readManifest(join(dir, 'manifest.json'), 'train');
    expect(manifest.details).toMatchObject({ type: 'lightgcn', loss: 'bpr', params: (60 + 80) * 8 });
    const metrics = readMetrics(join(cwd, 'artifacts/lgcn/eval/lightgcn/metrics.json'));
    expect(metrics.ranking?.means['hr@5']).toBeGreaterThan(0);
    // evaluate's predictions are the saved network's scores, loaded here independently
    const network = await tf.loadLayersModel(fileLoadHandler(dir));
    const predictions = readTable(join(cwd, 'artifacts/lgcn/eval/lightgcn/predictions.arrow'), PREDICTIONS_SCHEMA);
    const own = scorePairs(network, predictions.user as Int32Array, predictions.item as Int32Array);
    expect(Array.from(predictions.prediction as Float32Array)).toEqual(Array.from(own));
    network.dispose();
    const rec = deeprec(cwd, 'recommend', 'i.yaml', '--model', 'lightgcn', '--user', 'u1', '--k', '3', '--json');
    expect(rec.code).toBe(0);
    const list = JSON.parse(rec.stdout) as { model: string; items: Array<{ rank: number; score: number }> };
    expect(list.model).toBe('lightgcn');
    expect(list.items.map((i) => i.rank)).toEqual([1, 2, 3]);
    expect(list.items[0]!.score).toBeGreaterThanOrEqual(list.items[2]!.score);
    const html = readFileSync(join(cwd, 'artifacts/lgcn/report/index.html'), 'utf8');
    // the report's significance matrix pairs it with the other model, with no report changes
    const significance = /<section id="significance">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(significance).toContain('lightgcn');
    expect(significance).toContain('popularity');
    expect(significance).toContain('<table');
  });

  it('validate stops with exit 2 on explicit data, naming the model and why', () => {
    const r = deeprec(cwd, 'validate', 'x.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/models\.lightgcn\.type: lightgcn works with data\.feedback implicit, found explicit \(graph convolution over the interactions that ranks items \(BPR\); it has no rating form\)/);
  });
});
