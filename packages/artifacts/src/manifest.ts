/**
 * manifest.json: what produced an artifact folder (DESIGN section 3). One zod schema
 * per stage (the `details` differ); readManifest/writeManifest are the only way to the
 * file, so a reader gets typed details or an ArtifactError naming the file and key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { hashFile, hashValue } from '@deeprec/base';
import { DataInfoSchema } from './dataInfo';
import { readJsonArtifact, writeJsonArtifact } from './jsonArtifact';
import { TrainDetailsSchema } from './results';

/** The fields every stage's manifest has. */
const commonFields = {
  experiment: z.string(),
  model: z.string().optional(),
  /** Hash of the config section(s) this stage read. */
  configHash: z.string(),
  /** Hash of each input file, by path relative to the artifacts root. */
  inputs: z.record(z.string(), z.string()),
  seed: z.number(),
  backend: z.string().optional(),
  versions: z.record(z.string(), z.string()),
  createdAt: z.string(),
  wallSeconds: z.number(),
};

/** Each stage's manifest; `details` holds its stage-specific facts. */
export const MANIFEST_SCHEMAS = {
  datagen: z.object({ stage: z.literal('datagen'), ...commonFields, details: z.object({
      info: DataInfoSchema,
      /** data.csv.invalidRows: skip only: how many malformed rows were left out, and the first few. */
      invalidRows: z.object({ count: z.number().int().min(0), first: z.array(z.object({ file: z.string(), line: z.number().int().min(1), reason: z.string() })) }).optional(),
    }),
  }),
  train: z.object({ stage: z.literal('train'), ...commonFields, details: TrainDetailsSchema }),
  evaluate: z.object({ stage: z.literal('evaluate'), ...commonFields, details: z.record(z.string(), z.unknown()) }),
  report: z.object({
    stage: z.literal('report'),
    ...commonFields,
    details: z.object({ models: z.array(z.string()), charts: z.array(z.string()), bytes: z.number() }),
  }),
};
export type Stage = keyof typeof MANIFEST_SCHEMAS;
export type ManifestOf<S extends Stage> = z.output<(typeof MANIFEST_SCHEMAS)[S]>;
/** Any stage's manifest; `stage` tells which. */
export const ManifestSchema = z.discriminatedUnion('stage', [MANIFEST_SCHEMAS.datagen, MANIFEST_SCHEMAS.train, MANIFEST_SCHEMAS.evaluate, MANIFEST_SCHEMAS.report]);
export type Manifest = z.output<typeof ManifestSchema>;

const MANIFEST_NAMES: Record<Stage, string> = { datagen: 'data manifest', train: 'train manifest', evaluate: 'evaluate manifest', report: 'report manifest' };

/** Reads the manifest `stage` wrote; a manifest of another stage is an error naming the file and `stage`. */
export function readManifest<S extends Stage>(file: string, stage: S): ManifestOf<S> {
  // TS cannot follow a generic key through z.output; MANIFEST_SCHEMAS[stage] is ManifestOf<S>'s schema by definition.
  return readJsonArtifact(MANIFEST_SCHEMAS[stage], file, MANIFEST_NAMES[stage]) as ManifestOf<S>;
}

export function writeManifest(file: string, manifest: Manifest): void {
  writeJsonArtifact(ManifestSchema, file, MANIFEST_NAMES[manifest.stage], manifest);
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

/** A manifest's fields as a stage gives them, distributed over the stages so `details` matches `stage`. */
export type ManifestFields = Manifest extends infer M
  ? M extends Manifest
    ? Omit<M, 'versions' | 'createdAt' | 'configHash' | 'inputs'> & { configSection: unknown; inputFiles?: Record<string, string> }
    : never
  : never;

export function makeManifest(fields: ManifestFields): Manifest {
  const { configSection, inputFiles = {}, ...rest } = fields;
  return {
    ...rest,
    configHash: hashValue(configSection),
    inputs: Object.fromEntries(Object.entries(inputFiles).map(([name, file]) => [name, hashFile(file)])),
    versions: toolVersions(),
    createdAt: new Date().toISOString(),
  };
}
