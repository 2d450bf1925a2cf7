// @ts-check
'use strict';
/**
 * deeprec's local Nx plugin: infers the pipeline tasks from the experiment
 * configs (DESIGN section 5).
 *
 * The stages, what each runs per, reads, writes and which config keys enter its
 * hash come from the one pipeline table, packages/config/src/pipeline.json (see
 * stages.js), which the CLI's `run` also follows. For every
 * configs/experiments/<file>.yaml with `name: E` and models M1..Mn that gives today:
 *
 *   E-data    datagen   -> artifacts/E/data
 *   E-<M>     train     -> artifacts/E/models/<M>     dependsOn E-data:datagen
 *             evaluate  -> artifacts/E/eval/<M>       dependsOn E-<M>:train
 *   E-report  report    -> artifacts/E/report         dependsOn every E-<M>:evaluate
 *   report    build     -> artifacts/report           dependsOn every E-report:report
 *
 * (`report` is packages/report: `nx run report:build` is the pipeline command.)
 * Every task also dependsOn deeprec:compile, because each runs the compiled CLI.
 * A stage depends on its table inputs less those already upstream of another
 * input (evaluate reads the data too, but train depends on datagen).
 *
 * Caching. The unit of caching is (experiment, stage, model). A task's hash is
 * made of:
 *   - its project's configuration (Nx hashes every target of the project:
 *     executor, options, inputs, outputs). Each target carries in
 *     options.env.DEEPREC_NX_CONFIG_HASH the sha256 of the canonical JSON of the
 *     config keys of its stage's `config` in the table; YAML comments and
 *     formatting therefore change nothing. One project per (experiment, model)
 *     keeps sibling models apart.
 *   - `source` (nx.json named input): the TypeScript sources of every package.
 *   - { dependentTasksOutputFiles: '**' + '/*', transitive: true }: the files that
 *     the tasks it depends on wrote (data for train, the model for evaluate, ...,
 *     and packages/* /dist from deeprec:compile), so a re-run upstream that
 *     changes an artifact re-runs everything downstream of it.
 *   - the stage's `configAtRun` keys (evaluate: the `evaluate` section), through a
 *     `runtime` input: in the E-<M> project configuration they would re-run train.
 *     Only keys train also hashes may go in evaluate's options (checked in stages.js).
 *   - its `env` (DEEPREC_BACKEND for search, train and evaluate; DEEPREC_KERNELS, the
 *     kernel engine's build, for search and train).
 *   - the files under its `dataFiles` keys (datagen: `data.path`): fileset inputs
 *     that include git-ignored files, or a runtime hash when the path is outside
 *     the workspace.
 * The YAML file itself is deliberately NOT a file input: that would re-run every
 * task of the experiment on any edit.
 *
 * Plugin options (nx.json "plugins": [{ "plugin": "./tools/nx-plugin/index.js", "options": {...} }]):
 *   cli: the command that runs the deeprec CLI (default `node packages/cli/bin/deeprec.js`)
 */
const fs = require('node:fs');
const path = require('node:path');
const { parseYaml, sliceJson, sha256, canonicalJson, valueAt } = require('./slices');
const { PIPELINE, checkPipeline, directInputs, forModel, projectOf, reservedModelNames, stageNamed } = require('./stages');
const { searchSettings, selectProject, trialDependencies, trialProject, trialSlice, withoutSearch } = require('./search');


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
/** The workspace stage of the table: a target of the report package's own project. */
const WORKSPACE_TARGET = { root: 'packages/report', target: 'build', args: ['report', '--all'] };

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
 * @param {import('./stages').Pipeline} [pipeline]
 */
function readExperiment(file, text, pipeline = PIPELINE) {
  const doc = parseYaml(text, file);
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`${file}: expected a mapping at the top level (name, seed, data, split, train, models, ...)`);
  }
  const name = doc.name === undefined ? path.basename(file).replace(/\.ya?ml$/, '') : doc.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new Error(`${file}: name: expected an experiment name of lowercase letters, digits and '-' ([a-z0-9-]+), got ${JSON.stringify(name)}`);
  }
  if (pipeline.workspace.outputs.includes(name)) {
    throw new Error(`${file}: name: '${name}' is reserved (artifacts/${name} holds the ${pipeline.workspace.name} output over all experiments); choose another name`);
  }
  const models = doc.models;
  if (!models || typeof models !== 'object' || Array.isArray(models) || Object.keys(models).length === 0) {
    throw new Error(`${file}: models: expected a mapping of model name -> { type: ncf | widedeep | neumf, ... } with at least one model`);
  }
  const reserved = reservedModelNames(pipeline);
  for (const model of Object.keys(models)) {
    if (!NAME_PATTERN.test(model)) {
      throw new Error(`${file}: models.${model}: expected a model name of lowercase letters, digits and '-' ([a-z0-9-]+)`);
    }
    const stage = reserved.get(model);
    if (stage) {
      throw new Error(`${file}: models.${model}: '${model}' is reserved (project ${name}-${model} is the experiment's ${stage} project); rename the model`);
    }
  }
  return { file, name, doc, models: Object.keys(models) };
}

/**
 * Inputs for the files under a config path (relative to the YAML file, or absolute).
 * Nothing of the workspace's own location enters them (a project's configuration is
 * part of every task hash, so two clones must infer the same one): a path outside the
 * workspace is passed relative to the workspace root, where Nx runs runtime inputs,
 * unless the YAML wrote it absolute (a fixed place, the same for every clone).
 * @param {string} file @param {unknown} dataPath @param {string} workspaceRoot
 * @returns {Array<Record<string, any>>}
 */
function fileInputs(file, dataPath, workspaceRoot) {
  if (typeof dataPath !== 'string' || dataPath === '') return [];
  const abs = path.resolve(workspaceRoot, path.dirname(file), dataPath);
  const rel = posix(path.relative(workspaceRoot, abs));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    return [{ runtime: `node tools/nx-plugin/slices.js files ${sh(path.isAbsolute(dataPath) ? dataPath : rel || '.')}` }];
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
 * @param {string} template @param {Record<string, string | undefined>} values
 */
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => values[key] ?? whole);
}

/**
 * The target of one run of a stage (`model` for per-model stages).
 * @param {import('./stages').Pipeline} pipeline
 * @param {import('./stages').Stage} stage
 * @param {{ file: string, name: string, doc: any, models: string[] }} exp
 * @param {string | undefined} model
 * @param {{ cli: string, workspaceRoot: string }} ctx
 */
function stageTarget(pipeline, stage, exp, model, ctx) {
  const { file, name: E, doc, models } = exp;
  const keys = stage.config === '*' ? '*' : forModel(stage.config, model);
  const atRun = forModel(stage.configAtRun, model);
  /** @type {Array<string | Record<string, any>>} */
  /** @param {string} name @returns {Array<string | Record<string, any>>} */
  const dependency = (name) => {
    const input = stageNamed(pipeline, name);
    if (input.tasks === 'trials') {
      // A model without a search section skips the stage: depend on what it would have.
      const searched = (stage.per === 'model' ? [model] : models).filter((m) => m !== undefined && searchSettings(doc, m));
      const skipped = stage.per === 'model' && searched.length === 0;
      return skipped ? directInputs(pipeline, input.inputs).flatMap(dependency) : searched.length > 0 ? [{ projects: searched.map((m) => selectProject(E, /** @type {string} */ (m)).name), target: input.name }] : [];
    }
    if (input.per === 'model' && stage.per === 'model') return [name]; // the same project, E-<model>
    const runs = input.per === 'model' ? models : [undefined];
    return [{ projects: runs.map((m) => projectOf(pipeline, input, E, m).name), target: name }];
  };
  const dependsOn = directInputs(pipeline, stage.inputs).flatMap(dependency);
  // The search reaches train and evaluate only through selected.json (an upstream output).
  const hashed = stage.config === '*' ? doc : withoutSearch(doc);
  return cliTarget({
    cli: ctx.cli,
    args: [stage.name, file, ...(model === undefined ? [] : ['--model', model])],
    // '*': the page may show any part of the config: hash all of it (comments excluded).
    hash: sha256(keys === '*' ? canonicalJson(hashed) : sliceJson(hashed, keys)),
    sections: keys === '*' ? ['*'] : [...keys, ...atRun],
    inputs: [
      ...forModel(stage.dataFiles, model).flatMap((key) => fileInputs(file, valueAt(doc, key), ctx.workspaceRoot)),
      ...stage.env.map((env) => ({ env })),
      ...(atRun.length > 0 ? [{ runtime: `node tools/nx-plugin/slices.js section ${sh(file)} ${atRun.map(sh).join(' ')}` }] : []),
    ],
    outputs: forModel(stage.outputs, model).map((o) => `{workspaceRoot}/artifacts/${E}/${o}`),
    dependsOn,
    description: fill(stage.description, { experiment: E, model, file }),
    parallelism: !stage.runsAlone,
  });
}

/**
 * The projects of one experiment: one target per stage of the table, per model where the stage runs per model.
 * @param {{ file: string, name: string, doc: any, models: string[] }} exp
 * @param {{ cli: string, workspaceRoot: string }} ctx
 * @param {import('./stages').Pipeline} [pipeline]
 */
function experimentProjects(exp, ctx, pipeline = PIPELINE) {
  const tags = ['type:experiment', `experiment:${exp.name}`];
  /** @type {Record<string, any>} */
  const projects = {};
  for (const stage of pipeline.stages) {
    if (stage.tasks === 'trials') {
      Object.assign(projects, searchProjects(pipeline, stage, exp, ctx, tags));
      continue;
    }
    for (const model of stage.per === 'model' ? exp.models : [undefined]) {
      const { name, root } = projectOf(pipeline, stage, exp.name, model);
      projects[root] ??= { name, tags, targets: {} };
      projects[root].targets[stage.name] = stageTarget(pipeline, stage, exp, model, ctx);
    }
  }
  return projects;
}

/**
 * The trial and selection projects of every model with a search section (search.js).
 * @param {import('./stages').Pipeline} pipeline
 * @param {import('./stages').Stage} stage
 * @param {{ file: string, name: string, doc: any, models: string[] }} exp
 * @param {{ cli: string, workspaceRoot: string }} ctx
 * @param {string[]} tags
 */
function searchProjects(pipeline, stage, exp, ctx, tags) {
  const { file, name: E, doc } = exp;
  /** @type {Record<string, any>} */
  const projects = {};
  const data = directInputs(pipeline, stage.inputs).map((name) => ({ projects: [projectOf(pipeline, stageNamed(pipeline, name), E, undefined).name], target: name }));
  for (const model of exp.models) {
    const settings = searchSettings(doc, model);
    if (!settings) continue;
    const slice = trialSlice(doc, model);
    const keys = forModel(/** @type {string[]} */ (stage.config), model);
    const trials = [];
    for (let k = 0; k < settings.trials; k += 1) {
      const project = trialProject(E, model, k);
      trials.push(project.name);
      const earlier = trialDependencies(settings.algorithm, k, settings.startupTrials, settings.timeBudget).map((j) => trialProject(E, model, j).name);
      projects[project.root] = {
        name: project.name,
        tags,
        targets: {
          trial: cliTarget({
            cli: ctx.cli,
            args: ['trial', file, '--model', model, '--trial', String(k)],
            hash: sha256(canonicalJson({ slice, index: k })),
            sections: keys,
            inputs: stage.env.map((env) => ({ env })),
            outputs: [`{workspaceRoot}/${project.root}`],
            dependsOn: [...data, ...(earlier.length > 0 ? [{ projects: earlier, target: 'trial' }] : [])],
            description: `Trial ${k} of the search of model ${model} of experiment ${E}`,
            // trials are independent runs of one training each: Nx may run them side by side
            parallelism: true,
          }),
        },
      };
    }
    const select = selectProject(E, model);
    projects[select.root] = {
      name: select.name,
      tags,
      targets: {
        [stage.name]: cliTarget({
          cli: ctx.cli,
          args: [stage.name, file, '--select-only', '--model', model],
          hash: sha256(sliceJson(doc, keys)),
          sections: keys,
          inputs: stage.env.map((env) => ({ env })),
          outputs: [`{workspaceRoot}/${select.root}`],
          dependsOn: [{ projects: trials, target: 'trial' }],
          description: fill(stage.description, { experiment: E, model, file }),
          parallelism: !stage.runsAlone,
        }),
      },
    };
  }
  return projects;
}

/**
 * report:build (the table's workspace stage), on the project of packages/report.
 * @param {Array<{ file: string, name: string, doc: any, models: string[] }>} experiments
 * @param {{ cli: string }} ctx
 * @param {import('./stages').Pipeline} [pipeline]
 */
function reportBuildProject(experiments, ctx, pipeline = PIPELINE) {
  const stage = pipeline.workspace;
  /** @type {Record<string, any>} */
  const all = {};
  for (const exp of experiments) all[exp.file] = exp.doc;
  const dependsOn = directInputs(pipeline, stage.inputs).flatMap((name) => {
    const input = stageNamed(pipeline, name);
    const projects = experiments.flatMap((e) => (input.per === 'model' ? e.models : [undefined]).map((m) => projectOf(pipeline, input, e.name, m).name));
    return projects.length > 0 ? [{ projects, target: name }] : [];
  });
  return {
    targets: {
      [WORKSPACE_TARGET.target]: cliTarget({
        cli: ctx.cli,
        args: WORKSPACE_TARGET.args,
        hash: sha256(canonicalJson(all)),
        sections: ['*'],
        inputs: [],
        outputs: stage.outputs.map((o) => `{workspaceRoot}/artifacts/${o}`),
        dependsOn,
        description: stage.description,
        parallelism: !stage.runsAlone,
      }),
    },
  };
}

/**
 * The plugin's work, on workspace-relative file paths.
 * @param {readonly string[]} files
 * @param {{ cli?: string } | undefined} options
 * @param {{ workspaceRoot: string }} context
 * @param {import('./stages').Pipeline} [pipeline] the table (tests pass a changed one)
 * @returns {Array<readonly [string, { projects: Record<string, any> }]>}
 */
function createNodesFromConfigFiles(files, options, context, pipeline = PIPELINE) {
  if (pipeline !== PIPELINE) checkPipeline(pipeline);
  const ctx = { cli: (options && options.cli) || DEFAULT_CLI, workspaceRoot: context.workspaceRoot };
  const configFiles = files.filter((f) => f !== REPORT_PACKAGE_JSON).sort();
  const experiments = configFiles.map((file) =>
    readExperiment(file, fs.readFileSync(path.join(context.workspaceRoot, file), 'utf8'), pipeline),
  );

  // Project names must be unique across experiments (E-M of one may be F-data of another).
  const owner = new Map();
  const results = [];
  for (const exp of experiments) {
    const projects = experimentProjects(exp, ctx, pipeline);
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
    results.push(/** @type {const} */ ([REPORT_PACKAGE_JSON, { projects: { [WORKSPACE_TARGET.root]: reportBuildProject(experiments, ctx, pipeline) } }]));
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
  HASH_ENV,
  CONFIG_GLOB,
  WORKSPACE_TARGET,
};
