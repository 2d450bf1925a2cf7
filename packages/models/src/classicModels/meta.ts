/** Reading a classic model's saved meta (unchecked JSON) through zod, with errors that name the key. */
import { z } from 'zod';
import { ArtifactError, ConfigError } from '@deeprec/base';

export const count = z.number().int().min(1);

/** meta parsed by `schema`, or an ArtifactError naming the model type and the first bad key. */
export function parseMeta<T extends z.ZodType>(schema: T, meta: unknown, type: string): z.output<T> {
  const parsed = schema.safeParse(meta);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ArtifactError(`${type} meta: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}

/** Runs a fit, re-rooting option errors at the model's section (`models.<name>: ...`). */
export function underModel<T>(name: string, fit: () => T): T {
  try {
    return fit();
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`models.${name}: ${error.message}`, { cause: error });
    throw error;
  }
}
