/** The datagen stage: a pure run(config, inputs) -> outputs, and the thin I/O around it. */
import {
  ArtifactCatalogue,
  ConfigError,
  ITEMS_SCHEMA,
  USERS_SCHEMA,
  makeManifest,
  meanRating,
  writeArtifactDir,
  writeJson,
  writeRatings,
  writeTable,
  type DataInfo,
  type ExperimentConfig,
  type Logger,
} from '@deeprec/core';
import { join } from 'node:path';
import { importRatings } from './sources';
import { splitRatings } from './split';
import { generateSynthetic } from './synthetic';
import type { RawRatings, SplitRatings } from './types';

export interface DatagenOutput extends SplitRatings {
  userIds: string[];
  itemIds: string[];
  info: DataInfo;
}

/** The config sections datagen reads: what its cache key and manifest hash cover. */
export function datagenSection(config: ExperimentConfig): unknown {
  return { seed: config.seed, data: config.data, split: config.split };
}

/** Reads the raw ratings of the configured source: generated, or imported from files (sources/). */
export async function loadSource(config: ExperimentConfig): Promise<RawRatings> {
  // Hook for the importers (sources/index.ts): every source but synthetic reads files.
  if (config.data.source === 'synthetic') return generateSynthetic(config.data.synthetic, config.seed);
  return importRatings(config);
}

/** Pure: raw ratings in, split tables and data facts out. */
export function runDatagen(config: ExperimentConfig, raw: RawRatings): DatagenOutput {
  const split = splitRatings(raw.ratings, config.split, config.seed);
  if (split.train.user.length === 0) throw new ConfigError('split: the training set is empty; expected a smaller split.test or more ratings');
  const info: DataInfo = {
    numUsers: raw.userIds.length,
    numItems: raw.itemIds.length,
    scale: raw.scale,
    trainMean: meanRating(split.train),
    counts: { train: split.train.user.length, valid: split.valid.user.length, test: split.test.user.length },
    source: config.data.source,
  };
  return { ...split, userIds: raw.userIds, itemIds: raw.itemIds, info };
}

/** Runs datagen for a config and writes data artifacts atomically. */
export async function writeDatagen(config: ExperimentConfig, artifactsRoot: string, log: Logger): Promise<DatagenOutput> {
  const started = performance.now();
  const catalogue = new ArtifactCatalogue(artifactsRoot, config.name);
  const out = runDatagen(config, await loadSource(config));
  const final = catalogue.data();
  await writeArtifactDir(final.dir, (dir) => {
    const at = (file: string) => join(dir, file.slice(final.dir.length + 1));
    writeRatings(at(final.ratings('train')), out.train);
    writeRatings(at(final.ratings('valid')), out.valid);
    writeRatings(at(final.ratings('test')), out.test);
    writeTable(at(final.users), USERS_SCHEMA, { user: Int32Array.from(out.userIds, (_, i) => i), id: out.userIds });
    writeTable(at(final.items), ITEMS_SCHEMA, { item: Int32Array.from(out.itemIds, (_, i) => i), id: out.itemIds });
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
  const { counts } = out.info;
  log.info(`datagen ${config.name}: ${out.info.numUsers} users, ${out.info.numItems} items; train ${counts.train}, valid ${counts.valid}, test ${counts.test}`);
  return out;
}
