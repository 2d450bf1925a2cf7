/**
 * The one Arrow read/write pair for whole tables (arrowBatches.ts has the one for tables
 * read and written a record batch at a time). Tables are plain objects of typed columns;
 * the schema of each artifact (artifacts.ts) is checked on write and on read, so a
 * stage never works on a table of the wrong shape.
 */
import { readFileSync } from 'node:fs';
import { makeVector, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray, type Schema, type Vector } from 'apache-arrow';
import { ArtifactError, DataError, messageOf } from '@deeprec/base';
import { writeFileAtomic } from './fs';

export type ColumnType = 'int32' | 'float32' | 'float64' | 'int64' | 'utf8';
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  optional?: boolean;
}
export interface TableSchema {
  name: string;
  columns: ColumnSpec[];
  /** Whether columns beyond the listed ones (features) are allowed. */
  extraColumns?: boolean;
}

export type Column = Int32Array | Float32Array | Float64Array | BigInt64Array | string[];
export type Columns = Record<string, Column>;

const ARROW_TYPE_NAMES: Record<ColumnType, string> = {
  int32: 'Int32',
  float32: 'Float32',
  float64: 'Float64',
  int64: 'Int64',
  utf8: 'Utf8',
};

export function typeOfColumn(column: Column): ColumnType {
  if (column instanceof Int32Array) return 'int32';
  if (column instanceof Float32Array) return 'float32';
  if (column instanceof Float64Array) return 'float64';
  if (column instanceof BigInt64Array) return 'int64';
  return 'utf8';
}

export function toVector(column: Column): Vector {
  if (Array.isArray(column)) return vectorFromArray(column, new Utf8());
  return makeVector(column as Int32Array);
}

export function rowCount(columns: Columns): number {
  const first = Object.values(columns)[0];
  return first ? first.length : 0;
}

/** Checks column types (by name) against a schema; `where` starts the message. */
export function checkColumns(schema: TableSchema, found: Record<string, ColumnType>, where: string, ErrorType: typeof ArtifactError): void {
  for (const spec of schema.columns) {
    const type = found[spec.name];
    if (type === undefined) {
      if (!spec.optional) throw new ErrorType(`${where}: ${schema.name} table is missing column '${spec.name}' (${spec.type})`);
    } else if (type !== spec.type) {
      throw new ErrorType(`${where}: ${schema.name} column '${spec.name}': expected ${spec.type}, found ${type}`);
    }
  }
  if (!schema.extraColumns) {
    const extra = Object.keys(found).filter((name) => !schema.columns.some((c) => c.name === name));
    if (extra.length > 0) throw new ErrorType(`${where}: ${schema.name} table has unexpected column(s) ${extra.join(', ')}`);
  }
}

/** Checks columns against the schema and each other (equal lengths) before they are written. */
export function checkWritable(schema: TableSchema, columns: Columns): void {
  const types = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, typeOfColumn(v)]));
  checkColumns(schema, types, `writing ${schema.name}`, DataError);
  const n = rowCount(columns);
  for (const [name, column] of Object.entries(columns)) {
    if (column.length !== n) throw new DataError(`writing ${schema.name}: column '${name}' has ${column.length} rows, expected ${n}`);
  }
}

/** Encodes columns as an Arrow IPC file (bytes), checking them against the schema. */
export function encodeTable(schema: TableSchema, columns: Columns): Uint8Array {
  checkWritable(schema, columns);
  const vectors = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, toVector(v)]));
  return tableToIPC(new Table(vectors), 'file');
}

/** Writes an Arrow IPC file atomically. */
export function writeTable(file: string, schema: TableSchema, columns: Columns): void {
  writeFileAtomic(file, encodeTable(schema, columns));
}

function columnFromVector(vector: Vector, type: ColumnType): Column {
  if (type === 'utf8') return Array.from(vector.toArray() as ArrayLike<string>, (s) => s ?? '');
  return vector.toArray() as Column;
}

/** Column types of an Arrow schema by name, in the schema's terms (a type it has no name for keeps Arrow's). */
export function arrowColumnTypes(schema: Schema): Record<string, ColumnType> {
  const found: Record<string, ColumnType> = {};
  for (const field of schema.fields) {
    const name = (Object.keys(ARROW_TYPE_NAMES) as ColumnType[]).find((t) => String(field.type) === ARROW_TYPE_NAMES[t]);
    found[field.name] = name ?? (String(field.type) as ColumnType);
  }
  return found;
}

/** Decodes Arrow IPC bytes (file or stream format) into typed columns. */
export function decodeTable(bytes: Uint8Array, schema: TableSchema, where: string): Columns {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new ArtifactError(`${where}: not a readable Arrow file (${messageOf(error)})`, { cause: error });
  }
  if (table.schema.fields.length === 0) throw new ArtifactError(`${where}: not a readable Arrow file (no columns; truncated?)`);
  const found = arrowColumnTypes(table.schema);
  checkColumns(schema, found, where, ArtifactError);
  const columns: Columns = {};
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name);
    if (vector) columns[field.name] = columnFromVector(vector, found[field.name] as ColumnType);
  }
  return columns;
}

/** The error for an artifact file that cannot be opened or read: names the file and the artifact, keeps the cause. */
export function unreadableArtifact(file: string, schema: TableSchema, error: unknown): ArtifactError {
  const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
  return new ArtifactError(`${file}: ${schema.name} artifact ${missing ? 'is missing (run the stage that writes it first)' : `cannot be read (${messageOf(error)})`}`, {
    cause: error,
  });
}

/** Reads an Arrow IPC file (any number of record batches), checking it against the schema; failures name the file. */
export function readTable(file: string, schema: TableSchema): Columns {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw unreadableArtifact(file, schema, error);
  }
  return decodeTable(bytes, schema, file);
}

/** Keeps TS honest about which typed column a table has. */
export function column<T extends Column>(columns: Columns, name: string, ctor: { new (n: number): T }, where: string): T {
  const c = columns[name];
  if (!(c instanceof (ctor as unknown as typeof Int32Array)) && !(Array.isArray(c) && (ctor as unknown) === Array)) {
    throw new ArtifactError(`${where}: column '${name}' is missing or has the wrong type`);
  }
  return c as T;
}

