/**
 * Hyper-parameter search as artifacts (issue 11): one trial at a time (writeTrial: the
 * values the sampler proposes, trained and measured on validation), then the selection
 * (writeSelected: the best trial on the validation objective). The train stage then
 * trains the model with the selected values (the CLI passes it a config with them
 * applied), and evaluate scores that one model on test: no other trial ever is.
 *
 * Trials are seeded: trial k's values depend on (experiment seed, space, k) and, for
 * tpe after its start-up trials, on the trials before it (@deeprec/search). Each trial
 * is its own Nx task; `deeprec search` runs them in order and reuses a trial whose
 * recorded config hash matches.
 */
import { join } from 'node:path';
import { ArtifactCatalogue, HISTORY_SCHEMA, openDataset, readTrialRecord, writeArtifactDir, writeSelectedRecord, writeTable, writeTrialRecord, type SelectedRecord, type TrialRecord } from '@deeprec/artifacts';
import { ConfigError, hashValue, type Logger } from '@deeprec/base';
import { portableConfig, searchOf, type ExperimentConfig, type ParamSpecInput, type ResolvedSearch } from '@deeprec/config';
import { dependsOnTrials, proposeTrial, type Observation, type Params, type ParamSpec, type Space } from '@deeprec/search';
import { historyColumns, modelConfigOf } from './run';
import { runTrial } from './trial';

/** The sampler's space: choice values that are lists (layer widths) travel as JSON text. */
export function samplerSpace(space: Record<string, ParamSpecInput>): Space {
  const out: Space = {};
  for (const [key, spec] of Object.entries(space)) {
    let p: ParamSpec;
    if ('choice' in spec) p = { type: 'choice', values: spec.choice.map((v) => (Array.isArray(v) ? JSON.stringify(v) : v)) };
    else if ('uniform' in spec) p = { type: 'uniform', low: spec.uniform[0], high: spec.uniform[1] };
    else if ('loguniform' in spec) p = { type: 'loguniform', low: spec.loguniform[0], high: spec.loguniform[1] };
    else if ('int' in spec) p = { type: 'int', low: spec.int[0], high: spec.int[1] };
    else p = { type: 'quniform', low: spec.quniform[0], high: spec.quniform[1], q: spec.quniform[2] };
    out[key] = p;
  }
  return out;
}

/** The sampler's values back in config terms (lists parsed back). */
export function configValues(space: Record<string, ParamSpecInput>, params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const spec = space[key];
    out[key] = spec && 'choice' in spec && spec.choice.some(Array.isArray) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return out;
}

/** The search of a model, or a ConfigError naming the model. */
export function requireSearch(config: ExperimentConfig, model: string): ResolvedSearch {
  modelConfigOf(config, model);
  const search = searchOf(config, model);
  if (!search) throw new ConfigError(`models.${model}.search: model ${model} has no search section (expected search.space)`);
  return search;
}

/** Lower is better for the sampler: maximised objectives are negated; NaN stays NaN. */
export function samplerLoss(value: number, direction: ResolvedSearch['direction']): number {
  return direction === 'minimize' ? value : -value;
}

/** What a trial reads from the config: its hash decides whether `deeprec search` may reuse it. */
export function trialHash(config: ExperimentConfig, model: string, index: number, params: Record<string, unknown>): string {
  const { search: _search, ...section } = config.models[model] ?? {};
  // portable: the hash is the same in every clone (paths relative to the workspace)
  return hashValue({ seed: config.seed, data: portableConfig(config).data, split: config.split, model: section, search: searchOf(config, model), index, params });
}

export interface TrialRequest {
  config: ExperimentConfig;
  model: string;
  index: number;
  /** The experiment's config with the trial's values applied to the model (the CLI loads it with --set overrides). */
  withValues(values: Record<string, unknown>): ExperimentConfig;
  /** Reuse trial.json when its config hash matches (deeprec search); Nx decides by itself. */
  reuse?: boolean;
}

/** Runs one trial and writes search/<model>/trial-<index>/ atomically; returns its record. */
export async function writeTrial(request: TrialRequest, artifactsRoot: string, log: Logger): Promise<TrialRecord> {
  const { config, model, index } = request;
  const search = requireSearch(config, model);
  if (index >= search.trials) throw new ConfigError(`--trial ${index}: models.${model} has a budget of ${search.trials} trials (0 to ${search.trials - 1})`);
  const catalogue = new ArtifactCatalogue(artifactsRoot, config.name);
  const paths = catalogue.search(model);
  const tpe = { startupTrials: search.startupTrials };
  const previous: Observation[] = dependsOnTrials(search.algorithm, index, tpe).map((k) => {
    const record = readTrialRecord(paths.trial(k).json);
    return { params: samplerValues(record.params), loss: samplerLoss(record.value, search.direction) };
  });
  const space = samplerSpace(search.space);
  const base = { experiment: config.name, model, index, algorithm: search.algorithm, objective: search.objective, direction: search.direction, seed: config.seed };
  if (search.seconds !== undefined) {
    // A time budget: the trials before this one (all run, in order) may have spent it.
    const spent = Array.from({ length: index }, (_, k) => readTrialRecord(paths.trial(k).json).trainSeconds).reduce((a, b) => a + b, 0);
    if (spent >= search.seconds) {
      const record: TrialRecord = { ...base, params: {}, value: Number.NaN, note: `time budget spent (${spent.toFixed(1)} s of ${search.seconds} s)`, trainSeconds: 0, epochs: 0, bestEpoch: 0, configHash: trialHash(config, model, index, {}) };
      await writeArtifactDir(paths.trial(index).dir, (dir) => writeTrialRecord(join(dir, 'trial.json'), record));
      log.info(`search ${config.name}/${model} trial ${index}: skipped, ${record.note}`);
      return record;
    }
  }
  let params: Record<string, unknown>;
  try {
    params = configValues(search.space, proposeTrial(search.algorithm, space, index, previous, config.seed, tpe));
  } catch (error) {
    if (!(error instanceof RangeError) || search.algorithm !== 'grid') throw error;
    // A budget above the grid's size: the extra trials record that the grid is spent.
    const record: TrialRecord = { ...base, params: {}, value: Number.NaN, note: `grid exhausted (${error.message})`, trainSeconds: 0, epochs: 0, bestEpoch: 0, configHash: trialHash(config, model, index, {}) };
    await writeArtifactDir(paths.trial(index).dir, (dir) => writeTrialRecord(join(dir, 'trial.json'), record));
    return record;
  }
  const configHash = trialHash(config, model, index, params);
  if (request.reuse) {
    try {
      const old = readTrialRecord(paths.trial(index).json);
      if (old.configHash === configHash) {
        log.info(`search ${config.name}/${model} trial ${index}: unchanged, reused`);
        return old;
      }
    } catch {
      // no usable record: run the trial
    }
  }
  const trialConfig = request.withValues(params);
  const modelConfig = modelConfigOf(trialConfig, model);
  const data = openDataset(catalogue);
  const train = data.ratingSource('train', 0);
  const label = `search ${config.name}/${model} trial ${index}`;
  let outcome: ReturnType<typeof runTrial>;
  try {
    outcome = runTrial(modelConfig, search.objective, { info: { ...data.info, ...data.info.folds[0] }, train, valid: data.ratings('valid', 0), sideTables: { users: data.users(), items: data.items() } }, config.seed, log, label);
  } finally {
    train.close();
  }
  const record: TrialRecord = {
    ...base,
    params,
    value: outcome.value,
    trainSeconds: outcome.details.trainSeconds,
    epochs: outcome.details.epochs,
    bestEpoch: outcome.details.bestEpoch,
    configHash,
  };
  await writeArtifactDir(paths.trial(index).dir, (dir) => {
    writeTrialRecord(join(dir, 'trial.json'), record);
    writeTable(join(dir, 'history.arrow'), HISTORY_SCHEMA, historyColumns(outcome.history, null));
  });
  log.info(`${label}: ${search.objective} ${Number.isNaN(outcome.value) ? '–' : outcome.value.toFixed(4)} with ${JSON.stringify(params)}`);
  return record;
}

/** A recorded trial's values in the sampler's terms (lists as JSON text, as samplerSpace made them). */
function samplerValues(params: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(params)) out[key] = Array.isArray(value) ? JSON.stringify(value) : (value as Params[string]);
  return out;
}

/** Pure: the best trial on the validation objective (ties: the earlier trial); undefined when none has a value. */
export function selectTrial(trials: readonly TrialRecord[], direction: ResolvedSearch['direction']): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  for (const t of trials) {
    if (Number.isNaN(t.value)) continue;
    if (!best || (direction === 'minimize' ? t.value < best.value : t.value > best.value)) best = t;
  }
  return best;
}

/** Reads every trial of a model, selects on validation, writes search/<model>/selected/selected.json. */
export async function writeSelected(config: ExperimentConfig, model: string, artifactsRoot: string, log: Logger): Promise<SelectedRecord> {
  const search = requireSearch(config, model);
  const paths = new ArtifactCatalogue(artifactsRoot, config.name).search(model);
  const trials = Array.from({ length: search.trials }, (_, k) => readTrialRecord(paths.trial(k).json));
  const best = selectTrial(trials, search.direction);
  if (!best) throw new ConfigError(`models.${model}.search: none of the ${trials.length} trials gave a validation ${search.objective} (${trials[0]?.note ?? 'no value'})`);
  const record: SelectedRecord = {
    experiment: config.name,
    model,
    algorithm: search.algorithm,
    objective: search.objective,
    direction: search.direction,
    trials: trials.length,
    trainSeconds: trials.reduce((n, t) => n + t.trainSeconds, 0),
    selected: best.index,
    params: best.params,
    value: best.value,
    history: trials.map((t) => ({ index: t.index, params: t.params, value: t.value, trainSeconds: t.trainSeconds, ...(t.note ? { note: t.note } : {}) })),
  };
  await writeArtifactDir(paths.selected.dir, (dir) => writeSelectedRecord(join(dir, 'selected.json'), record));
  log.info(`search ${config.name}/${model}: trial ${best.index} of ${trials.length} selected on ${search.objective} ${best.value.toFixed(4)}: ${JSON.stringify(best.params)}`);
  return record;
}
