/** Reading the saved columns of a fitted classic model back, with errors that name the key. */
import { ArtifactError } from '@deeprec/base';

export type SavedColumns = Record<string, Int32Array | Float32Array | undefined>;

function describe(column: Int32Array | Float32Array | undefined): string {
  return column === undefined ? 'nothing' : `${column.constructor.name} of length ${column.length}`;
}

/** The Float32 column `key` of exactly `length` values, or an ArtifactError. */
export function float32Column(columns: SavedColumns, key: string, length: number): Float32Array {
  const column = columns[key];
  if (!(column instanceof Float32Array) || column.length !== length) {
    throw new ArtifactError(`expected column '${key}' as a Float32Array of length ${length}, found ${describe(column)}`);
  }
  return column;
}

/** The Int32 column `key` of exactly `length` values, or an ArtifactError. */
export function int32Column(columns: SavedColumns, key: string, length: number): Int32Array {
  const column = columns[key];
  if (!(column instanceof Int32Array) || column.length !== length) {
    throw new ArtifactError(`expected column '${key}' as an Int32Array of length ${length}, found ${describe(column)}`);
  }
  return column;
}
