/** The datagen stage: a pure run(config, inputs) -> outputs, and the thin I/O around it. */
import { join, relative } from 'node:path';
import { ArtifactCatalogue, ITEMS_SCHEMA, NEGATIVES_SCHEMA, RATING_SPLITS, RATINGS_BATCH_ROWS, USERS_SCHEMA, makeManifest, writeArtifactDir, writeManifest, writeRatings, writeTable, type Columns, type DataInfo, type FoldInfo, type Ratings } from '@deeprec/artifacts';
import { ConfigError, type Logger } from '@deeprec/base';
import { portableConfig, type ExperimentConfig } from '@deeprec/config';
import { foldInfoOf } from './foldInfo';
import { remapRows, sampleEvalNegatives, toInteractions, type EvalNegatives } from './implicit';
import { importRatings, type InvalidRowsReport } from './sources';
import { cutSplit, makeSplitRows, type SplitRows } from './split';
import { generateSynthetic } from './synthetic';
import type { RawRatings, SplitRatings } from './types';

export interface DatagenOutput {
  /** The ratings the splits index: the source's, or its interactions for implicit feedback. */
  ratings: Ratings;
  /**
   * Rows of `ratings` in each split (ascending): one split, or one per fold for k-fold.
   * Tables are gathered from them batch by batch as they are written; splitTables cuts one whole.
   */
  splits: SplitRows[];
  /** users.arrow and items.arrow: dense index, raw id, side features. */
  users: Columns;
  items: Columns;
  info: DataInfo;
  /** split.negatives > 0: the sampled-evaluation negatives of each fold (negatives.arrow), else empty. */
  negatives: EvalNegatives[];
  /** data.csv.invalidRows: skip: the malformed rows left out (manifest details.invalidRows). */
  invalidRows?: InvalidRowsReport;
}

/** The config sections datagen reads: what its cache key and manifest hash cover. */
export function datagenSection(config: ExperimentConfig): unknown {
  // data.path as artifacts show it: the hash must not depend on where the clone sits.
  return { seed: config.seed, data: portableConfig(config).data, split: config.split };
}

/** Reads the raw ratings of the configured source: generated, or imported from files (sources/). */
export async function loadSource(config: ExperimentConfig): Promise<RawRatings> {
  if (config.data.source === 'synthetic') return generateSynthetic(config.data.synthetic, config.seed);
  return importRatings(config);
}

function entityTable(key: 'user' | 'item', ids: string[], features: Columns | undefined): Columns {
  return { [key]: Int32Array.from(ids, (_, i) => i), id: ids, ...(features ?? {}) };
}

/**
 * data.feedback implicit: ratings at or above data.threshold become interactions (rating 1),
 * the rest are dropped, before splitting. Explicit data passes through.
 */
function feedbackRatings(config: ExperimentConfig, raw: RawRatings): Pick<RawRatings, 'ratings' | 'predefined' | 'scale'> {
  const { feedback, threshold } = config.data;
  if (feedback === 'explicit') {
    if (threshold !== undefined) {
      throw new ConfigError(`data.threshold: only applies to implicit feedback; expected data.feedback: implicit, or no data.threshold`);
    }
    return raw;
  }
  const { ratings, rowMap } = toInteractions(raw.ratings, threshold);
  if (ratings.user.length === 0) {
    let max = Number.NEGATIVE_INFINITY;
    for (const r of raw.ratings.rating) max = Math.max(max, r);
    throw new ConfigError(`data.threshold: expected at most the highest rating (${max}) so that some ratings become interactions, found ${threshold}`);
  }
  const out: Pick<RawRatings, 'ratings' | 'predefined' | 'scale'> = { ratings, scale: { min: 0, max: 1 } };
  if (raw.predefined) out.predefined = { train: remapRows(raw.predefined.train, rowMap), test: remapRows(raw.predefined.test, rowMap) };
  return out;
}

/** Pure: raw ratings in, split rows and data facts out. */
export function runDatagen(config: ExperimentConfig, raw: RawRatings): DatagenOutput {
  const data = feedbackRatings(config, raw);
  const splits = makeSplitRows(data.ratings, config.split, config.seed, data.predefined);
  const numUsers = raw.userIds.length;
  const numItems = raw.itemIds.length;
  const foldInfo = splits.map((rows, k): FoldInfo => {
    if (rows.train.length === 0) {
      throw new ConfigError(`split: the training set${splits.length > 1 ? ` of fold ${k + 1}` : ''} is empty; expected a smaller split.test or more ratings`);
    }
    return foldInfoOf(data.ratings, rows, numUsers, numItems);
  });
  const first = foldInfo[0] as FoldInfo;
  const count = config.split.negatives;
  // The sampled-ranking negatives need each user's items of the split: cut in memory (implicit data sets here are small).
  const negatives = count > 0 ? splits.map((rows, k) => sampleEvalNegatives(cutSplit(data.ratings, rows), numUsers, numItems, count, config.seed, k)) : [];
  const feedback = config.data.feedback;
  const info: DataInfo = { ...first, numUsers, numItems, scale: data.scale, source: config.data.source, feedback, negatives: count, folds: foldInfo };
  if (raw.stats) info.stats = raw.stats;
  return {
    ratings: data.ratings,
    splits,
    users: entityTable('user', raw.userIds, raw.userFeatures),
    items: entityTable('item', raw.itemIds, raw.itemFeatures),
    info,
    negatives,
    ...(raw.invalidRows ? { invalidRows: raw.invalidRows } : {}),
  };
}

/** Split `fold` (0-based) of a datagen output as whole tables. */
export function splitTables(out: Pick<DatagenOutput, 'ratings' | 'splits'>, fold = 0): SplitRatings {
  const rows = out.splits[fold];
  if (!rows) throw new Error(`splitTables: fold ${fold} requested; the output has ${out.splits.length}`);
  return cutSplit(out.ratings, rows);
}

export interface DatagenWriteOptions {
  /** Rows per Arrow record batch of the ratings files (tests set a small one). */
  batchRows?: number;
}

/** Runs datagen for a config and writes data artifacts atomically. */
export async function writeDatagen(config: ExperimentConfig, artifactsRoot: string, log: Logger, options: DatagenWriteOptions = {}): Promise<DatagenOutput> {
  const batchRows = options.batchRows ?? RATINGS_BATCH_ROWS;
  const started = performance.now();
  const catalogue = new ArtifactCatalogue(artifactsRoot, config.name);
  const out = runDatagen(config, await loadSource(config));
  const final = catalogue.data();
  await writeArtifactDir(final.dir, (dir) => {
    const at = (file: string) => join(dir, relative(final.dir, file));
    out.splits.forEach((rows, k) => {
      const paths = out.splits.length > 1 ? final.fold(k) : final;
      for (const split of RATING_SPLITS) writeRatings(at(paths.ratings(split)), out.ratings, { rows: rows[split], batchRows });
      const negatives = out.negatives[k];
      if (negatives) writeTable(at(paths.negatives), NEGATIVES_SCHEMA, { ...negatives });
    });
    writeTable(at(final.users), USERS_SCHEMA, out.users);
    writeTable(at(final.items), ITEMS_SCHEMA, out.items);
    const manifest = makeManifest({
      stage: 'datagen',
      experiment: config.name,
      configSection: datagenSection(config),
      seed: config.seed,
      wallSeconds: (performance.now() - started) / 1000,
      details: { info: out.info, ...(out.invalidRows ? { invalidRows: out.invalidRows } : {}) },
    });
    writeManifest(at(final.manifest), manifest);
  });
  const { info } = out;
  const folds = info.folds.length > 1 ? `, ${info.folds.length} folds (first shown)` : '';
  const firstSkipped = out.invalidRows?.first[0];
  const skipped = firstSkipped ? `; ${out.invalidRows?.count} malformed rows left out (first at ${firstSkipped.file}:${firstSkipped.line})` : '';
  const cold = info.coldStart.ratings > 0 ? `; ${info.coldStart.ratings} test ratings cold-start (${info.coldStart.users} users, ${info.coldStart.items} items unseen in training)` : '';
  log.info(
    `datagen ${config.name}: ${info.numUsers} users, ${info.numItems} items, ${info.feedback === 'implicit' ? 'implicit feedback (interactions)' : `ratings ${info.scale.min}-${info.scale.max}`}; train ${info.counts.train}, valid ${info.counts.valid}, test ${info.counts.test}${folds}${cold}${info.negatives > 0 ? `; ${info.negatives} sampled negatives per test positive` : ''}${skipped}`,
  );
  return out;
}
