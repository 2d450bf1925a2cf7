/** The typed model registry: one factory per model type of the config schema, network or classic. */
import { ConfigError } from '@deeprec/base';
import { MODEL_TRAITS, MODEL_TYPES, type ModelType, type NetworkModelType, type ResolvedModelConfig } from '@deeprec/config';
import type { ItemTableSpec, ModelContext, ModelFactory, RecModel } from './contract';
import type { ClassicFactory } from './classicContract';
import { baseline } from './baseline';
import { mf } from './mf';
import { ncf } from './ncf';
import { popularity } from './popularity';
import { neumf } from './neumf';
import { widedeep } from './widedeep';
import { lightgcn } from './lightgcn';
import { autorec } from './autorec';
import { glocalk } from './glocalk';
import { multdae } from './multdae';
import { multvae } from './multvae';
import { ease } from './classicModels/ease';
import { ials } from './classicModels/ials';
import { itemknn } from './classicModels/itemknn';
import { puresvd } from './classicModels/puresvd';
import { rp3beta } from './classicModels/rp3beta';
import { svdpp } from './classicModels/svdpp';
import { userknn } from './classicModels/userknn';

/** One factory per model type; the compiler checks none is missing. */
export type ModelRegistry = { [T in ModelType]: ModelFactory<T> | ClassicFactory<T> };

export const MODEL_REGISTRY: ModelRegistry = { ncf, widedeep, neumf, baseline, mf, popularity, itemknn, userknn, rp3beta, ease, ials, puresvd, svdpp, lightgcn, autorec, glocalk, multdae, multvae };

function factoryOf(type: ModelType, name: string): ModelFactory<ModelType> | ClassicFactory<ModelType> {
  const factory = MODEL_REGISTRY[type] as ModelFactory<ModelType> | ClassicFactory<ModelType> | undefined;
  if (!factory) {
    throw new ConfigError(`models.${name}.type: unknown model type '${String(type)}'; expected one of: ${MODEL_TYPES.join(', ')}`);
  }
  return factory;
}

export function isClassic(type: ModelType): boolean {
  return MODEL_TRAITS[type].kind === 'classic';
}

/** Narrows a model section to the network types (trained by the optimizer loop). */
export function isNetworkConfig(config: ResolvedModelConfig): config is ResolvedModelConfig<NetworkModelType> {
  return !isClassic(config.type);
}

/** The classic factory of a type; a RangeError for a network type (callers branch on isClassic first). */
export function classicFactory(type: ModelType): ClassicFactory<ModelType> {
  const factory = factoryOf(type, type);
  if (!('fit' in factory)) throw new RangeError(`${type} is a network model, not a classic one`);
  return factory;
}

/** The item embedding layers of a network type and how they combine (its factory's itemTables); undefined for classic types and networks without any. */
export function itemTablesOf(type: ModelType): ItemTableSpec | undefined {
  const factory = factoryOf(type, type);
  if ('fit' in factory || !factory.itemTables || factory.itemTables.length === 0) return undefined;
  return { tables: factory.itemTables, combine: factory.itemTablesCombine ?? 'join' };
}

export function buildModel(config: ResolvedModelConfig, context: ModelContext): RecModel {
  const factory = factoryOf(config.type, config.name);
  if ('fit' in factory) throw new RangeError(`models.${config.name}: ${config.type} is a classic model; it is fitted, not built as a network`);
  try {
    return (factory.build as (c: ResolvedModelConfig, ctx: ModelContext) => RecModel)(config, context);
  } catch (error) {
    if (error instanceof RangeError) throw new ConfigError(error.message, { cause: error });
    throw error;
  }
}
