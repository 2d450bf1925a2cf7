/** The typed model registry: one builder per model type of the config schema. */
import { ConfigError } from '@deeprec/base';
import { MODEL_TYPES, type ModelType, type ResolvedModelConfig } from '@deeprec/config';
import type { ModelContext, ModelRegistry, RecModel } from './contract';
import { baseline } from './baseline';
import { mf } from './mf';
import { ncf } from './ncf';
import { popularity } from './popularity';
import { neumf } from './neumf';
import { widedeep } from './widedeep';

export const MODEL_REGISTRY: ModelRegistry = { ncf, widedeep, neumf, baseline, mf, popularity };

export function buildModel(config: ResolvedModelConfig, context: ModelContext): RecModel {
  const factory = MODEL_REGISTRY[config.type as ModelType];
  if (!factory) {
    throw new ConfigError(`models.${config.name}.type: unknown model type '${String(config.type)}'; expected one of: ${MODEL_TYPES.join(', ')}`);
  }
  try {
    return (factory.build as (c: ResolvedModelConfig, ctx: ModelContext) => RecModel)(config, context);
  } catch (error) {
    if (error instanceof RangeError) throw new ConfigError(error.message, { cause: error });
    throw error;
  }
}
