/**
 * THE Nx cache test: the real pipeline (`nx run report:build`, the real CLI) on a
 * copy of this workspace with one tiny experiment, run again and again, checking
 * which tasks Nx executes and which it takes from its cache.
 *
 * The copy holds the files git knows (tracked, or untracked and not ignored), the
 * compiled packages/* /dist, and a symlink to node_modules; its Nx cache starts empty.
 * Keep the copy for a look with DEEPREC_KEEP_TMP=1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace as copy, nxEnv, runPipeline, type PipelineRun } from './workspace.testutil';
const E = 'tiny';
const CONFIG = `# the Nx cache test's experiment
name: ${E}
seed: 7
data:
  source: synthetic
  synthetic: { users: 40, items: 30, ratings: 400 }
split: { method: random, test: 0.2, valid: 0.1 }
train: { epochs: 2, batchSize: 64 }
models:
  ncf:      { type: ncf, embeddingDim: 4, layers: [8, 4], dropout: 0.1 }
  widedeep: { type: widedeep, embeddingDim: 4, layers: [8], dropout: 0.1 }
  neumf:    { type: neumf, gmfDim: 4, mlpDim: 4, layers: [8, 4], dropout: 0.1 }
evaluate: { metrics: [rmse, mae] }
`;
const MODELS = ['ncf', 'widedeep', 'neumf'];
const ALL_TASKS = [
  'deeprec:compile',
  `${E}-data:datagen`,
  ...MODELS.flatMap((m) => [`${E}-${m}:train`, `${E}-${m}:evaluate`]),
  `${E}-report:report`,
  'report:build',
].sort();

let ws: string;

const pipeline = () => runPipeline(ws);
type Run = PipelineRun;

function editConfig(from: string, to: string): void {
  const file = join(ws, `configs/experiments/${E}.yaml`);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`test bug: '${from}' not in the config`);
  writeFileSync(file, text.replace(from, to));
}

/** Readable failures: the task lists plus the end of Nx's output. */
function expectTasks(run: Run, ran: string[]): void {
  const got = { ran: run.ran, cached: run.cached };
  const want = { ran: [...ran].sort(), cached: ALL_TASKS.filter((t) => !ran.includes(t)) };
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`expected ${JSON.stringify(want, null, 1)}\ngot ${JSON.stringify(got, null, 1)}\nNx output:\n${run.output.slice(-6000)}`);
  }
}

describe('Nx cache: the unit of caching is (experiment, stage, model)', () => {
  beforeAll(() => {
    ws = copy(E, CONFIG, 'deeprec-nx-cache-');
  });
  afterAll(() => {
    if (ws && !process.env.DEEPREC_KEEP_TMP) rmSync(ws, { recursive: true, force: true });
  });

  it('infers the experiment projects in a real Nx graph', () => {
    const out = execFileSync('npx', ['nx', 'show', 'projects', '--json'], { cwd: ws, env: nxEnv(), encoding: 'utf8' });
    const projects = JSON.parse(out.slice(out.indexOf('['))) as string[];
    expect(projects).toEqual(expect.arrayContaining([`${E}-data`, ...MODELS.map((m) => `${E}-${m}`), `${E}-report`, 'report', 'deeprec']));
  });

  it('runs everything once, then nothing, then exactly what an edit touches', () => {
    const first = pipeline();
    expectTasks(first, ALL_TASKS);
    expect(existsSync(join(ws, 'artifacts/report/index.html'))).toBe(true);
    expect(existsSync(join(ws, `artifacts/${E}/report/index.html`))).toBe(true);
    for (const m of MODELS) expect(existsSync(join(ws, `artifacts/${E}/eval/${m}/metrics.json`))).toBe(true);

    expectTasks(pipeline(), []);

    // one model's section: that model's train and evaluate, then the reports
    editConfig('layers: [8, 4], dropout: 0.1 }\nevaluate', 'layers: [8, 4], dropout: 0.3 }\nevaluate');
    expectTasks(pipeline(), [`${E}-neumf:train`, `${E}-neumf:evaluate`, `${E}-report:report`, 'report:build']);

    // a comment: nothing
    editConfig("# the Nx cache test's experiment", '# the Nx cache test experiment, a comment edited');
    expectTasks(pipeline(), []);

    // the evaluate section: every evaluate and the reports, no training
    editConfig('metrics: [rmse, mae]', 'metrics: [mae, rmse]');
    expectTasks(pipeline(), [...MODELS.map((m) => `${E}-${m}:evaluate`), `${E}-report:report`, 'report:build']);

    // the data: the whole experiment, but not the compile step
    editConfig('ratings: 400', 'ratings: 420');
    expectTasks(pipeline(), ALL_TASKS.filter((t) => t !== 'deeprec:compile'));
  }, 1_200_000);
});
