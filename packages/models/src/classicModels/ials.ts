/**
 * ials: implicit alternating least squares with the unobserved-weight loss.
 *
 * Y. Hu, Y. Koren, C. Volinsky. Collaborative Filtering for Implicit Feedback Datasets.
 * ICDM 2008; settings of S. Rendle, W. Krichene, L. Zhang, Y. Koren. Revisiting the
 * Performance of iALS on Item Recommendation Benchmarks. RecSys 2022. Algorithm and saved
 * layout (user and item factor matrices): ../classic/ials.ts. Implicit data only.
 */
import { z } from 'zod';
import { fittedClassic, type ClassicFactory, type FittedClassic } from '../classicContract';
import { fitIals, ialsFromColumns, ialsToColumns, scoreIals, type FittedIals } from '../classic/ials';
import { scoreLatentPairs } from '../classic/latent';
import { count, parseMeta, underModel } from './meta';
import { itemFactorVectors } from '../itemRepresentation';

const MetaSchema = z.object({ numUsers: count, numItems: count, dim: count });

function wrap(fit: FittedIals): FittedClassic {
  const factors = { ...fit.meta, userFactors: fit.userFactors, itemFactors: fit.itemFactors };
  return fittedClassic(
    'ials',
    fit.meta,
    ialsToColumns(fit),
    (_history, users) => scoreIals(fit, null, users),
    (_history, users, items) => scoreLatentPairs(factors, users, items, 'ials'),
    itemFactorVectors('item factors', fit.itemFactors, fit.meta.numItems),
  );
}

export const ials: ClassicFactory<'ials'> = {
  type: 'ials',
  kind: 'classic',
  paper: 'Hu et al., Collaborative Filtering for Implicit Feedback Datasets, ICDM 2008, doi:10.1109/ICDM.2008.22; Rendle et al., Revisiting the Performance of iALS on Item Recommendation Benchmarks, RecSys 2022, doi:10.1145/3523227.3548486',
  fit(config, data, context) {
    const { dim, epochs, unobservedWeight, regularization, regularizationExponent, initStddev, solver, cgSteps } = config;
    const options = { dim, epochs, unobservedWeight, regularization, regularizationExponent, initStddev, solver, cgSteps };
    return wrap(underModel(config.name, () => fitIals(data, options, context.seed)));
  },
  load: (meta, arrays) => wrap(ialsFromColumns(arrays, parseMeta(MetaSchema, meta, 'ials'))),
};
