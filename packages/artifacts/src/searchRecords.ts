/**
 * The JSON artifacts of a hyper-parameter search, read and written through zod:
 * search/<model>/trial-<k>/trial.json (one trial: its values and its validation
 * objective) and search/<model>/selected/selected.json (the trial chosen on validation,
 * with every trial's value for the report). No test figure is ever among them.
 */
import { z } from 'zod';
import { count, measure, readJsonArtifact, writeJsonArtifact } from './jsonArtifact';

const params = z.record(z.string(), z.unknown());

export const TrialRecordSchema = z.strictObject({
  experiment: z.string(),
  model: z.string(),
  /** 0-based. */
  index: count,
  algorithm: z.enum(['grid', 'random', 'tpe']),
  objective: z.string(),
  direction: z.enum(['minimize', 'maximize']),
  /** The trial's values, by key path inside the model section. */
  params,
  /** The objective on the validation split; null (NaN) for a failed or skipped trial. */
  value: measure,
  /** Why there is no value: a grid already exhausted, or the error a trial met. */
  note: z.string().optional(),
  trainSeconds: z.number(),
  epochs: count,
  bestEpoch: count,
  seed: z.number().int(),
  /** sha256 of what the trial read from the config (its values included): `deeprec search` reuses a trial whose hash matches. */
  configHash: z.string(),
});
export type TrialRecord = z.output<typeof TrialRecordSchema>;

export const SelectedRecordSchema = z.strictObject({
  experiment: z.string(),
  model: z.string(),
  algorithm: z.enum(['grid', 'random', 'tpe']),
  objective: z.string(),
  direction: z.enum(['minimize', 'maximize']),
  /** The budget: trials run for this model. */
  trials: count,
  /** Training seconds of all trials together: the budget actually spent. */
  trainSeconds: z.number(),
  /** Index of the chosen trial, its values and validation objective. */
  selected: count,
  params,
  value: measure,
  /** Every trial in index order (values, objective, seconds), for the report. */
  history: z.array(z.strictObject({ index: count, params, value: measure, trainSeconds: z.number(), note: z.string().optional() })),
});
export type SelectedRecord = z.output<typeof SelectedRecordSchema>;

export function readTrialRecord(file: string): TrialRecord {
  return readJsonArtifact(TrialRecordSchema, file, 'trial.json');
}

export function writeTrialRecord(file: string, record: TrialRecord): void {
  writeJsonArtifact(TrialRecordSchema, file, 'trial.json', record);
}

export function readSelectedRecord(file: string): SelectedRecord {
  return readJsonArtifact(SelectedRecordSchema, file, 'selected.json');
}

export function writeSelectedRecord(file: string, record: SelectedRecord): void {
  writeJsonArtifact(SelectedRecordSchema, file, 'selected.json', record);
}
