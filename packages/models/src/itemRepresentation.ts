/**
 * What a model knows about items on their own, apart from any user: the basis of
 * "items like this one" (`deeprec serve`'s /v1/similar). Each model says which it has:
 * networks name their item embedding tables (ModelFactory.itemTables), classic models
 * hand over their item factors or item-item weights (FittedClassic.items). Models whose
 * items are only a bias or a count (baseline, popularity) and user-based ones (userknn)
 * have none.
 */
import type { RankedRows } from './classic/topk';

export type ItemRepresentation =
  /** One vector per item (embedding rows or latent factors), numItems x dim row-major; compared by cosine. */
  | { readonly kind: 'vectors'; readonly source: string; readonly dim: number; readonly values: Float32Array }
  /** Pruned item-item weights (itemknn, rp3beta): row i lists the items i weighs most, best first. */
  | { readonly kind: 'neighbours'; readonly source: string; readonly rows: RankedRows }
  /** A dense item-item weight matrix, numItems x numItems row-major (EASE's B); row i is item i's weights. */
  | { readonly kind: 'matrix'; readonly source: string; readonly numItems: number; readonly weights: Float32Array };

/** The item vectors of a latent-factor model from its saved numItems x dim `itemFactors`. */
export function itemFactorVectors(source: string, itemFactors: Float32Array, numItems: number): ItemRepresentation {
  return { kind: 'vectors', source, dim: numItems > 0 ? itemFactors.length / numItems : 0, values: itemFactors };
}
