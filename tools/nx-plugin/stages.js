// @ts-check
'use strict';
/**
 * The pipeline table (packages/config/src/pipeline.json, the one definition of the
 * stages that the CLI's `run` also follows) as the plugin needs it: plain JSON,
 * read with require because Nx loads this plugin before anything is compiled.
 * @deeprec/config's pipeline.ts checks the table's shape with zod (its tests run
 * on the same file); this file checks what the Nx mapping adds on top.
 */
const PIPELINE_FILE = 'packages/config/src/pipeline.json';
const MODEL = '<model>';

/**
 * @typedef {object} Stage one row of the table (fields documented in pipeline.ts)
 * @property {string} name
 * @property {'experiment' | 'model'} per
 * @property {string} description
 * @property {string[]} inputs
 * @property {string[]} outputs
 * @property {string[] | '*'} config
 * @property {string[]} configAtRun
 * @property {string[]} dataFiles
 * @property {string[]} env
 * @property {boolean} runsAlone
 * @property {'trials'} [tasks]
 *
 * @typedef {object} WorkspaceStage
 * @property {string} name
 * @property {string} description
 * @property {string[]} inputs
 * @property {string[]} outputs
 * @property {'*'} config
 * @property {boolean} runsAlone
 *
 * @typedef {{ stages: Stage[], workspace: WorkspaceStage }} Pipeline
 */

/** JSON types no literals ('model'), hence the cast; pipeline.ts checks the values. */
const PIPELINE = /** @type {Pipeline} */ (require('../../packages/config/src/pipeline.json'));

/**
 * Keys or paths with the model placeholder filled in.
 * @param {readonly string[]} keys @param {string | undefined} model
 */
function forModel(keys, model) {
  return model === undefined ? [...keys] : keys.map((k) => k.split(MODEL).join(model));
}

/**
 * @param {Pipeline} pipeline @param {string} name
 * @returns {Stage}
 */
function stageNamed(pipeline, name) {
  const stage = pipeline.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`${PIPELINE_FILE}: expected a stage named ${name}, found ${pipeline.stages.map((s) => s.name).join(', ')}`);
  return stage;
}

/**
 * Every stage upstream of the given ones (their inputs, and the inputs of those, ...).
 * @param {Pipeline} pipeline @param {readonly string[]} names
 */
function upstreamOf(pipeline, names) {
  /** @type {Set<string>} */
  const seen = new Set();
  const stack = names.flatMap((n) => stageNamed(pipeline, n).inputs);
  while (stack.length > 0) {
    const name = /** @type {string} */ (stack.pop());
    if (!seen.has(name)) {
      seen.add(name);
      stack.push(...stageNamed(pipeline, name).inputs);
    }
  }
  return seen;
}

/**
 * The inputs a task must depend on: those not already upstream of another input.
 * The rest are in its hash anyway, since the upstream-outputs input is transitive.
 * @param {Pipeline} pipeline @param {readonly string[]} inputs
 */
function directInputs(pipeline, inputs) {
  const covered = upstreamOf(pipeline, inputs);
  return inputs.filter((i) => !covered.has(i));
}

/**
 * The Nx project of one run of a stage. Per model: `E-M`, shared by every per-model
 * stage, rooted at the first one's output (artifacts/E/models/M). Per experiment:
 * named after and rooted at its output folder (E-data at artifacts/E/data).
 * @param {Pipeline} pipeline @param {Stage} stage @param {string} experiment @param {string} [model]
 */
function projectOf(pipeline, stage, experiment, model) {
  if (stage.per === 'model') {
    // A stage run as trials has projects of its own (search.js): E-M is rooted at the first other one.
    const first = /** @type {Stage} */ (pipeline.stages.find((s) => s.per === 'model' && s.tasks !== 'trials'));
    return { name: `${experiment}-${model}`, root: `artifacts/${experiment}/${forModel(first.outputs, model)[0]}` };
  }
  const folder = /** @type {string} */ (stage.outputs[0]);
  return { name: `${experiment}-${folder}`, root: `artifacts/${experiment}/${folder}` };
}

/**
 * Model names that would clash with a per-experiment project: model -> stage.
 * @param {Pipeline} pipeline
 */
function reservedModelNames(pipeline) {
  return new Map(pipeline.stages.filter((s) => s.per === 'experiment').map((s) => [/** @type {string} */ (s.outputs[0]), s.name]));
}

/**
 * What the Nx mapping needs of the table; throws naming the stage and the fix.
 * @param {Pipeline} pipeline
 */
function checkPipeline(pipeline) {
  for (const stage of pipeline.stages) {
    if (stage.per === 'experiment' && !/^[a-z0-9-]+$/.test(stage.outputs[0] ?? '')) {
      throw new Error(`${PIPELINE_FILE}: stage ${stage.name}: its first output names its Nx project (E-<output>): expected one folder name, found ${stage.outputs[0]}`);
    }
  }
  // Per-model stages share the project E-M, and Nx hashes a project's whole
  // configuration (every target's options) into each of its tasks: a key in one
  // stage's options re-runs every sibling, harmless only for stages downstream of it.
  const perModel = pipeline.stages.filter((s) => s.per === 'model' && s.tasks !== 'trials');
  for (const stage of perModel) {
    for (const sibling of perModel) {
      if (sibling === stage || upstreamOf(pipeline, [sibling.name]).has(stage.name)) continue;
      const theirs = sibling.config === '*' ? null : sibling.config;
      const extra = stage.config === '*' ? ['*'] : stage.config.filter((k) => theirs !== null && !theirs.includes(k));
      if (extra.length > 0) {
        throw new Error(
          `${PIPELINE_FILE}: stage ${stage.name}: config ${extra.join(', ')} would enter the hash of ${sibling.name} (same Nx project E-<model>), which does not read it; move it to configAtRun`,
        );
      }
    }
  }
  return pipeline;
}

module.exports = { PIPELINE: checkPipeline(PIPELINE), PIPELINE_FILE, checkPipeline, directInputs, forModel, projectOf, reservedModelNames, stageNamed, upstreamOf };
