/**
 * End to end through the compiled binary, as a user runs it (npm test compiles first):
 * a tiny experiment, reruns, broken inputs and their exit codes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HISTORY_SCHEMA, PREDICTIONS_SCHEMA, readDataInfo, readManifest, readMetrics, readTable, type EvalMetrics } from '@deeprec/artifacts';
import { initBackend, registerFileRouters } from '@deeprec/compute';
import { PIPELINE_STAGES, outputsOf } from '@deeprec/config';

const bin = resolve(__dirname, '../bin/deeprec.js');
const TINY = `name: tiny
seed: 42
data:
  source: synthetic
  synthetic: { users: 60, items: 40, ratings: 900 }
train: { epochs: 4, batchSize: 64, optimizer: { learningRate: 0.01 } }
models:
  ncf: { type: ncf, embeddingDim: 4, layers: [8, 4] }
  widedeep: { type: widedeep, embeddingDim: 4, layers: [8] }
  neumf: { type: neumf, gmfDim: 4, mlpDim: 4, layers: [8, 4] }
`;

function deeprec(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: 'wasm' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

function metrics(cwd: string, model: string): EvalMetrics {
  return readMetrics(join(cwd, 'artifacts/tiny/eval', model, 'metrics.json'));
}

describe('deeprec CLI', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'deeprec-cli-'));
  writeFileSync(join(cwd, 'tiny.yaml'), TINY);

  it('runs every stage of an experiment; the same seed gives identical metrics, another seed different ones', () => {
    const first = deeprec(cwd, 'run', 'tiny.yaml');
    expect(first.stderr).toContain('report: ');
    expect(first.code).toBe(0);
    expect(existsSync(join(cwd, 'artifacts/tiny/search'))).toBe(false);
    expect(listFiles(join(cwd, 'artifacts/tiny'))).toEqual(
      expect.arrayContaining([
        'data/train.arrow', 'data/valid.arrow', 'data/test.arrow', 'data/users.arrow', 'data/items.arrow', 'data/manifest.json',
        'models/ncf/model.json', 'models/ncf/weights.bin', 'models/ncf/history.arrow', 'models/ncf/manifest.json',
        'eval/neumf/predictions.arrow', 'eval/neumf/metrics.json', 'report/index.html',
      ]),
    );
    // every folder the pipeline table says a stage writes (no model here has a search section: that stage writes nothing)
    for (const stage of PIPELINE_STAGES.filter((s) => s.name !== 'search')) {
      for (const model of stage.per === 'model' ? ['ncf', 'widedeep', 'neumf'] : [undefined]) {
        for (const output of outputsOf(stage.name, model)) expect([output, listFiles(join(cwd, 'artifacts/tiny', output)).length > 0]).toEqual([output, true]);
      }
    }
    const before = ['ncf', 'widedeep', 'neumf'].map((m) => metrics(cwd, m));
    const trainRows = readDataInfo(join(cwd, 'artifacts/tiny/data/manifest.json')).counts.train;
    for (const m of before) {
      expect(m).toMatchObject({ experiment: 'tiny', backend: 'wasm', epochs: 4, count: expect.any(Number) });
      // Training time is the epochs' times summed (history.arrow); samples/s is the manifest's samples over it.
      const details = readManifest(join(cwd, 'artifacts/tiny/models', m.model, 'manifest.json'), 'train').details;
      const epochSeconds = Array.from(readTable(join(cwd, 'artifacts/tiny/models', m.model, 'history.arrow'), HISTORY_SCHEMA).seconds as Float64Array).reduce((a, b) => a + b, 0);
      expect(details.trainSamples).toBe(4 * trainRows);
      expect(m.trainSeconds).toBeCloseTo(epochSeconds, 9);
      expect((m.trainSamplesPerSecond * epochSeconds) / details.trainSamples).toBeCloseTo(1, 9);
    }
    const predictions = readFileSync(join(cwd, 'artifacts/tiny/eval/ncf/predictions.arrow'));

    expect(deeprec(cwd, 'run', 'tiny.yaml').code).toBe(0);
    const again = ['ncf', 'widedeep', 'neumf'].map((m) => metrics(cwd, m));
    again.forEach((m, i) => expect({ rmse: m.rmse, mae: m.mae }).toEqual({ rmse: before[i]?.rmse, mae: before[i]?.mae }));
    expect(readFileSync(join(cwd, 'artifacts/tiny/eval/ncf/predictions.arrow')).equals(predictions)).toBe(true);

    expect(deeprec(cwd, 'run', 'tiny.yaml', '--set', 'seed=7').code).toBe(0);
    expect(metrics(cwd, 'ncf').rmse).not.toBe(before[0]?.rmse);
  });

  it('saves models that tf.loadLayersModel reads from file:// URLs', async () => {
    await initBackend('wasm');
    registerFileRouters();
    const model = await tf.loadLayersModel(`file://${join(cwd, 'artifacts/tiny/models/neumf/model.json')}`);
    // It scores the test pairs as evaluate scored them (predictions.arrow, clipped to the 1-5 scale).
    const evaluated = readTable(join(cwd, 'artifacts/tiny/eval/neumf/predictions.arrow'), PREDICTIONS_SCHEMA);
    const users = evaluated.user as Int32Array;
    const out = model.predict([tf.tensor2d(users, [users.length, 1], 'int32'), tf.tensor2d(evaluated.item as Int32Array, [users.length, 1], 'int32')]) as tf.Tensor;
    const clipped = Array.from(out.dataSync(), (x) => Math.min(5, Math.max(1, x)));
    const expected = Array.from(evaluated.prediction as Float32Array);
    expect(clipped.map((x) => Math.fround(x))).toEqual(expected);
    expect(new Set(expected.map((x) => x.toFixed(3))).size).toBeGreaterThan(users.length / 2);
  });

  const broken: Array<[string, string, string]> = [
    ['bad-yaml.yaml', 'name: x\nmodels: [\n', 'bad-yaml.yaml:3:1: invalid YAML'],
    ['unknown-key.yaml', 'name: x\ntrain: { epoch: 3 }\nmodels:\n  a: { type: ncf }\n', 'unknown-key.yaml:2: train.epoch: unknown key in train'],
    ['unknown-type.yaml', 'name: x\nmodels:\n  a: { type: transformer }\n', "unknown-type.yaml:3: models.a.type: unknown model type 'transformer'; expected one of: ncf, widedeep, neumf, baseline, mf, popularity, lightgcn, autorec, glocalk, multdae, multvae, itemknn, userknn, rp3beta, ease, ials, puresvd, svdpp"],
    ['negative.yaml', 'name: x\ntrain: { epochs: -1 }\nmodels:\n  a: { type: ncf }\n', 'negative.yaml:2: train.epochs: expected a number >= 1, found -1'],
    ['escape.yaml', 'name: ../../escape\nmodels:\n  a: { type: ncf }\n', "escape.yaml:1: name: expected an experiment name"],
    ['loss.yaml', 'name: x\nmodels:\n  a: { type: mf, train: { loss: bpr } }\n', "models.a.train.loss: expected mse or auto for explicit data (data.feedback: explicit), found 'bpr' (a loss for implicit data)"],
    ['monitor.yaml', 'name: x\ntrain: { earlyStopping: { monitor: val_auc@10 } }\nmodels:\n  a: { type: ncf }\n', 'monitor.yaml:2: train.earlyStopping.monitor: expected val_rmse, val_mae, val_loss, or val_hr@K / val_ndcg@K (K from 1 to 999), found \'val_auc@10\''],
    ['rank-explicit.yaml', 'name: x\ntrain: { earlyStopping: { monitor: val_hr@10 } }\nmodels:\n  a: { type: ncf }\n', 'train.earlyStopping.monitor: val_hr@10 ranks items against sampled negatives, which needs implicit data (data.feedback: implicit); for explicit data watch val_rmse, val_mae or val_loss'],
  ];
  it.each(broken)('%s: exit 2 with one clear line, nothing written', (file, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprec-broken-'));
    writeFileSync(join(dir, file), text);
    const r = deeprec(dir, 'run', file);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^deeprec: /);
    expect(lines[0]).toContain(message);
    expect(listFiles(dir)).toEqual([file]);
    expect(listFiles(resolve(dir, '..', 'escape'))).toEqual([]);
  });

  it('a truncated Arrow artifact: exit 1 naming the file, and no stack trace without --verbose', () => {
    const copy = mkdtempSync(join(tmpdir(), 'deeprec-trunc-'));
    cpSync(cwd, copy, { recursive: true });
    const file = join(copy, 'artifacts/tiny/data/test.arrow');
    truncateSync(file, 100);
    const r = deeprec(copy, 'evaluate', 'tiny.yaml', '--model', 'ncf');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^deeprec: ${file}: not a readable Arrow file`))]);
    const verbose = deeprec(copy, 'evaluate', 'tiny.yaml', '--model', 'ncf', '--verbose');
    expect(verbose.stderr).toMatch(/\n\s+at /);
    // The failed evaluate left the earlier results in place.
    expect(existsSync(join(copy, 'artifacts/tiny/eval/ncf/metrics.json'))).toBe(true);
    rmSync(copy, { recursive: true, force: true });
  });

  it('usage errors exit 2: unknown command, missing --model, unknown model, bad --backend', () => {
    expect(deeprec(cwd, 'frobnicate').code).toBe(2);
    const missing = deeprec(cwd, 'train', 'tiny.yaml');
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'deeprec: Missing required argument: model']);
    const unknown = deeprec(cwd, 'train', 'tiny.yaml', '--model', 'svd');
    expect([unknown.code, unknown.stderr.trim()]).toEqual([2, `deeprec: --model svd: no such model in ${join(cwd, 'tiny.yaml')}; expected one of: ncf, widedeep, neumf`]);
    const backend = deeprec(cwd, 'train', 'tiny.yaml', '--model', 'ncf', '--backend', 'tpu');
    expect([backend.code, backend.stderr.trim()]).toEqual([2, "deeprec: --backend: expected one of auto, tensorflow, wasm, cpu, found 'tpu'"]);
  });

  it('train.engine: kernels records the build it trained with; DEEPREC_KERNELS=simd asks for the plain one, a bad value exits 2', () => {
    const copy = mkdtempSync(join(tmpdir(), 'deeprec-kernels-'));
    writeFileSync(join(copy, 'tiny.yaml'), TINY);
    expect(deeprec(copy, 'datagen', 'tiny.yaml').code).toBe(0);
    const train = (kernels: string) => {
      const r = spawnSync(process.execPath, [bin, 'train', 'tiny.yaml', '--model', 'ncf', '--set', 'train.engine=kernels'], { cwd: copy, encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: 'wasm', DEEPREC_KERNELS: kernels } });
      return { code: r.status, stderr: r.stderr };
    };
    const builds = ['fma', 'simd'].map((kernels) => {
      const r = train(kernels);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`(kernels engine, ${kernels} build)`);
      const manifest = readManifest(join(copy, 'artifacts/tiny/models/ncf/manifest.json'), 'train');
      return manifest.details.engine?.kernelBuild;
    });
    expect(builds).toEqual(['fma', 'simd']);
    const bad = train('avx512');
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'deeprec: DEEPREC_KERNELS: expected fma or simd, found "avx512"']);
    rmSync(copy, { recursive: true, force: true });
  });

  it('--help explains each command; validate checks without writing', () => {
    const help = deeprec(cwd, '--help');
    expect(help.code).toBe(0);
    for (const command of ['run', 'datagen', 'train', 'evaluate', 'report', 'validate']) expect(help.stdout).toContain(`deeprec ${command}`);
    const dir = mkdtempSync(join(tmpdir(), 'deeprec-validate-'));
    writeFileSync(join(dir, 'tiny.yaml'), TINY);
    const r = deeprec(dir, 'validate', 'tiny.yaml');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('models: ncf (ncf, ');
    expect(listFiles(dir)).toEqual(['tiny.yaml']);
  });

  it('validate accepts the DESIGN example config as written (its ../../data/ml-100k is the data/ml-100k link to ../shared)', () => {
    const repo = resolve(__dirname, '../../..');
    const r = deeprec(repo, 'validate', 'configs/examples/ml100k-design.yaml');
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([0, `${join(repo, 'configs/examples/ml100k-design.yaml')}: ok`]);
    expect(r.stderr).toContain('data: movielens-100k, 943 users, 1682 items, scale 1-5; train 72000, valid 8000, test 20000');
  });
});
