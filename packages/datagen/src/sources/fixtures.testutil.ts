/**
 * Test helpers: temp folders with small rating files, and experiment configs built
 * through core's YAML loader and resolver exactly as the CLI builds them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DataError } from '@deeprec/base';
import { loadConfig, type ExperimentConfig } from '@deeprec/config';
import { importRatings } from './index';

/** The real MovieLens 100K, read-only (its licence forbids copying it into the repository): beside the checkout (../shared/data/ml-100k), as on every developer machine and in CI. */
export const ML100K = process.env.DEEPREC_ML100K ?? resolve(__dirname, '../../../../../shared/data/ml-100k');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'deeprec-import-'));
}

/** Writes files under `dir`: strings as UTF-8, Buffers as they are (e.g. Buffer.from(text, 'latin1')). */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): string {
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

/** A config whose YAML file lives in `dir`, with these data and split sections. */
export function configIn(dir: string, data: Record<string, unknown>, split: Record<string, unknown> = { method: 'random' }, overrides: string[] = []): ExperimentConfig {
  const file = join(dir, 'experiment.yaml');
  // JSON is YAML.
  writeFileSync(file, JSON.stringify({ name: 'import-test', data, split, models: { ncf: { type: 'ncf' } } }, null, 2));
  return loadConfig(file, overrides);
}

/** The DataError an import fails with (fails the test when it does not). */
export async function importError(config: ExperimentConfig): Promise<DataError> {
  try {
    await importRatings(config);
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected the import to fail with a DataError');
}
