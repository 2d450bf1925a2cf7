/**
 * Items like a given one, by the model's own item representation (ItemRepresentation in
 * @deeprec/models): cosine similarity of item vectors (embedding tables, latent factors),
 * or the model's item-item weights as they are (itemknn's similarities, RP3beta's
 * transition weights, EASE's B). The item itself is never in its own list; ties go to
 * the lower item index, as in every top-K here.
 */
import type * as tf from '@tensorflow/tfjs';
import { ArtifactError } from '@deeprec/base';
import { topK } from '@deeprec/metrics';
import type { ItemRepresentation, ItemTableSpec } from '@deeprec/models';

export interface SimilarItems {
  items: Int32Array;
  scores: Float32Array;
}

/** Rows scaled to unit length (a zero row stays zero), so a dot product of two rows is their cosine. */
function unitRows(values: Float32Array, rows: number, dim: number, out: Float32Array, stride: number, offset: number): void {
  for (let r = 0; r < rows; r += 1) {
    let norm = 0;
    for (let c = 0; c < dim; c += 1) norm += (values[r * dim + c] as number) ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dim; c += 1) out[r * stride + offset + c] = (values[r * dim + c] as number) * scale;
  }
}

/**
 * A network's item vectors from the tables `spec` names (ModelFactory.itemTables):
 * 'join': each table's rows unit-normalised, then joined side by side (scaled by
 * 1/sqrt(tables)), so the cosine of two joined rows is the mean of the tables' cosines and
 * no table outweighs another by its scale; 'sum': the tables added row by row (one
 * embedding kept in parts, as lightgcn's ego + propagated), then normalised; 'first': the
 * first listed table the saved network has (a layout that depends on the model's settings).
 */
export function networkItemVectors(network: tf.LayersModel, spec: ItemTableSpec, numItems: number, where: string): ItemRepresentation {
  const has = (name: string) => network.layers.some((layer) => layer.name === name);
  const chosen = spec.combine === 'first' ? spec.tables.filter(has).slice(0, 1) : spec.tables;
  if (chosen.length === 0) {
    throw new ArtifactError(`${where}: expected an item embedding layer, one of ${spec.tables.map((t) => `'${t}'`).join(', ')}, found none; rerun train for this model`);
  }
  const parts = chosen.map((name) => {
    let weights: tf.Tensor;
    try {
      weights = network.getLayer(name).getWeights()[0] as tf.Tensor;
    } catch {
      throw new ArtifactError(`${where}: expected an item embedding layer '${name}', found none; rerun train for this model`);
    }
    const [rows, dim] = weights.shape as [number, number];
    if (rows !== numItems) throw new ArtifactError(`${where}: layer '${name}': expected ${numItems} item rows, found ${rows}`);
    return { name, dim, values: weights.dataSync() as Float32Array };
  });
  const source = `item embeddings (${chosen.join(spec.combine === 'sum' ? ' + ' : ', ')}), cosine`;
  if (spec.combine === 'sum') {
    const dim = (parts[0] as (typeof parts)[number]).dim;
    const summed = new Float32Array(numItems * dim);
    for (const part of parts) {
      if (part.dim !== dim) throw new ArtifactError(`${where}: layer '${part.name}': expected ${dim} columns to add to '${chosen[0]}', found ${part.dim}`);
      for (let j = 0; j < summed.length; j += 1) summed[j] = (summed[j] as number) + (part.values[j] as number);
    }
    const values = new Float32Array(numItems * dim);
    unitRows(summed, numItems, dim, values, dim, 0);
    return { kind: 'vectors', source, dim, values };
  }
  const dim = parts.reduce((n, p) => n + p.dim, 0);
  const values = new Float32Array(numItems * dim);
  let offset = 0;
  for (const part of parts) {
    unitRows(part.values, numItems, part.dim, values, dim, offset);
    offset += part.dim;
  }
  const scale = 1 / Math.sqrt(parts.length);
  for (let j = 0; j < values.length; j += 1) values[j] = (values[j] as number) * scale;
  return { kind: 'vectors', source, dim, values };
}

function cosineRow(values: Float32Array, dim: number, numItems: number, item: number): Float32Array {
  const norms = new Float64Array(numItems);
  for (let i = 0; i < numItems; i += 1) {
    let n = 0;
    for (let c = 0; c < dim; c += 1) n += (values[i * dim + c] as number) ** 2;
    norms[i] = Math.sqrt(n);
  }
  const out = new Float32Array(numItems);
  const self = norms[item] as number;
  for (let i = 0; i < numItems; i += 1) {
    const denominator = self * (norms[i] as number);
    if (denominator === 0) continue;
    let dot = 0;
    for (let c = 0; c < dim; c += 1) dot += (values[item * dim + c] as number) * (values[i * dim + c] as number);
    out[i] = dot / denominator;
  }
  return out;
}

/** The k items most like `item` (dense indices), best first; fewer when the representation keeps fewer (pruned lists). */
export function similarItems(rep: ItemRepresentation, numItems: number, item: number, k: number): SimilarItems {
  if (rep.kind === 'neighbours') {
    const { offsets, columns, weights } = rep.rows;
    const items: number[] = [];
    const scores: number[] = [];
    for (let at = offsets[item] as number; at < (offsets[item + 1] as number) && items.length < k; at += 1) {
      if (columns[at] === item) continue;
      items.push(columns[at] as number);
      scores.push(weights[at] as number);
    }
    return { items: Int32Array.from(items), scores: Float32Array.from(scores) };
  }
  const row = rep.kind === 'vectors' ? cosineRow(rep.values, rep.dim, numItems, item) : rep.weights.subarray(item * numItems, (item + 1) * numItems);
  const items = topK(row, k, new Set([item]));
  return { items, scores: Float32Array.from(items, (i) => row[i] as number) };
}
