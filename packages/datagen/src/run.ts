/** The datagen stage: a pure run(config, inputs) -> outputs, and the thin I/O around it. */
import { join, relative } from 'node:path';
import {
  ArtifactCatalogue,
  ConfigError,
  ITEMS_SCHEMA,
  USERS_SCHEMA,
  coldStart,
  makeManifest,
  meanRating,
  writeArtifactDir,
  writeJson,
  writeRatings,
  writeTable,
  type Columns,
  type DataInfo,
  type ExperimentConfig,
  type FoldInfo,
  type Logger,
} from '@deeprec/core';
import { importRatings } from './sources';
import { makeSplits } from './split';
import { generateSynthetic } from './synthetic';
import type { RawRatings, SplitRatings } from './types';

export interface DatagenOutput {
  /** One split, or one per fold for k-fold. */
  folds: SplitRatings[];
  /** users.arrow and items.arrow: dense index, raw id, side features. */
  users: Columns;
  items: Columns;
  info: DataInfo;
}

/** The config sections datagen reads: what its cache key and manifest hash cover. */
export function datagenSection(config: ExperimentConfig): unknown {
  return { seed: config.seed, data: config.data, split: config.split };
}

/** Reads the raw ratings of the configured source: generated, or imported from files (sources/). */
export async function loadSource(config: ExperimentConfig): Promise<RawRatings> {
  if (config.data.source === 'synthetic') return generateSynthetic(config.data.synthetic, config.seed);
  return importRatings(config);
}

function entityTable(key: 'user' | 'item', ids: string[], features: Columns | undefined): Columns {
  return { [key]: Int32Array.from(ids, (_, i) => i), id: ids, ...(features ?? {}) };
}

/** Pure: raw ratings in, split tables and data facts out. */
export function runDatagen(config: ExperimentConfig, raw: RawRatings): DatagenOutput {
  const folds = makeSplits(raw.ratings, config.split, config.seed, raw.predefined);
  const numUsers = raw.userIds.length;
  const numItems = raw.itemIds.length;
  const foldInfo = folds.map((s, k): FoldInfo => {
    if (s.train.user.length === 0) {
      throw new ConfigError(`split: the training set${folds.length > 1 ? ` of fold ${k + 1}` : ''} is empty; expected a smaller split.test or more ratings`);
    }
    return {
      trainMean: meanRating(s.train),
      counts: { train: s.train.user.length, valid: s.valid.user.length, test: s.test.user.length },
      coldStart: coldStart(s.train, s.test, numUsers, numItems),
    };
  });
  const first = foldInfo[0] as FoldInfo;
  const info: DataInfo = { ...first, numUsers, numItems, scale: raw.scale, source: config.data.source, feedback: 'explicit', negatives: 0, folds: foldInfo };
  if (raw.stats) info.stats = raw.stats;
  return {
    folds,
    users: entityTable('user', raw.userIds, raw.userFeatures),
    items: entityTable('item', raw.itemIds, raw.itemFeatures),
    info,
  };
}

/** Runs datagen for a config and writes data artifacts atomically. */
export async function writeDatagen(config: ExperimentConfig, artifactsRoot: string, log: Logger): Promise<DatagenOutput> {
  const started = performance.now();
  const catalogue = new ArtifactCatalogue(artifactsRoot, config.name);
  const out = runDatagen(config, await loadSource(config));
  const final = catalogue.data();
  await writeArtifactDir(final.dir, (dir) => {
    const at = (file: string) => join(dir, relative(final.dir, file));
    out.folds.forEach((split, k) => {
      const paths = out.folds.length > 1 ? final.fold(k) : final;
      writeRatings(at(paths.ratings('train')), split.train);
      writeRatings(at(paths.ratings('valid')), split.valid);
      writeRatings(at(paths.ratings('test')), split.test);
    });
    writeTable(at(final.users), USERS_SCHEMA, out.users);
    writeTable(at(final.items), ITEMS_SCHEMA, out.items);
    const manifest = makeManifest({
      stage: 'datagen',
      experiment: config.name,
      configSection: datagenSection(config),
      seed: config.seed,
      wallSeconds: (performance.now() - started) / 1000,
      details: { info: out.info },
    });
    writeJson(at(final.manifest), manifest);
  });
  const { info } = out;
  const folds = info.folds.length > 1 ? `, ${info.folds.length} folds (first shown)` : '';
  const cold = info.coldStart.ratings > 0 ? `; ${info.coldStart.ratings} test ratings cold-start (${info.coldStart.users} users, ${info.coldStart.items} items unseen in training)` : '';
  log.info(
    `datagen ${config.name}: ${info.numUsers} users, ${info.numItems} items, ratings ${info.scale.min}-${info.scale.max}; train ${info.counts.train}, valid ${info.counts.valid}, test ${info.counts.test}${folds}${cold}`,
  );
  return out;
}
