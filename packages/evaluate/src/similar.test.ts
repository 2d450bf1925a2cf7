import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@deeprec/compute';
import { MODEL_REGISTRY, itemTablesOf, type ItemRepresentation } from '@deeprec/models';
import { networkItemVectors, similarItems } from './similar';

describe('similarItems', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('vectors: cosine, best first, the item itself left out, ties to the lower index', () => {
    // item 0 = (1, 0); 1 = (2, 0) (same direction); 2 = (0, 1); 3 = (1, 1); 4 = (0, 0) (no direction: 0)
    const rep: ItemRepresentation = { kind: 'vectors', source: 'test', dim: 2, values: Float32Array.of(1, 0, 2, 0, 0, 1, 1, 1, 0, 0) };
    const near = similarItems(rep, 5, 0, 3);
    expect(Array.from(near.items)).toEqual([1, 3, 2]);
    expect(near.scores[0]).toBeCloseTo(1, 6);
    expect(near.scores[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(near.scores[2]).toBeCloseTo(0, 6);
    // 2 and 4 both score 0 against item 0's direction: the lower index first
    expect(Array.from(similarItems(rep, 5, 0, 4).items)).toEqual([1, 3, 2, 4]);
    expect(Array.from(similarItems(rep, 5, 0, 10).items)).toHaveLength(4);
  });

  it('neighbours: the kept list as it is, cut at k; matrix: the row, the diagonal left out', () => {
    const rows = { numRows: 3, numCols: 3, offsets: Int32Array.of(0, 2, 3, 3), columns: Int32Array.of(2, 1, 0), weights: Float32Array.of(0.9, 0.4, 0.7) };
    const lists: ItemRepresentation = { kind: 'neighbours', source: 'test', rows };
    expect(similarItems(lists, 3, 0, 5)).toEqual({ items: Int32Array.of(2, 1), scores: Float32Array.of(0.9, 0.4) });
    expect(similarItems(lists, 3, 0, 1).items).toEqual(Int32Array.of(2));
    expect(similarItems(lists, 3, 2, 5).items).toEqual(new Int32Array(0));
    const matrix: ItemRepresentation = { kind: 'matrix', source: 'test', numItems: 3, weights: Float32Array.of(5, 0.1, 0.3, 0.2, 5, -1, 0, 0, 0) };
    expect(similarItems(matrix, 3, 0, 2)).toEqual({ items: Int32Array.of(2, 1), scores: Float32Array.of(0.3, 0.1) });
    expect(similarItems(matrix, 3, 1, 2)).toEqual({ items: Int32Array.of(0, 2), scores: Float32Array.of(0.2, -1) });
  });

  it("networks: the named tables' rows unit-normalised and joined, so the cosine is the mean of the tables' cosines", () => {
    const item = tf.input({ shape: [1], dtype: 'int32' });
    const a = tf.layers.embedding({ name: 'a', inputDim: 3, outputDim: 2, weights: [tf.tensor2d([[1, 0], [1, 0], [0, 1]])] });
    const b = tf.layers.embedding({ name: 'b', inputDim: 3, outputDim: 1, weights: [tf.tensor2d([[3], [-1], [2]])] });
    const out = tf.layers.concatenate().apply([tf.layers.flatten().apply(a.apply(item)), tf.layers.flatten().apply(b.apply(item))] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    const network = tf.model({ inputs: item, outputs: out });
    const rep = networkItemVectors(network, ['a', 'b'], 3, 'm/model.json');
    const near = similarItems(rep, 3, 0, 2);
    // item 1: cos a = 1, cos b = -1 -> 0; item 2: cos a = 0, cos b = 1 -> 0.5
    expect(Array.from(near.items)).toEqual([2, 1]);
    expect(near.scores[0]).toBeCloseTo(0.5, 6);
    expect(near.scores[1]).toBeCloseTo(0, 6);
    expect(() => networkItemVectors(network, ['c'], 3, 'm/model.json')).toThrow("m/model.json: expected an item embedding layer 'c', found none; rerun train for this model");
    expect(() => networkItemVectors(network, ['a'], 4, 'm/model.json')).toThrow("m/model.json: layer 'a': expected 4 item rows, found 3");
    network.dispose();
  });

  it('every network type with item embeddings names them; bias-only networks have none', () => {
    expect(itemTablesOf('mf')).toEqual(['item_factors']);
    expect(itemTablesOf('neumf')).toEqual(['gmf_item_embedding', 'mlp_item_embedding']);
    expect(itemTablesOf('baseline')).toBeUndefined();
    expect(itemTablesOf('popularity')).toBeUndefined();
    expect(itemTablesOf('itemknn')).toBeUndefined();
    expect(Object.keys(MODEL_REGISTRY).filter((t) => itemTablesOf(t as keyof typeof MODEL_REGISTRY))).toEqual(['ncf', 'widedeep', 'neumf', 'mf']);
  });
});
