// @ts-check
'use strict';
/**
 * deeprec's local Nx plugin: infers the pipeline tasks from the experiment
 * configs (DESIGN section 5).
 *
 * For every configs/experiments/<file>.yaml with `name: E` and models M1..Mn:
 *
 *   E-data    datagen   -> artifacts/E/data
 *   E-<M>     train     -> artifacts/E/models/<M>     dependsOn E-data:datagen
 *             evaluate  -> artifacts/E/eval/<M>       dependsOn E-<M>:train
 *   E-report  report    -> artifacts/E/report         dependsOn every E-<M>:evaluate
 *   report    build     -> artifacts/report           dependsOn every E-report:report
 *
 * (`report` is packages/report: `nx run report:build` is the pipeline command.)
 * Every task also dependsOn deeprec:compile, because each runs the compiled CLI.
 *
 * Caching. The unit of caching is (experiment, stage, model). A task's hash is
 * made of:
 *   - its project's configuration (Nx hashes every target of the project:
 *     executor, options, inputs, outputs). Each target carries in
 *     options.env.DEEPREC_NX_CONFIG_HASH the sha256 of the canonical JSON of the
 *     config keys that target reads (see SLICES below); YAML comments and
 *     formatting therefore change nothing. One project per (experiment, model)
 *     keeps sibling models apart.
 *   - `source` (nx.json named input): the TypeScript sources of every package.
 *   - { dependentTasksOutputFiles: '**' + '/*', transitive: true }: the files that
 *     the tasks it depends on wrote (data for train, the model for evaluate, ...,
 *     and packages/* /dist from deeprec:compile), so a re-run upstream that
 *     changes an artifact re-runs everything downstream of it.
 *   - for evaluate, a `runtime` input printing the `evaluate` section: it cannot
 *     sit in the E-<M> project configuration without also re-running train.
 *   - for datagen, the files under `data.path` (fileset inputs that include
 *     git-ignored files, or a runtime hash when the path is outside the workspace).
 * The YAML file itself is deliberately NOT a file input: that would re-run every
 * task of the experiment on any edit.
 *
 * Plugin options (nx.json "plugins": [{ "plugin": "./tools/nx-plugin/index.js", "options": {...} }]):
 *   cli: the command that runs the deeprec CLI (default `node packages/cli/bin/deeprec.js`)
 */
const fs = require('node:fs');
const path = require('node:path');
const { parseYaml, sliceJson, sha256, canonicalJson } = require('./slices');

const PLUGIN_NAME = 'deeprec-experiments';
const EXPERIMENTS_DIR = 'configs/experiments';
const REPORT_PACKAGE_JSON = 'packages/report/package.json';
/** One glob (Nx allows one per plugin): the experiment configs, plus the report package, so that report:build exists even with no experiment. */
const CONFIG_GLOB = `{${EXPERIMENTS_DIR}/*.yaml,${EXPERIMENTS_DIR}/*.yml,${REPORT_PACKAGE_JSON}}`;
const DEFAULT_CLI = 'node packages/cli/bin/deeprec.js';
const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const HASH_ENV = 'DEEPREC_NX_CONFIG_HASH';
const COMPILE_DEP = { projects: ['deeprec'], target: 'compile' };
/** Nx hashes the files written by every task upstream of the task (artifacts and compiled code). */
const UPSTREAM_OUTPUTS = { dependentTasksOutputFiles: '**/*', transitive: true };
/** The tfjs backend a model stage runs on changes its numbers (DESIGN section 6). */
const BACKEND_ENV = { env: 'DEEPREC_BACKEND' };

/** Which config keys each stage reads (what enters its hash). */
const SLICES = {
  datagen: () => ['name', 'seed', 'data', 'split'],
  train: (/** @type {string} */ model) => ['name', 'seed', 'train', `models.${model}`],
  // Only keys train also hashes may go in evaluate's options (both targets share the
  // E-<M> project, whose whole configuration is in both hashes); `evaluate` itself
  // enters through a runtime input instead.
  evaluate: (/** @type {string} */ model) => ['name', 'seed', `models.${model}`],
  evaluateRuntime: () => ['evaluate'],
};

/**
 * Quote a shell word when it needs it.
 * @param {string} word
 */
function sh(word) {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** @param {string} p */
function posix(p) {
  return p.split(path.sep).join('/');
}

/**
 * Reads one experiment config: its name, models, and the plain data.
 * @param {string} file workspace-relative path of the YAML
 * @param {string} text its contents
 */
function readExperiment(file, text) {
  const doc = parseYaml(text, file);
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`${file}: expected a mapping at the top level (name, seed, data, split, train, models, ...)`);
  }
  const name = doc.name === undefined ? path.basename(file).replace(/\.ya?ml$/, '') : doc.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new Error(`${file}: name: expected an experiment name of lowercase letters, digits and '-' ([a-z0-9-]+), got ${JSON.stringify(name)}`);
  }
  if (name === 'report') {
    throw new Error(`${file}: name: 'report' is reserved (artifacts/report holds the report of all experiments); choose another name`);
  }
  const models = doc.models;
  if (!models || typeof models !== 'object' || Array.isArray(models) || Object.keys(models).length === 0) {
    throw new Error(`${file}: models: expected a mapping of model name -> { type: ncf | widedeep | neumf, ... } with at least one model`);
  }
  for (const model of Object.keys(models)) {
    if (!NAME_PATTERN.test(model)) {
      throw new Error(`${file}: models.${model}: expected a model name of lowercase letters, digits and '-' ([a-z0-9-]+)`);
    }
    if (model === 'data' || model === 'report') {
      throw new Error(`${file}: models.${model}: '${model}' is reserved (project ${name}-${model} is the experiment's ${model === 'data' ? 'datagen' : 'report'} project); rename the model`);
    }
  }
  return { file, name, doc, models: Object.keys(models) };
}

/**
 * Inputs for the files under data.path (relative to the YAML file, or absolute).
 * @param {string} file @param {any} doc @param {string} workspaceRoot
 * @returns {Array<Record<string, any>>}
 */
function dataInputs(file, doc, workspaceRoot) {
  const dataPath = doc.data && typeof doc.data === 'object' ? doc.data.path : undefined;
  if (typeof dataPath !== 'string' || dataPath === '') return [];
  const abs = path.resolve(workspaceRoot, path.dirname(file), dataPath);
  const rel = posix(path.relative(workspaceRoot, abs));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    return [{ runtime: `node tools/nx-plugin/slices.js files ${sh(abs)}` }];
  }
  // A file or a folder: both globs; a missing exact path still takes part in the hash.
  return [
    { fileset: `{workspaceRoot}/${rel}`, includeIgnored: true },
    { fileset: `{workspaceRoot}/${rel}/**/*`, includeIgnored: true },
  ];
}

/**
 * @typedef {object} CliTargetSpec
 * @property {string} cli the command that runs the CLI
 * @property {string[]} args CLI arguments (quoted as needed)
 * @property {string} hash sha256 of the config keys the target reads
 * @property {string[]} sections those keys, for metadata
 * @property {Array<string | Record<string, any>>} inputs extra inputs
 * @property {string[]} outputs
 * @property {Array<string | Record<string, any>>} dependsOn besides deeprec:compile
 * @property {string} description
 * @property {boolean} [parallelism] false: never run alongside another task
 */

/**
 * A cached nx:run-commands target that runs `cli args` from the workspace root.
 * @param {CliTargetSpec} spec
 */
function cliTarget({ cli, args, hash, sections, inputs, outputs, dependsOn, description, parallelism }) {
  /** @type {Record<string, any>} */
  const target = {
    executor: 'nx:run-commands',
    options: {
      command: [cli, ...args.map(sh)].join(' '),
      // The outputs below are declared under <workspace>/artifacts: pin the CLI there
      // whatever DEEPREC_ARTIFACTS the caller has (the command runs in the workspace root).
      env: { [HASH_ENV]: hash, DEEPREC_ARTIFACTS: 'artifacts' },
    },
    cache: true,
    inputs: ['source', ...inputs, UPSTREAM_OUTPUTS],
    outputs,
    dependsOn: [COMPILE_DEP, ...dependsOn],
    metadata: { description, deeprec: { configSections: sections, [HASH_ENV]: hash } },
  };
  if (parallelism === false) target.parallelism = false;
  return target;
}

/**
 * The projects of one experiment.
 * @param {{ file: string, name: string, doc: any, models: string[] }} exp
 * @param {{ cli: string, workspaceRoot: string }} ctx
 */
function experimentProjects(exp, ctx) {
  const { file, name: E, doc, models } = exp;
  const { cli } = ctx;
  const tags = ['type:experiment', `experiment:${E}`];
  const art = `{workspaceRoot}/artifacts/${E}`;
  /** @type {Record<string, any>} */
  const projects = {};

  const datagenKeys = SLICES.datagen();
  projects[`artifacts/${E}/data`] = {
    name: `${E}-data`,
    tags,
    targets: {
      datagen: cliTarget({
        cli,
        args: ['datagen', file],
        hash: sha256(sliceJson(doc, datagenKeys)),
        sections: datagenKeys,
        inputs: dataInputs(file, doc, ctx.workspaceRoot),
        outputs: [`${art}/data`],
        dependsOn: [],
        description: `Generate/import and split the data of experiment ${E} (${file})`,
        parallelism: false,
      }),
    },
  };

  for (const M of models) {
    const trainKeys = SLICES.train(M);
    const evalKeys = SLICES.evaluate(M);
    const evalRuntime = SLICES.evaluateRuntime();
    projects[`artifacts/${E}/models/${M}`] = {
      name: `${E}-${M}`,
      tags,
      targets: {
        train: cliTarget({
          cli,
          args: ['train', file, '--model', M],
          hash: sha256(sliceJson(doc, trainKeys)),
          sections: trainKeys,
          inputs: [BACKEND_ENV],
          outputs: [`${art}/models/${M}`],
          dependsOn: [{ projects: [`${E}-data`], target: 'datagen' }],
          description: `Train model ${M} of experiment ${E}`,
          parallelism: false,
        }),
        evaluate: cliTarget({
          cli,
          args: ['evaluate', file, '--model', M],
          hash: sha256(sliceJson(doc, evalKeys)),
          sections: [...evalKeys, ...evalRuntime],
          inputs: [BACKEND_ENV, { runtime: `node tools/nx-plugin/slices.js section ${sh(file)} ${evalRuntime.join(' ')}` }],
          outputs: [`${art}/eval/${M}`],
          dependsOn: ['train'],
          description: `Evaluate model ${M} of experiment ${E}`,
          parallelism: false,
        }),
      },
    };
  }

  projects[`artifacts/${E}/report`] = {
    name: `${E}-report`,
    tags,
    targets: {
      report: cliTarget({
        cli,
        args: ['report', file],
        // The page may show any part of the config: hash all of it (comments excluded).
        hash: sha256(canonicalJson(doc)),
        sections: ['*'],
        inputs: [],
        outputs: [`${art}/report`],
        dependsOn: [{ projects: models.map((M) => `${E}-${M}`), target: 'evaluate' }],
        description: `HTML report of experiment ${E}`,
      }),
    },
  };
  return projects;
}

/**
 * report:build, on the project of packages/report.
 * @param {Array<{ file: string, name: string, doc: any }>} experiments
 * @param {{ cli: string }} ctx
 */
function reportBuildProject(experiments, ctx) {
  /** @type {Record<string, any>} */
  const all = {};
  for (const exp of experiments) all[exp.file] = exp.doc;
  return {
    targets: {
      build: cliTarget({
        cli: ctx.cli,
        args: ['report', '--all'],
        hash: sha256(canonicalJson(all)),
        sections: ['*'],
        inputs: [],
        outputs: ['{workspaceRoot}/artifacts/report'],
        dependsOn: experiments.length > 0 ? [{ projects: experiments.map((e) => `${e.name}-report`), target: 'report' }] : [],
        description: `The whole pipeline: every experiment of ${EXPERIMENTS_DIR}/, then artifacts/report/index.html`,
      }),
    },
  };
}

/**
 * The plugin's work, on workspace-relative file paths.
 * @param {readonly string[]} files
 * @param {{ cli?: string } | undefined} options
 * @param {{ workspaceRoot: string }} context
 * @returns {Array<readonly [string, { projects: Record<string, any> }]>}
 */
function createNodesFromConfigFiles(files, options, context) {
  const ctx = { cli: (options && options.cli) || DEFAULT_CLI, workspaceRoot: context.workspaceRoot };
  const configFiles = files.filter((f) => f !== REPORT_PACKAGE_JSON).sort();
  const experiments = configFiles.map((file) =>
    readExperiment(file, fs.readFileSync(path.join(context.workspaceRoot, file), 'utf8')),
  );

  // Project names must be unique across experiments (E-M of one may be F-data of another).
  const owner = new Map();
  const results = [];
  for (const exp of experiments) {
    const projects = experimentProjects(exp, ctx);
    for (const project of Object.values(projects)) {
      const other = owner.get(project.name);
      if (other) {
        throw new Error(`${exp.file}: project ${project.name} is also inferred from ${other}; rename the experiment or the model`);
      }
      owner.set(project.name, exp.file);
    }
    results.push(/** @type {const} */ ([exp.file, { projects }]));
  }

  const reportPackage = path.join(context.workspaceRoot, REPORT_PACKAGE_JSON);
  if (files.includes(REPORT_PACKAGE_JSON) || fs.existsSync(reportPackage)) {
    results.push(/** @type {const} */ ([REPORT_PACKAGE_JSON, { projects: { 'packages/report': reportBuildProject(experiments, ctx) } }]));
  }
  return results;
}

/** @type {import('nx/src/devkit-exports').CreateNodesV2<{ cli?: string }>} */
const createNodesV2 = [CONFIG_GLOB, (files, options, context) => createNodesFromConfigFiles(files, options, context)];

module.exports = {
  name: PLUGIN_NAME,
  createNodesV2,
  // for tests
  createNodesFromConfigFiles,
  readExperiment,
  SLICES,
  HASH_ENV,
  CONFIG_GLOB,
};
