/**
 * `deeprec serve` end to end: the compiled binary on a tiny synthetic experiment, on a free
 * loopback port, stopped by SIGTERM (npm test compiles first). Its answers are held to
 * `deeprec recommend` on the same artifacts: the same items and scores.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECOMMENDATIONS_SCHEMA, USERS_SCHEMA, readTable } from '@deeprec/artifacts';
import { call, deeprec, post, spawnServe, until, type ServeProcess } from './serve.testutil';

const TINY = `name: tiny-serve
seed: 42
data:
  source: synthetic
  synthetic: { users: 30, items: 25, ratings: 300 }
train: { epochs: 2, batchSize: 64, optimizer: { learningRate: 0.01 } }
models:
  mf: { type: mf, embeddingDim: 4 }
  neumf: { type: neumf, gmfDim: 4, mlpDim: 4, layers: [8, 4] }
  itemknn: { type: itemknn, topK: 10 }
  baseline: { type: baseline }
`;
const K = 5;

interface Item {
  rank: number;
  item: string;
  title?: string;
  score: number;
}
interface Recs {
  user: string;
  model: string;
  k: number;
  fallback: boolean;
  items: Item[];
  hash?: string;
}
interface ApiError {
  statusCode: number;
  error: string;
  field: string;
  message: string;
}
interface ModelInfo {
  name: string;
  type: string;
  hash: string;
  loadedAt: string;
  users: number;
  items: number;
  similar: boolean;
  batching: { batches: number; requests: number; largest: number; waiting: number };
}
interface Models {
  models: ModelInfo[];
}
interface Similar {
  model: string;
  item: string;
  k: number;
  measure: string;
  items: Item[];
  hash: string;
}
interface Scores {
  model: string;
  hash: string;
  scores: Array<{ user: string; item: string; score: number }>;
}

function ok(r: { code: number | null; stderr: string }, what: string): void {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr}`);
}

describe('deeprec serve', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'deeprec-serve-'));
  const modelsDir = join(cwd, 'artifacts/tiny-serve/models');
  let userIds: string[] = [];

  /** What `deeprec recommend --json` prints for one user. */
  const offline = (model: string, user: string, k = K): Recs => {
    const r = deeprec(cwd, 'recommend', 'tiny.yaml', '--model', model, '--user', user, '--k', String(k), '--json');
    ok(r, `recommend ${model} ${user}`);
    return JSON.parse(r.stdout) as Recs;
  };
  const withoutHash = (r: Recs): Recs => {
    const { hash, ...rest } = r;
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    return rest;
  };
  /** Replaces models/mf by `from` the way train does: a complete folder renamed into place. */
  const replaceMf = (from: string) => {
    rmSync(join(modelsDir, 'mf'), { recursive: true, force: true });
    cpSync(from, join(modelsDir, '.mf.tmp'), { recursive: true });
    renameSync(join(modelsDir, '.mf.tmp'), join(modelsDir, 'mf'));
  };

  beforeAll(() => {
    writeFileSync(join(cwd, 'tiny.yaml'), TINY);
    ok(deeprec(cwd, 'datagen', 'tiny.yaml'), 'datagen');
    for (const model of ['mf', 'neumf', 'itemknn', 'baseline']) ok(deeprec(cwd, 'train', 'tiny.yaml', '--model', model), `train ${model}`);
    // a second mf (another seed, one epoch) beside the experiment, for the hot swap
    cpSync(join(cwd, 'artifacts/tiny-serve/data'), join(cwd, 'other/tiny-serve/data'), { recursive: true });
    ok(deeprec(cwd, 'train', 'tiny.yaml', '--model', 'mf', '--artifacts', 'other', '--set', 'seed=7', '--set', 'train.epochs=1'), 'train mf v2');
    cpSync(join(modelsDir, 'mf'), join(cwd, 'mf-v1'), { recursive: true });
    userIds = readTable(join(cwd, 'artifacts/tiny-serve/data/users.arrow'), USERS_SCHEMA).id as string[];
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  describe('endpoints and errors', () => {
    let server: ServeProcess;
    beforeAll(async () => {
      server = await spawnServe(cwd, 'tiny.yaml', ['--max-k', '20', '--max-pairs', '5', '--body-limit-kb', '1', '--batch-window-ms', '20', '--no-watch']);
    });
    afterAll(async () => {
      expect(await server.stop()).toBe(0);
    });
    const url = (path: string) => `${server.url}${path}`;

    it('/v1/recommend: the same items and scores as recommend --json, the fallback for an unknown user', async () => {
      const users = [userIds[0] as string, userIds[17] as string, 'nobody'];
      for (const user of users) {
        const served = await call<Recs>(url(`/v1/recommend?model=neumf&user=${user}&k=${K}`));
        expect(served.status).toBe(200);
        expect(withoutHash(served.body)).toEqual(offline('neumf', user));
      }
      const unknown = await call<Recs>(url('/v1/recommend?model=neumf&user=nobody'));
      expect(unknown.body).toMatchObject({ user: 'nobody', fallback: true, k: 10 });
      expect(unknown.body.items).toHaveLength(10);
      const known = await call<Recs>(url(`/v1/recommend?model=itemknn&user=${userIds[3]}&k=3`));
      expect(withoutHash(known.body)).toEqual(offline('itemknn', userIds[3] as string, 3));
    });

    it('concurrent requests are batched and equal recommend --all, for a network and a classic model', async () => {
      for (const model of ['mf', 'itemknn']) {
        ok(deeprec(cwd, 'recommend', 'tiny.yaml', '--model', model, '--all', '--out', `${model}.arrow`, '--k', String(K)), `recommend --all ${model}`);
        const all = readTable(join(cwd, `${model}.arrow`), RECOMMENDATIONS_SCHEMA);
        const before = (await call<Models>(url('/v1/models'))).body.models.find((m) => m.name === model) as ModelInfo;
        const served = await Promise.all(userIds.map((user) => call<Recs>(url(`/v1/recommend?model=${model}&user=${user}&k=${K}`))));
        userIds.forEach((user, u) => {
          const rows = Array.from({ length: K }, (_, r) => u * K + r);
          expect(served[u]?.body.items.map((i) => i.item)).toEqual(rows.map((r) => (all.item as string[])[r]));
          expect(served[u]?.body.items.map((i) => i.score)).toEqual(rows.map((r) => (all.score as Float32Array)[r]));
          expect(served[u]?.body.user).toBe(user);
        });
        const after = (await call<Models>(url('/v1/models'))).body.models.find((m) => m.name === model) as ModelInfo;
        expect(after.batching.requests - before.batching.requests).toBe(userIds.length);
        // 30 requests at once, scored in fewer calls than requests
        expect(after.batching.batches - before.batching.batches).toBeLessThan(userIds.length);
        expect(after.batching.largest).toBeGreaterThan(1);
      }
    });

    it('/v1/score: pair scores, the same numbers as the recommendations', async () => {
      const user = userIds[5] as string;
      const recs = offline('mf', user);
      const r = await post<Scores>(url('/v1/score'), { model: 'mf', pairs: recs.items.map((i) => ({ user, item: i.item })) });
      expect(r.status).toBe(200);
      expect(r.body.scores).toEqual(recs.items.map((i) => ({ user, item: i.item, score: i.score })));
      expect(r.body.hash).toMatch(/^[0-9a-f]{16}$/);
    });

    it('/v1/similar: nearest items by item embeddings or item-item weights; 400 for a model without either', async () => {
      const mf = await call<Similar>(url('/v1/similar?model=mf&item=i3&k=4'));
      expect(mf.status).toBe(200);
      expect(mf.body).toMatchObject({ model: 'mf', item: 'i3', k: 4, measure: 'item embeddings (item_factors), cosine' });
      expect(mf.body.items.map((i) => i.rank)).toEqual([1, 2, 3, 4]);
      expect(mf.body.items.map((i) => i.item)).not.toContain('i3');
      const scores = mf.body.items.map((i) => i.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      for (const s of scores) expect(Math.abs(s)).toBeLessThanOrEqual(1 + 1e-6);
      const knn = await call<Similar>(url('/v1/similar?model=itemknn&item=i3'));
      expect(knn.status).toBe(200);
      expect(knn.body.measure).toBe('pearson-baseline similarities');
      expect(knn.body.items.length).toBeGreaterThan(0);
      expect(knn.body.items.length).toBeLessThanOrEqual(10);
      const neumf = await call<Similar>(url('/v1/similar?model=neumf&item=i3&k=2'));
      expect(neumf.body.measure).toBe('item embeddings (gmf_item_embedding, mlp_item_embedding), cosine');
      const baseline = await call<ApiError>(url('/v1/similar?model=baseline&item=i3'));
      expect(baseline.status).toBe(400);
      expect(baseline.body).toMatchObject({ statusCode: 400, error: 'Bad Request', field: 'model' });
      expect(baseline.body.message).toBe('model: baseline (baseline) has no item representation (item embeddings, item factors or item-item weights); /v1/similar needs one');
    });

    it('/v1/models, /healthz and /openapi.json', async () => {
      const models = await call<Models>(url('/v1/models'));
      expect(models.body.models.map((m) => [m.name, m.type, m.users, m.items, m.similar])).toEqual([
        ['mf', 'mf', 30, 25, true],
        ['neumf', 'neumf', 30, 25, true],
        ['itemknn', 'itemknn', 30, 25, true],
        ['baseline', 'baseline', 30, 25, false],
      ]);
      const hashes = models.body.models.map((m) => m.hash);
      for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{16}$/);
      expect(new Set(hashes).size).toBe(4);
      expect(await call(url('/healthz'))).toEqual({ status: 200, body: { status: 'ok' } });
      const api = await call<{ openapi: string; paths: Record<string, Record<string, { parameters?: Array<{ name: string; schema: { maximum?: number } }> }>> }>(url('/openapi.json'));
      expect(api.body.openapi).toBe('3.0.3');
      expect(Object.keys(api.body.paths).sort()).toEqual(['/healthz', '/v1/models', '/v1/recommend', '/v1/score', '/v1/similar']);
      const k = api.body.paths['/v1/recommend']?.get?.parameters?.find((p) => p.name === 'k');
      expect(k?.schema.maximum).toBe(20);
    });

    it('bad requests: 400 or 404 (413 for an oversize body) with a JSON error naming the field; the process lives on', async () => {
      const user = userIds[0] as string;
      const cases: Array<[string, Promise<{ status: number; body: ApiError }>, number, string, RegExp]> = [
        ['unknown model', call(url(`/v1/recommend?model=svd&user=${user}`)), 404, 'model', /^model: no model 'svd' is served; expected one of: mf, neumf, itemknn, baseline$/],
        ['no model with several served', call(url(`/v1/recommend?user=${user}`)), 400, 'model', /^model: expected one of mf, neumf, itemknn, baseline, found none$/],
        ['no user', call(url('/v1/recommend?model=mf')), 400, 'user', /^user: required, found none$/],
        ['non-integer k', call(url(`/v1/recommend?model=mf&user=${user}&k=2.5`)), 400, 'k', /^k: must be integer, found "2\.5"$/],
        ['k not a number', call(url(`/v1/recommend?model=mf&user=${user}&k=ten`)), 400, 'k', /^k: must be integer, found "ten"$/],
        ['k of 0', call(url(`/v1/recommend?model=mf&user=${user}&k=0`)), 400, 'k', /^k: must be >= 1, found 0$/],
        ['k above the limit', call(url(`/v1/recommend?model=mf&user=${user}&k=21`)), 400, 'k', /^k: must be <= 20, found 21$/],
        ['unknown parameter', call(url(`/v1/recommend?model=mf&user=${user}&top=3`)), 400, 'top', /^top: not a known field/],
        ['unknown item', call(url('/v1/similar?model=mf&item=nothing')), 404, 'item', /^item: no item 'nothing' in the data of mf$/],
        ['malformed JSON', post(url('/v1/score'), '{"model": "mf", "pairs": ['), 400, 'body', /^body: expected a JSON document/],
        ['oversize body', post(url('/v1/score'), { model: 'mf', pairs: [{ user, item: 'i'.repeat(2000) }] }), 413, 'body', /^body: too large \(the limit is 1024 bytes\)$/],
        ['too many pairs', post(url('/v1/score'), { model: 'mf', pairs: Array.from({ length: 6 }, () => ({ user, item: 'i1' })) }), 400, 'pairs', /^pairs: must NOT have more than 5 items/],
        ['pair without item', post(url('/v1/score'), { model: 'mf', pairs: [{ user }] }), 400, 'pairs/0/item', /^pairs\/0\/item: required, found none$/],
        ['unknown user in a pair', post(url('/v1/score'), { model: 'mf', pairs: [{ user, item: 'i1' }, { user: 'nobody', item: 'i1' }] }), 404, 'pairs/1/user', /^pairs\/1\/user: no user 'nobody'/],
        ['text, not JSON', call(url('/v1/score'), { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }), 400, 'body', /^body: must be object, found "x"$/],
        ['another media type', call(url('/v1/score'), { method: 'POST', body: '<x/>', headers: { 'content-type': 'application/xml' } }), 415, 'content-type', /^content-type: expected application\/json$/],
        ['no such route', call(url('/v2/recommend')), 404, 'url', /^url: no route GET \/v2\/recommend; see \/openapi\.json$/],
      ];
      for (const [what, answer, status, field, message] of cases) {
        const r = await answer;
        expect([what, r.status, r.body.field]).toEqual([what, status, field]);
        expect(r.body.statusCode).toBe(status);
        expect(r.body.message).toMatch(message);
      }
      expect(server.child.exitCode).toBeNull();
      expect((await call(url('/healthz'))).status).toBe(200);
    });
  });

  it('hot swap on SIGHUP: a request in flight finishes on the old model, the next gets the new one; a failed load keeps the old', async () => {
    const user = userIds[2] as string;
    const oldLists = offline('mf', user);
    const server = await spawnServe(cwd, 'tiny.yaml', ['--model', 'mf', '--batch-window-ms', '1500', '--no-watch']);
    try {
      const url = (path: string) => `${server.url}${path}`;
      const mf = async () => ((await call<Models>(url('/v1/models'))).body.models[0] as ModelInfo);
      const before = (await mf()).hash;
      const inFlight = call<Recs>(url(`/v1/recommend?user=${user}&k=${K}`));
      await until(async () => (await mf()).batching.waiting === 1, 10_000, 'the request to wait in its batch');
      replaceMf(join(cwd, 'other/tiny-serve/models/mf'));
      server.child.kill('SIGHUP');
      const swapped = await server.waitForLog(/serve: mf [0-9a-f]{16} -> [0-9a-f]{16} \(SIGHUP\)/);
      expect((await mf()).batching.waiting).toBe(0);
      const old = await inFlight;
      expect(old.status).toBe(200);
      expect(old.body.hash).toBe(before);
      expect(withoutHash(old.body)).toEqual(oldLists);
      const after = await call<Recs>(url(`/v1/recommend?user=${user}&k=${K}`));
      expect(after.body.hash).not.toBe(before);
      expect(swapped).toContain(`${before} -> ${after.body.hash}`);
      expect((await mf()).hash).toBe(after.body.hash);
      expect(withoutHash(after.body)).toEqual(offline('mf', user));
      expect(after.body.items).not.toEqual(old.body.items);

      // a broken model.json: the reload fails, says why, and the new model stays
      const broken = join(cwd, 'broken-mf');
      cpSync(join(modelsDir, 'mf'), broken, { recursive: true });
      writeFileSync(join(broken, 'model.json'), '{');
      replaceMf(broken);
      server.child.kill('SIGHUP');
      await server.waitForLog(new RegExp(`serve: reload of mf \\(SIGHUP\\) failed, still serving ${after.body.hash}: .*model\\.json`));
      const still = await call<Recs>(url(`/v1/recommend?user=${user}&k=${K}`));
      expect(still.status).toBe(200);
      expect(still.body.hash).toBe(after.body.hash);
    } finally {
      expect(await server.stop()).toBe(0);
      replaceMf(join(cwd, 'mf-v1'));
    }
  });

  it('new artifacts are picked up without a signal (the folder is watched)', async () => {
    const server = await spawnServe(cwd, 'tiny.yaml', ['--model', 'mf']);
    try {
      const hash = async () => ((await call<Models>(`${server.url}/v1/models`)).body.models[0] as ModelInfo).hash;
      const before = await hash();
      replaceMf(join(cwd, 'other/tiny-serve/models/mf'));
      await until(async () => (await hash()) !== before, 10_000, 'the new model to be served');
      expect(server.log()).toMatch(/serve: mf [0-9a-f]{16} -> [0-9a-f]{16} \(artifacts changed\)/);
    } finally {
      expect(await server.stop()).toBe(0);
      replaceMf(join(cwd, 'mf-v1'));
    }
  });

  it('SIGTERM: stops accepting, finishes the request in flight, exits 0', async () => {
    const user = userIds[4] as string;
    const expected = offline('mf', user);
    const server = await spawnServe(cwd, 'tiny.yaml', ['--model', 'mf', '--batch-window-ms', '1500', '--no-watch']);
    const waiting = async () => ((await call<Models>(`${server.url}/v1/models`)).body.models[0] as ModelInfo).batching.waiting;
    const inFlight = call<Recs>(`${server.url}/v1/recommend?user=${user}&k=${K}`);
    await until(async () => (await waiting()) === 1, 10_000, 'the request to wait in its batch');
    server.child.kill('SIGTERM');
    await server.waitForLog(/serve: SIGTERM: no new connections/);
    const late = await call(`${server.url}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    const done = await inFlight;
    expect(done.status).toBe(200);
    expect(withoutHash(done.body)).toEqual(expected);
    expect(await server.exited).toBe(0);
    expect(server.log()).toMatch(/serve: stopped\n$/);
  });

  it('--help describes serve and its options', () => {
    const help = deeprec(cwd, 'serve', '--help');
    expect(help.code).toBe(0);
    for (const option of ['--model', '--host', '--port', '--batch-window-ms', '--max-batch', '--max-k', '--max-pairs', '--body-limit-kb', '--watch']) expect(help.stdout).toContain(option);
    expect(readFileSync(join(cwd, 'tiny.yaml'), 'utf8')).toBe(TINY);
  });
});
