/** What every command shares: config loading with overrides, logging, backend, artifacts root. */
import { resolve } from 'node:path';
import { defaultArtifactsRoot } from '@deeprec/artifacts';
import { createLogger, type Logger } from '@deeprec/base';
import { initBackend, overrideNames, type BackendInfo } from '@deeprec/compute';
import { loadConfig, type ExperimentConfig } from '@deeprec/config';

export interface GlobalArgs {
  set?: string[];
  verbose?: boolean;
  backend?: string;
  artifacts?: string;
}

export interface CommandContext {
  log: Logger;
  artifactsRoot: string;
  /** The config at `path` with the command's --set overrides, then `extra` ones (a search trial's values). */
  config(path: string, extra?: readonly string[]): ExperimentConfig;
  backend(): Promise<BackendInfo>;
  /** Command output (stdout); log lines go to stderr. */
  print(text: string): void;
}

export function createContext(args: GlobalArgs): CommandContext {
  const log = createLogger({ verbose: args.verbose ?? false });
  let backend: BackendInfo | null = null;
  return {
    log,
    artifactsRoot: args.artifacts ? resolve(args.artifacts) : defaultArtifactsRoot(),
    config: (path, extra = []) => loadConfig(path, [...(args.set ?? []), ...extra]),
    print: (text) => process.stdout.write(text),
    async backend() {
      if (!backend) {
        backend = await initBackend(args.backend, (line) => log.info(line));
        log.debug(`backend: ${backend.name} (${backend.provider}, tfjs ${backend.tfjsVersion}); tfjs overrides: ${overrideNames().join(', ') || 'none'}`);
      }
      return backend;
    },
  };
}
