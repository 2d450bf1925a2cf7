/**
 * How artifacts name files, so that two clones of a workspace in different folders
 * write the same reports and the same manifest hashes (README "Portable artifacts").
 *
 * The rule: a path in an artifact is relative to the workspace root (the nearest
 * folder above the config file that holds nx.json; the config file's own folder when
 * none does), with '/' separators: `configs/examples/movielens-100k.yaml`,
 * `../shared/data/ml-100k`. One exception: a place outside the workspace that the
 * config names by an absolute path (`--set data.path=/data/ml-100k`) stays absolute,
 * because that place is the same for every clone and its relative form would not be.
 *
 * The resolved config keeps absolute paths for reading files; only what is written
 * into an artifact, or hashed into one, goes through here.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { ExperimentConfig } from './schema';

/** The file whose folder is the workspace root (Nx's). */
export const WORKSPACE_MARKER = 'nx.json';

/** Where a config's paths are shown from. */
export interface PathBase {
  /** Absolute workspace root. */
  root: string;
  /** Absolute paths the config itself gave for places outside the workspace: shown as given. */
  fixed: readonly string[];
}

/** The workspace root of an absolute config file path: the nearest folder holding nx.json, else the file's folder. */
export function workspaceRootOf(configFile: string): string {
  for (let dir = dirname(configFile); ; dir = dirname(dir)) {
    if (existsSync(join(dir, WORKSPACE_MARKER))) return dir;
    if (dirname(dir) === dir) return dirname(configFile);
  }
}

function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** The PathBase of a config file, given the absolute paths its keys named (the rest were written relative). */
export function pathBase(configFile: string, givenAbsolute: readonly string[]): PathBase {
  const root = workspaceRootOf(configFile);
  return { root, fixed: givenAbsolute.filter((p) => isOutside(relative(root, p))) };
}

/** An absolute path as artifacts show it (see the rule above); '.' for the root itself. */
export function shownPath(base: PathBase, file: string): string {
  const rel = relative(base.root, file);
  if (isOutside(rel) && base.fixed.some((f) => file === f || file.startsWith(f.endsWith(sep) ? f : `${f}${sep}`))) return file;
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/** The config as artifacts show and hash it: no path of this machine, the config file relative to the workspace root. */
export type PortableConfig = Omit<ExperimentConfig, 'configPath' | 'paths'> & { configFile: string };

export function portableConfig(config: ExperimentConfig): PortableConfig {
  const { configPath, paths, data, ...rest } = config;
  const csvPath = data.csv.path;
  return {
    configFile: shownPath(paths, configPath),
    ...rest,
    data: {
      ...data,
      ...(data.path === undefined ? {} : { path: shownPath(paths, data.path) }),
      // data.csv.path is kept as written (relative to data.path or the YAML file) unless it was absolute.
      ...(csvPath !== undefined && isAbsolute(csvPath) ? { csv: { ...data.csv, path: shownPath(paths, csvPath) } } : {}),
    },
  };
}
