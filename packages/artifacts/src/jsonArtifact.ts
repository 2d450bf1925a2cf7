/**
 * JSON artifacts (manifest.json, metrics.json) read and written through their zod
 * schema: a reader gets typed values or an ArtifactError that names the file and the
 * offending key; a writer checks that what it writes reads back, so a stage can never
 * leave a JSON file its successors reject.
 *
 * JSON has no NaN: JSON.stringify writes NaN (and infinities) as null, so a number that
 * may legitimately be NaN (an error metric of implicit data) is declared with
 * `measure`, which reads null back as NaN.
 */
import { z } from 'zod';
import { ArtifactError, messageOf } from '@deeprec/base';
import { formatPath } from '@deeprec/config';
import { readJsonFile, writeFileAtomic } from './fs';

/** A number that may be NaN: written as null (what JSON.stringify makes of NaN), read back as NaN. */
export const measure = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);

/** A count: a whole number >= 0. */
export const count = z.number().int().nonnegative();

type Path = ReadonlyArray<PropertyKey>;

function valueAt(root: unknown, path: Path): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function keyPath(path: Path): string {
  return formatPath(path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
}

/** One line for the first zod issue: the key path, what was expected and what was found. */
function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const found = valueAt(root, issue.path);
  const key = keyPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return found === undefined ? `${key}: missing (expected ${issue.expected})` : `${key}: expected ${issue.expected}, found ${describeValue(found)}`;
    case 'invalid_value':
      return `${key}: expected ${issue.values.map(describeValue).join(' or ')}, found ${describeValue(found)}`;
    case 'unrecognized_keys':
      return `${keyPath([...issue.path, issue.keys[0] ?? ''])}: unknown key`;
    default:
      return `${key}: ${issue.message}, found ${describeValue(found)}`;
  }
}

/**
 * Validates a parsed JSON value against `schema`; the ArtifactError names `file`, what
 * the file is, and the first bad key, and keeps the zod error as its cause.
 */
export function parseJsonArtifact<S extends z.ZodType>(schema: S, value: unknown, file: string, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const detail = issue ? describeIssue(issue, value) : messageOf(result.error);
  throw new ArtifactError(`${file}: ${what}: ${detail} (written by another deeprec version? re-run the stage that writes it)`, { cause: result.error });
}

/** Reads a JSON artifact and validates it; a missing file, bad JSON or a bad key is an ArtifactError naming the file. */
export function readJsonArtifact<S extends z.ZodType>(schema: S, file: string, what: string): z.output<S> {
  return parseJsonArtifact(schema, readJsonFile(file, what), file, what);
}

/**
 * Writes `value` as pretty JSON (atomically), after checking that the text reads back
 * through `schema`: a value that would not read back is a bug in the writer, reported
 * before anything is written.
 */
export function writeJsonArtifact<S extends z.ZodType>(schema: S, file: string, what: string, value: z.output<S>): void {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  parseJsonArtifact(schema, JSON.parse(text) as unknown, file, `${what} (about to be written)`);
  writeFileAtomic(file, text);
}
