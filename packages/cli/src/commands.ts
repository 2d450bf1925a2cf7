/** The stage commands: each resolves paths and calls one stage's I/O function. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type ExperimentConfig } from '@deeprec/core';
import { loadSource, runDatagen, writeDatagen } from '@deeprec/datagen';
import { writeEvaluate } from '@deeprec/evaluate';
import { buildModel, modelContext, trainableParams } from '@deeprec/models';
import { writeExperimentReport, writeIndexReport } from '@deeprec/report';
import { modelConfigOf, writeTrain } from '@deeprec/train';
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
export async function run(ctx: CommandContext, configPath: string): Promise<void> {
  const config = ctx.config(configPath);
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
  const data = runDatagen(config, await loadSource(config));
  const { info } = data;
  await ctx.backend();
  const models = Object.values(config.models).map((m) => {
    const built = buildModel(m, modelContext(info, config.seed, { users: data.users, items: data.items }, data.folds[0]?.train));
    const params = trainableParams(built.network);
    built.network.dispose();
    return `${m.name} (${m.type}, ${params} parameters)`;
  });
  ctx.log.info(`${config.configPath}: ok`);
  ctx.log.info(`data: ${info.source}, ${info.numUsers} users, ${info.numItems} items, scale ${info.scale.min}-${info.scale.max}; train ${info.counts.train}, valid ${info.counts.valid}, test ${info.counts.test}`);
  ctx.log.info(`models: ${models.join('; ')}`);
}
