/**
 * Classic (non-network) models through the compiled binary: trained into models/<name>/
 * in the classic format, scored by evaluate and `recommend` from what was saved (never
 * refitted), shown by the report, and refused by validate where they have no meaning.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PREDICTIONS_SCHEMA, RATINGS_SCHEMA, readClassicModel, readManifest, readMetrics, readTable, writeClassicModel } from '@deeprec/artifacts';
import { buildCsr, classicFactory } from '@deeprec/models';

const bin = resolve(__dirname, '../bin/deeprec.js');

function deeprec(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: 'wasm' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const EXPLICIT = `name: classic-x
seed: 7
data:
  source: synthetic
  synthetic: { users: 50, items: 30, ratings: 700 }
train: { epochs: 2, batchSize: 64 }
models:
  itemknn: { type: itemknn, topK: 10 }
  svdpp: { type: svdpp, factors: 4, epochs: 5 }
  mf: { type: mf, embeddingDim: 4 }
`;

const IMPLICIT = `name: classic-i
seed: 7
data:
  source: synthetic
  synthetic: { users: 50, items: 80, ratings: 700 }
  feedback: implicit
split: { method: leave-one-out, negatives: 20 }
train: { epochs: 2, batchSize: 64 }
models:
  ease: { type: ease, lambda: 20 }
  ials: { type: ials, dim: 4, epochs: 3 }
  rp3beta: { type: rp3beta, topK: 10 }
  popularity: { type: popularity }
evaluate:
  metrics: [hr@5, ndcg@5, auc]
`;

describe('classic models end to end', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'deeprec-classic-'));
  writeFileSync(join(cwd, 'x.yaml'), EXPLICIT);
  writeFileSync(join(cwd, 'i.yaml'), IMPLICIT);

  it('explicit: itemknn and svdpp train into the classic format and evaluate scores what was saved', () => {
    const r = deeprec(cwd, 'run', 'x.yaml');
    expect(r.stderr).toContain('report: ');
    expect(r.code).toBe(0);
    const dir = join(cwd, 'artifacts/classic-x/models/itemknn');
    const saved = readClassicModel(dir);
    expect(saved).toMatchObject({ type: 'itemknn', fitOn: ['train'], meta: { similarity: 'pearson-baseline', norms: 'common', ratingForm: true } });
    const manifest = readManifest(join(dir, 'manifest.json'), 'train');
    expect(manifest.details).toMatchObject({ type: 'itemknn', layers: 0, params: Object.values(saved.arrays).reduce((n, a) => n + a.length, 0) });
    // Independently of evaluate: the saved arrays, loaded and scored with the training history, give its predictions.
    const train = readTable(join(cwd, 'artifacts/classic-x/data/train.arrow'), RATINGS_SCHEMA);
    const fitted = classicFactory('itemknn').load(saved.meta, saved.arrays);
    const history = buildCsr({ numUsers: fitted.numUsers, numItems: fitted.numItems, user: train.user as Int32Array, item: train.item as Int32Array, rating: train.rating as Float32Array }, 'user');
    const predictions = readTable(join(cwd, 'artifacts/classic-x/eval/itemknn/predictions.arrow'), PREDICTIONS_SCHEMA);
    const own = fitted.scorePairs(history, predictions.user as Int32Array, predictions.item as Int32Array).map((p) => Math.min(5, Math.max(1, p)));
    expect(Array.from(predictions.prediction as Float32Array)).toEqual(Array.from(own));
    for (const model of ['itemknn', 'svdpp']) {
      const m = readMetrics(join(cwd, 'artifacts/classic-x/eval', model, 'metrics.json'));
      expect(m.type).toBe(model);
      expect(m.rmse).toBeGreaterThan(0);
      expect(m.rmse).toBeLessThan(m.meanBaseline.rmse * 1.2);
    }
    const html = readFileSync(join(cwd, 'artifacts/classic-x/report/index.html'), 'utf8');
    for (const model of ['itemknn', 'svdpp', 'mf']) expect(html).toContain(model);
  });

  it('implicit: ranking metrics and recommend from the saved model; editing the saved arrays changes what evaluate scores', () => {
    const r = deeprec(cwd, 'run', 'i.yaml');
    expect(r.code).toBe(0);
    for (const model of ['ease', 'ials', 'rp3beta']) {
      const m = readMetrics(join(cwd, 'artifacts/classic-i/eval', model, 'metrics.json'));
      expect(m.ranking?.means['hr@5']).toBeGreaterThan(0);
    }
    const rec = deeprec(cwd, 'recommend', 'i.yaml', '--model', 'ease', '--user', 'u1', '--k', '3', '--json');
    expect(rec.code).toBe(0);
    const list = JSON.parse(rec.stdout) as { model: string; items: Array<{ rank: number; score: number }> };
    expect(list.model).toBe('ease');
    expect(list.items.map((i) => i.rank)).toEqual([1, 2, 3]);
    // Zero EASE's saved weights: evaluate must now score 0 everywhere (it reads, never refits).
    const dir = join(cwd, 'artifacts/classic-i/models/ease');
    const saved = readClassicModel(dir);
    writeClassicModel(dir, { ...saved, arrays: { weights: new Float32Array((saved.arrays.weights as Float32Array).length) } });
    expect(deeprec(cwd, 'evaluate', 'i.yaml', '--model', 'ease').code).toBe(0);
    const predictions = readTable(join(cwd, 'artifacts/classic-i/eval/ease/predictions.arrow'), PREDICTIONS_SCHEMA);
    expect(new Set(predictions.prediction as Float32Array)).toEqual(new Set([0]));
  });

  it.each([
    ['ease above maxItems', IMPLICIT.replace('ease: { type: ease, lambda: 20 }', 'ease: { type: ease, maxItems: 10 }'), /models\.ease: ease: 80 items exceed maxItems 10; EASE's dense item-item fit would need \d+ bytes/],
    ['svdpp on implicit data', IMPLICIT.replace('popularity: { type: popularity }', 'svdpp: { type: svdpp }'), /models\.svdpp\.type: svdpp works with data\.feedback explicit, found implicit/],
  ])('validate: %s is exit 2 with one line', (_, yaml, message) => {
    writeFileSync(join(cwd, 'bad.yaml'), yaml);
    const r = deeprec(cwd, 'validate', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
