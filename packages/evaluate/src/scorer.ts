/**
 * What evaluate and `recommend` score with: a saved model behind one interface, whether
 * it is a tfjs network (loaded with tf.loadLayersModel, exactly as a user would) or a
 * classic model (its saved arrays read back through its factory's `load`, scored with
 * the interactions it was fitted on: a history-based model's query). Nothing is refitted.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CLASSIC_FILE, concatRatings, readClassicModel, type Ratings } from '@deeprec/artifacts';
import { ArtifactError, messageOf } from '@deeprec/base';
import { fileLoadHandler, scorePairs, scoreUsersAllItems } from '@deeprec/compute';
import { MODEL_TYPES, type ModelType } from '@deeprec/config';
import { buildCsr, classicFactory, isClassic, itemTablesOf, type FittedClassic, type ItemRepresentation, type ItemTableSpec } from '@deeprec/models';
import { networkItemVectors } from './similar';

export interface Scorer {
  /** Scores of (users[k], items[k]), in order: raw outputs (ratings or ranking scores). */
  pairs(users: Int32Array, items: Int32Array): Float32Array;
  /** Scores of every item for each of `users`, user-major: (users[j], i) at j * numItems + i. */
  usersAllItems(users: ArrayLike<number>): Float32Array;
  /** The model's item representation (similar.ts), read on first use; undefined when it has none. */
  items(): ItemRepresentation | undefined;
  dispose(): void;
}

/** `itemTables`: the network's item embedding layers (itemTablesOf its type); `where` names the model in errors. */
export function networkScorer(network: tf.LayersModel, numItems: number, itemTables?: ItemTableSpec, where = 'network'): Scorer {
  let vectors: ItemRepresentation | undefined;
  return {
    pairs: (users, items) => scorePairs(network, users, items),
    usersAllItems: (users) => scoreUsersAllItems(network, users, numItems),
    items: () => (itemTables ? (vectors ??= networkItemVectors(network, itemTables, numItems, where)) : undefined),
    dispose: () => network.dispose(),
  };
}

export function classicScorer(fitted: FittedClassic, fitData: Ratings): Scorer {
  const history = buildCsr({ numUsers: fitted.numUsers, numItems: fitted.numItems, ...fitData }, 'user');
  return {
    pairs: (users, items) => fitted.scorePairs(history, users, items),
    usersAllItems: (users) => fitted.scoreUsers(history, users),
    items: () => fitted.items,
    dispose: () => undefined,
  };
}

export async function loadNetwork(dir: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(fileLoadHandler(dir));
  } catch (error) {
    if (error instanceof ArtifactError) throw error;
    throw new ArtifactError(`${join(dir, 'model.json')}: saved model cannot be loaded (${messageOf(error)})`, { cause: error });
  }
}

/** The data splits of one fold, read when a classic model asks for the ones it was fitted on. */
export type SplitReader = (split: 'train' | 'valid') => Ratings;

/**
 * The scorer of the model saved in `dir`, which must be of the configured type: a classic
 * model (classic.json) or a tfjs layers model (model.json).
 */
export async function loadScorer(dir: string, expectedType: ModelType, numItems: number, splits: SplitReader): Promise<Scorer> {
  const classicFile = join(dir, CLASSIC_FILE);
  if (isClassic(expectedType) !== existsSync(classicFile)) {
    const found = existsSync(classicFile) ? `a classic model (${CLASSIC_FILE})` : 'no classic.json';
    throw new ArtifactError(`${dir}: expected a saved ${expectedType} model, found ${found}; rerun train for this model`);
  }
  if (!isClassic(expectedType)) return networkScorer(await loadNetwork(dir), numItems, itemTablesOf(expectedType), join(dir, 'model.json'));
  const saved = readClassicModel(dir);
  const type = saved.type as ModelType;
  if (type !== expectedType || !MODEL_TYPES.includes(type)) {
    throw new ArtifactError(`${classicFile}: type: expected '${expectedType}' (the configured type), found '${saved.type}'; rerun train for this model`);
  }
  let fitted: FittedClassic;
  try {
    fitted = classicFactory(type).load(saved.meta, saved.arrays);
  } catch (error) {
    throw new ArtifactError(`${join(dir, CLASSIC_FILE)}: ${messageOf(error)}`, { cause: error });
  }
  const parts = saved.fitOn.map((split) => splits(split));
  const fitData = parts.slice(1).reduce((all, part) => concatRatings(all, part), parts[0] as Ratings);
  return classicScorer(fitted, fitData);
}
