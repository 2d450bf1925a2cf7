/**
 * Atomic writes (DESIGN section 3): a stage builds its folder under a temporary
 * name next to the final one and renames it into place when complete, so an
 * interrupted run never leaves a half-written artifact that looks complete.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ArtifactError, messageOf } from '@deeprec/base';

let counter = 0;
function tempName(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${counter}`);
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempName(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new ArtifactError(`${file}: cannot write (${messageOf(error)})`, { cause: error });
  }
}

/** A file written piece by piece under a temporary name, renamed into place by commit(). */
export interface AtomicFile {
  /** Appends bytes; an I/O failure names the final file. */
  write(bytes: Uint8Array): void;
  /** Closes the temporary file and renames it to the final name. */
  commit(): void;
  /** Closes and removes the temporary file; the final name is left as it was. */
  abort(): void;
}

/** Opens `file` for incremental writing with writeFileAtomic's guarantee: readers see the old file or the complete new one. */
export function openFileAtomic(file: string): AtomicFile {
  const tmp = tempName(file);
  const fail = (error: unknown): never => {
    throw new ArtifactError(`${file}: cannot write (${messageOf(error)})`, { cause: error });
  };
  let fd = -1;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(tmp, 'w');
  } catch (error) {
    fail(error);
  }
  const close = () => {
    if (fd >= 0) closeSync(fd);
    fd = -1;
  };
  const abort = () => {
    try {
      close();
    } finally {
      rmSync(tmp, { force: true });
    }
  };
  return {
    write(bytes) {
      if (fd < 0) throw new Error(`${file}: write after commit or abort`);
      try {
        // writeSync may write less than asked (a full disk, a signal); loop until all is out.
        for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at, bytes.byteLength - at);
      } catch (error) {
        abort();
        fail(error);
      }
    },
    commit() {
      try {
        close();
        renameSync(tmp, file);
      } catch (error) {
        rmSync(tmp, { force: true });
        fail(error);
      }
    },
    abort,
  };
}

/**
 * The parsed contents of a JSON file, not yet validated: JSON artifacts are read through
 * their schema (jsonArtifact.ts), which is the only caller.
 */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ArtifactError(`${file}: ${what} ${missing ? 'is missing (run the stage that writes it first)' : `cannot be read (${messageOf(error)})`}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ArtifactError(`${file}: ${what} is not valid JSON (${messageOf(error)})`, { cause: error });
  }
}

/**
 * Runs `build` on an empty temporary folder, then swaps it in for `finalDir`.
 * `build` gets the folder it must write to; on failure the temporary folder is removed
 * and the previous `finalDir`, if any, is left untouched.
 */
export async function writeArtifactDir<T>(finalDir: string, build: (dir: string) => Promise<T> | T): Promise<T> {
  mkdirSync(dirname(finalDir), { recursive: true });
  const tmp = tempName(finalDir);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  let result: T;
  try {
    result = await build(tmp);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  const old = existsSync(finalDir) ? tempName(`${finalDir}.old`) : null;
  if (old) renameSync(finalDir, old);
  renameSync(tmp, finalDir);
  if (old) rmSync(old, { recursive: true, force: true });
  return result;
}
