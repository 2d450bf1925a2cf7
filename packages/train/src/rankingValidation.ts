/**
 * A validation ranking metric per epoch (train.earlyStopping.monitor val_hr@K or
 * val_ndcg@K): each validation positive ranked among `negatives` items sampled from those
 * its user has in neither train nor valid, with @deeprec/metrics' evaluateSampled (the
 * sampled protocol evaluate uses on test, and bench/lightgcn/validate.js on valid) and the
 * network's own pair scores. The negatives come from the run's seed, so every epoch, and
 * every model of the experiment, ranks against the same items; the test split is never read.
 */
import { scorePairs } from '@deeprec/compute';
import { evaluateSampled, groupByUser } from '@deeprec/metrics';
import type { Ratings } from '@deeprec/artifacts';
import type { RecModel } from '@deeprec/models';
import type { RankingMonitor } from './monitor';

export function rankingValidator(model: RecModel, train: Ratings, valid: Ratings, monitor: RankingMonitor, sizes: { numUsers: number; numItems: number }, seed: number): () => number {
  const trainItems = groupByUser(train.user, train.item, sizes.numUsers);
  const testItems = groupByUser(valid.user, valid.item, sizes.numUsers);
  const key = `${monitor.metric}@${monitor.k}`;
  return () => {
    const { means } = evaluateSampled({
      numItems: sizes.numItems,
      trainItems,
      testItems,
      ks: [monitor.k],
      numNegatives: monitor.negatives,
      seed,
      scorePairs: (u, i) => scorePairs(model.network, u, i),
    });
    const value = means[key];
    if (value === undefined) throw new Error(`ranking validation: evaluateSampled gave no ${key}`);
    return value;
  };
}
