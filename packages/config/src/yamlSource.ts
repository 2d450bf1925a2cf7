/**
 * A YAML file kept together with its positions, so that a config error can name
 * the line of the key it is about, and with the `--set` overrides applied on top.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError, messageOf } from '@deeprec/base';

export type KeyPath = ReadonlyArray<string | number>;

export interface ConfigSource {
  file: string;
  value: unknown;
  /** Where a key path came from: `file:line` or `--set key`. */
  locate(path: KeyPath): string;
  /** Whether a --set override gave this key (its relative paths then mean the working directory). */
  overridden(path: KeyPath): boolean;
}

export function formatPath(path: KeyPath): string {
  return path.length === 0 ? '(top level)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `${file}: config file not found` : `${file}: cannot read config (${messageOf(error)})`, {
      cause: error,
    });
  }
}

/** Parses `key=value` where value is YAML (so `[64, 32]` and `true` keep their types). */
export function parseOverride(text: string): { path: string[]; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set ${text}: expected key=value, e.g. --set models.ncf.dropout=0.3`);
  const key = text.slice(0, eq).trim();
  const path = key.split('.');
  if (path.some((p) => p === '')) throw new ConfigError(`--set ${text}: expected a dotted key like train.epochs, found '${key}'`);
  const raw = text.slice(eq + 1);
  const doc = parseDocument(raw);
  if (doc.errors.length > 0) throw new ConfigError(`--set ${key}: value '${raw}' is not valid YAML (${doc.errors[0]?.message.split('\n')[0]})`);
  return { path, value: raw === '' ? '' : doc.toJS() };
}

function setIn(target: Record<string, unknown>, path: string[], value: unknown, label: string): void {
  let node: Record<string, unknown> = target;
  for (const [i, key] of path.slice(0, -1).entries()) {
    const next = node[key];
    if (next === undefined || next === null) {
      node[key] = {};
    } else if (typeof next !== 'object' || Array.isArray(next)) {
      throw new ConfigError(`--set ${label}: ${path.slice(0, i + 1).join('.')} is not a section, cannot set a key inside it`);
    }
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

export function loadConfigSource(file: string, overrides: readonly string[] = []): ConfigSource {
  const text = readText(file);
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new ConfigError(`${where}: invalid YAML: ${first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const value = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${file}: expected a YAML mapping of sections (name, data, models, ...), found ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  const overridden: string[][] = [];
  for (const text of overrides) {
    const { path, value: v } = parseOverride(text);
    setIn(value as Record<string, unknown>, path, v, path.join('.'));
    overridden.push(path);
  }

  const locate = (path: KeyPath): string => {
    const byOverride = overridden.find((o) => o.every((p, i) => String(path[i]) === p) || path.every((p, i) => String(p) === o[i]));
    if (byOverride) return `--set ${byOverride.join('.')}`;
    // Walk down as far as the document goes; an unknown key points at itself, a missing one at its parent.
    let node: unknown = doc.contents;
    let found: Node | null = null;
    for (const key of path) {
      if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
      const collection = node as { items: Array<{ key?: unknown; value?: unknown }> };
      const pair = isMap(node)
        ? collection.items.find((it) => isScalar(it.key) && String(it.key.value) === String(key))
        : typeof key === 'number'
          ? { key: collection.items[key], value: collection.items[key] }
          : undefined;
      if (!pair) break;
      found = (pair.key as Node) ?? found;
      node = pair.value;
    }
    const range = (found ?? (doc.contents as Node | null))?.range;
    return range ? `${file}:${lineCounter.linePos(range[0]).line}` : file;
  };

  const isOverridden = (path: KeyPath) => overridden.some((o) => o.length === path.length && o.every((p, i) => p === String(path[i])));
  return { file, value, locate, overridden: isOverridden };
}
