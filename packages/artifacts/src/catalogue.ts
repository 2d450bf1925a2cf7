/**
 * The artifact catalogue (DESIGN section 3): the one place that maps artifact
 * names to paths and Arrow schemas. Stages ask it for paths; none joins them itself.
 */
import { join, resolve } from 'node:path';
import { NAME_PATTERN } from '@deeprec/config';
import { ConfigError } from '@deeprec/base';
import type { TableSchema } from './arrow';

export const RATINGS_SCHEMA: TableSchema = {
  name: 'ratings',
  columns: [
    { name: 'user', type: 'int32' },
    { name: 'item', type: 'int32' },
    { name: 'rating', type: 'float32' },
    { name: 'timestamp', type: 'int64', optional: true },
  ],
};

/**
 * Rows per Arrow record batch of a ratings table (train/valid/test.arrow). Datagen
 * writes splits in batches of at most this many rows (about 20 MB each), and training
 * streams the train split a batch at a time, shuffling within batches (see train's
 * epoch.ts). The files stay ordinary Arrow files: a whole-table reader reads them all.
 */
export const RATINGS_BATCH_ROWS = 1_048_576;

export const USERS_SCHEMA: TableSchema = {
  name: 'users',
  columns: [
    { name: 'user', type: 'int32' },
    { name: 'id', type: 'utf8' },
  ],
  extraColumns: true,
};

export const ITEMS_SCHEMA: TableSchema = {
  name: 'items',
  columns: [
    { name: 'item', type: 'int32' },
    { name: 'id', type: 'utf8' },
  ],
  extraColumns: true,
};

export const HISTORY_SCHEMA: TableSchema = {
  name: 'history',
  columns: [
    ...['epoch', 'loss', 'val_loss', 'val_rmse', 'val_mae', 'lr', 'seconds'].map((name) => ({
      name,
      type: name === 'epoch' ? ('int32' as const) : ('float64' as const),
    })),
    // k-fold only: which fold (1-based) a row belongs to.
    { name: 'fold', type: 'int32', optional: true },
    // The validation ranking metric of a ranking monitor (train manifest details.rankingMonitor names it);
    // NaN otherwise. Optional: histories written before it lack it.
    { name: 'val_rank', type: 'float64', optional: true },
  ],
};

export const PREDICTIONS_SCHEMA: TableSchema = {
  name: 'predictions',
  columns: [
    { name: 'user', type: 'int32' },
    { name: 'item', type: 'int32' },
    { name: 'rating', type: 'float32' },
    { name: 'prediction', type: 'float32' },
    // k-fold only: the fold (1-based) whose test set the rating was in.
    { name: 'fold', type: 'int32', optional: true },
  ],
};

/** data/negatives.arrow: for each test positive (user, item), the sampled negatives of the sampled ranking protocol, one row each. */
export const NEGATIVES_SCHEMA: TableSchema = {
  name: 'negatives',
  columns: [
    { name: 'user', type: 'int32' },
    { name: 'item', type: 'int32' },
    { name: 'negative', type: 'int32' },
  ],
};

/** eval/<model>/ranking.arrow: each user's ranking metric values (one float64 column per metric, e.g. 'ndcg@10'). */
export const RANKING_SCHEMA: TableSchema = {
  name: 'ranking',
  columns: [
    { name: 'user', type: 'int32' },
    { name: 'fold', type: 'int32', optional: true },
  ],
  extraColumns: true,
};

/**
 * eval/<model>/samples.arrow: each sample user's top-K as evaluate scored it with the
 * saved network (the report's sample recommendations). `draw` is the user's place in
 * the seeded draw (0 first), so a reader showing n users takes those with draw < n;
 * `rank` is 1-based.
 */
export const SAMPLES_SCHEMA: TableSchema = {
  name: 'samples',
  columns: [
    { name: 'user', type: 'int32' },
    { name: 'draw', type: 'int32' },
    { name: 'rank', type: 'int32' },
    { name: 'item', type: 'int32' },
    { name: 'score', type: 'float32' },
  ],
};

/** deeprec recommend --all --out: every user's top-K, by raw ids. */
export const RECOMMENDATIONS_SCHEMA: TableSchema = {
  name: 'recommendations',
  columns: [
    { name: 'user', type: 'utf8' },
    { name: 'rank', type: 'int32' },
    { name: 'item', type: 'utf8' },
    { name: 'score', type: 'float32' },
  ],
};

export type RatingSplit = 'train' | 'valid' | 'test';

/** Folder of fold `fold` (0-based) of k-fold artifacts. */
export function foldName(fold: number): string {
  return `fold-${fold + 1}`;
}
export const RATING_SPLITS: readonly RatingSplit[] = ['train', 'valid', 'test'];

function checkName(kind: string, name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new ConfigError(`${kind} name: expected lowercase letters, digits and '-' ([a-z0-9-]+), found '${name}'`);
  }
  return name;
}

/** Paths of one experiment's artifacts under an artifacts root. */
export class ArtifactCatalogue {
  readonly root: string;
  readonly experiment: string;

  constructor(root: string, experiment: string) {
    this.root = resolve(root);
    this.experiment = checkName('experiment', experiment);
  }

  get experimentDir(): string {
    return join(this.root, this.experiment);
  }

  /** datagen output: train/valid/test/users/items.arrow + manifest.json; k-fold: fold-<k>/train|valid|test.arrow */
  data() {
    const dir = join(this.experimentDir, 'data');
    return {
      dir,
      ratings: (split: RatingSplit) => join(dir, `${split}.arrow`),
      /** Fold `fold` (0-based) of k-fold data, in data/fold-<fold+1>/. */
      fold: (fold: number) => ({
        dir: join(dir, foldName(fold)),
        ratings: (split: RatingSplit) => join(dir, foldName(fold), `${split}.arrow`),
        negatives: join(dir, foldName(fold), 'negatives.arrow'),
      }),
      negatives: join(dir, 'negatives.arrow'),
      users: join(dir, 'users.arrow'),
      items: join(dir, 'items.arrow'),
      manifest: join(dir, 'manifest.json'),
    };
  }

  /** train output: model.json + weights.bin (tfjs layers format), history.arrow, manifest.json; k-fold: one model per fold-<k>/ */
  model(model: string) {
    const dir = join(this.experimentDir, 'models', checkName('model', model));
    return {
      dir,
      modelJson: join(dir, 'model.json'),
      history: join(dir, 'history.arrow'),
      manifest: join(dir, 'manifest.json'),
      /** The folder of the network trained on fold `fold` (0-based) of k-fold data. */
      fold: (fold: number) => join(dir, foldName(fold)),
      /** A searched model retrained with another seed (search.seeds), beside the main model. */
      seed: (seed: number) => join(dir, seedFolder(seed)),
    };
  }

  /** evaluate output: predictions.arrow + metrics.json; with ranking metrics, ranking.arrow and samples.arrow */
  evaluation(model: string) {
    const dir = join(this.experimentDir, 'eval', checkName('model', model));
    return {
      dir,
      predictions: join(dir, 'predictions.arrow'),
      ranking: join(dir, 'ranking.arrow'),
      samples: join(dir, 'samples.arrow'),
      metrics: join(dir, 'metrics.json'),
      /** A searched model: test figures over its seeds (SeedRunsSchema). */
      seeds: join(dir, 'seeds.json'),
      manifest: join(dir, 'manifest.json'),
    };
  }

  /**
   * Hyper-parameter search of one model: search/<model>/trial-<k>/ (trial.json,
   * history.arrow; k 0-based) per trial, search/<model>/selected/selected.json.
   */
  search(model: string) {
    const dir = join(this.experimentDir, 'search', checkName('model', model));
    return {
      dir,
      trial: (index: number) => {
        const trialDir = join(dir, `trial-${index}`);
        return { dir: trialDir, json: join(trialDir, 'trial.json'), history: join(trialDir, 'history.arrow') };
      },
      selected: { dir: join(dir, 'selected'), json: join(dir, 'selected', 'selected.json') },
    };
  }

  /** report output for this experiment */
  report() {
    const dir = join(this.experimentDir, 'report');
    return { dir, html: join(dir, 'index.html') };
  }
}

/** models/<model>/seeds/seed-<seed>/: the selected configuration of a searched model trained with another seed. */
export function seedFolder(seed: number): string {
  return join('seeds', `seed-${seed}`);
}

/** The report of all experiments side by side. */
export function indexReport(root: string) {
  const dir = join(resolve(root), 'report');
  return { dir, html: join(dir, 'index.html') };
}

/** Where artifacts go unless a flag says otherwise. */
export function defaultArtifactsRoot(): string {
  return resolve(process.env.DEEPREC_ARTIFACTS ?? 'artifacts');
}
