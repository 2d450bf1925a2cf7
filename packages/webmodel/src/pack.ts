/**
 * Packs one saved network with what `recommend(user, k)` needs in a browser: the tfjs
 * files (model.json + weights.bin as train wrote them; k-fold: fold 1's network, as
 * `deeprec recommend` uses), raw ids, titles, each user's training items (train + valid
 * of the same fold) and item popularity (the fallback). The report inlines a pack, and
 * `deeprec export` writes one as a folder. Classic models (classic.json) have no network
 * and cannot be packed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { countItems, openDataset, type ArtifactCatalogue, type Dataset, type Ratings } from '@deeprec/artifacts';
import { ArtifactError, ConfigError, messageOf } from '@deeprec/base';
import { type ExperimentConfig } from '@deeprec/config';
import type { WebModelData } from '../dist/browser/recommender.js';

/** Training items shown per user next to the panel's list. */
export const HIGHEST_SHOWN = 5;

export interface WebModelPack {
  data: WebModelData;
  /** model.json as saved (topology + weights manifest naming ./weights.bin). */
  modelJson: { modelTopology: object; weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string }> }> } & Record<string, unknown>;
  /** weights.bin (every weight file of the manifest, concatenated in order). */
  weights: Buffer;
  /** Per dense user: the training items rated highest, [item index, rating], best first. */
  highest: Array<Array<[number, number]>>;
  /** The folder the network was read from. */
  dir: string;
}

/** The folder of a model's network (fold 1 of k-fold data), whether or not it holds one. */
export function networkDir(catalogue: ArtifactCatalogue, model: string, folds: number): string {
  const paths = catalogue.model(model);
  return folds > 1 ? paths.fold(0) : paths.dir;
}

/** model.json + weights file sizes of a network folder, or undefined when it holds no tfjs network (a classic model, nothing trained). */
export function networkBytes(dir: string): number | undefined {
  const file = join(dir, 'model.json');
  if (!existsSync(file)) return undefined;
  const json = readModelJson(file);
  return statSync(file).size + json.weightsManifest.flatMap((g) => g.paths).reduce((n, p) => n + (existsSync(join(dir, p)) ? statSync(join(dir, p)).size : 0), 0);
}

function readModelJson(file: string): WebModelPack['modelJson'] {
  let json: WebModelPack['modelJson'];
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as WebModelPack['modelJson'];
  } catch (error) {
    throw new ArtifactError(`${file}: saved model cannot be read (${messageOf(error)})`, { cause: error });
  }
  if (typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new ArtifactError(`${file}: expected a tfjs layers model (modelTopology and weightsManifest), found neither`);
  }
  return json;
}

function textColumn(columns: Record<string, unknown>, name: string): string[] | undefined {
  const c = columns[name];
  return Array.isArray(c) ? (c as string[]) : undefined;
}

/** Train + valid of fold 1 (valid when datagen wrote one). */
function trainingRatings(catalogue: ArtifactCatalogue, dataset: Dataset): Ratings[] {
  const paths = dataset.info.folds.length > 1 ? catalogue.data().fold(0) : catalogue.data();
  return [dataset.ratings('train', 0), ...(existsSync(paths.ratings('valid')) ? [dataset.ratings('valid', 0)] : [])];
}

/** Each user's distinct training items (sorted) and the highest rated of them. */
function userItems(numUsers: number, splits: Ratings[]): { seen: number[][]; highest: Array<Array<[number, number]>> } {
  const rated: Array<Map<number, { rating: number; time: bigint }>> = Array.from({ length: numUsers }, () => new Map());
  for (const r of splits) {
    r.user.forEach((u, j) => {
      const item = r.item[j] as number;
      const own = rated[u];
      if (own && !own.has(item)) own.set(item, { rating: r.rating[j] as number, time: r.timestamp?.[j] ?? 0n });
    });
  }
  return {
    seen: rated.map((own) => [...own.keys()].sort((a, b) => a - b)),
    // Highest rating first, then the latest, then the lower index: the report's sample users' order.
    highest: rated.map((own) =>
      [...own.entries()]
        .sort(([ia, a], [ib, b]) => b.rating - a.rating || (b.time > a.time ? 1 : b.time < a.time ? -1 : 0) || ia - ib)
        .slice(0, HIGHEST_SHOWN)
        .map(([item, { rating }]) => [item, rating] as [number, number]),
    ),
  };
}

/** Reads a model's network and the experiment's data into a pack; errors name the missing file or the classic model. */
export function packWebModel(catalogue: ArtifactCatalogue, config: ExperimentConfig, model: string, dataset: Dataset = openDataset(catalogue)): WebModelPack {
  const type = config.models[model]?.type;
  if (!type) throw new ConfigError(`--model ${model}: no such model in ${config.configPath}; expected one of: ${Object.keys(config.models).join(', ')}`);
  const { info } = dataset;
  const dir = networkDir(catalogue, model, info.folds.length);
  const file = join(dir, 'model.json');
  if (!existsSync(file)) {
    const classic = join(dir, 'classic.json');
    if (existsSync(classic)) throw new ConfigError(`--model ${model}: a ${type} model has no tfjs network to run in a browser (${classic}); choose a network model`);
    throw new ArtifactError(`${file}: missing; train the model first (deeprec train ${config.configPath} --model ${model})`);
  }
  const modelJson = readModelJson(file);
  const weights = Buffer.concat(
    modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => {
      try {
        return readFileSync(join(dir, p));
      } catch (error) {
        throw new ArtifactError(`${join(dir, p)}: model weights cannot be read (${messageOf(error)})`, { cause: error });
      }
    }),
  );
  const users = dataset.users();
  const items = dataset.items();
  const paths = catalogue.data();
  const userIds = textColumn(users, 'id');
  const itemIds = textColumn(items, 'id');
  if (!userIds || userIds.length !== info.numUsers) throw new ArtifactError(`${paths.users}: expected ${info.numUsers} user ids, found ${userIds?.length ?? 'no id column'}`);
  if (!itemIds || itemIds.length !== info.numItems) throw new ArtifactError(`${paths.items}: expected ${info.numItems} item ids, found ${itemIds?.length ?? 'no id column'}`);
  const titles = textColumn(items, 'title');
  const splits = trainingRatings(catalogue, dataset);
  const counts = new Int32Array(info.numItems);
  for (const r of splits) countItems(r.item, info.numItems, counts);
  const { seen, highest } = userItems(info.numUsers, splits);
  return {
    data: { model, userIds, itemIds, ...(titles ? { titles } : {}), seen, itemCounts: Array.from(counts) },
    modelJson,
    weights,
    highest,
    dir,
  };
}
