/**
 * The facts datagen records about the data (data/manifest.json `details.info`): one
 * zod schema each, and the TypeScript types derived from them, so the reader and
 * the type cannot drift apart.
 */
import { z } from 'zod';
import { count } from './jsonArtifact';

/** Test ratings whose user or item has no training rating (cold start). */
export const ColdStartSchema = z.object({
  users: count,
  items: count,
  /** Test ratings of a cold user or a cold item. */
  ratings: count,
});
export type ColdStart = z.output<typeof ColdStartSchema>;

/** One train/valid/test split; k-fold has one per fold, every other method one in all. */
export const FoldInfoSchema = z.object({
  /** Mean training rating: the baseline every model must beat, and the output bias init. */
  trainMean: z.number(),
  counts: z.object({ train: count, valid: count, test: count }),
  coldStart: ColdStartSchema,
});
export type FoldInfo = z.output<typeof FoldInfoSchema>;

/** Facts about the data that models and evaluation need; kept in data/manifest.json. */
export const DataInfoSchema = FoldInfoSchema.extend({
  numUsers: count,
  numItems: count,
  scale: z.object({ min: z.number(), max: z.number() }),
  source: z.string(),
  /** implicit: ratings became interactions (rating 1); models rank rather than predict ratings. Older manifests lack it: explicit. */
  feedback: z.enum(['explicit', 'implicit']).default('explicit'),
  /** Sampled negatives per test positive in negatives.arrow (0: none written). */
  negatives: count.default(0),
  /** Every split; the top-level trainMean, counts and coldStart repeat the first. */
  folds: z.array(FoldInfoSchema).min(1),
  /** Rows read and duplicates merged by the importer. */
  stats: z.object({ rows: count, duplicates: count }).optional(),
});
export type DataInfo = z.output<typeof DataInfoSchema>;
