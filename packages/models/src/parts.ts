/** Parts several models share: bias terms, side-feature blocks and attribute embeddings. */
import * as tf from '@tensorflow/tfjs';
import type { ModelContext } from './contract';
import type { FeatureField } from './features';
import { flatten, type LayerFactory } from './layers';
import type { AnyTensor, Pass } from './pass';

/** Adds a list of same-shaped tensors (tfjs's Add layer needs two or more). */
export function sum<T extends AnyTensor>(pass: Pass, layer: tf.layers.Layer, terms: T[]): T {
  return terms.length === 1 ? (terms[0] as T) : pass.apply(layer, terms);
}

/** Concatenates along features (tfjs's Concatenate layer needs two or more). */
export function concat<T extends AnyTensor>(pass: Pass, layer: tf.layers.Layer, parts: T[]): T {
  return parts.length === 1 ? (parts[0] as T) : pass.apply(layer, parts);
}

/** User and item bias terms b_u and b_i, each [batch, 1]. */
export class BiasTerms {
  readonly user: tf.layers.Layer;
  readonly item: tf.layers.Layer;
  private readonly flat = [flatten('user_bias_flatten'), flatten('item_bias_flatten')] as const;

  constructor(f: LayerFactory, context: ModelContext) {
    this.user = f.bias('user_bias', context.numUsers);
    this.item = f.bias('item_bias', context.numItems);
  }

  apply<T extends AnyTensor>(user: T, item: T, pass: Pass): [T, T] {
    return [pass.apply(this.flat[0], pass.apply(this.user, user)), pass.apply(this.flat[1], pass.apply(this.item, item))];
  }
}

/** The one-hot / multi-hot blocks of one side's feature fields, looked up by index. */
export class FeatureBlocks {
  readonly fields: FeatureField[];
  private readonly tables: Array<[tf.layers.Layer, tf.layers.Layer]>;

  constructor(f: LayerFactory, side: 'user' | 'item', fields: FeatureField[], rows: number) {
    this.fields = fields;
    this.tables = fields.map((field) => [f.featureTable(`${side}_feature_${field.name}`, field, rows), flatten(`${side}_feature_${field.name}_flatten`)]);
  }

  get size(): number {
    return this.fields.length;
  }

  blocks<T extends AnyTensor>(index: T, pass: Pass): T[] {
    return this.tables.map(([table, flat]) => pass.apply(flat, pass.apply(table, index)));
  }
}

/**
 * A side's attribute embedding: the multi-hot vector of all its fields times a learned
 * matrix, i.e. the sum of one embedding per attribute value (Cheng et al.'s deep part).
 */
export class AttributeEmbedding {
  private readonly merge: tf.layers.Layer;
  private readonly project: tf.layers.Layer;

  constructor(
    f: LayerFactory,
    side: 'user' | 'item',
    readonly blocks: FeatureBlocks,
    dim: number,
  ) {
    this.merge = tf.layers.concatenate({ name: `${side}_features_concat` });
    this.project = f.dense(`${side}_attribute_embedding`, dim, 'linear', { bias: false });
  }

  apply<T extends AnyTensor>(index: T, pass: Pass): T {
    return pass.apply(this.project, concat(pass, this.merge, this.blocks.blocks(index, pass)));
  }
}

/** Side features from the context, or none when the model does not use them or the data has none. */
export function featureBlocks(f: LayerFactory, context: ModelContext, use: boolean): { users: FeatureBlocks; items: FeatureBlocks } | null {
  if (!use || !context.features || (context.features.users.length === 0 && context.features.items.length === 0)) return null;
  return {
    users: new FeatureBlocks(f, 'user', context.features.users, context.numUsers),
    items: new FeatureBlocks(f, 'item', context.features.items, context.numItems),
  };
}
