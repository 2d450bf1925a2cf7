/**
 * svdpp: SVD++, biased matrix factorisation with the user's implicit feedback.
 *
 * Y. Koren. Factorization Meets the Neighborhood: a Multifaceted Collaborative Filtering
 * Model. KDD 2008, section 4. Algorithm (Surprise's update rules) and saved layout (factor
 * and bias arrays): ../classic/svdpp.ts. Explicit data only: it regresses rating values.
 */
import { z } from 'zod';
import { fittedClassic, type ClassicFactory, type FittedClassic } from '../classicContract';
import { fitSvdpp, scorePairsSvdpp, scoreSvdpp, svdppFromColumns, svdppToColumns, type FittedSvdpp } from '../classic/svdpp';
import { count, parseMeta, underModel } from './meta';
import { itemFactorVectors } from '../itemRepresentation';

const MetaSchema = z.object({
  numUsers: count,
  numItems: count,
  factors: count,
  globalMean: z.number(),
  ratingMin: z.number(),
  ratingMax: z.number(),
});

function wrap(fit: FittedSvdpp): FittedClassic {
  return fittedClassic(
    'svdpp',
    fit.meta,
    svdppToColumns(fit),
    (_history, users) => scoreSvdpp(fit, null, users),
    (_history, users, items) => scorePairsSvdpp(fit, null, users, items),
    itemFactorVectors('item factors q', fit.itemFactors, fit.meta.numItems),
  );
}

export const svdpp: ClassicFactory<'svdpp'> = {
  type: 'svdpp',
  kind: 'classic',
  paper: 'Koren, Factorization Meets the Neighborhood: a Multifaceted Collaborative Filtering Model, KDD 2008, doi:10.1145/1401890.1401944',
  fit(config, data, context) {
    const { factors, epochs, lrBias, lrFactors, regBias, regFactors, initStddev, lrDecay } = config;
    const options = { factors, epochs, lrBias, lrFactors, regBias, regFactors, initStddev, lrDecay };
    return wrap(underModel(config.name, () => fitSvdpp(data, options, context.seed)));
  },
  load: (meta, arrays) => wrap(svdppFromColumns(arrays, parseMeta(MetaSchema, meta, 'svdpp'))),
};
