/** The stage commands: each resolves paths and calls one stage's I/O function. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { countItems } from '@deeprec/artifacts';
import { ConfigError } from '@deeprec/base';
import { type ExperimentConfig } from '@deeprec/config';
import { loadSource, runDatagen, splitTables, writeDatagen } from '@deeprec/datagen';
import { loadRecommender, recommendAll, recommendForUser, writeEvaluate, writeRecommendations, type UserRecommendations } from '@deeprec/evaluate';
import { buildModel, modelContext, trainableParams } from '@deeprec/models';
import { writeExperimentReport, writeIndexReport } from '@deeprec/report';
import { modelConfigOf, resolveLoss, writeTrain } from '@deeprec/train';
import type { CommandContext } from './context';

export async function datagen(ctx: CommandContext, configPath: string): Promise<void> {
  await writeDatagen(ctx.config(configPath), ctx.artifactsRoot, ctx.log);
}

async function trainOne(ctx: CommandContext, config: ExperimentConfig, model: string): Promise<void> {
  modelConfigOf(config, model);
  const backend = await ctx.backend();
  await writeTrain(config, model, ctx.artifactsRoot, backend, ctx.log);
}

export async function train(ctx: CommandContext, configPath: string, model: string): Promise<void> {
  await trainOne(ctx, ctx.config(configPath), model);
}

async function evaluateOne(ctx: CommandContext, config: ExperimentConfig, model: string): Promise<void> {
  modelConfigOf(config, model);
  await ctx.backend();
  await writeEvaluate(config, model, ctx.artifactsRoot, ctx.log);
}

export async function evaluate(ctx: CommandContext, configPath: string, model: string): Promise<void> {
  await evaluateOne(ctx, ctx.config(configPath), model);
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
  const file = await writeExperimentReport(ctx.artifactsRoot, ctx.config(configPath));
  ctx.log.info(`report: ${file}`);
}

/** All stages of one experiment in order, without Nx. */
/** Every model's loss against the data's feedback, before any stage runs (so a bad one costs no training). */
function checkLosses(config: ExperimentConfig): void {
  for (const model of Object.values(config.models)) resolveLoss(model, config.data.feedback, config.train);
}

export async function run(ctx: CommandContext, configPath: string): Promise<void> {
  const config = ctx.config(configPath);
  checkLosses(config);
  await writeDatagen(config, ctx.artifactsRoot, ctx.log);
  for (const model of Object.keys(config.models)) {
    await trainOne(ctx, config, model);
    await evaluateOne(ctx, config, model);
  }
  const file = await writeExperimentReport(ctx.artifactsRoot, config);
  ctx.log.info(`report: ${file}`);
}

/** Config and data checks without training or writing anything. */
export async function validate(ctx: CommandContext, configPath: string): Promise<void> {
  const config = ctx.config(configPath);
  checkLosses(config);
  const data = runDatagen(config, await loadSource(config));
  const { info } = data;
  await ctx.backend();
  const models = Object.values(config.models).map((m) => {
    const built = buildModel(m, modelContext(info, config.seed, { users: data.users, items: data.items }, () => countItems(splitTables(data).train.item, info.numItems)));
    const params = trainableParams(built.network);
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
    rec.network.dispose();
  }
}
