/**
 * The search's Nx tasks (search.js): one project per trial whose hash ignores the
 * budget, so raising it adds tasks without touching the old ones, and editing one
 * model's space changes only that model's trials; tpe trials after the start-up ones
 * depend on every earlier trial.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TPE_DEFAULTS, dependsOnTrials } from '@deeprec/search';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
const plugin = require('./index') as {
  createNodesFromConfigFiles: (files: string[], options: unknown, context: { workspaceRoot: string }) => Array<readonly [string, { projects: Record<string, any> }]>;
  HASH_ENV: string;
};

const FILE = 'configs/experiments/s.yaml';
const yaml = (trials: number, mfSpace = 'l2: { loguniform: [0.001, 1] }', algorithm = 'random') => `name: s
seed: 3
search: { algorithm: ${algorithm}, trials: ${trials}, startupTrials: 2 }
models:
  mf: { type: mf, search: { space: { ${mfSpace} } } }
  knn: { type: itemknn, search: { space: { topK: { int: [5, 50] } } } }
  plain: { type: baseline }
`;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'deeprec-search-plugin-'));
  mkdirSync(join(root, 'configs/experiments'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function infer(text: string): Record<string, any> {
  writeFileSync(join(root, FILE), text);
  const byName: Record<string, any> = {};
  for (const [, { projects }] of plugin.createNodesFromConfigFiles([FILE], undefined, { workspaceRoot: root })) {
    for (const project of Object.values(projects)) byName[project.name] = project;
  }
  return byName;
}

/** Hash of every trial target, by project name. */
function trialHashes(projects: Record<string, any>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(projects)
      .filter(([, p]) => p.targets.trial)
      .map(([name, p]) => [name, p.targets.trial.options.env[plugin.HASH_ENV] as string]),
  );
}

const searchJs = require('./search') as {
  trialDependencies: (algorithm: string, index: number, startupTrials: number) => number[];
  SEARCH_DEFAULTS: { algorithm: string; trials: number; startupTrials: number };
};

describe('nx plugin: search trials', () => {
  it("declares the dependencies @deeprec/search's samplers read, with the same defaults", () => {
    for (const algorithm of ['grid', 'random', 'tpe'] as const) {
      for (const index of [0, 3, 9, 10, 17]) expect(searchJs.trialDependencies(algorithm, index, 10)).toEqual(dependsOnTrials(algorithm, index, { startupTrials: 10 }));
    }
    expect(searchJs.SEARCH_DEFAULTS.startupTrials).toBe(TPE_DEFAULTS.startupTrials);
  });

  it('one project per trial, a selection per searched model, and train after the selection', () => {
    const p = infer(yaml(3));
    expect(Object.keys(trialHashes(p)).sort()).toEqual(['s-knn-trial-0', 's-knn-trial-1', 's-knn-trial-2', 's-mf-trial-0', 's-mf-trial-1', 's-mf-trial-2']);
    expect(p['s-mf-trial-1'].targets.trial.options.command).toBe(`node packages/cli/bin/deeprec.js trial ${FILE} --model mf --trial 1`);
    expect(p['s-mf-search'].targets.search.options.command).toBe(`node packages/cli/bin/deeprec.js search ${FILE} --select-only --model mf`);
    expect(p['s-mf'].targets.train.dependsOn).toContainEqual({ projects: ['s-mf-search'], target: 'search' });
    expect(p['s-plain'].targets.train.dependsOn).toContainEqual({ projects: ['s-data'], target: 'datagen' });
    expect(p['s-plain-search']).toBeUndefined();
  });

  it('raising the budget adds trials and leaves the earlier trials\' hashes alone; train is unaffected', () => {
    const before = infer(yaml(3));
    const after = infer(yaml(5));
    const old = trialHashes(before);
    const now = trialHashes(after);
    for (const [name, hash] of Object.entries(old)) expect(now[name]).toBe(hash);
    expect(Object.keys(now).filter((n) => !(n in old)).sort()).toEqual(['s-knn-trial-3', 's-knn-trial-4', 's-mf-trial-3', 's-mf-trial-4']);
    expect(after['s-mf'].targets.train.options.env[plugin.HASH_ENV]).toBe(before['s-mf'].targets.train.options.env[plugin.HASH_ENV]);
    expect(after['s-mf-search'].targets.search.options.env[plugin.HASH_ENV]).not.toBe(before['s-mf-search'].targets.search.options.env[plugin.HASH_ENV]);
  });

  it("editing one model's space changes only that model's trials", () => {
    const old = trialHashes(infer(yaml(3)));
    const now = trialHashes(infer(yaml(3, 'l2: { loguniform: [0.01, 1] }')));
    for (const name of Object.keys(old)) {
      if (name.startsWith('s-mf-')) expect(now[name]).not.toBe(old[name]);
      else expect(now[name]).toBe(old[name]);
    }
  });

  it('a time budget chains the trials: each adds up the seconds of the ones before it', () => {
    const p = infer(yaml(3).replace('startupTrials: 2 }', 'startupTrials: 2, seconds: 60 }'));
    const deps = (k: number) => p[`s-knn-trial-${k}`].targets.trial.dependsOn.filter((d: any) => typeof d !== 'string' && d.target === 'trial');
    expect(deps(0)).toEqual([]);
    expect(deps(2)).toEqual([{ projects: ['s-knn-trial-0', 's-knn-trial-1'], target: 'trial' }]);
  });

  it('tpe: start-up trials depend on the data only, later ones on every earlier trial', () => {
    const p = infer(yaml(4, undefined, 'tpe'));
    const deps = (k: number) => p[`s-mf-trial-${k}`].targets.trial.dependsOn.filter((d: any) => typeof d !== 'string' && d.target === 'trial');
    expect(deps(0)).toEqual([]);
    expect(deps(1)).toEqual([]);
    expect(deps(2)).toEqual([{ projects: ['s-mf-trial-0', 's-mf-trial-1'], target: 'trial' }]);
    expect(deps(3)).toEqual([{ projects: ['s-mf-trial-0', 's-mf-trial-1', 's-mf-trial-2'], target: 'trial' }]);
  });
});
