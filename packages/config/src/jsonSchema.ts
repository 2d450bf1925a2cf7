/** The config schema as JSON Schema, for editors (committed as config.schema.json, checked by a test). */
import { z } from 'zod';
import { ExperimentSchema } from './schema';

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ExperimentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
