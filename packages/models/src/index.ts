/** @deeprec/models: one file per model, a typed registry, and the model contract. */
export type { ModelContext, ModelFactory, ModelRegistry, RecModel, TrainingPass } from './contract';
export { MODEL_REGISTRY, buildModel } from './registry';
export { ncf } from './ncf';
export { widedeep } from './widedeep';
export { neumf } from './neumf';
