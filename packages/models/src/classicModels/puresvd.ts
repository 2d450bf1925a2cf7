/**
 * puresvd: top-N ranking from a truncated SVD of the interaction matrix.
 *
 * P. Cremonesi, Y. Koren, R. Turrin. Performance of Recommender Algorithms on Top-N
 * Recommendation Tasks. RecSys 2010. Algorithm and saved layout (the item factors Q and
 * the singular values): ../classic/puresvd.ts. Implicit data only: its scores rank items
 * and are not ratings.
 */
import { z } from 'zod';
import { fittedClassic, type ClassicFactory, type FittedClassic } from '../classicContract';
import { fitPureSvd, puresvdFromColumns, puresvdToColumns, scorePureSvd, type FittedPureSvd } from '../classic/puresvd';
import { count, parseMeta, underModel } from './meta';
import { itemFactorVectors } from '../itemRepresentation';

const MetaSchema = z.object({ numUsers: count, numItems: count, factors: count, values: z.enum(['binary', 'rating']) });

function wrap(fit: FittedPureSvd): FittedClassic {
  const items = itemFactorVectors('item factors Q', fit.itemFactors, fit.meta.numItems);
  return fittedClassic('puresvd', fit.meta, puresvdToColumns(fit), (history, users) => scorePureSvd(fit, history, users), undefined, items);
}

export const puresvd: ClassicFactory<'puresvd'> = {
  type: 'puresvd',
  kind: 'classic',
  paper: 'Cremonesi et al., Performance of Recommender Algorithms on Top-N Recommendation Tasks, RecSys 2010, doi:10.1145/1864708.1864721',
  fit(config, data, context) {
    const { factors, values, oversampling, powerIterations } = config;
    return wrap(underModel(config.name, () => fitPureSvd(data, { factors, values, oversampling, powerIterations }, context.seed)));
  },
  load: (meta, arrays) => wrap(puresvdFromColumns(arrays, parseMeta(MetaSchema, meta, 'puresvd'))),
};
