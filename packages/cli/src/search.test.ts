/**
 * Hyper-parameter search through the compiled binary: trials on validation only, the
 * selection, the selected values reaching train, seeded proposals, and the test split
 * never read by any trial (so no trial but the selected one is ever scored on test).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readManifest, readMetrics, readSeedRuns, readSelectedRecord, readTrialRecord } from '@deeprec/artifacts';

const bin = resolve(__dirname, '../bin/deeprec.js');

function deeprec(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: 'wasm' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONFIG = `name: searched
seed: 11
data:
  source: synthetic
  synthetic: { users: 40, items: 30, ratings: 500 }
train: { epochs: 3, batchSize: 64 }
search: { algorithm: random, trials: 4, seeds: 3 }
models:
  mf:
    type: mf
    embeddingDim: 4
    search:
      space:
        embeddingDim: { choice: [2, 4, 8] }
        l2: { loguniform: [0.0001, 0.1] }
        train.optimizer.learningRate: { loguniform: [0.001, 0.05] }
  knn:
    type: itemknn
    search:
      space:
        topK: { int: [2, 20] }
        shrink: { quniform: [0, 50, 10] }
  plain: { type: baseline }
`;

function trials(cwd: string, experiment: string, model: string) {
  const dir = join(cwd, 'artifacts', experiment, 'search', model);
  return readdirSync(dir)
    .filter((d) => d.startsWith('trial-'))
    .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
    .map((d) => readTrialRecord(join(dir, d, 'trial.json')));
}

describe('deeprec search', () => {
  const a = mkdtempSync(join(tmpdir(), 'deeprec-search-a-'));
  const b = mkdtempSync(join(tmpdir(), 'deeprec-search-b-'));
  for (const dir of [a, b]) writeFileSync(join(dir, 'exp.yaml'), CONFIG);

  it('runs every trial on validation with the test split unreadable, selects, and train uses the selected values', () => {
    expect(deeprec(a, 'datagen', 'exp.yaml').code).toBe(0);
    // A trial or the selection that read the test split would fail on this file.
    const test = join(a, 'artifacts/searched/data/test.arrow');
    truncateSync(test, 10);
    const search = deeprec(a, 'search', 'exp.yaml');
    expect(search.stderr).toContain('selected on val_rmse');
    expect(search.code).toBe(0);
    for (const model of ['mf', 'knn']) {
      const records = trials(a, 'searched', model);
      expect(records.map((t) => t.index)).toEqual([0, 1, 2, 3]);
      expect(records.every((t) => Number.isFinite(t.value) && t.objective === 'val_rmse')).toBe(true);
      const selected = readSelectedRecord(join(a, 'artifacts/searched/search', model, 'selected/selected.json'));
      const best = Math.min(...records.map((t) => t.value));
      expect(selected.value).toBe(best);
      expect(selected.params).toEqual(records[selected.selected]?.params);
    }
    expect(existsSync(join(a, 'artifacts/searched/search/plain'))).toBe(false);
    expect(existsSync(join(a, 'artifacts/searched/eval'))).toBe(false);
    // evaluate is the first to read the test split
    expect(deeprec(a, 'datagen', 'exp.yaml').code).toBe(0);
    expect(deeprec(a, 'train', 'exp.yaml', '--model', 'mf').code).toBe(0);
    const selected = readSelectedRecord(join(a, 'artifacts/searched/search/mf/selected/selected.json'));
    const manifest = readManifest(join(a, 'artifacts/searched/models/mf/manifest.json'), 'train');
    expect(manifest.details.modelConfig).toMatchObject({ embeddingDim: selected.params.embeddingDim, l2: selected.params.l2, train: { optimizer: { learningRate: selected.params['train.optimizer.learningRate'] } } });
  });

  it('the same config and seed propose the same trials; a rerun reuses them; the winner is retrained and scored with 3 seeds', () => {
    const r = deeprec(b, 'run', 'exp.yaml');
    expect(r.code).toBe(0);
    for (const model of ['mf', 'knn']) {
      const seeds = readSeedRuns(join(b, 'artifacts/searched/eval', model, 'seeds.json'));
      expect(seeds.runs.map((x) => x.seed)).toEqual([11, 12, 13]);
      expect(seeds.runs[0]?.rmse).toBe(readMetrics(join(b, 'artifacts/searched/eval', model, 'metrics.json')).rmse);
      const rmse = seeds.runs.map((x) => x.rmse);
      expect(seeds.summary.rmse?.mean).toBeCloseTo(rmse.reduce((x, y) => x + y, 0) / 3, 10);
      expect(seeds.summary.rmse?.n).toBe(3);
    }
    // mf's seeds differ in initialisation, so do their test errors; itemknn has no randomness
    expect(new Set(readSeedRuns(join(b, 'artifacts/searched/eval/mf/seeds.json')).runs.map((x) => x.rmse)).size).toBe(3);
    expect(existsSync(join(b, 'artifacts/searched/eval/plain/seeds.json'))).toBe(false);
    expect(readFileSync(join(b, 'artifacts/searched/report/index.html'), 'utf8')).toContain('Spread over seeds');
    for (const model of ['mf', 'knn']) {
      expect(trials(b, 'searched', model).map((t) => t.params)).toEqual(trials(a, 'searched', model).map((t) => t.params));
    }
    const rerun = deeprec(b, 'search', 'exp.yaml', '--model', 'knn');
    expect(rerun.code).toBe(0);
    expect(rerun.stderr.match(/unchanged, reused/g)).toHaveLength(4);
    const other = deeprec(b, 'search', 'exp.yaml', '--model', 'knn', '--set', 'seed=12');
    expect(other.code).toBe(0);
    expect(trials(b, 'searched', 'knn').map((t) => t.params)).not.toEqual(trials(a, 'searched', 'knn').map((t) => t.params));
  });

  it('a time budget skips the trials after it is spent, and the selection ignores them', () => {
    // 0.000001 s: the first trial spends it, every later one is skipped
    const r = deeprec(b, 'search', 'exp.yaml', '--model', 'mf', '--set', 'search.seconds=0.000001');
    expect(r.code).toBe(0);
    const records = trials(b, 'searched', 'mf');
    expect(Number.isFinite(records[0]?.value)).toBe(true);
    expect(records.slice(1).map((t) => t.note)).toEqual([1, 2, 3].map(() => expect.stringMatching(/^time budget spent \(\d+\.\d s of 0\.000001 s\)$/)));
    expect(readSelectedRecord(join(b, 'artifacts/searched/search/mf/selected/selected.json')).selected).toBe(0);
  });

  it.each([
    ['an unknown key', 'l3: { uniform: [0, 1] }', /models\.mf\.search\.space\.l3: models\.mf has no key 'l3'/],
    ['an invalid value at the range end', 'embeddingDim: { int: [0, 4] }', /models\.mf\.search\.space\.embeddingDim: 0 is not a valid embeddingDim/],
  ])('validate: %s in a space is exit 2 naming the key', (_, line, message) => {
    const yaml = CONFIG.replace("embeddingDim: { choice: [2, 4, 8] }", line);
    writeFileSync(join(b, 'bad.yaml'), yaml);
    const r = deeprec(b, 'validate', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
