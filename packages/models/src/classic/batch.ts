/** Argument checks shared by the neighbourhood models' scoring functions. */
import { DataError } from '@deeprec/base';

/** Throws a DataError naming the first id outside [0, count). */
export function checkIds(ids: ArrayLike<number>, count: number, what: string, model: string): void {
  for (let k = 0; k < ids.length; k += 1) {
    const id = ids[k] as number;
    if (!Number.isInteger(id) || id < 0 || id >= count) throw new DataError(`${model}: expected ${what} ids in [0, ${count}), found ${id} at position ${k}`);
  }
}

/** `out` when it is large enough (a DataError when not), else a new buffer of `size`. */
export function outputBuffer(out: Float32Array | undefined, size: number, model: string): Float32Array {
  const result = out ?? new Float32Array(size);
  if (result.length < size) throw new DataError(`${model}: expected an output buffer of at least ${size} scores, found ${result.length}`);
  return result;
}
