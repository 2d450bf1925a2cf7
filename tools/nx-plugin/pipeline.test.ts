/**
 * The Nx plugin infers the pipeline table (@deeprec/config pipeline.json): every
 * expectation here is derived from the table through @deeprec/config (the typed,
 * zod-checked reader the CLI uses), never copied, so a plugin that stops following
 * the table fails here, and so does one that hard-codes what the table says today.
 */
import pipelineJson from '../../packages/config/src/pipeline.json';
import { PIPELINE_STAGES, WORKSPACE_STAGE, configSliceOf, outputsOf, pipelineStage, type PipelineStage, type StageName } from '@deeprec/config';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
type Projects = Record<string, any>;
const plugin = require('./index') as {
  createNodesFromConfigFiles: (files: string[], options: unknown, context: { workspaceRoot: string }, pipeline?: unknown) => Array<readonly [string, { projects: Projects }]>;
  HASH_ENV: string;
  WORKSPACE_TARGET: { root: string; target: string };
};
const { sliceJson, canonicalJson, sha256, parseYaml } = require('./slices') as {
  sliceJson: (doc: unknown, keys: string[]) => string;
  canonicalJson: (doc: unknown) => string;
  sha256: (text: string) => string;
  parseYaml: (text: string, file: string) => unknown;
};

const MODELS = ['b', 'a'];
const yaml = (name: string) => `name: ${name}
seed: 3
data: { source: csv, path: /srv/ratings.csv }
split: { method: random, test: 0.2 }
train: { epochs: 2 }
models:
  b: { type: ncf, embeddingDim: 4 }
  a: { type: mf, search: { space: { l2: { loguniform: [0.001, 1] } } } }
search: { algorithm: random, trials: 3 }
evaluate: { metrics: [rmse] }
report: { sampleUsers: 0 }
`;
const FILES = ['configs/experiments/one.yaml', 'configs/experiments/two.yaml'];

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'deeprec-pipeline-'));
  mkdirSync(join(root, 'configs/experiments'), { recursive: true });
  mkdirSync(join(root, 'packages/report'), { recursive: true });
  writeFileSync(join(root, 'packages/report/package.json'), '{}');
  writeFileSync(join(root, FILES[0] as string), yaml('one'));
  writeFileSync(join(root, FILES[1] as string), yaml('two'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Every inferred project by name (report:build's under its root), from the plugin on FILES. */
function infer(pipeline?: unknown): Projects {
  const byName: Projects = {};
  for (const [, { projects }] of plugin.createNodesFromConfigFiles([...FILES, 'packages/report/package.json'], undefined, { workspaceRoot: root }, pipeline)) {
    for (const [projectRoot, project] of Object.entries(projects)) byName[project.name ?? projectRoot] = project;
  }
  return byName;
}

interface Run {
  experiment: string;
  file: string;
  stage: PipelineStage;
  model?: string;
}
/** Models with a search section: the search stage runs for them only (b skips it). */
const SEARCHED = ['a'];
const TRIALS = 3;
/** Every run the table asks for: each stage once per experiment, or once per model. */
const runsOf = (experiment: string, file: string): Run[] =>
  PIPELINE_STAGES.flatMap((stage) =>
    stage.per === 'model'
      ? MODELS.filter((model) => stage.name !== 'search' || SEARCHED.includes(model)).map((model) => ({ experiment, file, stage, model }))
      : [{ experiment, file, stage }],
  );
const RUNS = [...runsOf('one', FILES[0] as string), ...runsOf('two', FILES[1] as string)];

/** The one target that runs `run`: its stage's target, on the command line with its model (or none). */
function find(projects: Projects, run: Run): { project: string; target: any } {
  const found = Object.entries(projects).flatMap(([project, p]) => {
    const target = p.targets[run.stage.name];
    if (!target || !target.options.command.includes(` ${run.file}`)) return [];
    const model = / --model (\S+)$/.exec(target.options.command)?.[1];
    return model === run.model ? [{ project, target }] : [];
  });
  expect(found).toHaveLength(1);
  return found[0] as { project: string; target: any };
}

/** The stages upstream of `name` in the table. */
function upstream(name: StageName): Set<StageName> {
  const out = new Set<StageName>();
  for (const input of pipelineStage(name).inputs) for (const s of [input, ...upstream(input)]) out.add(s);
  return out;
}

const deps = (target: any): string[] => target.dependsOn.map((d: any) => (typeof d === 'string' ? d : `${d.projects.join(',')}:${d.target}`));

describe('nx plugin: the pipeline table', () => {
  it('infers exactly one target per run of the table', () => {
    const projects = infer();
    for (const run of RUNS) find(projects, run);
    const experimentTargets = Object.values(projects)
      .filter((p) => p.tags?.includes('type:experiment'))
      .flatMap((p) => Object.keys(p.targets));
    // and one trial target per trial of each searched model (search.js)
    expect(experimentTargets.filter((t) => t !== 'trial')).toHaveLength(RUNS.length);
    expect(experimentTargets.filter((t) => t === 'trial')).toHaveLength(2 * SEARCHED.length * TRIALS);
  });

  it("depends on the table's inputs, less those already upstream of another input", () => {
    const projects = infer();
    for (const run of RUNS) {
      const { project, target } = find(projects, run);
      if (run.stage.name === 'search') {
        // The selection depends on its trials; each trial on the stage's inputs (random: on nothing else).
        const trials = Array.from({ length: TRIALS }, (_, k) => `${run.experiment}-${run.model}-trial-${k}`);
        expect(deps(target)).toEqual(['deeprec:compile', `${trials.join(',')}:trial`]);
        for (const trial of trials) expect(deps(projects[trial].targets.trial)).toEqual(['deeprec:compile', `${run.experiment}-data:datagen`]);
        continue;
      }
      const direct = run.stage.inputs
        .filter((i) => !run.stage.inputs.some((other) => upstream(other).has(i)))
        // a model without a search section skips the stage: its inputs take its place
        .flatMap((i) => (i === 'search' && !SEARCHED.includes(run.model as string) ? pipelineStage('search').inputs : [i]));
      const expected = direct.map((input) => {
        const producers = RUNS.filter((r) => r.experiment === run.experiment && r.stage.name === input && (run.model === undefined || r.model === undefined || r.model === run.model));
        const names = producers.map((r) => find(projects, r).project);
        return names.length === 1 && names[0] === project ? input : `${names.join(',')}:${input}`;
      });
      expect(deps(target)).toEqual(['deeprec:compile', ...expected]);
    }
  });

  it("hashes the table's config slice in the options and its configAtRun keys at run time", () => {
    const projects = infer();
    for (const run of RUNS) {
      const { target } = find(projects, run);
      const doc = parseYaml(yaml(run.experiment), run.file) as { models: Record<string, Record<string, unknown>> };
      const slice = configSliceOf(run.stage.name, run.model);
      // Train and evaluate hash the model section without its search key (the search reaches them through selected.json).
      const models = Object.fromEntries(Object.entries(doc.models).map(([m, section]) => [m, Object.fromEntries(Object.entries(section).filter(([k]) => k !== 'search'))]));
      const hashed = run.stage.name === 'search' || slice.keys === '*' ? doc : { ...doc, models };
      expect(target.options.env[plugin.HASH_ENV]).toBe(sha256(slice.keys === '*' ? canonicalJson(hashed) : sliceJson(hashed, slice.keys)));
      expect(target.metadata.deeprec.configSections).toEqual(slice.keys === '*' ? ['*'] : [...slice.keys, ...slice.atRun]);
      const runtime = target.inputs.filter((i: any) => typeof i.runtime === 'string' && i.runtime.includes(' section '));
      expect(runtime).toEqual(slice.atRun.length > 0 ? [{ runtime: `node tools/nx-plugin/slices.js section ${run.file} ${slice.atRun.join(' ')}` }] : []);
      expect(target.inputs.filter((i: any) => i.env)).toEqual(run.stage.env.map((env) => ({ env })));
      // data.path lies outside the workspace: a runtime hash of its files
      const files = run.stage.dataFiles.map(() => ({ runtime: 'node tools/nx-plugin/slices.js files /srv/ratings.csv' }));
      expect(target.inputs.filter((i: any) => typeof i.runtime === 'string' && i.runtime.includes(' files '))).toEqual(files);
      // The selection writes search/<model>/selected, each trial search/<model>/trial-<k> (the stage's folder holds both).
      const outputs = outputsOf(run.stage.name, run.model).map((o) => (run.stage.name === 'search' ? `${o}/selected` : o));
      expect(target.outputs).toEqual(outputs.map((o) => `{workspaceRoot}/artifacts/${run.experiment}/${o}`));
      expect(target.parallelism === false).toBe(run.stage.runsAlone);
    }
  });

  it("report:build is the table's workspace stage over every experiment", () => {
    const projects = infer();
    const build = projects[plugin.WORKSPACE_TARGET.root].targets[plugin.WORKSPACE_TARGET.target];
    const direct = WORKSPACE_STAGE.inputs.filter((i) => !WORKSPACE_STAGE.inputs.some((other) => upstream(other).has(i)));
    const expected = direct.map((input) => `${RUNS.filter((r) => r.stage.name === input).map((r) => find(projects, r).project).join(',')}:${input}`);
    expect(deps(build)).toEqual(['deeprec:compile', ...expected]);
    expect(build.outputs).toEqual(WORKSPACE_STAGE.outputs.map((o) => `{workspaceRoot}/artifacts/${o}`));
  });

  it('follows a changed table: keys, runtime keys and a new per-model stage', () => {
    const table = JSON.parse(JSON.stringify(pipelineJson)) as { stages: Array<Record<string, any>> };
    const stage = (name: string) => table.stages.find((s) => s.name === name) as Record<string, any>;
    stage('datagen').config = ['name', 'seed', 'data'];
    stage('evaluate').configAtRun = ['evaluate', 'report'];
    table.stages.splice(4, 0, {
      ...stage('evaluate'),
      name: 'explain',
      description: 'Explain model {model}',
      inputs: ['evaluate'],
      outputs: ['explain/<model>'],
      configAtRun: [],
    });
    stage('report').inputs = [...stage('report').inputs, 'explain'];
    const p = infer(table);
    expect(p['one-data'].targets.datagen.metadata.deeprec.configSections).toEqual(['name', 'seed', 'data']);
    expect(p['one-a'].targets.evaluate.inputs).toContainEqual({ runtime: `node tools/nx-plugin/slices.js section ${FILES[0]} evaluate report` });
    expect(deps(p['one-a'].targets.explain)).toEqual(['deeprec:compile', 'evaluate']);
    expect(p['one-a'].targets.explain.outputs).toEqual(['{workspaceRoot}/artifacts/one/explain/a']);
    expect(deps(p['one-report'].targets.report)).toEqual(['deeprec:compile', 'one-b,one-a:explain']);
  });

  it('rejects a table whose per-model stage would hash a key into a sibling that does not read it', () => {
    const table = JSON.parse(JSON.stringify(pipelineJson)) as { stages: Array<Record<string, any>> };
    const evaluate = table.stages.find((s) => s.name === 'evaluate') as Record<string, any>;
    evaluate.config = [...evaluate.config, ...evaluate.configAtRun];
    evaluate.configAtRun = [];
    expect(() => infer(table)).toThrow(
      /packages\/config\/src\/pipeline\.json: stage evaluate: config evaluate would enter the hash of train \(same Nx project E-<model>\), which does not read it; move it to configAtRun/,
    );
  });
});
