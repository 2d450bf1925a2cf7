/**
 * Every declared input of a task is in its hash (issue 13: a shared cache must never
 * serve a model trained for another config). On a copy of the workspace with a CSV
 * experiment, each declared input is changed in turn (a config slice, the evaluate
 * section, an environment variable, the data file, the source) and the tasks that
 * declare it must miss the cache, the others hit it. Upstream outputs are inputs too:
 * evaluate does not hash the train section, yet misses when train's outputs change;
 * train misses when the data's do. Each change is undone before the next, so the next
 * run also shows the undone state hashing as before (a hit). A miss is exactly a
 * changed hash: every task below was cached.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tasksOfNxOutput } from '../../packages/cli/src/fanout/nxRun';
import { copyWorkspace, nxEnv, runPipeline } from './workspace.testutil';

const E = 'inputs';
const CONFIG = `name: ${E}
seed: 11
data:
  source: csv
  path: ../../data-in/ratings.csv
split: { method: random, test: 0.2, valid: 0.1 }
train: { epochs: 2, batchSize: 64 }
models:
  ncf: { type: ncf, embeddingDim: 4, layers: [8, 4], dropout: 0.1 }
  mf: { type: mf, embeddingDim: 4 }
evaluate: { metrics: [rmse, mae] }
`;
const TASKS = [`${E}-data:datagen`, `${E}-mf:evaluate`, `${E}-mf:train`, `${E}-ncf:evaluate`, `${E}-ncf:train`];

function ratingsCsv(): string {
  const rows = ['user,item,rating'];
  for (let u = 0; u < 30; u += 1) for (let k = 0; k < 12; k += 1) rows.push(`u${u},i${(u * 7 + k * 2) % 25},${1 + ((u + 3 * k) % 5)}`);
  return `${rows.join('\n')}\n`;
}

describe('Nx task hashes cover every declared input', () => {
  let ws: string;
  const file = (rel: string) => join(ws, rel);
  /** The experiment's datagen, train and evaluate tasks (and the compile step they depend on); which of them missed the cache. */
  const misses = (env: Record<string, string> = {}): string[] => {
    const r = spawnSync('npx', ['nx', 'run-many', '--targets=datagen,train,evaluate', `--projects=${E}-data,${E}-ncf,${E}-mf`, '--outputStyle=static'], {
      cwd: ws,
      env: nxEnv(env),
      encoding: 'utf8',
      timeout: 300_000,
    });
    const output = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`nx failed (${r.status}):\n${output.slice(-6000)}`);
    const { ran, cached } = tasksOfNxOutput(output);
    expect([...ran, ...cached].filter((t) => t !== 'deeprec:compile').sort()).toEqual([...TASKS].sort());
    return ran.filter((t) => t !== 'deeprec:compile').sort();
  };
  const edit = (rel: string, from: string, to: string) => {
    const text = readFileSync(file(rel), 'utf8');
    if (!text.includes(from)) throw new Error(`test bug: '${from}' not in ${rel}`);
    writeFileSync(file(rel), text.replace(from, to));
    return () => writeFileSync(file(rel), text);
  };
  const config = `configs/experiments/${E}.yaml`;

  beforeAll(() => {
    ws = copyWorkspace(E, CONFIG, 'deeprec-nx-inputs-');
    mkdirSync(file('data-in'));
    writeFileSync(file('data-in/ratings.csv'), ratingsCsv());
    runPipeline(ws);
  });
  afterAll(() => {
    if (ws && !process.env.DEEPREC_KEEP_TMP) rmSync(ws, { recursive: true, force: true });
  });

  it('misses exactly where a declared input changed, and hits again once it is undone', () => {
    expect(misses()).toEqual([]);

    const cases: { change: string; apply: () => () => void; miss: string[]; env?: Record<string, string> }[] = [
      { change: "the model's section", apply: () => edit(config, 'dropout: 0.1', 'dropout: 0.2'), miss: [`${E}-ncf:train`, `${E}-ncf:evaluate`] },
      // evaluate's hash has no train key: it misses through train's outputs
      { change: 'the train section', apply: () => edit(config, 'epochs: 2', 'epochs: 3'), miss: [`${E}-mf:train`, `${E}-ncf:train`, `${E}-mf:evaluate`, `${E}-ncf:evaluate`] },
      { change: 'the seed', apply: () => edit(config, 'seed: 11', 'seed: 12'), miss: TASKS },
      { change: 'the split', apply: () => edit(config, 'test: 0.2', 'test: 0.25'), miss: TASKS },
      { change: 'the data file', apply: () => edit('data-in/ratings.csv', 'u0,i0,1', 'u0,i0,2'), miss: TASKS },
      { change: 'the evaluate section', apply: () => edit(config, 'metrics: [rmse, mae]', 'metrics: [mae, rmse]'), miss: [`${E}-mf:evaluate`, `${E}-ncf:evaluate`] },
      { change: 'DEEPREC_BACKEND', apply: () => () => {}, env: { DEEPREC_BACKEND: 'cpu' }, miss: TASKS.filter((t) => !t.endsWith(':datagen')) },
    ];
    for (const c of cases) {
      const undo = c.apply();
      expect([c.change, misses(c.env)]).toEqual([c.change, [...c.miss].sort()]);
      undo();
    }
    // The source (any package's TypeScript, not tests): every task.
    const source = file('packages/models/src/ncf.ts');
    const original = readFileSync(source, 'utf8');
    appendFileSync(source, '\n// an edit\n');
    expect(misses()).toEqual([...TASKS].sort());
    writeFileSync(source, original);
    expect(misses()).toEqual([]);

  }, 900_000);
});
