/**
 * Error kinds and the exit codes they map to (DESIGN section 4).
 *
 * `UserInputError` covers everything a user can fix by editing a config, a flag or
 * an input file: the CLI prints its one-line message and exits 2. Everything else,
 * including a corrupt artifact written by an earlier stage, exits 1.
 */
export type ErrorKind = 'config' | 'usage' | 'data' | 'artifact' | 'internal';

export class DeeprecError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = new.target.name;
  }

  get exitCode(): number {
    return this.kind === 'config' || this.kind === 'usage' || this.kind === 'data' ? 2 : 1;
  }
}

/** A config file, a `--set` override or a command-line flag is wrong. */
export class ConfigError extends DeeprecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, options);
  }
}

/** Input data (ratings, an importer's file) is malformed. */
export class DataError extends DeeprecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('data', message, options);
  }
}

/** An artifact written by a stage is missing, truncated or does not match its schema. */
export class ArtifactError extends DeeprecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('artifact', message, options);
  }
}

export function exitCodeOf(error: unknown): number {
  return error instanceof DeeprecError ? error.exitCode : 1;
}

/** The message of an unknown thrown value, for wrapping. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
