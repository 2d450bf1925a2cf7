/**
 * Text helpers shared by the importers: quoting offending text in messages, naming
 * delimiters, strict number parsing, and checking that files and folders exist.
 */
import { statSync } from 'node:fs';
import { DataError } from '@deeprec/base';

/** How much of an offending line or field a message shows. */
export const SHOW_CHARS = 80;

/** Text for a message, cut to ~80 characters with "..." when longer: every message that quotes input goes through this or show(). */
export function clip(text: string): string {
  return text.length <= SHOW_CHARS ? text : `${text.slice(0, SHOW_CHARS)}... (${text.length} characters)`;
}

/** Offending text for a message: JSON-quoted (so tabs and line breaks show as \t, \r, \n), cut to ~80 characters. */
export function show(text: string): string {
  if (text.length <= SHOW_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, SHOW_CHARS))}... (${text.length} characters)`;
}

/** `\t` (the two characters a YAML file or a shell easily passes) means tab. */
export function resolveDelimiter(delimiter: string): string {
  return delimiter === '\\t' ? '\t' : delimiter;
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': "'|'", ' ': 'space' };

/** "comma-separated", "tab-separated", "'::'-separated". */
export function separatedBy(delimiter: string): string {
  return `${DELIMITER_NAMES[delimiter] ?? `'${delimiter}'`}-separated`;
}

/**
 * A finite decimal number, or NaN: Number() without its surprises (an empty or blank
 * field is NaN, not 0; hex, binary and octal literals and Infinity are refused).
 */
export function parseNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) return NaN;
  if (value === 0 && !/[0-9]/.test(text)) return NaN;
  const second = text.charCodeAt(1);
  // 0x.., 0b.., 0o..: a letter right after a leading zero.
  if (text.charCodeAt(0) === 48 && ((second >= 65 && second <= 90) || (second >= 97 && second <= 122)) && second !== 69 && second !== 101) return NaN;
  return value;
}

/** An integer of at most 15 digits (seconds or milliseconds since 1970), optionally negative, or NaN. */
export function parseInteger(text: string): number {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  if (n === i || n - i > 15) return NaN;
  let value = 0;
  for (; i < n; i += 1) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  return text.charCodeAt(0) === 45 ? -value : value;
}

/**
 * Removes surrounding spaces, tabs and other ASCII control characters (not Unicode
 * spaces such as U+00A0, which may belong to an id). The common case, nothing to
 * remove, costs two character reads.
 */
export function trimField(text: string): string {
  const n = text.length;
  if (n === 0 || (text.charCodeAt(0) > 32 && text.charCodeAt(n - 1) > 32)) return text;
  let start = 0;
  while (start < n && text.charCodeAt(start) <= 32) start += 1;
  let end = n;
  while (end > start && text.charCodeAt(end - 1) <= 32) end -= 1;
  return text.slice(start, end);
}

/** Throws a DataError naming `file` and what `expected` there unless it is a readable regular file. */
export function requireFile(file: string, expected: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DataError(`${file}: file not found; expected ${expected}`, { cause: error });
    throw new DataError(`${file}: cannot be read (${code ?? String(error)}); expected ${expected}`, { cause: error });
  }
  if (!isFile) throw new DataError(`${file}: is a folder; expected a file: ${expected}`);
}

/** Throws a DataError unless `folder` is a folder; `expected` says what should be in it. */
export function requireFolder(folder: string, expected: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(folder).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DataError(`${folder}: folder not found; expected ${expected}`, { cause: error });
    throw new DataError(`${folder}: cannot be read (${code ?? String(error)}); expected ${expected}`, { cause: error });
  }
  if (!isDir) throw new DataError(`${folder}: is a file; expected a folder: ${expected}`);
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
