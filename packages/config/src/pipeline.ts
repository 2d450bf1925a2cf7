/**
 * The pipeline, defined once: its stages in run order, what each runs per, which
 * stages' artifacts it reads, which artifacts it writes, and which config keys its
 * results depend on.
 *
 * The data is pipeline.json, not TypeScript, because the Nx plugin
 * (tools/nx-plugin/index.js) reads it too, at graph time, before anything is
 * compiled. This module checks it once at load and gives it types; the CLI's `run`
 * uses it. Tests hold the two readers to it (tools/nx-plugin/pipeline.test.ts,
 * packages/cli/src/pipeline.test.ts).
 */
import { z } from 'zod';
import { DeeprecError } from '@deeprec/base';
import pipelineJson from './pipeline.json';
import { ExperimentSchema } from './schema';

/** Where the table lives, for error messages. */
export const PIPELINE_FILE = 'packages/config/src/pipeline.json';

/** The stages, by name (a name is also the CLI command and the Nx target). pipeline.json must list each exactly once; its order is the run order. */
export const STAGE_NAMES = ['datagen', 'search', 'train', 'evaluate', 'report'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** Stands for the model name in the outputs and config keys of per-model stages. */
export const MODEL_PLACEHOLDER = '<model>';

/** A top-level config key, or a dotted path into one (`models.<model>`, `data.path`). */
const ConfigKeySchema = z
  .string()
  .regex(/^[a-zA-Z]+(\.([a-zA-Z0-9-]+|<model>))*$/, { message: 'expected a config key such as seed, data.path or models.<model>' });

/** A folder relative to the experiment's artifact folder (`models/<model>`); see ArtifactCatalogue. */
const OutputSchema = z
  .string()
  .regex(/^[a-z0-9-]+(\/([a-z0-9-]+|<model>))*$/, { message: 'expected a folder relative to the artifacts folder, such as data or eval/<model>' });

/** '*': the whole config (comments excluded). */
const ConfigSchema = z.union([z.literal('*'), z.array(ConfigKeySchema)]);

const StageSchema = z.strictObject({
  name: z.enum(STAGE_NAMES),
  /** One run per experiment, or one per model of the experiment. */
  per: z.enum(['experiment', 'model']),
  /** What the Nx task shows; {experiment}, {model} and {file} (the YAML) are filled in. */
  description: z.string().min(1),
  /** Every stage whose artifacts this one reads (of the same model, or of every model when this stage runs per experiment). */
  inputs: z.array(z.enum(STAGE_NAMES)),
  /** The artifact folders it writes, relative to artifacts/<experiment>/. */
  outputs: z.array(OutputSchema).min(1),
  /** The config keys its results depend on, hashed into the Nx task's options. */
  config: ConfigSchema,
  /**
   * Keys it also depends on, hashed when the task runs (an Nx runtime input): a
   * per-model stage shares its Nx project with the other per-model stages, and
   * Nx hashes a project's whole configuration into each of its tasks, so a key
   * here would otherwise re-run stages that never read it (evaluate -> train).
   */
  configAtRun: z.array(ConfigKeySchema),
  /** Config keys naming files or folders (relative to the YAML) whose contents it reads. */
  dataFiles: z.array(ConfigKeySchema),
  /** Environment variables that change its results. */
  env: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, { message: 'expected an environment variable name' })),
  /** It uses every core (tfjs): never run it alongside another task. */
  runsAlone: z.boolean(),
  /**
   * 'trials': Nx runs it as one project per trial of the model's search plus one for the
   * selection (tools/nx-plugin/search.js), and not at all for a model without a search
   * section (its dependants then depend on its inputs). Default: one task per run.
   */
  tasks: z.literal('trials').optional(),
});

/** The stage over every experiment (`deeprec report --all`, Nx report:build); never part of one experiment's run. */
const WorkspaceStageSchema = z.strictObject({
  name: z.literal('report-all'),
  description: z.string().min(1),
  /** Stages of every experiment whose artifacts it reads or links to. */
  inputs: z.array(z.enum(STAGE_NAMES)),
  /** Relative to the artifacts root. */
  outputs: z.array(OutputSchema).min(1),
  /** Every experiment's whole config. */
  config: z.literal('*'),
  runsAlone: z.boolean(),
});

const CONFIG_SECTIONS = Object.keys(ExperimentSchema.shape);

function keysOf(config: z.infer<typeof ConfigSchema>): string[] {
  return config === '*' ? [] : config;
}

const PipelineSchema = z
  .strictObject({
    $comment: z.string().optional(),
    stages: z.array(StageSchema),
    workspace: WorkspaceStageSchema,
  })
  .superRefine((table, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const seen: string[] = [];
    table.stages.forEach((stage, i) => {
      if (seen.includes(stage.name)) issue(['stages', i, 'name'], `stage ${stage.name} is listed twice`);
      stage.inputs.forEach((input, j) => {
        if (!seen.includes(input)) issue(['stages', i, 'inputs', j], `expected a stage listed before ${stage.name} (the order is the run order), found ${input}`);
      });
      seen.push(stage.name);
      const perModel = stage.per === 'model';
      stage.outputs.forEach((output, j) => {
        if (output.includes(MODEL_PLACEHOLDER) !== perModel) {
          issue(['stages', i, 'outputs', j], perModel ? `a per-model stage writes one folder per model: expected ${MODEL_PLACEHOLDER} in ${output}` : `${MODEL_PLACEHOLDER} only in the outputs of per-model stages`);
        }
      });
      for (const field of ['config', 'configAtRun', 'dataFiles'] as const) {
        const keys = field === 'config' ? keysOf(stage.config) : stage[field];
        keys.forEach((key, j) => {
          const path = ['stages', i, field, j];
          if (!CONFIG_SECTIONS.includes(key.split('.')[0] as string)) issue(path, `expected a key of the experiment config (${CONFIG_SECTIONS.join(', ')}), found ${key}`);
          if (key.includes(MODEL_PLACEHOLDER) && !perModel) issue(path, `${MODEL_PLACEHOLDER} only in the config of per-model stages, found ${key}`);
        });
      }
      const hashed = keysOf(stage.config);
      stage.configAtRun.forEach((key, j) => {
        if (stage.config === '*' || hashed.includes(key)) issue(['stages', i, 'configAtRun', j], `${key} is already in config`);
      });
      stage.dataFiles.forEach((key, j) => {
        const covered = stage.config === '*' || [...hashed, ...stage.configAtRun].some((k) => key === k || key.startsWith(`${k}.`));
        if (!covered) issue(['stages', i, 'dataFiles', j], `the path in ${key} changes the results too: expected it under a key of config or configAtRun`);
      });
    });
    const missing = STAGE_NAMES.filter((name) => !seen.includes(name));
    if (missing.length > 0) issue(['stages'], `expected every stage of STAGE_NAMES, missing ${missing.join(', ')}`);
  });

export type PipelineStage = z.infer<typeof StageSchema>;
export type WorkspaceStage = z.infer<typeof WorkspaceStageSchema>;
export type Pipeline = z.infer<typeof PipelineSchema>;

/** Checks a pipeline table (the parsed pipeline.json); throws naming the field and what was expected. */
export function parsePipeline(table: unknown, file: string = PIPELINE_FILE): Pipeline {
  const parsed = PipelineSchema.safeParse(table);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new DeeprecError('internal', `${file}: ${where}${issue.message}`, { cause: parsed.error });
}

const PIPELINE = parsePipeline(pipelineJson);

/** Every stage of one experiment, in run order. */
export const PIPELINE_STAGES: readonly PipelineStage[] = PIPELINE.stages;
/** The stage over every experiment. */
export const WORKSPACE_STAGE: WorkspaceStage = PIPELINE.workspace;

/** The stage names in run order. */
export function stageOrder(): StageName[] {
  return PIPELINE_STAGES.map((s) => s.name);
}

export function pipelineStage(name: StageName): PipelineStage {
  // Every name is in the table (checked at load).
  return PIPELINE_STAGES.find((s) => s.name === name) as PipelineStage;
}

/** The model a per-model stage runs for, checked; undefined for the others. */
function modelFor(stage: PipelineStage, model: string | undefined): string | undefined {
  if ((stage.per === 'model') !== (model !== undefined)) {
    throw new DeeprecError('internal', `stage ${stage.name} runs per ${stage.per}: expected ${stage.per === 'model' ? 'a model name' : 'no model name'}, found ${model ?? 'none'}`);
  }
  return model;
}

function forModel(keys: readonly string[], model: string | undefined): string[] {
  return model === undefined ? [...keys] : keys.map((k) => k.replaceAll(MODEL_PLACEHOLDER, model));
}

/** The config keys one run of a stage depends on: `keys` in its task options ('*': the whole config), `atRun` hashed when it runs. */
export interface ConfigSlice {
  keys: string[] | '*';
  atRun: string[];
}

/** The config slice of one run of a stage; `model` for per-model stages only. */
export function configSliceOf(name: StageName, model?: string): ConfigSlice {
  const stage = pipelineStage(name);
  const m = modelFor(stage, model);
  return { keys: stage.config === '*' ? '*' : forModel(stage.config, m), atRun: forModel(stage.configAtRun, m) };
}

/** The artifact folders one run of a stage writes, relative to artifacts/<experiment>/. */
export function outputsOf(name: StageName, model?: string): string[] {
  const stage = pipelineStage(name);
  return forModel(stage.outputs, modelFor(stage, model));
}
