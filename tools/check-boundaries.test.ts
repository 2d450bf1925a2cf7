import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkBoundaries } = require('./check-boundaries') as {
  checkBoundaries: (graph: Graph) => { projects: number; dependencies: number; violations: string[] };
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
  core: ['type:core'],
  models: ['type:models'],
  datagen: ['type:stage'],
  train: ['type:stage'],
  evaluate: ['type:stage'],
  report: ['type:stage'],
  cli: ['type:cli'],
  deeprec: ['type:workspace'],
  'exp-data': ['type:experiment', 'experiment:exp'],
};
const GOOD: Array<[string, string]> = [
  ['models', 'core'],
  ['datagen', 'core'],
  ['train', 'core'],
  ['train', 'models'],
  ['evaluate', 'core'],
  ['report', 'core'],
  ['cli', 'core'],
  ['cli', 'datagen'],
  ['cli', 'models'],
  ['cli', 'train'],
  ['cli', 'evaluate'],
  ['cli', 'report'],
];

describe('checkBoundaries', () => {
  it('accepts the intended architecture and counts internal edges once', () => {
    const g = graph(PROJECTS, [...GOOD, ['train', 'models'], ['train', 'npm:@tensorflow/tfjs'], ['core', 'core']]);
    expect(checkBoundaries(g)).toEqual({ projects: 9, dependencies: GOOD.length, violations: [] });
  });

  it.each([
    ['core', 'models', 'core (type:core) must not import models (type:models)'],
    ['models', 'train', 'models (type:models) must not import train (type:stage)'],
    ['evaluate', 'models', 'evaluate (type:stage) must not import models (type:models)'],
    ['report', 'models', 'report (type:stage) must not import models (type:models)'],
    ['datagen', 'evaluate', 'datagen (type:stage) must not import evaluate (type:stage)'],
    ['train', 'cli', 'train (type:stage) must not import cli (type:cli)'],
    ['exp-data', 'core', 'exp-data (type:experiment) must not import core (type:core)'],
  ])('rejects %s -> %s', (source, target, message) => {
    const result = checkBoundaries(graph(PROJECTS, [...GOOD, [source, target]]));
    expect(result.violations).toEqual([message]);
  });

  it('rejects a project without exactly one known type tag', () => {
    const result = checkBoundaries(graph({ ...PROJECTS, extra: ['scope:x'], both: ['type:core', 'type:stage'] }, GOOD));
    expect(result.violations).toHaveLength(2);
    expect(result.violations[0]).toMatch(/^both \(type:core, type:stage\) must have exactly one type tag/);
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
      const result = run(graph(PROJECTS, [...GOOD, ['evaluate', 'models'], ['core', 'report']]));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('evaluate (type:stage) must not import models (type:models)');
      expect(result.stderr).toContain('core (type:core) must not import report (type:stage)');
      expect(result.stderr).toContain('module boundaries: 9 projects, 14 internal dependencies, 2 violations');
    });

    it('exits 0 with one summary line on a clean graph', () => {
      const result = run(graph(PROJECTS, GOOD));
      expect(result.status).toBe(0);
      expect(result.stdout).toBe('module boundaries: 9 projects, 12 internal dependencies, 0 violations\n');
    });
  });
});
