/**
 * Mult-DAE: Liang, Krishnan, Hoffman and Jebara, "Variational Autoencoders for
 * Collaborative Filtering", WWW 2018 (doi:10.1145/3178876.3186150), section 2.3: the
 * denoising autoencoder with the multinomial likelihood, for implicit feedback. The
 * network and its loss are multAutoencoder.ts's, without the variational layer.
 */
import type { ModelFactory } from './contract';
import { buildMultAutoencoder } from './multAutoencoder';

export const multdae: ModelFactory<'multdae'> = {
  type: 'multdae',
  paper: 'Liang, Krishnan, Hoffman and Jebara, Variational Autoencoders for Collaborative Filtering, WWW 2018, doi:10.1145/3178876.3186150 (Mult-DAE)',
  // The output layer's item rows: the item embeddings the decoder scores against.
  itemTables: ['item_output'],
  build(config, context) {
    const settings = { name: config.name, type: config.type, layers: config.layers, dropout: config.dropout, initializer: config.initializer, anneal: null };
    return buildMultAutoencoder(settings, context);
  },
};
