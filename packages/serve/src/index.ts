/** @deeprec/serve: `deeprec serve`, an HTTP API over saved models (recommend, score, similar), micro-batched, hot-swapped. */
export { startServer, serveUntilStopped, SERVE_DEFAULTS, type ServeOptions, type RunningServer } from './server';
export { ModelSet, artifactsHash, type ModelVersion, type ModelSetOptions } from './models';
export { RecommendBatcher, type BatchOptions, type BatchStats } from './batcher';
export { type ApiLimits } from './routes';
export { type ErrorBody } from './errors';
