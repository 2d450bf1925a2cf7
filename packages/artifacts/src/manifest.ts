/** manifest.json: what produced an artifact folder (DESIGN section 3). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hashFile, hashValue } from '@deeprec/base';

export interface Manifest {
  stage: 'datagen' | 'train' | 'evaluate' | 'report';
  experiment: string;
  model?: string;
  /** Hash of the config section(s) this stage read. */
  configHash: string;
  /** Hash of each input file, by path relative to the artifacts root. */
  inputs: Record<string, string>;
  seed: number;
  backend?: string;
  versions: Record<string, string>;
  createdAt: string;
  wallSeconds: number;
  /** Stage-specific facts (row counts, parameters, training time, ...). */
  details: Record<string, unknown>;
}

/** A dependency's version; walks up from its entry point, since "exports" maps may hide package.json. */
function packageVersion(name: string): string {
  try {
    let dir = dirname(require.resolve(name));
    for (;;) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
        if (pkg.name === name) return pkg.version;
      }
      const parent = dirname(dir);
      if (parent === dir) return 'unknown';
      dir = parent;
    }
  } catch {
    return 'unknown';
  }
}

export function toolVersions(): Record<string, string> {
  return {
    deeprec: (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version,
    node: process.versions.node,
    tfjs: packageVersion('@tensorflow/tfjs'),
    'apache-arrow': packageVersion('apache-arrow'),
  };
}

export function makeManifest(fields: Omit<Manifest, 'versions' | 'createdAt' | 'configHash' | 'inputs'> & {
  configSection: unknown;
  inputFiles?: Record<string, string>;
}): Manifest {
  const { configSection, inputFiles = {}, ...rest } = fields;
  return {
    ...rest,
    configHash: hashValue(configSection),
    inputs: Object.fromEntries(Object.entries(inputFiles).map(([name, file]) => [name, hashFile(file)])),
    versions: toolVersions(),
    createdAt: new Date().toISOString(),
  };
}
