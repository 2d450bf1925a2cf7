/** Unit tests of the task inference: createNodesV2's function on temp YAML files. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
const plugin = require('./index') as {
  name: string;
  createNodesV2: readonly [string, (files: string[], options: any, context: any) => Array<readonly [string, { projects: Record<string, any> }]>];
  HASH_ENV: string;
};
const { sliceJson, parseYaml } = require('./slices') as { sliceJson: (doc: unknown, keys: string[]) => string; parseYaml: (t: string, f: string) => any };

const YAML_TEXT = `# a test experiment
name: exp
seed: 42
data:
  source: synthetic
  synthetic: { users: 40, items: 30, ratings: 400 }
split: { method: random, test: 0.2, valid: 0.1 }
train: { epochs: 2, batchSize: 64 }
models:
  ncf:      { type: ncf, embeddingDim: 4, layers: [8, 4], dropout: 0.2 }
  widedeep: { type: widedeep, embeddingDim: 4, layers: [8], dropout: 0.2 }
  neumf:    { type: neumf, gmfDim: 4, mlpDim: 4, layers: [8, 4], dropout: 0.2 }
evaluate: { metrics: [rmse, mae] }
`;

let root: string;
/** A workspace skeleton: the configs folder and the report package. */
function makeWorkspace(at: string): string {
  mkdirSync(join(at, 'configs/experiments'), { recursive: true });
  mkdirSync(join(at, 'packages/report'), { recursive: true });
  writeFileSync(join(at, 'packages/report/package.json'), '{"name":"@deeprec/report","nx":{"name":"report"}}');
  return at;
}
beforeEach(() => {
  root = makeWorkspace(mkdtempSync(join(tmpdir(), 'deeprec-plugin-')));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, text: string, at = root): string {
  writeFileSync(join(at, file), text);
  return file;
}

/** Runs the plugin on the given config files (workspace-relative) plus the report package.json, as Nx would. */
function infer(files: string[], options?: any, at = root): Record<string, any> {
  const [, fn] = plugin.createNodesV2;
  const results = fn([...files, 'packages/report/package.json'], options, { workspaceRoot: at, nxJsonConfiguration: {} });
  const byName: Record<string, any> = {};
  for (const [, { projects }] of results) {
    for (const [projectRoot, project] of Object.entries(projects)) {
      const name = project.name ?? (projectRoot === 'packages/report' ? 'report' : projectRoot);
      byName[name] = { root: projectRoot, ...project };
    }
  }
  return byName;
}

const deps = (target: any) => target.dependsOn.map((d: any) => (typeof d === 'string' ? d : `${d.projects.join(',')}:${d.target}`));

describe('nx plugin: inference', () => {
  it('matches the experiment configs and the report package', () => {
    expect(plugin.createNodesV2[0]).toBe('{configs/experiments/*.yaml,configs/experiments/*.yml,packages/report/package.json}');
  });

  it('infers one project per experiment stage and model, with the pipeline dependencies', () => {
    const p = infer([write('configs/experiments/exp.yaml', YAML_TEXT)]);
    expect(Object.keys(p).sort()).toEqual(['exp-data', 'exp-ncf', 'exp-neumf', 'exp-report', 'exp-widedeep', 'report']);

    expect(p['exp-data'].root).toBe('artifacts/exp/data');
    expect(p['exp-data'].tags).toEqual(['type:experiment', 'experiment:exp']);
    const datagen = p['exp-data'].targets.datagen;
    expect(datagen.options.command).toBe('node packages/cli/bin/deeprec.js datagen configs/experiments/exp.yaml');
    expect(datagen.outputs).toEqual(['{workspaceRoot}/artifacts/exp/data']);
    expect(deps(datagen)).toEqual(['deeprec:compile']);
    expect(datagen.cache).toBe(true);

    for (const m of ['ncf', 'widedeep', 'neumf']) {
      const { train, evaluate } = p[`exp-${m}`].targets;
      expect(p[`exp-${m}`].root).toBe(`artifacts/exp/models/${m}`);
      expect(train.options.command).toBe(`node packages/cli/bin/deeprec.js train configs/experiments/exp.yaml --model ${m}`);
      expect(evaluate.options.command).toBe(`node packages/cli/bin/deeprec.js evaluate configs/experiments/exp.yaml --model ${m}`);
      expect(deps(train)).toEqual(['deeprec:compile', 'exp-data:datagen']);
      expect(deps(evaluate)).toEqual(['deeprec:compile', 'train']);
      expect(train.outputs).toEqual([`{workspaceRoot}/artifacts/exp/models/${m}`]);
      expect(evaluate.outputs).toEqual([`{workspaceRoot}/artifacts/exp/eval/${m}`]);
      expect(train.parallelism).toBe(false);
      for (const t of [train, evaluate]) {
        expect(t.cache).toBe(true);
        expect(t.inputs).toContain('source');
        expect(t.inputs).toContainEqual({ dependentTasksOutputFiles: '**/*', transitive: true });
        expect(t.options.env.DEEPREC_ARTIFACTS).toBe('artifacts');
      }
    }

    const report = p['exp-report'].targets.report;
    expect(report.options.command).toBe('node packages/cli/bin/deeprec.js report configs/experiments/exp.yaml');
    expect(deps(report)).toEqual(['deeprec:compile', 'exp-ncf,exp-widedeep,exp-neumf:evaluate']);
    expect(report.outputs).toEqual(['{workspaceRoot}/artifacts/exp/report']);

    expect(p.report.root).toBe('packages/report');
    expect(p.report.name).toBeUndefined(); // merged into the package's own project
    const build = p.report.targets.build;
    expect(build.options.command).toBe('node packages/cli/bin/deeprec.js report --all');
    expect(deps(build)).toEqual(['deeprec:compile', 'exp-report:report']);
    expect(build.outputs).toEqual(['{workspaceRoot}/artifacts/report']);
  });

  it('never lists the YAML file itself as a file input', () => {
    const p = infer([write('configs/experiments/exp.yaml', YAML_TEXT)]);
    const all = JSON.stringify(Object.values(p).map((proj: any) => Object.values(proj.targets).map((t: any) => t.inputs)));
    expect(all).not.toMatch(/fileset[^}]*exp\.yaml/);
    expect(all).not.toContain('"{workspaceRoot}/configs');
  });

  it('changing one model section changes only that model project (and the reports)', () => {
    const before = infer([write('configs/experiments/exp.yaml', YAML_TEXT)]);
    const after = infer([write('configs/experiments/exp.yaml', YAML_TEXT.replace('mlpDim: 4, layers: [8, 4], dropout: 0.2', 'mlpDim: 4, layers: [8, 4], dropout: 0.3'))]);
    const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    expect(changed.sort()).toEqual(['exp-neumf', 'exp-report', 'report']);
    // the train and evaluate hashes both move
    expect(after['exp-neumf'].targets.train.options.env[plugin.HASH_ENV]).not.toBe(before['exp-neumf'].targets.train.options.env[plugin.HASH_ENV]);
    expect(after['exp-neumf'].targets.evaluate.options.env[plugin.HASH_ENV]).not.toBe(before['exp-neumf'].targets.evaluate.options.env[plugin.HASH_ENV]);
  });

  it('a per-model train override is part of that model only', () => {
    const before = infer([write('configs/experiments/exp.yaml', YAML_TEXT)]);
    const after = infer([
      write('configs/experiments/exp.yaml', YAML_TEXT.replace('embeddingDim: 4, layers: [8], dropout: 0.2 }', 'embeddingDim: 4, layers: [8], dropout: 0.2, train: { epochs: 3 } }')),
    ]);
    const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    expect(changed.sort()).toEqual(['exp-report', 'exp-widedeep', 'report']);
  });

  it('comments, key order and flow/block style change nothing', () => {
    const before = infer([write('configs/experiments/exp.yaml', YAML_TEXT)]);
    const restyled = YAML_TEXT.replace('# a test experiment', '# edited comment\n# another')
      .replace('train: { epochs: 2, batchSize: 64 }', 'train:\n  batchSize: 64 # the batch\n  epochs: 2');
    const after = infer([write('configs/experiments/exp.yaml', restyled)]);
    expect(after).toEqual(before);
  });

  it('data, split or seed changes touch the data project (downstream follows through its outputs)', () => {
    const before = infer([write('configs/experiments/exp.yaml', YAML_TEXT)]);
    for (const edit of [
      YAML_TEXT.replace('ratings: 400', 'ratings: 410'),
      YAML_TEXT.replace('test: 0.2', 'test: 0.25'),
    ]) {
      const after = infer([write('configs/experiments/exp.yaml', edit)]);
      const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
      expect(changed.sort()).toEqual(['exp-data', 'exp-report', 'report']);
    }
    const seeded = infer([write('configs/experiments/exp.yaml', YAML_TEXT.replace('seed: 42', 'seed: 43'))]);
    const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(seeded[k]));
    expect(changed.sort()).toEqual(Object.keys(before).sort());
  });

  it('the evaluate section stays out of the model projects (it would re-run train) and enters through a runtime input', () => {
    const edited = YAML_TEXT.replace('metrics: [rmse, mae]', 'metrics: [rmse]');
    const before = infer([write('configs/experiments/exp.yaml', YAML_TEXT)]);
    const after = infer([write('configs/experiments/exp.yaml', edited)]);
    for (const m of ['ncf', 'widedeep', 'neumf']) expect(after[`exp-${m}`]).toEqual(before[`exp-${m}`]);
    expect(after['exp-data']).toEqual(before['exp-data']);

    const runtime = before['exp-ncf'].targets.evaluate.inputs.find((i: any) => i.runtime).runtime as string;
    expect(runtime).toBe('node tools/nx-plugin/slices.js section configs/experiments/exp.yaml evaluate');
    const script = join(__dirname, 'slices.js');
    const print = () => execFileSync(process.execPath, [script, 'section', 'configs/experiments/exp.yaml', 'evaluate'], { cwd: root, encoding: 'utf8' });
    write('configs/experiments/exp.yaml', YAML_TEXT);
    const a = print();
    write('configs/experiments/exp.yaml', YAML_TEXT.replace('# a test experiment', '# only a comment'));
    expect(print()).toBe(a);
    write('configs/experiments/exp.yaml', edited);
    expect(print()).not.toBe(a);
    expect(JSON.parse(print())).toEqual({ evaluate: { metrics: ['rmse'] } });
  });

  it('slices are canonical JSON of exactly the named keys', () => {
    const doc = parseYaml(YAML_TEXT, 'x.yaml');
    expect(sliceJson(doc, ['seed', 'models.ncf'])).toBe('{"models.ncf":{"dropout":0.2,"embeddingDim":4,"layers":[8,4],"type":"ncf"},"seed":42}');
    expect(sliceJson(doc, ['missing'])).toBe('{}');
  });

  it('other experiments are independent, and report:build waits for all of them', () => {
    const one = infer([write('configs/experiments/exp.yaml', YAML_TEXT)]);
    const two = infer([
      write('configs/experiments/exp.yaml', YAML_TEXT),
      write('configs/experiments/b.yaml', YAML_TEXT.replace('name: exp', 'name: other')),
    ]);
    for (const k of Object.keys(one).filter((k) => k !== 'report')) expect(two[k]).toEqual(one[k]);
    expect(Object.keys(two)).toContain('other-neumf');
    expect(deps(two.report.targets.build)).toEqual(['deeprec:compile', 'other-report,exp-report:report']);
  });

  it('falls back to the file name without a name key, and report:build exists without experiments', () => {
    const p = infer([write('configs/experiments/my-exp.yml', YAML_TEXT.replace('name: exp\n', ''))]);
    expect(Object.keys(p)).toContain('my-exp-ncf');
    const none = infer([]);
    expect(Object.keys(none)).toEqual(['report']);
    expect(deps(none.report.targets.build)).toEqual(['deeprec:compile']);
  });

  it('hashes the data files under data.path: file inputs inside the workspace, a runtime hash outside', () => {
    const inside = infer([write('configs/experiments/exp.yaml', YAML_TEXT.replace('source: synthetic', 'source: movielens-100k\n  path: ../../data/ml-100k'))]);
    expect(inside['exp-data'].targets.datagen.inputs).toEqual(
      expect.arrayContaining([
        { fileset: '{workspaceRoot}/data/ml-100k', includeIgnored: true },
        { fileset: '{workspaceRoot}/data/ml-100k/**/*', includeIgnored: true },
      ]),
    );
    const outside = infer([write('configs/experiments/exp.yaml', YAML_TEXT.replace('source: synthetic', 'source: csv\n  path: /srv/data/r.csv'))]);
    expect(outside['exp-data'].targets.datagen.inputs).toContainEqual({ runtime: 'node tools/nx-plugin/slices.js files /srv/data/r.csv' });
    // Written relative: passed relative to the workspace root, where Nx runs runtime inputs.
    const beside = infer([write('configs/experiments/exp.yaml', YAML_TEXT.replace('source: synthetic', 'source: csv\n  path: ../../../shared/r.csv'))]);
    expect(beside['exp-data'].targets.datagen.inputs).toContainEqual({ runtime: 'node tools/nx-plugin/slices.js files ../shared/r.csv' });
  });

  it('infers the same projects wherever the workspace sits, so no task hash depends on it', () => {
    const other = mkdtempSync(join(tmpdir(), 'deeprec-plugin-other-'));
    try {
      const elsewhere = makeWorkspace(join(other, 'deeper/clone'));
      // Data inside the workspace, beside it (relative), and at a fixed absolute place.
      const texts = ['path: ../../data/r.csv', 'path: ../../../shared/r.csv', 'path: /srv/data/r.csv'].map((p) =>
        YAML_TEXT.replace('source: synthetic', `source: csv\n  ${p}`),
      );
      for (const [i, text] of texts.entries()) {
        const files = [write(`configs/experiments/e${i}.yaml`, text.replace('name: exp', `name: e${i}`))];
        const there = [write(`configs/experiments/e${i}.yaml`, text.replace('name: exp', `name: e${i}`), elsewhere)];
        const a = JSON.stringify(infer(files));
        expect(a).not.toContain(root);
        expect(JSON.stringify(infer(there, undefined, elsewhere))).toBe(a);
      }
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('takes the CLI command from the plugin options', () => {
    const p = infer([write('configs/experiments/exp.yaml', YAML_TEXT)], { cli: 'npx deeprec' });
    expect(p['exp-ncf'].targets.train.options.command).toBe('npx deeprec train configs/experiments/exp.yaml --model ncf');
  });

  it.each([
    ['name: Bad_Name', /name: expected an experiment name/],
    ['name: report', /'report' is reserved/],
  ])('rejects %s with a message naming the file', (line, message) => {
    const file = write('configs/experiments/exp.yaml', YAML_TEXT.replace('name: exp', line));
    expect(() => infer([file])).toThrow(message);
    expect(() => infer([file])).toThrow(/configs\/experiments\/exp\.yaml/);
  });

  it('rejects reserved model names, name clashes and bad YAML', () => {
    const data = write('configs/experiments/exp.yaml', YAML_TEXT.replace('  ncf:      {', '  data:      {'));
    expect(() => infer([data])).toThrow(/models\.data: 'data' is reserved/);
    const a = write('configs/experiments/a.yaml', YAML_TEXT.replace('name: exp', 'name: a-b'));
    const b = write('configs/experiments/b.yaml', YAML_TEXT.replace('name: exp', 'name: a').replace('  ncf:      {', '  b-data:   {'));
    expect(() => infer([a, b])).toThrow(/project a-b-data is also inferred from/);
    const bad = write('configs/experiments/bad.yaml', 'name: x\nmodels: [unclosed\n');
    expect(() => infer([bad])).toThrow(/configs\/experiments\/bad\.yaml: invalid YAML/);
    const noModels = write('configs/experiments/nomodels.yaml', 'name: x\n');
    expect(() => infer([noModels])).toThrow(/models: expected a mapping/);
  });
});
