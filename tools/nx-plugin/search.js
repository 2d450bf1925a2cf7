// @ts-check
'use strict';
/**
 * The Nx tasks of a model's hyper-parameter search (issue 11). The pipeline table's
 * `search` stage runs per model; here it becomes, for each model with a `search`
 * section, one project per trial and one for the selection:
 *
 *   E-M-trial-<k>  trial   -> artifacts/E/search/M/trial-<k>   dependsOn E-data:datagen
 *                                                             (tpe after its start-up trials: also every earlier trial)
 *   E-M-search     search  -> artifacts/E/search/M/selected    dependsOn every E-M-trial-<k>:trial
 *
 * and E-M:train depends on E-M-search:search (a model without a search section skips
 * the stage: its train depends on what the stage would have, E-data:datagen).
 *
 * Hashes. One project per trial, because Nx hashes a project's whole configuration
 * into each of its tasks: trials sharing a project would all re-run when the budget
 * adds one. A trial's hash covers what it reads: the experiment name and seed, the
 * top-level train section, the model's section and the top-level search settings,
 * each WITHOUT the budget keys (`trials`, `seeds`), plus its index; its proposal
 * depends on nothing else (@deeprec/search: seed, space, index, and for tpe the
 * earlier trials, whose outputs Nx hashes as dependency outputs). So raising the budget
 * from 20 to 30 runs trials 20-29 only, and editing one model's space re-runs only
 * that model's trials. The selection hashes the whole search (budget included). Train
 * and evaluate hash the model's section without its `search` key: the search reaches
 * them only through selected.json, an upstream output.
 */

const SEARCH_DEFAULTS = { algorithm: 'tpe', trials: 20, startupTrials: 10 };
/** Keys of the budget: they decide how many trials exist, never what a trial does. */
const BUDGET_KEYS = ['trials', 'seeds'];

/**
 * @param {any} section @param {string[]} keys
 * @returns {any}
 */
function without(section, keys) {
  if (!section || typeof section !== 'object' || Array.isArray(section)) return section;
  /** @type {Record<string, any>} */
  const out = {};
  for (const [k, v] of Object.entries(section)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/**
 * A model's search settings as the CLI resolves them (config/searchSchema.ts); undefined without a search section.
 * @param {any} doc @param {string} model
 * @returns {{ algorithm: string, trials: number, startupTrials: number, timeBudget: boolean } | undefined}
 */
function searchSettings(doc, model) {
  const own = doc?.models?.[model]?.search;
  if (!own || typeof own !== 'object') return undefined;
  const top = doc.search && typeof doc.search === 'object' ? doc.search : {};
  const pick = (/** @type {'algorithm' | 'trials' | 'startupTrials'} */ key) => own[key] ?? top[key] ?? SEARCH_DEFAULTS[key];
  const seconds = own.seconds ?? top.seconds;
  return {
    algorithm: String(pick('algorithm')),
    trials: Number(pick('trials')),
    startupTrials: Number(top.startupTrials ?? SEARCH_DEFAULTS.startupTrials),
    timeBudget: seconds !== undefined,
  };
}

/**
 * The earlier trials trial `index` reads (@deeprec/search's dependsOnTrials: a test keeps
 * the two equal); with a time budget every earlier trial (it adds up their seconds).
 * @param {string} algorithm @param {number} index @param {number} startupTrials @param {boolean} [timeBudget]
 */
function trialDependencies(algorithm, index, startupTrials, timeBudget = false) {
  return timeBudget || (algorithm === 'tpe' && index >= startupTrials) ? Array.from({ length: index }, (_, k) => k) : [];
}

/**
 * What one trial reads from the config, budget keys left out.
 * @param {any} doc @param {string} model
 */
function trialSlice(doc, model) {
  const section = doc.models[model];
  return {
    name: doc.name,
    seed: doc.seed,
    train: doc.train,
    model: { ...section, search: without(section.search, BUDGET_KEYS) },
    search: without(doc.search, BUDGET_KEYS),
  };
}

/**
 * The config as train and evaluate hash it: every model's `search` key removed.
 * @param {any} doc
 */
function withoutSearch(doc) {
  if (!doc || typeof doc.models !== 'object' || doc.models === null) return doc;
  /** @type {Record<string, any>} */
  const models = {};
  for (const [name, section] of Object.entries(doc.models)) models[name] = without(section, ['search']);
  return { ...doc, models };
}

/** @param {string} E @param {string} model @param {number} k */
function trialProject(E, model, k) {
  return { name: `${E}-${model}-trial-${k}`, root: `artifacts/${E}/search/${model}/trial-${k}` };
}

/** @param {string} E @param {string} model */
function selectProject(E, model) {
  return { name: `${E}-${model}-search`, root: `artifacts/${E}/search/${model}/selected` };
}

module.exports = { BUDGET_KEYS, SEARCH_DEFAULTS, searchSettings, selectProject, trialDependencies, trialProject, trialSlice, withoutSearch };
