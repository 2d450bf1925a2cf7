/**
 * `deeprec export`: a folder a web developer drops into a site. It holds the tfjs files,
 * the JSON the module reads, the ES modules with `recommend(user, k)`, tfjs's ES module
 * build, and a README. Written into a temporary folder and renamed into place, so an
 * interrupted export never leaves a half-written folder; an existing folder is replaced
 * only when an earlier export wrote it (its export.json says so).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeArtifactDir } from '@deeprec/artifacts';
import { ConfigError } from '@deeprec/base';
import { browserModule, tfjsFileName, tfjsSource, tfjsVersion } from './assets';
import { exportReadme } from './readme';
import type { WebModelPack } from './pack';

/** Marks a folder as written by `deeprec export`: what may be replaced by the next one. */
export const EXPORT_MARKER = 'export.json';
export const EXPORT_FORMAT = 'deeprec-export/1';

export interface ExportInfo {
  experiment: string;
  /** The model's type (ncf, neumf, ...). */
  type: string;
}

/** The files of an export folder, by name: what writeWebExport writes. */
export function exportFiles(pack: WebModelPack, info: ExportInfo): Record<string, string | Buffer> {
  const { data } = pack;
  // One weights file whatever the saved manifest grouped: the specs in their order, as weights.bin holds them.
  const modelJson = { ...pack.modelJson, weightsManifest: [{ paths: ['./weights.bin'], weights: pack.modelJson.weightsManifest.flatMap((g) => g.weights) }] };
  const marker = {
    format: EXPORT_FORMAT,
    experiment: info.experiment,
    model: data.model,
    type: info.type,
    users: data.userIds.length,
    items: data.itemIds.length,
    tfjs: tfjsVersion(),
  };
  const loaded: Record<string, string | Buffer> = {
    'model.json': JSON.stringify(modelJson),
    'weights.bin': pack.weights,
    'users.json': JSON.stringify({ ids: data.userIds, seen: data.seen }),
    'items.json': JSON.stringify({ model: data.model, ids: data.itemIds, ...(data.titles ? { titles: data.titles } : {}), counts: data.itemCounts }),
    'recommend.js': browserModule('recommend'),
    'recommender.js': browserModule('recommender'),
    [tfjsFileName('esm')]: tfjsSource('esm'),
  };
  // What a page downloads on the first call: every file above.
  const bytes = Object.values(loaded).reduce((n, content) => n + Buffer.byteLength(content), 0);
  return { ...loaded, 'README.md': exportReadme(pack, info, bytes), [EXPORT_MARKER]: `${JSON.stringify(marker, null, 2)}\n` };
}

function isExportFolder(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, EXPORT_MARKER), 'utf8')) as { format?: unknown }).format === EXPORT_FORMAT;
  } catch {
    return false;
  }
}

/** Writes the export folder atomically; a non-empty folder that no export wrote is refused (a ConfigError on --out). */
export async function writeWebExport(outDir: string, pack: WebModelPack, info: ExportInfo): Promise<string[]> {
  if (existsSync(outDir) && readdirSync(outDir).length > 0 && !isExportFolder(outDir)) {
    throw new ConfigError(`--out ${outDir}: expected a new or empty folder (or an earlier export), found a folder with other files; choose another --out`);
  }
  const files = exportFiles(pack, info);
  await writeArtifactDir(outDir, (dir) => {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  });
  return Object.keys(files);
}
