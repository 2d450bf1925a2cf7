/**
 * Mult-VAE: Liang, Krishnan, Hoffman and Jebara, "Variational Autoencoders for
 * Collaborative Filtering", WWW 2018 (doi:10.1145/3178876.3186150): the variational
 * autoencoder with the multinomial likelihood and the KL term annealed from 0 to
 * annealCap over annealSteps optimizer steps (the paper's beta), for implicit feedback.
 * The network and its loss are multAutoencoder.ts's.
 */
import type { ModelFactory } from './contract';
import { buildMultAutoencoder } from './multAutoencoder';

export const multvae: ModelFactory<'multvae'> = {
  type: 'multvae',
  paper: 'Liang, Krishnan, Hoffman and Jebara, Variational Autoencoders for Collaborative Filtering, WWW 2018, doi:10.1145/3178876.3186150 (Mult-VAE)',
  // The output layer's item rows: the item embeddings the decoder scores against.
  itemTables: ['item_output'],
  build(config, context) {
    const anneal = { cap: config.annealCap, steps: config.annealSteps };
    const settings = { name: config.name, type: config.type, layers: config.layers, dropout: config.dropout, initializer: config.initializer, anneal };
    return buildMultAutoencoder(settings, context);
  },
};
