/**
 * `deeprec export <config> --model m --out <dir>`: a saved network as a folder a web page
 * loads (@deeprec/webmodel: tfjs files, ids, titles and training items as JSON, the ES
 * module with `recommend(user, k)`, a README). Reads artifacts only; trains nothing.
 */
import { resolve } from 'node:path';
import { ArtifactCatalogue } from '@deeprec/artifacts';
import { ConfigError } from '@deeprec/base';
import { packWebModel, writeWebExport } from '@deeprec/webmodel';
import type { CommandContext } from './context';

export interface ExportArgs {
  model: string;
  out: unknown;
}

export async function exportWeb(ctx: CommandContext, configPath: string, args: ExportArgs): Promise<void> {
  if (typeof args.out !== 'string' || args.out.trim() === '') throw new ConfigError('export: expected --out <folder> (the folder to write, relative to the current folder)');
  const config = ctx.config(configPath);
  const section = config.models[args.model];
  if (!section) throw new ConfigError(`--model ${args.model}: no such model in ${config.configPath}; expected one of: ${Object.keys(config.models).join(', ')}`);
  const pack = packWebModel(new ArtifactCatalogue(ctx.artifactsRoot, config.name), config, args.model);
  const out = resolve(args.out);
  const files = await writeWebExport(out, pack, { experiment: config.name, type: section.type });
  ctx.log.info(`export ${config.name}/${args.model}: ${pack.data.userIds.length} users, ${pack.data.itemIds.length} items, ${pack.weights.byteLength} bytes of weights -> ${out} (${files.join(', ')})`);
}
