/**
 * Two workspaces, one shared cache (issue 13): workspace A, with the read-write token,
 * runs the pipeline and fills `deeprec cache-server`; workspace B, a separate copy with an
 * empty local cache and the read-only token, runs it too and executes nothing: every
 * task comes from the remote cache, and its artifacts are byte-identical to A's.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnCacheServer, type CacheServerProcess } from '../../packages/cli/src/cacheServer.testutil';
import { copyWorkspace, nxEnv, runPipeline } from './workspace.testutil';

const E = 'shared';
const CONFIG = `name: ${E}
seed: 3
data:
  source: synthetic
  synthetic: { users: 40, items: 30, ratings: 400 }
train: { epochs: 2, batchSize: 64 }
models:
  mf:  { type: mf, embeddingDim: 4 }
  ncf: { type: ncf, embeddingDim: 4, layers: [8, 4] }
evaluate: { metrics: [rmse, mae] }
`;

function files(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path);
    }
  };
  walk(dir);
  return out;
}

describe('a shared Nx cache through deeprec cache-server', () => {
  let server: CacheServerProcess;
  const store = mkdtempSync(join(tmpdir(), 'deeprec-remote-store-'));
  const a = copyWorkspace(E, CONFIG, 'deeprec-remote-a-');
  const b = copyWorkspace(E, CONFIG, 'deeprec-remote-b-');
  const url = () => server.url;

  beforeAll(async () => {
    server = await spawnCacheServer(store, { rw: 'team-rw', ro: 'team-ro' });
  });
  afterAll(async () => {
    await server.stop();
    for (const dir of [store, a, b]) rmSync(dir, { recursive: true, force: true });
  });

  it("B, read-only, runs nothing and gets A's artifacts byte for byte", () => {
    const first = runPipeline(a, nxEnv({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url(), NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'team-rw' }));
    expect(first.ran).toContain(`${E}-mf:train`);
    const tasks = [...first.ran, ...first.cached].sort();
    expect(readdirSync(store).filter((f) => !f.startsWith('.'))).toHaveLength(tasks.length);

    const second = runPipeline(b, nxEnv({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url(), NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'team-ro' }));
    expect(second.ran).toEqual([]);
    expect(second.remote).toEqual(tasks);
    const fromA = files(join(a, 'artifacts', E));
    const fromB = files(join(b, 'artifacts', E));
    expect(Object.keys(fromB).sort()).toEqual(Object.keys(fromA).sort());
    for (const [file, bytes] of Object.entries(fromA)) expect([file, bytes.equals(fromB[file] as Buffer)]).toEqual([file, true]);
  });
});
