/**
 * rp3beta: the three-step random walk with a popularity penalty.
 *
 * B. Paudel, F. Christoffel, C. Newell, A. Bernstein. Updatable, Accurate, Diverse, and
 * Scalable Recommendations for Interactive Applications. ACM TiiS 7(1), 2017. Algorithm
 * and saved layout (a top-k item-item table): ../classic/rp3beta.ts. Implicit data only.
 */
import { z } from 'zod';
import { fittedClassic, type ClassicFactory, type FittedClassic } from '../classicContract';
import { fitRp3beta, rp3betaFromColumns, rp3betaToColumns, scoreRp3beta, type FittedRp3beta } from '../classic/rp3beta';
import { count, parseMeta, underModel } from './meta';

const MetaSchema = z.object({
  numUsers: count,
  numItems: count,
  alpha: z.number().min(0),
  beta: z.number().min(0),
  topK: count,
  normalizeRows: z.boolean(),
});

function wrap(fit: FittedRp3beta): FittedClassic {
  const items = { kind: 'neighbours', source: 'item-item transition weights', rows: fit.weights } as const;
  return fittedClassic('rp3beta', fit.meta, rp3betaToColumns(fit), (history, users) => scoreRp3beta(fit, history, users), undefined, items);
}

export const rp3beta: ClassicFactory<'rp3beta'> = {
  type: 'rp3beta',
  kind: 'classic',
  paper: 'Paudel et al., Updatable, Accurate, Diverse, and Scalable Recommendations for Interactive Applications, ACM TiiS 7(1) 2017, doi:10.1145/2955101',
  fit(config, data) {
    const { alpha, beta, topK, normalizeRows } = config;
    return wrap(underModel(config.name, () => fitRp3beta(data, { alpha, beta, topK, normalizeRows })));
  },
  load: (meta, arrays) => wrap(rp3betaFromColumns(arrays, parseMeta(MetaSchema, meta, 'rp3beta'))),
};
