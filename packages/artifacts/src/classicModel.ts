/**
 * The saved form of a classic (non-network) model, in the spirit of DESIGN's artifacts:
 * models/<name>/classic.json (zod-checked) names the model type, the data splits it was
 * fitted on (a user's history in them is the query of history-based models), the meta
 * the arrays need, and each array: arrays/<key>.arrow, an Arrow IPC file with one column
 * `value` (int32 or float32) of `length` rows, row-major when the array is a matrix (each
 * model's file documents its layout). Any Arrow reader loads them; for example pyarrow:
 * `pa.ipc.open_file('arrays/itemFactors.arrow').read_all()['value'].to_numpy().reshape(-1, dim)`.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ArtifactError } from '@deeprec/base';
import { readTable, writeTable, type TableSchema } from './arrow';
import { readJsonArtifact, writeJsonArtifact } from './jsonArtifact';

export const CLASSIC_FORMAT = 'deeprec-classic';
export const CLASSIC_FILE = 'classic.json';

const KEY = /^[A-Za-z][A-Za-z0-9]*$/;

export const ClassicModelSchema = z.strictObject({
  format: z.literal(CLASSIC_FORMAT),
  version: z.literal(1),
  type: z.string().min(1),
  /** Splits the model was fitted on, in order: ['train'], or ['train', 'valid'] after a refit. */
  fitOn: z.array(z.enum(['train', 'valid'])).min(1),
  meta: z.record(z.string(), z.unknown()),
  arrays: z.record(z.string().regex(KEY), z.strictObject({ file: z.string().min(1), dtype: z.enum(['int32', 'float32']), length: z.number().int().nonnegative() })),
});
export type ClassicModelFile = z.output<typeof ClassicModelSchema>;

export interface SavedClassicModel {
  type: string;
  fitOn: Array<'train' | 'valid'>;
  meta: Record<string, unknown>;
  arrays: Record<string, Int32Array | Float32Array>;
}

function arraySchema(dtype: 'int32' | 'float32'): TableSchema {
  return { name: 'classic model array', columns: [{ name: 'value', type: dtype }] };
}

/** Writes classic.json and arrays/*.arrow into `dir` (a folder being written atomically by the caller). */
export function writeClassicModel(dir: string, model: SavedClassicModel): void {
  const arrays: ClassicModelFile['arrays'] = {};
  for (const [key, values] of Object.entries(model.arrays)) {
    if (!KEY.test(key)) throw new RangeError(`classic model array '${key}': expected a name of letters and digits`);
    const dtype = values instanceof Int32Array ? 'int32' : 'float32';
    const file = `arrays/${key}.arrow`;
    writeTable(join(dir, file), arraySchema(dtype), { value: values });
    arrays[key] = { file, dtype, length: values.length };
  }
  const json: ClassicModelFile = { format: CLASSIC_FORMAT, version: 1, type: model.type, fitOn: model.fitOn, meta: model.meta, arrays };
  writeJsonArtifact(ClassicModelSchema, join(dir, CLASSIC_FILE), CLASSIC_FILE, json);
}

/** Reads a classic model saved by writeClassicModel; errors name the file. */
export function readClassicModel(dir: string): SavedClassicModel {
  const json = readJsonArtifact(ClassicModelSchema, join(dir, CLASSIC_FILE), CLASSIC_FILE);
  const arrays: SavedClassicModel['arrays'] = {};
  for (const [key, spec] of Object.entries(json.arrays)) {
    const file = join(dir, spec.file);
    const value = readTable(file, arraySchema(spec.dtype)).value;
    if (!(value instanceof Int32Array || value instanceof Float32Array) || value.length !== spec.length) {
      throw new ArtifactError(`${file}: expected ${spec.length} ${spec.dtype} values (${CLASSIC_FILE}), found ${value?.length ?? 'none'}`);
    }
    arrays[key] = value;
  }
  return { type: json.type, fitOn: json.fitOn, meta: json.meta, arrays };
}
