/**
 * Validation at the edge: a ConfigSource in, a fully resolved ExperimentConfig out,
 * or one ConfigError naming file:line, key path, what was expected and what was found.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '@deeprec/base';
import { pathBase } from './portablePaths';
import { formatPath, loadConfigSource, type ConfigSource, type KeyPath } from './yamlSource';
import { resolveSearch, type ParamSpecInput, type ResolvedSearch } from './searchSchema';
import { MODEL_SCHEMAS, MODEL_TRAITS, MODEL_TYPES } from './modelSchemas';
import {
  ExperimentSchema,
  TrainSchema,
  type ExperimentConfig,
  type ParsedExperimentConfig,
  type ResolvedModelConfig,
} from './schema';

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `a list (${JSON.stringify(value)})`;
  if (typeof value === 'object') return 'a section';
  return String(value);
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key as string];
  }
  return node;
}

function expectation(issue: z.core.$ZodIssue, found: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return found === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, found ${describeValue(found)}`;
    case 'too_small': {
      const bound = String(issue.minimum);
      if (issue.origin === 'array') return `expected at least ${bound} ${bound === '1' ? 'entry' : 'entries'}, found ${(found as unknown[]).length}`;
      if (issue.origin === 'string') return `expected a non-empty string`;
      return `expected a number ${issue.inclusive ? '>=' : '>'} ${bound}, found ${describeValue(found)}`;
    }
    case 'too_big':
      return `expected a number ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, found ${describeValue(found)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}, found ${describeValue(found)}`;
    case 'invalid_format':
      return `${issue.message}, found ${describeValue(found)}`;
    case 'invalid_union':
      return `expected ${issue.message === 'Invalid input' ? 'a value of another type' : issue.message}, found ${describeValue(found)}`;
    default:
      return `${issue.message}${found === undefined ? '' : `, found ${describeValue(found)}`}`;
  }
}

/** Turns the first zod issue into a ConfigError. `prefix` re-roots paths (for per-model train). */
function toConfigError(source: ConfigSource, error: z.ZodError, root: unknown, prefix: KeyPath = []): ConfigError {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const issuePath = issue.path as Array<string | number>;
  if (issue.code === 'unrecognized_keys') {
    const path = [...prefix, ...issuePath, issue.keys[0] as string];
    const parent = issuePath.length === 0 && prefix.length === 0 ? 'the top level' : formatPath([...prefix, ...issuePath]);
    return new ConfigError(`${source.locate(path)}: ${formatPath(path)}: unknown key in ${parent}`);
  }
  const path = [...prefix, ...issuePath];
  if (issue.code === 'invalid_key') {
    const key = String(path[path.length - 1]);
    const detail = (issue.issues[0]?.message ?? 'invalid key').replace(/^expected /, '');
    return new ConfigError(`${source.locate(path)}: ${formatPath(path.slice(0, -1))}: key '${key}': expected ${detail}`);
  }
  const found = valueAt(root, issuePath);
  const where = source.locate(path);
  // An override names its key already: `--set train.epochs: expected ...`.
  const what = where === `--set ${formatPath(path)}` ? where : `${where}: ${formatPath(path)}`;
  return new ConfigError(`${what}: ${expectation(issue, found)}`);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = deepMerge(out[k], v);
    return out;
  }
  return over;
}

/** Checks model types before the union, so an unknown type lists the known ones. */
function checkModelTypes(source: ConfigSource, raw: Record<string, unknown>): void {
  const models = raw.models;
  if (!models || typeof models !== 'object' || Array.isArray(models)) return;
  for (const [name, section] of Object.entries(models as Record<string, unknown>)) {
    if (!section || typeof section !== 'object') continue;
    const type = (section as Record<string, unknown>).type;
    if (!MODEL_TYPES.includes(type as never)) {
      const path = ['models', name, 'type'];
      const what = type === undefined ? 'is required' : `unknown model type ${describeValue(type)}`;
      throw new ConfigError(`${source.locate(path)}: ${formatPath(path)}: ${what}; expected one of: ${MODEL_TYPES.join(', ')}`);
    }
  }
}

/** The values at both ends of a distribution (every value of a choice): what checkSearchSpaces tries. */
function endpoints(spec: ParamSpecInput): unknown[] {
  if ('choice' in spec) return spec.choice;
  if ('uniform' in spec) return spec.uniform;
  if ('loguniform' in spec) return spec.loguniform;
  if ('int' in spec) return spec.int;
  return [spec.quniform[0], spec.quniform[1]];
}

function withValue(section: unknown, path: readonly string[], value: unknown): Record<string, unknown> {
  const base = section && typeof section === 'object' && !Array.isArray(section) ? (section as Record<string, unknown>) : {};
  const [head, ...rest] = path as [string, ...string[]];
  return { ...base, [head]: rest.length === 0 ? value : withValue(base[head], rest, value) };
}

/** Every key of a model's search space must take the values at both ends of its range under the model's schema. */
function checkSearchSpaces(source: ConfigSource, raw: Record<string, unknown>, config: ParsedExperimentConfig): void {
  const rawModels = (raw.models ?? {}) as Record<string, unknown>;
  for (const [name, section] of Object.entries(config.models)) {
    const space = section.search?.space;
    if (!space) continue;
    for (const [key, spec] of Object.entries(space)) {
      const path = key.split('.');
      const where = ['models', name, 'search', 'space', key];
      const at = `${source.locate(where)}: ${formatPath(where)}`;
      if (path[0] === 'type' || path[0] === 'search') throw new ConfigError(`${at}: expected a hyper-parameter of the model, found '${key}'`);
      for (const value of endpoints(spec)) {
        const trial = withValue(rawModels[name], path, value);
        const parsed = MODEL_SCHEMAS[section.type].safeParse(trial);
        const train = path[0] === 'train' && parsed.success ? TrainSchema.safeParse(deepMerge(raw.train ?? {}, trial.train)) : undefined;
        const error = !parsed.success ? parsed.error : train && !train.success ? train.error : undefined;
        if (error) {
          const issue = error.issues[0] as z.core.$ZodIssue;
          const what = issue.code === 'unrecognized_keys' ? `models.${name} has no key '${key}'` : `${JSON.stringify(value)} is not a valid ${key} (${formatPath(issue.path as Array<string | number>)}: ${issue.message})`;
          throw new ConfigError(`${at}: ${what}`);
        }
      }
    }
  }
}

/** A model's search with the top-level settings filled in; undefined when the model has no search section. */
export function searchOf(config: ExperimentConfig, model: string): ResolvedSearch | undefined {
  const section = config.models[model]?.search;
  return section ? resolveSearch(config.search, section, config.data.feedback) : undefined;
}

/** --set overrides that put a trial's values into a model's section (JSON is YAML). */
export function paramOverrides(model: string, params: Record<string, unknown>): string[] {
  return Object.entries(params).map(([key, value]) => `models.${model}.${key}=${JSON.stringify(value)}`);
}

/** A model type with no meaning for the data's feedback (svdpp on implicit data, ease on ratings) stops here. */
function checkFeedback(source: ConfigSource, config: ParsedExperimentConfig): void {
  const feedback = config.data.feedback;
  for (const [name, section] of Object.entries(config.models)) {
    const traits = MODEL_TRAITS[section.type];
    if (traits.feedback.includes(feedback)) continue;
    const path = ['models', name, 'type'];
    throw new ConfigError(
      `${source.locate(path)}: ${formatPath(path)}: ${section.type} works with data.feedback ${traits.feedback.join(' or ')}, found ${feedback} (${traits.why ?? 'no meaning for this feedback'})`,
    );
  }
}

export function resolveConfig(source: ConfigSource): ExperimentConfig {
  const raw = source.value as Record<string, unknown>;
  checkModelTypes(source, raw);
  const parsed = ExperimentSchema.safeParse(raw);
  if (!parsed.success) throw toConfigError(source, parsed.error, raw);
  const config: ParsedExperimentConfig = parsed.data;

  const models: Record<string, ResolvedModelConfig> = {};
  for (const [name, section] of Object.entries(config.models)) {
    const override = section.train ?? {};
    const merged = deepMerge(raw.train ?? {}, override);
    const train = TrainSchema.safeParse(merged);
    if (!train.success) {
      const inOverride = valueAt(override, (train.error.issues[0]?.path ?? []) as KeyPath) !== undefined;
      const prefix = inOverride ? ['models', name, 'train'] : ['train'];
      throw toConfigError(source, train.error, inOverride ? override : merged, prefix);
    }
    const { train: _ignored, ...rest } = section;
    models[name] = { ...rest, name, train: train.data } as ResolvedModelConfig;
  }
  checkFeedback(source, config);
  checkSearchSpaces(source, raw, config);
  if (config.split.method === 'predefined' && (typeof config.split.test !== 'string' || !config.split.train)) {
    throw new ConfigError(`${source.locate(['split'])}: split: method predefined expects split.train and split.test to name files inside data.path`);
  }
  if (config.split.method !== 'predefined' && typeof config.split.test === 'string') {
    throw new ConfigError(`${source.locate(['split', 'test'])}: split.test: expected a fraction between 0 and 1 for method ${config.split.method}, found '${config.split.test}'`);
  }
  const tryItModel = config.report.tryIt.model;
  if (tryItModel !== undefined && !(tryItModel in models)) {
    throw new ConfigError(`${source.locate(['report', 'tryIt', 'model'])}: report.tryIt.model: expected one of the models (${Object.keys(models).join(', ')}), found '${tryItModel}'`);
  }
  if (config.data.source !== 'synthetic' && !config.data.path) {
    throw new ConfigError(`${source.locate(['data'])}: data.path: is required for source ${config.data.source}`);
  }
  const configPath = resolve(source.file);
  // A path in the YAML is relative to the YAML file; one given with --set, to the working directory.
  const base = source.overridden(['data', 'path']) ? process.cwd() : dirname(configPath);
  const data = config.data.path && !isAbsolute(config.data.path) ? { ...config.data, path: resolve(base, config.data.path) } : config.data;
  // Absolute paths the config gave name a fixed place: artifacts show them as given (portablePaths.ts).
  const givenAbsolute = [config.data.path, config.data.csv.path].filter((p): p is string => p !== undefined && isAbsolute(p));
  return { ...config, data, configPath, paths: pathBase(configPath, givenAbsolute), models };
}

/** Reads, overrides, validates and resolves an experiment config file. */
export function loadConfig(file: string, overrides: readonly string[] = []): ExperimentConfig {
  return resolveConfig(loadConfigSource(file, overrides));
}
