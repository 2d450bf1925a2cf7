import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadConfigSource, resolveConfig, type ResolvedModelConfig } from '@deeprec/config';
import { initBackend } from '@deeprec/compute';
import { buildModel, MODEL_REGISTRY, itemTablesOf, type ItemRepresentation } from '@deeprec/models';
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
    const rep = networkItemVectors(network, { tables: ['a', 'b'], combine: 'join' }, 3, 'm/model.json');
    const near = similarItems(rep, 3, 0, 2);
    // item 1: cos a = 1, cos b = -1 -> 0; item 2: cos a = 0, cos b = 1 -> 0.5
    expect(Array.from(near.items)).toEqual([2, 1]);
    expect(near.scores[0]).toBeCloseTo(0.5, 6);
    expect(near.scores[1]).toBeCloseTo(0, 6);
    expect(() => networkItemVectors(network, { tables: ['c'], combine: 'join' }, 3, 'm/model.json')).toThrow("m/model.json: expected an item embedding layer 'c', found none; rerun train for this model");
    expect(() => networkItemVectors(network, { tables: ['a'], combine: 'join' }, 4, 'm/model.json')).toThrow("m/model.json: layer 'a': expected 4 item rows, found 3");
    network.dispose();
  });

  it("'sum' adds the tables' rows before the cosine; 'first' reads the first table the network has", () => {
    const item = tf.input({ shape: [1], dtype: 'int32' });
    // a + b: item 0 = (1, 1), item 1 = (2, 2) (same direction), item 2 = (1, -1) (orthogonal to both)
    const a = tf.layers.embedding({ name: 'a', inputDim: 3, outputDim: 2, weights: [tf.tensor2d([[1, 0], [2, 0], [0, 0]])] });
    const b = tf.layers.embedding({ name: 'b', inputDim: 3, outputDim: 2, weights: [tf.tensor2d([[0, 1], [0, 2], [1, -1]])] });
    const out = tf.layers.add().apply([tf.layers.flatten().apply(a.apply(item)), tf.layers.flatten().apply(b.apply(item))] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    const network = tf.model({ inputs: item, outputs: out });
    const summed = networkItemVectors(network, { tables: ['a', 'b'], combine: 'sum' }, 3, 'm/model.json');
    expect(summed.kind === 'vectors' && summed.source).toBe('item embeddings (a + b), cosine');
    const near = similarItems(summed, 3, 0, 2);
    expect(Array.from(near.items)).toEqual([1, 2]);
    expect(near.scores[0]).toBeCloseTo(1, 6);
    expect(near.scores[1]).toBeCloseTo(0, 6);
    // Joined instead: item 2's a-row is zero, so its joined row is b's half alone and its cosine with item 0 is -1/2: the mode matters.
    const joined = similarItems(networkItemVectors(network, { tables: ['a', 'b'], combine: 'join' }, 3, 'm/model.json'), 3, 0, 2);
    expect(joined.scores[0]).toBeCloseTo(1, 6);
    expect(joined.scores[1]).toBeCloseTo(-0.5, 6);
    // 'first': 'x' is not in the network, 'b' is; 'b' alone: item 2 (1, -1) against item 0 (0, 1) is -1/sqrt(2)
    const first = networkItemVectors(network, { tables: ['x', 'b', 'a'], combine: 'first' }, 3, 'm/model.json');
    expect(first.kind === 'vectors' && first.source).toBe('item embeddings (b), cosine');
    expect(similarItems(first, 3, 0, 2).scores[1]).toBeCloseTo(-Math.SQRT1_2, 6);
    expect(() => networkItemVectors(network, { tables: ['x', 'y'], combine: 'first' }, 3, 'm/model.json')).toThrow(
      "m/model.json: expected an item embedding layer, one of 'x', 'y', found none; rerun train for this model",
    );
    network.dispose();
  });

  it('every network type with item embeddings names them; bias-only networks have none', () => {
    expect(itemTablesOf('mf')).toEqual({ tables: ['item_factors'], combine: 'join' });
    expect(itemTablesOf('neumf')).toEqual({ tables: ['gmf_item_embedding', 'mlp_item_embedding'], combine: 'join' });
    expect(itemTablesOf('lightgcn')).toEqual({ tables: ['item_embedding', 'item_propagated'], combine: 'sum' });
    expect(itemTablesOf('baseline')).toBeUndefined();
    expect(itemTablesOf('popularity')).toBeUndefined();
    expect(itemTablesOf('itemknn')).toBeUndefined();
    expect(Object.keys(MODEL_REGISTRY).filter((t) => itemTablesOf(t as keyof typeof MODEL_REGISTRY))).toEqual(['ncf', 'widedeep', 'neumf', 'mf', 'lightgcn', 'autorec', 'glocalk', 'multdae', 'multvae']);
  });

  it('the tables each network type names are in its built network, one row per item', () => {
    const context = { numUsers: 4, numItems: 5, trainMean: 3, seed: 1, interactions: () => ({ user: Int32Array.of(0, 1), item: Int32Array.of(2, 3) }) };
    const sections: Record<string, [string, 'explicit' | 'implicit']> = {
      ncf: ['{ type: ncf, embeddingDim: 2, layers: [4] }', 'explicit'],
      widedeep: ['{ type: widedeep, embeddingDim: 2, layers: [4] }', 'explicit'],
      neumf: ['{ type: neumf, gmfDim: 2, mlpDim: 2, layers: [4] }', 'explicit'],
      mf: ['{ type: mf, embeddingDim: 2 }', 'explicit'],
      lightgcn: ['{ type: lightgcn, embeddingDim: 2 }', 'implicit'],
      'autorec (item-based)': ['{ type: autorec, side: item, hiddenUnits: 3 }', 'explicit'],
      'autorec (user-based)': ['{ type: autorec, side: user, hiddenUnits: 3 }', 'explicit'],
      glocalk: ['{ type: glocalk, hiddenUnits: 3, kernelDim: 2 }', 'explicit'],
      multdae: ['{ type: multdae, layers: [4, 2] }', 'implicit'],
      multvae: ['{ type: multvae, layers: [4, 2] }', 'implicit'],
    };
    const sources: Record<string, string> = {};
    for (const [label, [section, feedback]] of Object.entries(sections)) {
      const file = join(mkdtempSync(join(tmpdir(), 'deeprec-similar-')), 'c.yaml');
      writeFileSync(file, `name: t\ndata: { feedback: ${feedback} }\nmodels:\n  m: ${section}\n`);
      const config = resolveConfig(loadConfigSource(file)).models.m as ResolvedModelConfig;
      const model = buildModel(config, context);
      const spec = itemTablesOf(config.type);
      expect(spec).toBeDefined();
      const rep = networkItemVectors(model.network, spec as NonNullable<typeof spec>, 5, label);
      expect(rep.kind === 'vectors' && rep.values.length / rep.dim).toBe(5);
      sources[label] = rep.kind === 'vectors' ? rep.source : '';
      model.network.dispose();
    }
    expect(sources['autorec (item-based)']).toBe('item embeddings (item_code), cosine');
    expect(sources['autorec (user-based)']).toBe('item embeddings (item_decoder), cosine');
    expect(sources.lightgcn).toBe('item embeddings (item_embedding + item_propagated), cosine');
  });
});
