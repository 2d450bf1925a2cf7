// @ts-check
'use strict';
/**
 * Config slices: the exact parts of an experiment YAML that one pipeline task
 * reads, in a canonical form (comments, key order and formatting do not count).
 *
 * Used by the Nx plugin (index.js) at graph time, and as the command of Nx
 * `runtime` inputs at hash time:
 *
 *   node tools/nx-plugin/slices.js section <config.yaml> <key> [<key> ...]
 *       prints the canonical JSON of those top-level (or dotted: models.ncf) keys
 *   node tools/nx-plugin/slices.js files <file-or-folder>
 *       prints a sha256 over every file below the path (names + contents), for
 *       data that lies outside the workspace, where Nx file inputs cannot reach
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const YAML = require('yaml');

/**
 * JSON with object keys sorted at every level, so equal values print equally.
 * @param {unknown} value
 * @returns {string}
 */
function canonicalJson(value) {
  return JSON.stringify(sortKeys(value));
}

/**
 * @param {any} value
 * @returns {any}
 */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    /** @type {Record<string, any>} */
    const out = {};
    for (const key of Object.keys(value).sort()) {
      if (value[key] !== undefined) out[key] = sortKeys(value[key]);
    }
    return out;
  }
  return value;
}

/** @param {string} text */
function sha256(text) {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * Parses YAML text into plain data; throws an Error naming the file on bad YAML.
 * @param {string} text @param {string} file
 * @returns {any}
 */
function parseYaml(text, file) {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new Error(`${file}: invalid YAML: ${doc.errors[0].message}`);
  }
  const data = doc.toJS({ maxAliasCount: 1000 });
  return data == null ? {} : data;
}

/**
 * @param {any} obj @param {string} dotted
 * @returns {any}
 */
function valueAt(obj, dotted) {
  let cur = obj;
  for (const part of dotted.split('.')) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = cur[part];
  }
  return cur;
}

/**
 * The named keys of a parsed config as one object, e.g. slice(doc, ['seed', 'models.ncf'])
 * -> { seed: 42, 'models.ncf': {...} }. Missing keys are left out.
 * @param {any} doc @param {string[]} keys
 */
function slice(doc, keys) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const key of keys) out[key] = valueAt(doc, key);
  return out;
}

/**
 * Canonical JSON of a slice: what enters the task hash.
 * @param {any} doc @param {string[]} keys
 */
function sliceJson(doc, keys) {
  return canonicalJson(slice(doc, keys));
}

/**
 * sha256 over every file below `target` (relative names + bytes), or of one file.
 * @param {string} target
 */
function hashPath(target) {
  const hash = crypto.createHash('sha256');
  if (!fs.existsSync(target)) {
    hash.update('missing');
    return hash.digest('hex');
  }
  /** @param {string} abs @param {string} rel */
  const walk = (abs, rel) => {
    const stat = fs.statSync(abs);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(abs, name), rel ? `${rel}/${name}` : name);
    } else if (stat.isFile()) {
      hash.update(`${rel}\0${stat.size}\0`);
      hash.update(fs.readFileSync(abs));
      hash.update('\0');
    }
  };
  walk(target, '');
  return hash.digest('hex');
}

/** @param {string[]} argv */
function main(argv) {
  const [command, target, ...keys] = argv;
  if (command === 'section' && target && keys.length > 0) {
    const file = path.resolve(target);
    const doc = parseYaml(fs.readFileSync(file, 'utf8'), target);
    process.stdout.write(sliceJson(doc, keys) + '\n');
    return 0;
  }
  if (command === 'files' && target) {
    process.stdout.write(hashPath(path.resolve(target)) + '\n');
    return 0;
  }
  process.stderr.write('usage: slices.js section <config.yaml> <key...> | slices.js files <path>\n');
  return 2;
}

module.exports = { canonicalJson, sha256, parseYaml, slice, sliceJson, hashPath, valueAt };

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
