/**
 * `deeprec recommend` and ranking metrics in `deeprec evaluate`, through the compiled
 * binary on a tiny synthetic experiment (npm test compiles first).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ITEMS_SCHEMA, NEGATIVES_SCHEMA, PREDICTIONS_SCHEMA, RANKING_SCHEMA, RATINGS_SCHEMA, RECOMMENDATIONS_SCHEMA, USERS_SCHEMA, readManifest, readMetrics, readSampleLists, readTable, writeManifest, writeTable } from '@deeprec/artifacts';

const bin = resolve(__dirname, '../bin/deeprec.js');
const K = 5;
const TINY = `name: tiny-rec
seed: 42
data:
  source: synthetic
  synthetic: { users: 30, items: 25, ratings: 300 }
train: { epochs: 2, batchSize: 64, optimizer: { learningRate: 0.01 } }
models:
  mf: { type: mf, embeddingDim: 4 }
evaluate:
  metrics: [rmse, mae, hr@5, ndcg@5, recall@10, coverage@5, novelty@5, auc]
`;

function deeprec(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DEEPREC_BACKEND: 'wasm' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Json {
  user: string;
  model: string;
  k: number;
  fallback: boolean;
  items: Array<{ rank: number; item: string; title?: string; score: number }>;
}

describe('deeprec recommend', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'deeprec-rec-'));
  writeFileSync(join(cwd, 'tiny.yaml'), TINY);
  const data = join(cwd, 'artifacts/tiny-rec/data');
  let userIds: string[] = [];
  let itemIds: string[] = [];
  /** raw user id -> raw item ids rated in train + valid */
  const seen = new Map<string, Set<string>>();
  /** raw item id -> train + valid interactions */
  const counts = new Map<string, number>();

  beforeAll(() => {
    for (const args of [['datagen', 'tiny.yaml'], ['train', 'tiny.yaml', '--model', 'mf']]) {
      const r = deeprec(cwd, ...args);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    }
    userIds = readTable(join(data, 'users.arrow'), USERS_SCHEMA).id as string[];
    itemIds = readTable(join(data, 'items.arrow'), ITEMS_SCHEMA).id as string[];
    for (const split of ['train', 'valid']) {
      const t = readTable(join(data, `${split}.arrow`), RATINGS_SCHEMA);
      (t.user as Int32Array).forEach((u, r) => {
        const user = userIds[u] as string;
        const item = itemIds[(t.item as Int32Array)[r] as number] as string;
        if (!seen.has(user)) seen.set(user, new Set());
        seen.get(user)?.add(item);
        counts.set(item, (counts.get(item) ?? 0) + 1);
      });
    }
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  /** A known user with the most training ratings: the exclusion matters most. */
  const busyUser = () => [...seen.entries()].sort((a, b) => b[1].size - a[1].size)[0]?.[0] as string;
  /** The K most popular items (train + valid), ties to the lower item index. */
  const popular = () =>
    itemIds
      .map((id, i) => ({ id, i, n: counts.get(id) ?? 0 }))
      .sort((a, b) => b.n - a.n || a.i - b.i)
      .slice(0, K);

  it('a known user: K items not rated in train or valid, best first, as a table and as JSON', () => {
    const user = busyUser();
    const text = deeprec(cwd, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', user, '--k', String(K));
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^rank {2}item +score$/);
    expect(lines).toHaveLength(K + 1);
    const rows = lines.slice(1).map((l) => l.trim().split(/\s+/) as [string, string, string]);
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5']);
    for (const [, item] of rows) expect(seen.get(user)?.has(item)).toBe(false);
    const scores = rows.map((r) => Number(r[2]));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const json = deeprec(cwd, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', user, '--k', String(K), '--json');
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as Json;
    expect(r).toMatchObject({ user, model: 'mf', k: K, fallback: false });
    expect(r.items.map((i) => i.item)).toEqual(rows.map((row) => row[1]));
    expect(r.items.map((i) => i.rank)).toEqual([1, 2, 3, 4, 5]);
    r.items.forEach((i, j) => expect(i.score.toFixed(4)).toBe(rows[j]?.[2]));
    expect(r.items[0]).not.toHaveProperty('title');
    // the default K is 10; a user with fewer unrated items gets them all
    const unrated = itemIds.length - (seen.get(user)?.size ?? 0);
    expect(unrated).toBeLessThan(10);
    expect((JSON.parse(deeprec(cwd, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', user, '--json').stdout) as Json).items).toHaveLength(unrated);
    const light = [...seen.entries()].sort((a, b) => a[1].size - b[1].size)[0]?.[0] as string;
    expect((JSON.parse(deeprec(cwd, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', light, '--json').stdout) as Json).items).toHaveLength(10);
  });

  it('an unknown user: the most popular items, and the output says so', () => {
    const text = deeprec(cwd, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', 'nobody', '--k', String(K));
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe("user 'nobody' is not in the training data; showing the most popular items");
    expect(lines[1]).toMatch(/^rank {2}item +interactions$/);
    const expected = popular();
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/).slice(1))).toEqual(expected.map((p) => [p.id, String(p.n)]));

    const json = JSON.parse(deeprec(cwd, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', 'nobody', '--k', String(K), '--json').stdout) as Json;
    expect(json).toEqual({ user: 'nobody', model: 'mf', k: K, fallback: true, items: expected.map((p, j) => ({ rank: j + 1, item: p.id, score: p.n })) });
  });

  it('titles from items.arrow when it has a title column', () => {
    const copy = mkdtempSync(join(tmpdir(), 'deeprec-rec-title-'));
    cpSync(cwd, copy, { recursive: true });
    const items = readTable(join(data, 'items.arrow'), ITEMS_SCHEMA);
    writeTable(join(copy, 'artifacts/tiny-rec/data/items.arrow'), ITEMS_SCHEMA, { ...items, title: itemIds.map((id) => `Film ${id.toUpperCase()} (1999)`) });
    const user = busyUser();
    const text = deeprec(copy, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', user, '--k', '2');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^rank {2}item +title +score$/);
    expect(lines[1]).toMatch(/^ {3}1 {2}(i\d+) +Film I\d+ \(1999\) +-?\d+\.\d{4}$/);
    const json = JSON.parse(deeprec(copy, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', user, '--k', '2', '--json').stdout) as Json;
    expect(json.items.map((i) => i.title)).toEqual(json.items.map((i) => `Film ${i.item.toUpperCase()} (1999)`));
    rmSync(copy, { recursive: true, force: true });
  });

  it('--all --out: K rows per user by raw ids, none rated in training, written atomically where asked', () => {
    const r = deeprec(cwd, 'recommend', 'tiny.yaml', '--model', 'mf', '--all', '--out', 'out/recs.arrow', '--k', String(K));
    expect(r.code).toBe(0);
    const file = join(cwd, 'out/recs.arrow');
    expect(r.stderr).toContain(`-> ${file}`);
    expect(readdirSync(join(cwd, 'out'))).toEqual(['recs.arrow']);
    const t = readTable(file, RECOMMENDATIONS_SCHEMA);
    expect(Object.keys(t)).toEqual(['user', 'rank', 'item', 'score']);
    expect(t.rank).toBeInstanceOf(Int32Array);
    expect(t.score).toBeInstanceOf(Float32Array);
    const users = t.user as string[];
    expect(users).toHaveLength(userIds.length * K);
    expect(users.filter((u, j) => j % K === 0)).toEqual(userIds);
    expect(Array.from(t.rank as Int32Array).slice(0, 2 * K)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    (t.item as string[]).forEach((item, j) => expect(seen.get(users[j] as string)?.has(item) ?? false).toBe(false));
    // the same lists as one user at a time
    const user = busyUser();
    const one = JSON.parse(deeprec(cwd, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', user, '--k', String(K), '--json').stdout) as Json;
    const at = userIds.indexOf(user) * K;
    expect((t.item as string[]).slice(at, at + K)).toEqual(one.items.map((i) => i.item));
    expect(Array.from((t.score as Float32Array).slice(at, at + K))).toEqual(one.items.map((i) => i.score));
    const json = deeprec(cwd, 'recommend', 'tiny.yaml', '--model', 'mf', '--all', '--out', 'out/recs.arrow', '--k', '2', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ model: 'mf', k: 2, users: userIds.length, rows: 2 * userIds.length, out: file });
  });

  it('errors: one line each, exit 2 for usage and exit 1 naming a missing artifact', () => {
    const fail = (...args: string[]) => {
      const r = deeprec(cwd, 'recommend', 'tiny.yaml', ...args);
      return [r.code, r.stderr.trim()];
    };
    expect(fail('--model', 'svd', '--user', 'u1')).toEqual([2, `deeprec: --model svd: no such model in ${join(cwd, 'tiny.yaml')}; expected one of: mf`]);
    expect(fail('--model', 'mf', '--user', 'u1', '--k', '0')).toEqual([2, "deeprec: --k: expected a positive integer, found '0'"]);
    expect(fail('--model', 'mf', '--user', 'u1', '--k', '2.5')).toEqual([2, "deeprec: --k: expected a positive integer, found '2.5'"]);
    expect(fail('--model', 'mf', '--user', 'u1', '--k', 'ten')).toEqual([2, "deeprec: --k: expected a positive integer, found 'ten'"]);
    expect(fail('--model', 'mf', '--user', 'u1', '--all', '--out', 'x.arrow')).toEqual([2, 'deeprec: recommend: expected exactly one of --user <raw id> or --all']);
    expect(fail('--model', 'mf')).toEqual([2, 'deeprec: recommend: expected exactly one of --user <raw id> or --all']);
    expect(fail('--model', 'mf', '--all')).toEqual([2, 'deeprec: recommend --all: expected --out <file.arrow>']);
    expect(fail('--model', 'mf', '--user', 'u1', '--out', 'x.arrow')).toEqual([2, 'deeprec: --out: only with --all (--user prints to the terminal)']);

    const empty = mkdtempSync(join(tmpdir(), 'deeprec-rec-empty-'));
    writeFileSync(join(empty, 'tiny.yaml'), TINY);
    const noData = deeprec(empty, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', 'u1');
    expect([noData.code, noData.stderr.trim()]).toEqual([1, `deeprec: ${join(empty, 'artifacts/tiny-rec/data/manifest.json')}: data manifest is missing (run the stage that writes it first)`]);
    cpSync(join(cwd, 'artifacts/tiny-rec/data'), join(empty, 'artifacts/tiny-rec/data'), { recursive: true });
    const noModel = deeprec(empty, 'recommend', 'tiny.yaml', '--model', 'mf', '--user', 'u1');
    expect(noModel.code).toBe(1);
    expect(noModel.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^deeprec: ${join(empty, 'artifacts/tiny-rec/models/mf/model.json')}: model cannot be loaded`))]);
    rmSync(join(empty, 'artifacts/tiny-rec/data/users.arrow'));
    cpSync(join(cwd, 'artifacts/tiny-rec/models'), join(empty, 'artifacts/tiny-rec/models'), { recursive: true });
    const noUsers = deeprec(empty, 'recommend', 'tiny.yaml', '--model', 'mf', '--all', '--out', 'r.arrow');
    expect([noUsers.code, noUsers.stderr.trim()]).toEqual([1, `deeprec: ${join(empty, 'artifacts/tiny-rec/data/users.arrow')}: users artifact is missing (run the stage that writes it first)`]);
    expect(readdirSync(empty).sort()).toEqual(['artifacts', 'tiny.yaml']);
    rmSync(empty, { recursive: true, force: true });
  });

  it('--help describes recommend and its options', () => {
    const top = deeprec(cwd, '--help');
    expect(top.stdout).toContain('deeprec recommend <config>');
    const help = deeprec(cwd, 'recommend', '--help');
    expect(help.code).toBe(0);
    for (const option of ['--model', '--user', '--all', '--out', '--k', '--json']) expect(help.stdout).toContain(option);
  });
});

describe('deeprec evaluate with ranking metrics', () => {
  it('writes ranking.arrow (user + the per-user metrics asked) and metrics.json ranking', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'deeprec-rank-'));
    writeFileSync(join(cwd, 'tiny.yaml'), TINY);
    for (const args of [['datagen', 'tiny.yaml'], ['train', 'tiny.yaml', '--model', 'mf'], ['evaluate', 'tiny.yaml', '--model', 'mf']]) {
      const r = deeprec(cwd, ...args);
      expect([args[0], r.code, r.stderr.includes('deeprec:') ? r.stderr : '']).toEqual([args[0], 0, '']);
      if (args[0] === 'evaluate') expect(r.stderr).toMatch(/evaluate tiny-rec\/mf: ranking \(full, \d+ users, [\d.]+ s\): hr@5 [\d.]+, ndcg@5 [\d.]+, recall@10 [\d.]+, auc [\d.]+, coverage@5 [\d.]+, novelty@5 [\d.]+/);
    }
    const dir = join(cwd, 'artifacts/tiny-rec/eval/mf');
    const table = readTable(join(dir, 'ranking.arrow'), RANKING_SCHEMA);
    expect(Object.keys(table)).toEqual(['user', 'hr@5', 'ndcg@5', 'recall@10', 'auc']);
    for (const key of ['hr@5', 'ndcg@5', 'recall@10', 'auc']) expect(table[key]).toBeInstanceOf(Float64Array);
    const metrics = readMetrics(join(dir, 'metrics.json'));
    // Ranking metrics come on top of the rating errors, which are still those of predictions.arrow.
    const predictions = readTable(join(dir, 'predictions.arrow'), PREDICTIONS_SCHEMA);
    const errors = Array.from(predictions.prediction as Float32Array, (p, r) => p - ((predictions.rating as Float32Array)[r] as number));
    expect(metrics.count).toBe(errors.length);
    expect(metrics.rmse).toBeCloseTo(Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length), 6);
    const ranking = metrics.ranking!;
    expect(ranking.protocol).toBe('full');
    expect(ranking.users).toBe((table.user as Int32Array).length);
    expect(Object.keys(ranking.means)).toEqual(['hr@5', 'ndcg@5', 'recall@10', 'auc']);
    const hr = Array.from(table['hr@5'] as Float64Array);
    expect(ranking.means['hr@5']).toBeCloseTo(hr.reduce((a, b) => a + b, 0) / hr.length, 12);
    expect(Object.keys(ranking.catalogue ?? {})).toEqual(['coverage@5', 'novelty@5']);
    expect(ranking.negatives).toBeUndefined();

    // sampled without stored negatives is a config error; the earlier results stay
    const r = deeprec(cwd, 'evaluate', 'tiny.yaml', '--model', 'mf', '--set', 'evaluate.protocol=sampled');
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      'deeprec: evaluate.protocol: sampled needs the negatives datagen writes (data/negatives.arrow); expected split.negatives > 0, or protocol full or auto',
    ]);
    expect(readdirSync(dir).sort()).toEqual(['metrics.json', 'predictions.arrow', 'ranking.arrow', 'samples.arrow']);
    // The sample users' top-10 for the report: 20 users in draw order, each with ranks 1, 2, ... (at most 10;
    // fewer when the tiny catalogue leaves a user fewer unseen items).
    const samples = readSampleLists(join(dir, 'samples.arrow'));
    const firsts = Array.from(samples.rank.keys()).filter((r) => samples.rank[r] === 1);
    expect(firsts.map((r) => samples.draw[r])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    firsts.forEach((start, j) => {
      const end = firsts[j + 1] ?? samples.rank.length;
      expect(Array.from(samples.rank.subarray(start, end))).toEqual(Array.from({ length: end - start }, (_, i) => i + 1));
      expect(end - start).toBeLessThanOrEqual(10);
      expect(new Set(samples.user.subarray(start, end)).size).toBe(1);
    });
    expect(samples.rank.length).toBeGreaterThan(150);

    // stored negatives (as datagen writes them with split.negatives: 4): auto picks the sampled protocol
    const data = join(cwd, 'artifacts/tiny-rec/data');
    const manifestFile = join(data, 'manifest.json');
    const manifest = readManifest(manifestFile, 'datagen');
    manifest.details.info.negatives = 4;
    writeManifest(manifestFile, manifest);
    const rated = new Set<string>();
    for (const split of ['train', 'valid', 'test']) {
      const t = readTable(join(data, `${split}.arrow`), RATINGS_SCHEMA);
      (t.user as Int32Array).forEach((u, r) => rated.add(`${u}/${(t.item as Int32Array)[r]}`));
    }
    const test = readTable(join(data, 'test.arrow'), RATINGS_SCHEMA);
    const rows: number[][] = [];
    (test.user as Int32Array).forEach((u, r) => {
      const pool = Array.from({ length: manifest.details.info.numItems }, (_, i) => i).filter((i) => !rated.has(`${u}/${i}`));
      const start = Math.min(r % 3, Math.max(0, pool.length - 4));
      for (const negative of pool.slice(start, start + 4)) rows.push([u, (test.item as Int32Array)[r] as number, negative]);
    });
    writeTable(join(data, 'negatives.arrow'), NEGATIVES_SCHEMA, {
      user: Int32Array.from(rows, (x) => x[0] as number),
      item: Int32Array.from(rows, (x) => x[1] as number),
      negative: Int32Array.from(rows, (x) => x[2] as number),
    });
    const lacking = deeprec(cwd, 'evaluate', 'tiny.yaml', '--model', 'mf');
    expect([lacking.code, lacking.stderr.trim()]).toEqual([
      2,
      'deeprec: evaluate.metrics: recall@10, coverage@5, novelty@5 are not available with the sampled protocol (it gives hr@K, ndcg@K, mrr@K and auc); set evaluate.protocol: full, or drop them',
    ]);
    const sampled = deeprec(cwd, 'evaluate', 'tiny.yaml', '--model', 'mf', '--set', 'evaluate.metrics=[rmse, mae, hr@5, ndcg@5, auc]');
    expect([sampled.code, sampled.stderr.includes("deeprec:") ? sampled.stderr : ""]).toEqual([0, ""]);
    expect(sampled.stderr).toMatch(/ranking \(sampled, 4 negatives per positive, \d+ users/);
    const m = readMetrics(join(dir, 'metrics.json')).ranking!;
    expect(m).toMatchObject({ protocol: 'sampled', negatives: 4 });
    expect(Object.keys(m.means)).toEqual(['hr@5', 'ndcg@5', 'auc']);
    expect(m.catalogue).toBeUndefined();
    // with 4 negatives every positive ranks within 5
    expect(m.means['hr@5']).toBe(1);
    expect(Object.keys(readTable(join(dir, 'ranking.arrow'), RANKING_SCHEMA))).toEqual(['user', 'hr@5', 'ndcg@5', 'auc']);
    const full = deeprec(cwd, 'evaluate', 'tiny.yaml', '--model', 'mf', '--set', 'evaluate.protocol=full');
    expect(full.stderr).toMatch(/ranking \(full, /);
    rmSync(cwd, { recursive: true, force: true });
  });
});
