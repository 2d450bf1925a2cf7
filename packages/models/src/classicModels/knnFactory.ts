/**
 * The factory shared by itemknn.ts and userknn.ts (their algorithm and saved layout:
 * ../classic/knn.ts); they differ only in the side that is compared.
 *
 * Implicit data: cosine similarity with vector norms and shrinkage, ranking scores
 * sum of similarities to the user's items (Dacrema et al. 2019's ItemKNNCF / UserKNNCF).
 * Explicit data: pearson-baseline similarity on co-rated entries and the baseline-adjusted
 * rating form r^ = b_ui + weighted mean of neighbours' residuals (Koren 2010, section 2.2;
 * Surprise's KNNBaseline), which is what evaluate's RMSE scores.
 */
import { z } from 'zod';
import type { ResolvedModelConfig } from '@deeprec/config';
import { fittedClassic, type ClassicContext, type ClassicFactory, type FittedClassic } from '../classicContract';
import { KNN_SIMILARITIES, fitItemKnn, fitUserKnn, knnFromColumns, knnToColumns, type FittedKnn, type KnnKind, type KnnOptions } from '../classic/knn';
import { scoreItemKnn, scorePairsItemKnn, scorePairsUserKnn, scoreUserKnn } from '../classic/knnScore';
import { count, parseMeta, underModel } from './meta';

const MetaSchema = z.object({
  kind: z.enum(['item', 'user']),
  numUsers: count,
  numItems: count,
  similarity: z.enum(KNN_SIMILARITIES),
  norms: z.enum(['all', 'common']),
  topK: count,
  shrink: z.number().min(0),
  ratingNeighbours: count,
  globalMean: z.number(),
  /** Whether pair scores are the rating form (explicit data) or ranking scores. */
  ratingForm: z.boolean(),
});

/** The config's auto choices resolved against the data's feedback. */
export function knnOptions(config: ResolvedModelConfig<'itemknn' | 'userknn'>, feedback: ClassicContext['feedback']): KnnOptions {
  const similarity = config.similarity === 'auto' ? (feedback === 'implicit' ? 'cosine' : 'pearson-baseline') : config.similarity;
  const norms = config.norms === 'auto' ? (similarity === 'cosine' ? 'all' : 'common') : config.norms;
  const { topK, shrink, ratingNeighbours, baselineEpochs, baselineRegUser, baselineRegItem } = config;
  return { similarity, norms, topK, shrink, ratingNeighbours, baselineEpochs, baselineRegUser, baselineRegItem };
}

function wrap(fit: FittedKnn, ratingForm: boolean): FittedClassic {
  const item = fit.meta.kind === 'item';
  const scoreRows = item ? scoreItemKnn : scoreUserKnn;
  const scoreRated = item ? scorePairsItemKnn : scorePairsUserKnn;
  return fittedClassic(
    item ? 'itemknn' : 'userknn',
    { ...fit.meta, ratingForm },
    knnToColumns(fit),
    (history, users) => scoreRows(fit, history, users),
    // explicit data: the baseline-adjusted rating form; implicit: the ranking rows
    ratingForm ? (history, users, items) => scoreRated(fit, history, users, items) : undefined,
    // item-based: each item's kept neighbours; user-based lists compare users, not items
    item ? { kind: 'neighbours', source: `${fit.meta.similarity} similarities`, rows: fit.neighbours } : undefined,
  );
}

export function knnFactory<T extends 'itemknn' | 'userknn'>(type: T, kind: KnnKind, paper: string): ClassicFactory<T> {
  return {
    type,
    kind: 'classic',
    paper,
    fit(config, data, context) {
      const options = knnOptions(config, context.feedback);
      const fitted = underModel(config.name, () => (kind === 'item' ? fitItemKnn(data, options) : fitUserKnn(data, options)));
      return wrap(fitted, context.feedback === 'explicit');
    },
    load(meta, arrays) {
      const { ratingForm, ...knnMeta } = parseMeta(MetaSchema, meta, type);
      if (knnMeta.kind !== kind) throw new RangeError(`${type} meta: expected kind '${kind}', found '${knnMeta.kind}'`);
      return wrap(knnFromColumns(arrays, knnMeta), ratingForm);
    },
  };
}

