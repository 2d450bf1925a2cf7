/** @deeprec/search: search spaces and seeded samplers (grid, random, TPE) for hyper-parameter search. */
export { checkSpace, gridPoint, gridSize, gridValues, quantize, type ParamSpec, type ParamValue, type Params, type Space } from './space';
export { TPE_DEFAULTS, dependsOnTrials, proposeTrial, type Observation, type SearchAlgorithm, type TpeOptions } from './samplers';
