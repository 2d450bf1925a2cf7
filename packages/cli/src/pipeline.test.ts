/**
 * The CLI's `run` follows the pipeline table (@deeprec/config pipeline.json): its
 * steps, their order and config slices are derived here from the table itself, so
 * an order or slice written into the CLI by hand fails as soon as the table moves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactCatalogue, indexReport } from '@deeprec/artifacts';
import { PIPELINE_STAGES, WORKSPACE_STAGE, configSliceOf, outputsOf, pipelineStage, stageOrder, type ExperimentConfig, type StageName } from '@deeprec/config';
import { STAGE_RUNNERS, run, runPlan, type RunStep, type StageRunner, type StageRunners } from './commands';
import { createContext } from './context';

const YAML = `name: plan
data: { source: synthetic, synthetic: { users: 20, items: 10, ratings: 100 } }
models:
  b: { type: ncf, embeddingDim: 4, layers: [4] }
  a: { type: mf }
  c: { type: popularity }
`;

let dir: string;
let configPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deeprec-plan-'));
  configPath = join(dir, 'plan.yaml');
  writeFileSync(configPath, YAML);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const label = (s: { stage: StageName; model?: string | undefined }) => (s.model === undefined ? s.stage : `${s.stage} ${s.model}`);

describe('deeprec run follows the pipeline table', () => {
  it('plans each stage once per experiment or once per model, in the table order, model by model within per-model stages', () => {
    const config = createContext({}).config(configPath);
    const models = Object.keys(config.models);
    const steps = runPlan(config);

    // What the table implies, walked independently: experiment stages once; a block of
    // consecutive per-model stages repeated for each model in the config's order.
    const expected: string[] = [];
    const order = stageOrder();
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j < order.length && pipelineStage(order[j] as StageName).per === 'model') j += 1;
      if (j === i) {
        expected.push(order[i] as string);
        i += 1;
      } else {
        for (const m of models) for (const stage of order.slice(i, j)) expected.push(`${stage} ${m}`);
        i = j;
      }
    }
    expect(steps.map(label)).toEqual(expected);
    expect([...new Set(steps.map((s) => s.stage))]).toEqual(order);
  });

  it('runs every step after the steps whose artifacts it reads', () => {
    const steps = runPlan(createContext({}).config(configPath));
    steps.forEach((step, i) => {
      const stage = pipelineStage(step.stage);
      for (const input of stage.inputs) {
        const producers = steps.filter((s) => s.stage === input && (step.model === undefined || s.model === undefined || s.model === step.model));
        expect(producers.length).toBeGreaterThan(0);
        for (const p of producers) expect(steps.indexOf(p)).toBeLessThan(i);
      }
    });
  });

  it('gives each step the config slice of its stage in the table, with the model filled in', () => {
    const steps = runPlan(createContext({}).config(configPath));
    for (const step of steps) {
      const stage = pipelineStage(step.stage);
      expect(step.config).toEqual(configSliceOf(step.stage, step.model));
      const keys = stage.config === '*' ? '*' : stage.config.map((k) => (step.model === undefined ? k : k.replace('<model>', step.model)));
      expect(step.config.keys).toEqual(keys);
      if (step.model !== undefined && Array.isArray(step.config.keys)) expect(step.config.keys.join(' ')).not.toContain('<model>');
    }
    expect(() => configSliceOf('train')).toThrow(/stage train runs per model: expected a model name/);
    expect(() => configSliceOf('datagen', 'a')).toThrow(/stage datagen runs per experiment: expected no model name/);
  });

  it('run calls the stage runners in the plan order, with the loaded config and the step model', async () => {
    const calls: Array<{ stage: StageName; model?: string; config: ExperimentConfig }> = [];
    const record = (stage: StageName): StageRunner => async (_ctx, config, model) => void calls.push({ stage, config, ...(model === undefined ? {} : { model }) });
    const recording: StageRunners = { datagen: record('datagen'), search: record('search'), train: record('train'), evaluate: record('evaluate'), report: record('report') };
    await run(createContext({}), configPath, recording);
    const plan: RunStep[] = runPlan(createContext({}).config(configPath));
    expect(calls.map(label)).toEqual(plan.map(label));
    for (const call of calls) expect(call.config.configPath).toBe(configPath);
    expect(Object.keys(STAGE_RUNNERS).sort()).toEqual([...stageOrder()].sort());
  });

  it("the table's outputs are the artifact catalogue's folders", () => {
    const catalogue = new ArtifactCatalogue(dir, 'plan');
    const folderOf: Record<StageName, (model?: string) => string> = {
      datagen: () => catalogue.data().dir,
      search: (m) => catalogue.search(m as string).dir,
      train: (m) => catalogue.model(m as string).dir,
      evaluate: (m) => catalogue.evaluation(m as string).dir,
      report: () => catalogue.report().dir,
    };
    for (const stage of PIPELINE_STAGES) {
      const model = stage.per === 'model' ? 'ncf' : undefined;
      expect(outputsOf(stage.name, model).map((o) => join(catalogue.experimentDir, o))).toEqual([folderOf[stage.name](model)]);
    }
    expect(WORKSPACE_STAGE.outputs.map((o) => join(dir, o))).toEqual([indexReport(dir).dir]);
  });
});
