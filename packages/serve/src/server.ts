/**
 * `deeprec serve`: the HTTP server around a ModelSet. startServer loads the models (no
 * training: saved artifacts only), listens, and watches the artifacts; serveUntilStopped
 * adds the process signals: SIGHUP reloads, SIGTERM and SIGINT shut down gracefully
 * (stop accepting, let requests in flight finish, then resolve so the process exits 0).
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { ArtifactCatalogue } from '@deeprec/artifacts';
import { messageOf, type Logger } from '@deeprec/base';
import type { ExperimentConfig } from '@deeprec/config';
import { errorBody, errorHandler } from './errors';
import { ModelSet } from './models';
import { registerRoutes, type ApiLimits } from './routes';
import type { BatchOptions } from './batcher';

export interface ServeOptions {
  config: ExperimentConfig;
  artifactsRoot: string;
  /** Model names of the config to serve. */
  models: readonly string[];
  host: string;
  /** 0: any free port. */
  port: number;
  batch: BatchOptions;
  limits: ApiLimits;
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** Reload when the model or data folders change (debounced by watchDebounceMs). */
  watch: boolean;
  watchDebounceMs: number;
  log: Logger;
}

/** Defaults of the options the command line may leave out (documented in the README's Serving section). */
export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  batch: { windowMs: 2, maxBatch: 64 },
  limits: { maxK: 100, maxPairs: 10_000 },
  bodyLimit: 1024 * 1024,
  watch: true,
  watchDebounceMs: 300,
} as const;

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  models: ModelSet;
  /** Reloads the models whose artifacts changed; resolves when done. */
  reload(reason: string): Promise<void>;
  /** Stops accepting, waits for requests in flight, frees the models. */
  close(): Promise<void>;
}

/**
 * Watches models/ (train replaces models/<m>/ by a rename) and the experiment folder
 * (datagen replaces data/ likewise); bursts of events become one reload after
 * `debounceMs`. Returns the function that stops watching.
 */
function watchArtifacts(catalogue: ArtifactCatalogue, debounceMs: number, reload: (reason: string) => void, log: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => reload('artifacts changed'), debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of [catalogue.experimentDir, join(catalogue.experimentDir, 'models')]) {
    try {
      const watcher = watch(dir, { persistent: false }, changed);
      watcher.on('error', (error) => log.info(`serve: watching ${dir} stopped (${messageOf(error)}); SIGHUP still reloads`));
      watchers.push(watcher);
    } catch (error) {
      log.info(`serve: cannot watch ${dir} (${messageOf(error)}); SIGHUP still reloads`);
    }
  }
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { log } = options;
  const models = await ModelSet.load({ config: options.config, artifactsRoot: options.artifactsRoot, models: options.models, batch: options.batch, log });
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    // unknown query or body fields are errors naming them, not silently dropped
    ajv: { customOptions: { removeAdditional: false } },
    return503OnClosing: true,
  });
  app.setErrorHandler(errorHandler(log, options.bodyLimit));
  // While closing, answers end their connection: a keep-alive client would otherwise hold
  // the server open for Fastify's keepAliveTimeout (72 s) after the last request in flight.
  let closing = false;
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(404, 'url', `url: no route ${request.method} ${request.url.split('?')[0]}; see /openapi.json`)));
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: `deeprec serve: ${options.config.name}`, version: '1', description: `Recommendations from the saved models of experiment ${options.config.name}: ${models.names.join(', ')}` },
    },
  });
  registerRoutes(app, models, options.limits);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const reload = (reason: string) => models.reload(reason);
  const catalogue = new ArtifactCatalogue(options.artifactsRoot, options.config.name);
  const stopWatching = options.watch ? watchArtifacts(catalogue, options.watchDebounceMs, (r) => void reload(r), log) : () => undefined;
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    stopWatching();
    models.dispose();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    app,
    models,
    reload,
    async close() {
      closing = true;
      stopWatching();
      await app.close();
      models.dispose();
    },
  };
}

/** Serves until SIGTERM or SIGINT; SIGHUP reloads changed models. Resolves after a graceful shutdown. */
export async function serveUntilStopped(options: ServeOptions): Promise<void> {
  const { log } = options;
  const server = await startServer(options);
  const versions = server.models.versions().map((v) => `${v.name} (${v.type}, ${v.hash})`);
  log.info(`serve: ${server.url} serving ${options.config.name}: ${versions.join(', ')}`);
  const onHangUp = () => void server.reload('SIGHUP');
  process.on('SIGHUP', onHangUp);
  const signal = await new Promise<string>((done) => {
    process.once('SIGTERM', () => done('SIGTERM'));
    process.once('SIGINT', () => done('SIGINT'));
  });
  log.info(`serve: ${signal}: no new connections; finishing the requests in flight`);
  process.off('SIGHUP', onHangUp);
  await server.close();
  log.info('serve: stopped');
}
