import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '@deeprec/base';
import { configJsonSchema } from './jsonSchema';
import { loadConfig } from './resolve';

const repo = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'deeprec-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default of a minimal config', () => {
    const config = loadConfig(file('min.yaml', 'name: t\nmodels:\n  a: { type: ncf }\n'));
    expect(config.seed).toBe(42);
    expect(config.data.synthetic).toMatchObject({ users: 500, items: 300, ratings: 3000, noise: 0.3, scale: { min: 1, max: 5 } });
    expect(config.split).toEqual({ method: 'random', test: 0.2, valid: 0.1, cutoff: 'global', folds: 5, negatives: 0 });
    expect(config.models.a).toMatchObject({ name: 'a', type: 'ncf', embeddingDim: 32, layers: [64, 32, 16], dropout: 0.2, initializer: 'glorot' });
    expect(config.models.a?.train).toMatchObject({ epochs: 40, batchSize: 256, optimizer: { name: 'adam', learningRate: 0.001 } });
  });

  it('accepts the DESIGN example as written and resolves data.path against the YAML file', () => {
    const path = join(repo, 'configs/examples/ml100k-design.yaml');
    const config = loadConfig(path);
    expect(Object.keys(config.models)).toEqual(['ncf', 'widedeep', 'neumf']);
    expect(config.data.path).toBe(resolve(repo, 'configs/examples', '../../data/ml-100k'));
    expect(config.split).toMatchObject({ method: 'predefined', train: 'u1.base', test: 'u1.test', valid: 0.1 });
  });

  it('validates every shipped YAML', () => {
    const checked: string[] = [];
    for (const folder of ['configs/experiments', 'configs/examples']) {
      for (const name of readdirSync(join(repo, folder)).filter((f) => f.endsWith('.yaml'))) {
        // A ConfigError here names the file and line; a loaded config knows where it came from.
        const path = join(repo, folder, name);
        const config = loadConfig(path);
        expect([config.configPath, config.name]).toEqual([path, /^name:\s*([a-z0-9-]+)/m.exec(readFileSync(path, 'utf8'))?.[1]]);
        checked.push(`${folder}/${name}`);
      }
    }
    // Not vacuous: the shipped configs the README names are among those checked.
    expect(checked).toEqual(expect.arrayContaining(['configs/experiments/synthetic.yaml', 'configs/examples/ml100k-design.yaml', 'configs/examples/movielens-100k.yaml']));
  });

  it('merges a model train override over the top-level train, deeply', () => {
    const config = loadConfig(
      file('merge.yaml', 'name: t\ntrain:\n  epochs: 7\n  optimizer: { name: sgd, learningRate: 0.1 }\nmodels:\n  a: { type: ncf, train: { optimizer: { learningRate: 0.5 } } }\n  b: { type: neumf }\n'),
    );
    expect(config.models.a?.train.optimizer).toMatchObject({ name: 'sgd', learningRate: 0.5 });
    expect(config.models.a?.train.epochs).toBe(7);
    expect(config.models.b?.train.optimizer).toMatchObject({ name: 'sgd', learningRate: 0.1 });
  });

  it('resolves a --set data.path against the working directory, a YAML one against the YAML file', () => {
    const path = file('paths.yaml', 'name: t\ndata: { source: movielens-100k, path: rel/ml }\nmodels:\n  a: { type: ncf }\n');
    expect(loadConfig(path).data.path).toBe(join(dir, 'rel/ml'));
    expect(loadConfig(path, ['data.path=other/ml']).data.path).toBe(resolve(process.cwd(), 'other/ml'));
  });

  it('fills the documented defaults of a classic model and accepts both feedbacks where it has a meaning', () => {
    const explicit = loadConfig(file('knn-x.yaml', 'name: t\nmodels:\n  a: { type: itemknn }\n  s: { type: svdpp, factors: 8 }\n'));
    expect(explicit.models.a).toMatchObject({ type: 'itemknn', similarity: 'auto', norms: 'auto', topK: 100, shrink: 10, ratingNeighbours: 40 });
    expect(explicit.models.s).toMatchObject({ type: 'svdpp', factors: 8, epochs: 20, lrBias: 0.007, regFactors: 0.02 });
    const implicit = loadConfig(file('knn-i.yaml', 'name: t\ndata: { feedback: implicit }\nmodels:\n  a: { type: userknn }\n  e: { type: ease }\n  i: { type: ials }\n'));
    expect(implicit.models.e).toMatchObject({ lambda: 500, maxItems: 20000 });
    expect(implicit.models.i).toMatchObject({ dim: 64, epochs: 16, unobservedWeight: 0.3 });
  });

  it('applies --set overrides with YAML values', () => {
    const path = file('set.yaml', 'name: t\nmodels:\n  a: { type: ncf }\n');
    const config = loadConfig(path, ['models.a.layers=[8, 4]', 'train.epochs=3', 'data.synthetic.users=20']);
    expect(config.models.a).toMatchObject({ layers: [8, 4], train: { epochs: 3 } });
    expect(config.data.synthetic.users).toBe(20);
  });

  const cases: Array<[string, string, string[], string]> = [
    ['bad.yaml', 'name: t\nmodels:\n  a: { type: ncf\n', [], 'bad.yaml:4:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }'],
    ['unknown.yaml', 'name: t\ntrain:\n  epoch: 3\nmodels:\n  a: { type: ncf }\n', [], 'unknown.yaml:3: train.epoch: unknown key in train'],
    ['top.yaml', 'name: t\nbogus: 1\nmodels:\n  a: { type: ncf }\n', [], 'top.yaml:2: bogus: unknown key in the top level'],
    ['type.yaml', 'name: t\nmodels:\n  a: { type: bar }\n', [], "type.yaml:3: models.a.type: unknown model type 'bar'; expected one of: ncf, widedeep, neumf, baseline, mf, popularity, lightgcn, autorec, glocalk, multdae, multvae, itemknn, userknn, rp3beta, ease, ials, puresvd, svdpp"],
    ['neg.yaml', 'name: t\ntrain:\n  epochs: -3\nmodels:\n  a: { type: ncf }\n', [], 'neg.yaml:3: train.epochs: expected a number >= 1, found -3'],
    ['name.yaml', 'name: ../x\nmodels:\n  a: { type: ncf }\n', [], "name.yaml:1: name: expected an experiment name: lowercase letters, digits and '-' ([a-z0-9-]+), found '../x'"],
    ['mname.yaml', 'name: t\nmodels:\n  ../a: { type: ncf }\n', [], "mname.yaml:3: models: key '../a': expected a model name: lowercase letters, digits and '-' ([a-z0-9-]+)"],
    ['drop.yaml', 'name: t\nmodels:\n  a: { type: ncf, dropout: 1.5 }\n', [], 'drop.yaml:3: models.a.dropout: expected a number < 1, found 1.5'],
    ['over.yaml', 'name: t\nmodels:\n  a:\n    type: ncf\n    train: { epochs: 0 }\n', [], 'over.yaml:5: models.a.train.epochs: expected a number >= 1, found 0'],
    ['enum.yaml', 'name: t\nsplit: { method: sideways }\nmodels:\n  a: { type: ncf }\n', [], "enum.yaml:2: split.method: expected one of random, user-stratified, temporal, leave-one-out, predefined, k-fold, found 'sideways'"],
    ['noname.yaml', 'seed: 1\nmodels:\n  a: { type: ncf }\n', [], 'noname.yaml:1: name: is required (expected string)'],
    ['nomodels.yaml', 'name: t\nmodels: {}\n', [], 'nomodels.yaml:2: models: expected at least one model, found a section'],
    ['list.yaml', '- a\n- b\n', [], 'list.yaml: expected a YAML mapping of sections (name, data, models, ...), found a list'],
    ['set1.yaml', 'name: t\nmodels:\n  a: { type: ncf }\n', ['train.epochs=abc'], "--set train.epochs: expected number, found 'abc'"],
    ['mode1.yaml', 'name: t\nmodels:\n  a: { type: ease }\n', [], 'mode1.yaml:3: models.a.type: ease works with data.feedback implicit, found explicit (item-item regression on the interaction matrix that ranks items; it has no rating form)'],
    ['mode2.yaml', 'name: t\ndata: { feedback: implicit }\nmodels:\n  a: { type: svdpp }\n', [], 'mode2.yaml:4: models.a.type: svdpp works with data.feedback explicit, found implicit (SVD++ regresses rating values; on implicit data every target is 1 (use ials))'],
    ['knn.yaml', 'name: t\nmodels:\n  a: { type: itemknn, topK: 0 }\n', [], 'knn.yaml:3: models.a.topK: expected a number >= 1, found 0'],
    ['set2.yaml', 'name: t\nmodels:\n  a: { type: ncf }\n', ['nokey'], '--set nokey: expected key=value, e.g. --set models.ncf.dropout=0.3'],
  ];
  it.each(cases)('%s: rejects with one precise message', (name, text, overrides, message) => {
    const path = file(name, text);
    const got = errorOf(() => loadConfig(path, overrides));
    expect(got).toBe(message.startsWith(name) ? join(dir, message) : message);
  });

  it('names a missing config file', () => {
    expect(errorOf(() => loadConfig(join(dir, 'nope.yaml')))).toBe(`${join(dir, 'nope.yaml')}: config file not found`);
  });
});

describe('config.schema.json', () => {
  it('is the schema generated from the zod config schema (regenerate with npm run schema)', () => {
    const committed = JSON.parse(readFileSync(join(repo, 'packages/config/config.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(configJsonSchema());
  });
});
