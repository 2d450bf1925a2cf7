/**
 * The `deeprec` binary (DESIGN section 4). Exit codes: 0 done; 2 bad usage, config or
 * input data (one line naming the file, line or key); 1 anything else. Stack traces
 * only with --verbose.
 */
import yargs, { type Argv } from 'yargs';
import { DeeprecError, exitCodeOf, messageOf } from '@deeprec/base';
import * as commands from './commands';
import { exportWeb } from './exportCommand';
import { createContext, type GlobalArgs } from './context';
import { SERVE_DEFAULTS } from '@deeprec/serve';

class UsageError extends DeeprecError {
  constructor(message: string) {
    super('usage', message);
  }
}

const withConfig = (y: Argv) => y.positional('config', { type: 'string', demandOption: true, describe: 'experiment YAML file' });
const withModel = (y: Argv) =>
  withConfig(y).option('model', { type: 'string', demandOption: true, describe: 'model name: a key of the config\'s models section' });

function trialIndex(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new UsageError(`--trial: expected a trial index (an integer >= 0), found ${String(value)}`);
  return value;
}

export function parser(argv: string[], act: (task: (ctx: ReturnType<typeof createContext>) => Promise<void>, args: GlobalArgs) => void): Argv {
  const handle = (task: (args: Record<string, unknown>) => (ctx: ReturnType<typeof createContext>) => Promise<void>) => (args: Record<string, unknown>) =>
    act(task(args), args as GlobalArgs);
  return yargs(argv)
    .scriptName('deeprec')
    .usage('$0 <command> <config.yaml> [options]\n\nDeep-learning recommender experiments: YAML config in, data, models, metrics and an HTML report out.')
    .command('run <config>', 'All stages of one experiment in order (datagen, train and evaluate every model, report), without Nx', withConfig, handle((a) => (ctx) => commands.run(ctx, a.config as string)))
    .command('datagen <config>', 'Generate or import ratings, split them, write artifacts/<name>/data', withConfig, handle((a) => (ctx) => commands.datagen(ctx, a.config as string)))
    .command('train <config>', 'Train one model on the data artifacts, write artifacts/<name>/models/<model>', withModel, handle((a) => (ctx) => commands.train(ctx, a.config as string, a.model as string)))
    .command(
      'search <config>',
      'Hyper-parameter search: every trial of a model (or of each model with a search section) on the validation split, then the selection (search/<model>/)',
      (y) =>
        withConfig(y)
          .option('model', { type: 'string', describe: 'only this model (default: every model with a search section)' })
          .option('select-only', { type: 'boolean', default: false, describe: 'select among the trials already run, run none' }),
      handle((a) => (ctx) => commands.search(ctx, a.config as string, a.model as string | undefined, a['select-only'] as boolean)),
    )
    .command(
      'trial <config>',
      'One trial of a model\'s search (what each Nx trial task runs), written to search/<model>/trial-<k>/',
      (y) => withModel(y).option('trial', { type: 'number', demandOption: true, describe: 'trial index, 0-based' }),
      handle((a) => (ctx) => commands.trial(ctx, a.config as string, a.model as string, trialIndex(a.trial))),
    )
    .command('evaluate <config>', 'Score the test ratings with a trained model, write artifacts/<name>/eval/<model>', withModel, handle((a) => (ctx) => commands.evaluate(ctx, a.config as string, a.model as string)))
    .command(
      'report [config]',
      'Write the HTML report of one experiment, or with --all the report of every experiment in --configs',
      (y) =>
        y
          .positional('config', { type: 'string', describe: 'experiment YAML file' })
          .option('all', { type: 'boolean', default: false, describe: 'report every experiment of --configs side by side (artifacts/report/index.html)' })
          .option('configs', { type: 'string', default: 'configs/experiments', describe: 'folder of experiment configs, for --all' }),
      handle((a) => (ctx) => commands.report(ctx, a.config as string | undefined, a.all as boolean, a.configs as string)),
    )
    .command(
      'recommend <config>',
      'Top-K items from a trained model for one user (--user), or for every user into an Arrow file (--all --out); items the user rated in training are left out',
      (y) =>
        withModel(y)
          .option('user', { type: 'string', describe: "raw user id (users.arrow 'id'); a user without training data gets the most popular items" })
          .option('all', { type: 'boolean', default: false, describe: 'recommend for every user; needs --out' })
          .option('out', { type: 'string', describe: 'with --all: Arrow file to write (user, rank, item, score; raw ids), relative to the current folder' })
          .option('k', { type: 'string', describe: 'items per user, a positive integer (default 10)' })
          .option('json', { type: 'boolean', default: false, describe: 'print JSON { user, model, k, fallback, items: [{ rank, item, title?, score }] } instead of a table' })
          .example('$0 recommend configs/examples/movielens-100k.yaml --model mf --user 196 --k 5', 'five films for user 196')
          .example('$0 recommend configs/examples/movielens-100k.yaml --model mf --all --out recs.arrow', 'top 10 of every user'),
      handle((a) => (ctx) =>
        commands.recommend(ctx, a.config as string, { model: a.model as string, user: a.user, all: a.all as boolean, out: a.out, k: a.k, json: a.json as boolean }),
      ),
    )
    .command(
      'export <config>',
      'Write a folder a web page loads: the trained network (tfjs files), ids, titles and training items as JSON, and an ES module with recommend(user, k); see its README.md',
      (y) =>
        withModel(y)
          .option('out', { type: 'string', demandOption: true, describe: 'folder to write (replaced atomically; a non-empty folder is refused unless an earlier export wrote it)' })
          .example('$0 export configs/examples/movielens-100k.yaml --model neumf --out site/recommender', 'the NeuMF network for a web page'),
      handle((a) => (ctx) => exportWeb(ctx, a.config as string, { model: a.model as string, out: a.out })),
    )
    .command(
      'serve <config>',
      'Serve saved models over HTTP (no training): GET /v1/recommend, POST /v1/score, GET /v1/similar, GET /v1/models, /healthz, /openapi.json; SIGHUP or new artifacts reload, SIGTERM stops gracefully',
      (y) =>
        withConfig(y)
          .option('model', { type: 'string', array: true, describe: 'a model to serve (repeatable; default every model of the config)' })
          .option('host', { type: 'string', default: SERVE_DEFAULTS.host, describe: 'address to listen on (loopback unless told otherwise)' })
          .option('port', { type: 'number', default: SERVE_DEFAULTS.port, describe: 'port to listen on (0: any free port)' })
          .option('batch-window-ms', { type: 'number', default: SERVE_DEFAULTS.batch.windowMs, describe: 'how long a /v1/recommend request waits for others to be scored with it' })
          .option('max-batch', { type: 'number', default: SERVE_DEFAULTS.batch.maxBatch, describe: 'most users scored in one batched call' })
          .option('max-k', { type: 'number', default: SERVE_DEFAULTS.limits.maxK, describe: 'largest k a request may ask for' })
          .option('max-pairs', { type: 'number', default: SERVE_DEFAULTS.limits.maxPairs, describe: 'most pairs in one /v1/score request' })
          .option('body-limit-kb', { type: 'number', default: SERVE_DEFAULTS.bodyLimit / 1024, describe: 'largest request body in KiB' })
          .option('watch', { type: 'boolean', default: SERVE_DEFAULTS.watch, describe: 'reload when the artifacts change (--no-watch: on SIGHUP only)' })
          .example('$0 serve configs/examples/movielens-100k.yaml --model neumf --port 8080', 'then: curl "http://127.0.0.1:8080/v1/recommend?user=196&k=5"'),
      handle((a) => (ctx) =>
        commands.serve(ctx, a.config as string, {
          models: (a.model as string[] | undefined) ?? [],
          host: a.host as string,
          port: a.port as number,
          batchWindowMs: a['batch-window-ms'] as number,
          maxBatch: a['max-batch'] as number,
          maxK: a['max-k'] as number,
          maxPairs: a['max-pairs'] as number,
          bodyLimitKb: a['body-limit-kb'] as number,
          watch: a.watch as boolean,
        }),
      ),
    )
    .command(
      'cache-server',
      `Serve a shared Nx remote cache (Nx's self-hosted protocol) from a folder; tokens from ${'$'}DEEPREC_CACHE_TOKEN_RW (read-write) and ${'$'}DEEPREC_CACHE_TOKEN_RO (read-only)`,
      (y) =>
        y
          .option('dir', { type: 'string', demandOption: true, describe: 'folder holding the cache entries' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (loopback unless told otherwise)' })
          .option('port', { type: 'number', default: 3000, describe: 'port to listen on' })
          .option('max-entry-mb', { type: 'number', describe: 'size limit of one entry in MiB (default 2048)' }),
      handle((a) => (ctx) =>
        commands.cacheServer(ctx, { dir: a.dir as string, host: a.host as string, port: a.port as number, ...(a['max-entry-mb'] !== undefined ? { maxEntryMb: a['max-entry-mb'] as number } : {}) }),
      ),
    )
    .command(
      'queue <config>',
      'Fan an experiment out to workers on Redis: datagen here, one job per train task or search trial (BullMQ), then evaluate and report here from the shared Nx cache',
      (y) =>
        withConfig(y)
          .option('redis', { type: 'string', demandOption: true, describe: 'Redis URL, e.g. redis://127.0.0.1:6379' })
          .option('queue-name', { type: 'string', default: 'deeprec', describe: 'BullMQ queue name (the workers must use the same)' })
          .option('attempts', { type: 'number', default: 2, describe: 'tries per job before it counts as failed' }),
      handle((a) => (ctx) => {
        if ((a.set as string[] | undefined)?.length) throw new UsageError('--set: not with queue (workers read the config file as it is); edit the config instead');
        return commands.queue(ctx, a.config as string, { redis: a.redis as string, queueName: a['queue-name'] as string, attempts: a.attempts as number });
      }),
    )
    .command(
      'worker',
      'Take jobs from the queue on Redis one at a time and run each as an Nx task in this checkout (the shared Nx cache brings inputs and takes outputs)',
      (y) =>
        y
          .option('redis', { type: 'string', demandOption: true, describe: 'Redis URL, e.g. redis://cache-host:6379' })
          .option('queue-name', { type: 'string', default: 'deeprec', describe: 'BullMQ queue name' })
          .option('name', { type: 'string', describe: 'worker name in logs and job results (default host:pid)' })
          .option('lock-seconds', { type: 'number', default: 30, describe: "job lock; a dead worker's job goes back to the queue within about twice this" }),
      handle((a) => (ctx) =>
        commands.worker(ctx, {
          redis: a.redis as string,
          queueName: a['queue-name'] as string,
          lockSeconds: a['lock-seconds'] as number,
          verbose: a.verbose as boolean,
          ...(a.name !== undefined ? { name: a.name as string } : {}),
        }),
      ),
    )
    .command('validate <config>', 'Check a config and its data (generate or import and split in memory, build the models); trains nothing, writes nothing', withConfig, handle((a) => (ctx) => commands.validate(ctx, a.config as string)))
    .option('set', { type: 'string', array: true, describe: 'override a config key, e.g. --set train.epochs=5 --set models.ncf.dropout=0.3 (values are YAML)' })
    .option('backend', { type: 'string', describe: 'tfjs backend: auto (default), tensorflow, wasm or cpu; or set DEEPREC_BACKEND' })
    .option('artifacts', { type: 'string', describe: 'artifacts root folder (default ./artifacts, or DEEPREC_ARTIFACTS)' })
    .option('verbose', { type: 'boolean', default: false, describe: 'more log lines, and stack traces on errors' })
    .demandCommand(1, 'expected a command: run, datagen, search, trial, train, evaluate, report, recommend, serve, export, validate, cache-server, queue or worker')
    .strict()
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
}

function report(error: unknown, verbose: boolean): number {
  const code = exitCodeOf(error);
  const message = error instanceof DeeprecError ? messageOf(error) : `internal error: ${messageOf(error)}`;
  process.stderr.write(`deeprec: ${message}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else if (!(error instanceof DeeprecError)) process.stderr.write('(run with --verbose for the stack trace)\n');
  return code;
}

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  let pending: Promise<void> | null = null;
  try {
    await parser(argv, (task, args) => {
      pending = task(createContext(args));
    }).parseAsync();
    if (pending) await pending;
    return 0;
  } catch (error) {
    return report(error, verbose);
  }
}
