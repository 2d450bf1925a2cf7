/** The stage commands: each resolves paths and calls one stage's I/O function. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { countItems } from '@deeprec/artifacts';
import { ConfigError, DeeprecError } from '@deeprec/base';
import { PIPELINE_STAGES, configSliceOf, paramOverrides, searchOf, type ConfigSlice, type ExperimentConfig, type StageName } from '@deeprec/config';
import { loadSource, runDatagen, splitTables, writeDatagen } from '@deeprec/datagen';
import { loadRecommender, recommendAll, recommendForUser, writeEvaluate, writeRecommendations, type UserRecommendations } from '@deeprec/evaluate';
import { buildModel, classicFactory, isClassic, modelContext, modelParams } from '@deeprec/models';
import { writeExperimentReport, writeIndexReport } from '@deeprec/report';
import { ArtifactCatalogue, readSelectedRecord } from '@deeprec/artifacts';
import { checkMonitor, checkObjective, modelConfigOf, requireSearch, resolveLoss, writeSelected, writeTrain, writeTrial } from '@deeprec/train';
import type { CommandContext } from './context';
import { formatSummary, runQueue } from './fanout/queue';
import { redisConnection, requireRemoteCache } from './fanout/protocol';
import { defaultWorkerName, runWorker } from './fanout/worker';
import { DEFAULT_MAX_ENTRY_BYTES, TOKEN_RO_ENV, TOKEN_RW_ENV, startCacheServer } from './cacheServer';
import { SERVE_DEFAULTS, serveUntilStopped } from '@deeprec/serve';

/** Runs one stage for one experiment; `model` is given exactly for the stages that run per model. */
export type StageRunner = (ctx: CommandContext, config: ExperimentConfig, model: string | undefined) => Promise<void>;
export type StageRunners = Record<StageName, StageRunner>;

function modelOf(stage: StageName, model: string | undefined): string {
  if (model === undefined) throw new DeeprecError('internal', `stage ${stage} runs per model: expected a model name, found none`);
  return model;
}

/** What each stage of the pipeline table runs. */
export const STAGE_RUNNERS: StageRunners = {
  async datagen(ctx, config) {
    await writeDatagen(config, ctx.artifactsRoot, ctx.log);
  },
  async search(ctx, config, model) {
    const name = modelOf('search', model);
    const search = searchOf(config, name);
    if (!search) {
      ctx.log.debug(`search ${config.name}/${name}: no search section, nothing to do`);
      return;
    }
    await ctx.backend();
    for (let index = 0; index < search.trials; index += 1) {
      await writeTrial({ config, model: name, index, withValues: (values) => ctx.config(config.configPath, paramOverrides(name, values)), reuse: true }, ctx.artifactsRoot, ctx.log);
    }
    await writeSelected(config, name, ctx.artifactsRoot, ctx.log);
  },
  async train(ctx, config, model) {
    const name = modelOf('train', model);
    modelConfigOf(config, name);
    const backend = await ctx.backend();
    await writeTrain(withSelected(ctx, config, name), name, ctx.artifactsRoot, backend, ctx.log);
  },
  async evaluate(ctx, config, model) {
    const name = modelOf('evaluate', model);
    modelConfigOf(config, name);
    await ctx.backend();
    await writeEvaluate(config, name, ctx.artifactsRoot, ctx.log);
  },
  async report(ctx, config) {
    const file = await writeExperimentReport(ctx.artifactsRoot, config);
    ctx.log.info(`report: ${file}`);
  },
};

/**
 * The config train uses: with a search section, the selected trial's values applied to
 * the model (search/<model>/selected/selected.json, chosen on validation only).
 */
export function withSelected(ctx: CommandContext, config: ExperimentConfig, model: string): ExperimentConfig {
  if (!searchOf(config, model)) return config;
  const selected = readSelectedRecord(new ArtifactCatalogue(ctx.artifactsRoot, config.name).search(model).selected.json);
  return ctx.config(config.configPath, paramOverrides(model, selected.params));
}

/** One trial of a model's search (an Nx task each). */
export async function trial(ctx: CommandContext, configPath: string, model: string, index: number): Promise<void> {
  const config = ctx.config(configPath);
  requireSearch(config, model);
  checkLosses(config);
  await ctx.backend();
  await writeTrial({ config, model, index, withValues: (values) => ctx.config(configPath, paramOverrides(model, values)) }, ctx.artifactsRoot, ctx.log);
}

/** Every trial of a model's search (or of every model with one), then the selection; --select-only: the selection alone. */
export async function search(ctx: CommandContext, configPath: string, model: string | undefined, selectOnly: boolean): Promise<void> {
  const config = ctx.config(configPath);
  const models = model === undefined ? Object.keys(config.models).filter((m) => searchOf(config, m)) : [model];
  if (models.length === 0) throw new ConfigError(`search: no model of ${config.configPath} has a search section (models.<name>.search.space)`);
  checkLosses(config);
  for (const m of models) {
    requireSearch(config, m);
    if (selectOnly) await writeSelected(config, m, ctx.artifactsRoot, ctx.log);
    else await STAGE_RUNNERS.search(ctx, config, m);
  }
}

export async function datagen(ctx: CommandContext, configPath: string): Promise<void> {
  await STAGE_RUNNERS.datagen(ctx, ctx.config(configPath), undefined);
}

export async function train(ctx: CommandContext, configPath: string, model: string): Promise<void> {
  await STAGE_RUNNERS.train(ctx, ctx.config(configPath), model);
}

export async function evaluate(ctx: CommandContext, configPath: string, model: string): Promise<void> {
  await STAGE_RUNNERS.evaluate(ctx, ctx.config(configPath), model);
}

/** Every experiment config in a folder (configs/experiments by default), in name order. */
export function experimentConfigs(ctx: CommandContext, dir: string): ExperimentConfig[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  } catch (error) {
    throw new ConfigError(`--configs ${dir}: cannot list experiment configs (${(error as Error).message})`, { cause: error });
  }
  if (files.length === 0) throw new ConfigError(`--configs ${dir}: expected *.yaml experiment configs, found none`);
  return files.sort().map((f) => ctx.config(join(dir, f)));
}

export async function report(ctx: CommandContext, configPath: string | undefined, all: boolean, configsDir: string): Promise<void> {
  if (all) {
    const file = await writeIndexReport(ctx.artifactsRoot, experimentConfigs(ctx, resolve(configsDir)));
    ctx.log.info(`report: ${file}`);
    return;
  }
  if (!configPath) throw new ConfigError('report: expected a config file or --all');
  await STAGE_RUNNERS.report(ctx, ctx.config(configPath), undefined);
}

/** Every model's loss and early-stopping monitor against the data's feedback, before any stage runs (so a bad one costs no training). */
function checkLosses(config: ExperimentConfig): void {
  for (const model of Object.values(config.models)) {
    resolveLoss(model, config.data.feedback, config.train);
    if (!isClassic(model.type)) checkMonitor(model, config.data.feedback, config.train);
    const search = searchOf(config, model.name);
    if (search) checkObjective(model, search.objective, config.data.feedback);
  }
}

/** One step of `run`: a stage, the model when the stage runs per model, and the config keys its results depend on. */
export interface RunStep {
  stage: StageName;
  model?: string;
  config: ConfigSlice;
}

/**
 * The steps of `deeprec run`: the stages of the pipeline table in its order, each
 * consecutive run of per-model stages model by model (train a, evaluate a, train b,
 * ...): each model's results are complete before the next one trains, and a
 * failing evaluate shows before every model has trained.
 */
export function runPlan(config: Pick<ExperimentConfig, 'models'>): RunStep[] {
  const models = Object.keys(config.models);
  const steps: RunStep[] = [];
  let group: StageName[] = [];
  const flush = () => {
    for (const model of models) for (const stage of group) steps.push({ stage, model, config: configSliceOf(stage, model) });
    group = [];
  };
  for (const stage of PIPELINE_STAGES) {
    if (stage.per === 'model') {
      group.push(stage.name);
      continue;
    }
    flush();
    steps.push({ stage: stage.name, config: configSliceOf(stage.name) });
  }
  flush();
  return steps;
}

function describeSlice(slice: ConfigSlice): string {
  return slice.keys === '*' ? 'the whole config' : [...slice.keys, ...slice.atRun].join(', ');
}

/** All stages of one experiment in the pipeline table's order, without Nx. */
export async function run(ctx: CommandContext, configPath: string, runners: StageRunners = STAGE_RUNNERS): Promise<void> {
  const config = ctx.config(configPath);
  checkLosses(config);
  for (const step of runPlan(config)) {
    ctx.log.debug(`run: ${step.stage}${step.model === undefined ? '' : ` ${step.model}`} (reads ${describeSlice(step.config)})`);
    await runners[step.stage](ctx, config, step.model);
  }
}

/** Config and data checks without training or writing anything. */
export async function validate(ctx: CommandContext, configPath: string): Promise<void> {
  const config = ctx.config(configPath);
  checkLosses(config);
  const data = runDatagen(config, await loadSource(config));
  const { info } = data;
  await ctx.backend();
  const models = Object.values(config.models).map((m) => {
    if (isClassic(m.type)) {
      classicFactory(m.type).checkSize?.(m, info.numUsers, info.numItems);
      return `${m.name} (${m.type}, classic: fitted by train)`;
    }
    const built = buildModel(m, modelContext(info, config.seed, { users: data.users, items: data.items }, () => countItems(splitTables(data).train.item, info.numItems)));
    const params = modelParams(built);
    built.network.dispose();
    return `${m.name} (${m.type}, ${params} parameters)`;
  });
  ctx.log.info(`${config.configPath}: ok`);
  ctx.log.info(`data: ${info.source}, ${info.numUsers} users, ${info.numItems} items, scale ${info.scale.min}-${info.scale.max}; train ${info.counts.train}, valid ${info.counts.valid}, test ${info.counts.test}`);
  ctx.log.info(`models: ${models.join('; ')}`);
}

export interface RecommendArgs {
  model: string;
  /** Raw user id (users.arrow `id`). */
  user?: unknown;
  all?: boolean;
  /** --all: the Arrow file to write, relative to the current folder. */
  out?: unknown;
  /** As typed; default 10. */
  k?: unknown;
  json?: boolean;
}

/** The checked flags of `recommend`: exactly one of --user and --all, --out with --all only, --k a positive integer. */
export function recommendFlags(args: RecommendArgs): { user?: string; out?: string; k: number } {
  const hasUser = args.user !== undefined;
  if (hasUser === Boolean(args.all)) throw new ConfigError('recommend: expected exactly one of --user <raw id> or --all');
  const k = args.k === undefined ? '10' : String(args.k);
  if (!/^[1-9][0-9]*$/.test(k)) throw new ConfigError(`--k: expected a positive integer, found '${k}'`);
  if (hasUser) {
    if (typeof args.user !== 'string' || args.user === '') throw new ConfigError(`--user: expected one raw user id, found '${String(args.user)}'`);
    if (args.out !== undefined) throw new ConfigError('--out: only with --all (--user prints to the terminal)');
    return { user: args.user, k: Number(k) };
  }
  if (typeof args.out !== 'string' || args.out === '') throw new ConfigError('recommend --all: expected --out <file.arrow>');
  return { out: resolve(args.out), k: Number(k) };
}

/** The text table of one user's recommendations (rank, item, title when items.arrow has one, score), with the fallback's first line. */
export function formatRecommendations(r: UserRecommendations): string {
  const lines: string[] = [];
  if (r.fallback) lines.push(`user '${r.user}' is not in the training data; showing the most popular items`);
  if (r.items.length === 0) {
    lines.push(`no items left to recommend to user '${r.user}' (every item was rated in training)`);
    return `${lines.join('\n')}\n`;
  }
  const titled = r.items.some((i) => i.title !== undefined);
  const header = ['rank', 'item', ...(titled ? ['title'] : []), r.fallback ? 'interactions' : 'score'];
  const rows = r.items.map((i) => [String(i.rank), i.item, ...(titled ? [i.title ?? ''] : []), r.fallback ? String(i.score) : i.score.toFixed(4)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
  const last = header.length - 1;
  // numbers right-aligned (rank, score), text left-aligned
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 || c === last ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number)))
      .join('  ')
      .trimEnd();
  lines.push(line(header), ...rows.map(line));
  return `${lines.join('\n')}\n`;
}

/** Top-K recommendations from a trained model: one user to stdout, or every user to an Arrow file. */
export async function recommend(ctx: CommandContext, configPath: string, args: RecommendArgs): Promise<void> {
  const flags = recommendFlags(args);
  const config = ctx.config(configPath);
  modelConfigOf(config, args.model);
  await ctx.backend();
  const started = performance.now();
  const rec = await loadRecommender(config, args.model, ctx.artifactsRoot);
  try {
    if (flags.user !== undefined) {
      const r = recommendForUser(rec, flags.user, flags.k);
      ctx.print(args.json ? `${JSON.stringify(r, null, 2)}\n` : formatRecommendations(r));
      return;
    }
    const table = recommendAll(rec, flags.k);
    const file = flags.out as string;
    writeRecommendations(file, table);
    const summary = { model: args.model, k: flags.k, users: rec.userIds.length, rows: table.rank.length, out: file };
    ctx.log.info(
      `recommend ${config.name}/${args.model}: top ${flags.k} for ${summary.users} users, ${summary.rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${file}`,
    );
    if (args.json) ctx.print(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    rec.scorer.dispose();
  }
}

export interface ServeArgs {
  /** Model names; default every model of the config. */
  models: string[];
  host: string;
  port: number;
  batchWindowMs: number;
  maxBatch: number;
  maxK: number;
  maxPairs: number;
  bodyLimitKb: number;
  watch: boolean;
}

function checkCount(flag: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`--${flag}: expected an integer >= ${min}, found ${String(value)}`);
  return value;
}

/** `deeprec serve`: the HTTP API over saved models (@deeprec/serve) until SIGTERM or SIGINT; SIGHUP reloads. */
export async function serve(ctx: CommandContext, configPath: string, args: ServeArgs): Promise<void> {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new ConfigError(`--port: expected a port number 0-65535, found ${String(args.port)}`);
  if (!(args.batchWindowMs >= 0)) throw new ConfigError(`--batch-window-ms: expected a number of milliseconds >= 0, found ${String(args.batchWindowMs)}`);
  const config = ctx.config(configPath);
  const models = args.models.length > 0 ? [...new Set(args.models)] : Object.keys(config.models);
  for (const model of models) modelConfigOf(config, model);
  await ctx.backend();
  await serveUntilStopped({
    config,
    artifactsRoot: ctx.artifactsRoot,
    models,
    host: args.host,
    port: args.port,
    batch: { windowMs: args.batchWindowMs, maxBatch: checkCount('max-batch', args.maxBatch, 1) },
    limits: { maxK: checkCount('max-k', args.maxK, 1), maxPairs: checkCount('max-pairs', args.maxPairs, 1) },
    bodyLimit: checkCount('body-limit-kb', args.bodyLimitKb, 1) * 1024,
    watch: args.watch,
    watchDebounceMs: SERVE_DEFAULTS.watchDebounceMs,
    log: ctx.log,
  });
}

export interface CacheServerArgs {
  dir: string;
  host: string;
  port: number;
  maxEntryMb?: number;
}

/** `deeprec cache-server`: serves the shared Nx cache until SIGINT or SIGTERM (cacheServer.ts). */
export async function cacheServer(ctx: CommandContext, args: CacheServerArgs): Promise<void> {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new ConfigError(`--port: expected a port number 0-65535, found ${String(args.port)}`);
  const maxEntryBytes = args.maxEntryMb === undefined ? DEFAULT_MAX_ENTRY_BYTES : args.maxEntryMb * 1024 * 1024;
  if (!(maxEntryBytes > 0)) throw new ConfigError(`--max-entry-mb: expected a positive number, found ${String(args.maxEntryMb)}`);
  const tokens = { readWrite: process.env[TOKEN_RW_ENV] || undefined, readOnly: process.env[TOKEN_RO_ENV] || undefined };
  const { server, url } = await startCacheServer({ dir: resolve(args.dir), host: args.host, port: args.port, tokens, maxEntryBytes, log: ctx.log });
  const kinds = [tokens.readWrite ? 'read-write' : '', tokens.readOnly ? 'read-only' : ''].filter(Boolean).join(' and ');
  ctx.log.info(`cache-server: ${url} serving ${resolve(args.dir)} (${kinds} token; entries up to ${maxEntryBytes} bytes)`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export interface QueueArgs {
  redis: string;
  queueName: string;
  attempts: number;
}

/** `deeprec queue`: fans an experiment's train tasks and search trials out to workers (fanout/queue.ts). */
export async function queue(ctx: CommandContext, configPath: string, args: QueueArgs): Promise<void> {
  if (!Number.isInteger(args.attempts) || args.attempts < 1) throw new ConfigError(`--attempts: expected a positive integer, found ${String(args.attempts)}`);
  const config = ctx.config(configPath);
  const summary = await runQueue({
    configPath,
    experiment: config.name,
    redisUrl: args.redis,
    queueName: args.queueName,
    cwd: process.cwd(),
    attempts: args.attempts,
    pollMs: 500,
    log: ctx.log,
  });
  ctx.print(formatSummary(summary));
}

export interface WorkerArgs {
  redis: string;
  queueName: string;
  name?: string;
  lockSeconds: number;
  verbose: boolean;
}

/** `deeprec worker`: runs queued jobs in this checkout until SIGINT or SIGTERM (fanout/worker.ts). */
export async function worker(ctx: CommandContext, args: WorkerArgs): Promise<void> {
  if (!(args.lockSeconds > 0)) throw new ConfigError(`--lock-seconds: expected a positive number, found ${String(args.lockSeconds)}`);
  requireRemoteCache('deeprec worker');
  redisConnection(args.redis);
  await runWorker({
    redisUrl: args.redis,
    queueName: args.queueName,
    cwd: process.cwd(),
    name: args.name ?? defaultWorkerName(),
    lockSeconds: args.lockSeconds,
    log: ctx.log,
    ...(args.verbose ? { echo: (text: string) => process.stderr.write(text) } : {}),
  });
}
