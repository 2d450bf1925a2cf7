import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkBoundaries, checkSources } = require('./check-boundaries') as {
  checkBoundaries: (graph: Graph) => { projects: number; dependencies: number; violations: string[] };
  checkSources: (files: Record<string, string>) => string[];
};

interface Graph {
  nodes: Record<string, { data: { tags: string[] } }>;
  dependencies: Record<string, Array<{ source: string; target: string; type: string }>>;
}

/** A graph shaped like Nx's, from `name: tags` and `source -> target` pairs. */
function graph(projects: Record<string, string[]>, edges: Array<[string, string]>): Graph {
  const g: Graph = { nodes: {}, dependencies: {} };
  for (const [name, tags] of Object.entries(projects)) {
    g.nodes[name] = { data: { tags } };
    g.dependencies[name] = [];
  }
  for (const [source, target] of edges) (g.dependencies[source] ??= []).push({ source, target, type: 'static' });
  return g;
}

const PROJECTS = {
  base: ['type:base'],
  config: ['type:config'],
  artifacts: ['type:artifacts'],
  compute: ['type:compute'],
  metrics: ['type:metrics'],
  testing: ['type:testing'],
  models: ['type:models'],
  datagen: ['type:stage'],
  train: ['type:stage'],
  evaluate: ['type:stage'],
  report: ['type:stage'],
  cli: ['type:cli'],
  serve: ['type:service'],
  deeprec: ['type:workspace'],
  'exp-data': ['type:experiment', 'experiment:exp'],
};
const GOOD: Array<[string, string]> = [
  ['config', 'base'],
  ['artifacts', 'config'],
  ['compute', 'artifacts'],
  ['metrics', 'artifacts'],
  ['testing', 'compute'],
  ['models', 'compute'],
  ['datagen', 'artifacts'],
  ['datagen', 'testing'],
  ['train', 'metrics'],
  ['train', 'models'],
  ['evaluate', 'compute'],
  // evaluate scores classic models through their factories' load (never buildModel: checkSources)
  ['evaluate', 'models'],
  ['report', 'metrics'],
  ['cli', 'datagen'],
  ['cli', 'models'],
  ['cli', 'train'],
  ['cli', 'evaluate'],
  ['cli', 'report'],
  // the HTTP service scores through evaluate's code (the path of deeprec recommend)
  ['serve', 'evaluate'],
  ['serve', 'artifacts'],
  ['cli', 'serve'],
];

describe('checkBoundaries', () => {
  it('accepts the intended architecture and counts internal edges once', () => {
    const g = graph(PROJECTS, [...GOOD, ['train', 'models'], ['train', 'npm:@tensorflow/tfjs'], ['base', 'base']]);
    expect(checkBoundaries(g)).toEqual({ projects: 15, dependencies: GOOD.length, violations: [] });
  });

  it.each([
    ['base', 'config', 'base (type:base) must not import config (type:config)'],
    ['config', 'artifacts', 'config (type:config) must not import artifacts (type:artifacts)'],
    ['compute', 'metrics', 'compute (type:compute) must not import metrics (type:metrics)'],
    ['metrics', 'compute', 'metrics (type:metrics) must not import compute (type:compute)'],
    ['artifacts', 'models', 'artifacts (type:artifacts) must not import models (type:models)'],
    ['testing', 'datagen', 'testing (type:testing) must not import datagen (type:stage)'],
    ['models', 'train', 'models (type:models) must not import train (type:stage)'],
    ['datagen', 'models', 'datagen (type:stage) must not import models (type:models)'],
    ['report', 'models', 'report (type:stage) must not import models (type:models)'],
    ['report', 'compute', 'report (type:stage) must not import compute (type:compute)'],
    ['datagen', 'compute', 'datagen (type:stage) must not import compute (type:compute)'],
    ['datagen', 'evaluate', 'datagen (type:stage) must not import evaluate (type:stage)'],
    ['train', 'cli', 'train (type:stage) must not import cli (type:cli)'],
    ['exp-data', 'base', 'exp-data (type:experiment) must not import base (type:base)'],
    ['serve', 'models', 'serve (type:service) must not import models (type:models)'],
    ['serve', 'cli', 'serve (type:service) must not import cli (type:cli)'],
    ['evaluate', 'serve', 'evaluate (type:stage) must not import serve (type:service)'],
  ])('rejects %s -> %s', (source, target, message) => {
    const result = checkBoundaries(graph(PROJECTS, [...GOOD, [source, target]]));
    expect(result.violations).toEqual([message]);
  });

  it('rejects a project without exactly one known type tag', () => {
    const result = checkBoundaries(graph({ ...PROJECTS, extra: ['scope:x'], both: ['type:base', 'type:stage'] }, GOOD));
    expect(result.violations).toHaveLength(2);
    expect(result.violations[0]).toMatch(/^both \(type:base, type:stage\) must have exactly one type tag/);
    expect(result.violations[1]).toMatch(/^extra \(no type tag\) must have exactly one type tag/);
  });

  describe('the command', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'deeprec-boundaries-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const run = (g: Graph) => {
      const file = join(dir, 'graph.json');
      writeFileSync(file, JSON.stringify({ graph: g }));
      return spawnSync(process.execPath, [join(__dirname, 'check-boundaries.js'), '--graph', file], { encoding: 'utf8' });
    };

    it('exits 1 and lists each violation on a violating graph', () => {
      const result = run(graph(PROJECTS, [...GOOD, ['report', 'models'], ['base', 'report']]));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('report (type:stage) must not import models (type:models)');
      expect(result.stderr).toContain('base (type:base) must not import report (type:stage)');
      expect(result.stderr).toContain('module boundaries: 15 projects, 23 internal dependencies, 2 violations');
    });

    it('exits 0 with one summary line on a clean graph', () => {
      const result = run(graph(PROJECTS, GOOD));
      expect(result.status).toBe(0);
      expect(result.stdout).toBe('module boundaries: 15 projects, 21 internal dependencies, 0 violations\n');
    });
  });
});

describe('checkSources', () => {
  it('accepts named exports and testing imports from test files', () => {
    expect(
      checkSources({
        'packages/base/src/index.ts': "export { Rng } from './rng';\n",
        'packages/train/src/train.test.ts': "import { silentLogger } from '@deeprec/testing';\n",
        'packages/report/src/fixture.testutil.ts': "import { silentLogger } from '@deeprec/testing';\n",
        'packages/base/src/rng.ts': "// export * is fine outside entry points\nexport * from './x';\n",
        'packages/train/src/run.ts': "const model = buildModel(config, context);\n",
        'packages/evaluate/src/scorer.test.ts': "const model = buildModel(config, context);\n",
      }),
    ).toEqual([]);
  });

  it("rejects 'export *' in an entry point and a testing import from a source file", () => {
    expect(
      checkSources({
        'packages/base/src/index.ts': "export { Rng } from './rng';\nexport * from './errors';\n",
        'packages/train/src/run.ts': "import { x } from './x';\nimport { silentLogger } from '@deeprec/testing';\n",
        'packages/evaluate/src/run.ts': "import { buildModel } from '@deeprec/models';\n",
      }),
    ).toEqual([
      "packages/base/src/index.ts:2: entry points name their exports; found 'export *'",
      'packages/evaluate/src/run.ts:1: only the train stage builds networks (buildModel); other stages load saved models',
      'packages/train/src/run.ts:2: only test files (*.test.ts, *.testutil.ts) may import @deeprec/testing',
    ]);
  });
});
