/**
 * Atomic writes (DESIGN section 3): a stage builds its folder under a temporary
 * name next to the final one and renames it into place when complete, so an
 * interrupted run never leaves a half-written artifact that looks complete.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ArtifactError, messageOf } from './errors';

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

export function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function readJson<T>(file: string, what: string): T {
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
    return JSON.parse(text) as T;
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
