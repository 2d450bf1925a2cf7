/**
 * ease: the embarrassingly shallow autoencoder, an item-item model fitted in closed form.
 *
 * H. Steck. Embarrassingly Shallow Autoencoders for Sparse Data. WWW 2019. Algorithm,
 * memory bound (maxItems) and saved layout (the dense item x item matrix B):
 * ../classic/ease.ts. Implicit data only.
 */
import { z } from 'zod';
import { fittedClassic, type ClassicFactory, type FittedClassic } from '../classicContract';
import { checkEaseSize, easeFromColumns, easeToColumns, fitEase, scoreEase, type FittedEase } from '../classic/ease';
import { count, parseMeta, underModel } from './meta';

const MetaSchema = z.object({ numUsers: count, numItems: count, lambda: z.number().gt(0), values: z.enum(['binary', 'rating']) });

function wrap(fit: FittedEase): FittedClassic {
  const items = { kind: 'matrix', source: 'item-item weights B', numItems: fit.meta.numItems, weights: fit.weights } as const;
  return fittedClassic('ease', fit.meta, easeToColumns(fit), (history, users) => scoreEase(fit, history, users), undefined, items);
}

export const ease: ClassicFactory<'ease'> = {
  type: 'ease',
  kind: 'classic',
  paper: 'Steck, Embarrassingly Shallow Autoencoders for Sparse Data, WWW 2019, doi:10.1145/3308558.3313710',
  fit(config, data) {
    const { lambda, values, maxItems, solver } = config;
    return wrap(underModel(config.name, () => fitEase(data, { lambda, values, maxItems, solver })));
  },
  checkSize(config, numUsers, numItems) {
    underModel(config.name, () => checkEaseSize(numUsers, numItems, config));
  },
  load: (meta, arrays) => wrap(easeFromColumns(arrays, parseMeta(MetaSchema, meta, 'ease'))),
};
