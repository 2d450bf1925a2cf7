/** @deeprec/base: Errors with exit codes, the seeded RNG, hashing and logging: what every package needs and nothing else. */
export { ArtifactError, ConfigError, DataError, DeeprecError, exitCodeOf, messageOf, type ErrorKind } from './errors';
export { Rng, WeightedSampler } from './rng';
export { hashFile, hashValue, stableStringify } from './hash';
export { createLogger, type Logger, type LoggerOptions, type Progress } from './log';
