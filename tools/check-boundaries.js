#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Module boundaries on Nx tags (DESIGN section 1: stages never import each other;
 * they meet only through artifacts and the shared libraries).
 *
 *   node tools/check-boundaries.js [--graph graph.json]
 *
 * Reads Nx's project graph (every edge Nx knows: package.json dependencies and
 * TypeScript imports), or a graph file written by `nx graph --file=graph.json`,
 * and checks every internal dependency against RULES. Exit 0 and one summary
 * line when clean; exit 1 listing each violation as
 * `<project> (<tag>) must not import <dep> (<tag>)`.
 */

/**
 * The rules, by the `type:*` tag of the importing project. A dependency is allowed
 * when the dependency's type tag is in the `allow` list of a rule that applies to
 * the importer ('*' = anything internal) and in no `deny` list of one. `except`
 * lists projects a rule does not apply to. Every project needs exactly one type tag
 * that some rule names.
 * @type {Array<{ from: string, allow?: string[], deny?: string[], except?: string[] }>}
 */
const LIBRARIES = ['type:base', 'type:config', 'type:artifacts', 'type:compute', 'type:metrics', 'type:search', 'type:webmodel'];
const RULES = [
  // The shared libraries, bottom up: each may use only those below it.
  { from: 'type:base', allow: [] },
  { from: 'type:config', allow: ['type:base'] },
  { from: 'type:artifacts', allow: ['type:base', 'type:config'] },
  { from: 'type:compute', allow: ['type:base', 'type:artifacts'] },
  { from: 'type:metrics', allow: ['type:base', 'type:artifacts'] },
  { from: 'type:search', allow: ['type:base'] },
  // A saved network in a web page: packs artifacts for the browser; runs no network in Node.
  { from: 'type:webmodel', allow: ['type:base', 'type:config', 'type:artifacts'] },
  // Test fixtures: any library; never a stage (stage tests keep their own fixtures).
  { from: 'type:testing', allow: LIBRARIES },
  { from: 'type:models', allow: [...LIBRARIES, 'type:testing'] },
  { from: 'type:stage', allow: [...LIBRARIES, 'type:testing', 'type:models'] },
  // Only train builds networks; the other stages read model artifacts. evaluate also
  // imports models for the classic models' scoring code (their factories' `load`: an
  // item-item table or factor arrays need the algorithm to score), never to build a
  // network (a file rule below: no buildModel outside train).
  { from: 'type:stage', except: ['train', 'evaluate'], deny: ['type:models'] },
  // Only train and evaluate run networks (compute: tfjs backends, scoring); datagen and
  // report read and write artifacts. (tfjs itself is an npm node this graph check does
  // not see; packages/report/src/presentOnly.test.ts checks the report's imports of it.)
  { from: 'type:stage', except: ['train', 'evaluate'], deny: ['type:compute'] },
  // The HTTP service (deeprec serve) scores saved models through evaluate's loading and
  // scoring code, the one `deeprec recommend` runs, so both give the same numbers; it
  // builds no networks (no models) and the command line wraps it (not the reverse).
  { from: 'type:service', allow: [...LIBRARIES, 'type:stage'] },
  { from: 'type:service', deny: ['type:models'] },
  { from: 'type:cli', allow: ['*'] },
  { from: 'type:workspace', allow: ['*'] },
  // Inferred by tools/nx-plugin from configs/experiments: tasks only, no code.
  { from: 'type:experiment', allow: [] },
];

/** @param {string[] | undefined} tags */
function typeTags(tags) {
  return (tags || []).filter((t) => t.startsWith('type:'));
}

/**
 * Checks a project graph against the rules. Pure: takes Nx's graph shape
 * ({ nodes: { name: { data: { tags } } }, dependencies: { name: [{ target }] } }).
 * @param {{ nodes: Record<string, { data?: { tags?: string[] } }>, dependencies?: Record<string, Array<{ source?: string, target: string }>> }} graph
 * @param {typeof RULES} [rules]
 * @returns {{ projects: number, dependencies: number, violations: string[] }}
 */
function checkBoundaries(graph, rules = RULES) {
  const known = new Set(rules.map((r) => r.from));
  const violations = [];
  const tagOf = new Map();
  for (const name of Object.keys(graph.nodes).sort()) {
    const tags = typeTags(graph.nodes[name]?.data?.tags);
    if (tags.length !== 1 || !known.has(/** @type {string} */ (tags[0]))) {
      violations.push(
        `${name} (${tags.join(', ') || 'no type tag'}) must have exactly one type tag that a rule names: ${[...known].join(', ')}`,
      );
      tagOf.set(name, tags.join(', ') || 'no type tag');
    } else {
      tagOf.set(name, tags[0]);
    }
  }
  let count = 0;
  for (const source of Object.keys(graph.dependencies || {}).sort()) {
    if (!(source in graph.nodes)) continue;
    const targets = new Set(
      (graph.dependencies?.[source] || []).map((d) => d.target).filter((t) => t in graph.nodes && t !== source),
    );
    for (const target of [...targets].sort()) {
      count += 1;
      const from = tagOf.get(source);
      const to = tagOf.get(target);
      const applicable = rules.filter((r) => r.from === from && !(r.except || []).includes(source));
      const allowed = applicable.some((r) => (r.allow || []).includes('*') || (r.allow || []).includes(to));
      const denied = applicable.some((r) => (r.deny || []).includes('*') || (r.deny || []).includes(to));
      if (!allowed || denied) violations.push(`${source} (${from}) must not import ${target} (${to})`);
    }
  }
  return { projects: Object.keys(graph.nodes).length, dependencies: count, violations };
}

/**
 * Nx's project graph of the workspace, computed without the daemon or the cloud.
 * @param {string[]} argv
 * @returns {Promise<any>}
 */
async function loadGraph(argv) {
  const i = argv.indexOf('--graph');
  if (i >= 0) {
    const file = argv[i + 1];
    if (!file) throw new Error('--graph: expected a file written by `nx graph --file=<file>.json`');
    const json = JSON.parse(require('node:fs').readFileSync(file, 'utf8'));
    return json.graph || json;
  }
  process.env.NX_DAEMON = 'false';
  process.env.NX_NO_CLOUD = 'true';
  const { createProjectGraphAsync } = require('nx/src/devkit-exports');
  return createProjectGraphAsync({ exitOnError: false });
}

/** A test file or a test utility: the only files that may import the testing library. */
const TEST_FILE = /\.(test|testutil)\.ts$/;

/**
 * File-level rules the project graph cannot see (its edges are per project):
 * package entry points name what they export (no `export *`), and only test files
 * import `@deeprec/testing`. Pure: takes { path: source text } for the files under packages/.
 * @param {Record<string, string>} files
 * @returns {string[]}
 */
function checkSources(files) {
  const violations = [];
  for (const [file, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (/^packages\/[^/]+\/src\/index\.ts$/.test(file) && /^\s*export\s*\*/.test(line)) {
        violations.push(`${file}:${i + 1}: entry points name their exports; found 'export *'`);
      }
      if (/^packages\/(?!train\/|models\/|cli\/)[^/]+\/src\//.test(file) && !TEST_FILE.test(file) && /\bbuildModel\b/.test(line)) {
        violations.push(`${file}:${i + 1}: only the train stage builds networks (buildModel); other stages load saved models`);
      }
      if (!TEST_FILE.test(file) && /from\s+'@deeprec\/testing'|require\('@deeprec\/testing'\)/.test(line)) {
        violations.push(`${file}:${i + 1}: only test files (*.test.ts, *.testutil.ts) may import @deeprec/testing`);
      }
    });
  }
  return violations;
}

/**
 * The TypeScript sources of every package, by path relative to the workspace root.
 * @param {string} root
 * @returns {Record<string, string>}
 */
function readSources(root) {
  const { readdirSync, readFileSync } = require('node:fs');
  const { join, relative } = require('node:path');
  /** @type {Record<string, string>} */
  const files = {};
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files[relative(root, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(join(root, 'packages'));
  return files;
}

/** @param {string[]} argv */
async function main(argv) {
  const graph = await loadGraph(argv);
  const result = checkBoundaries(graph);
  const { projects, dependencies } = result;
  const violations = [...result.violations, ...checkSources(readSources(require('node:path').join(__dirname, '..')))];
  for (const v of violations) process.stderr.write(`${v}\n`);
  const line = `module boundaries: ${projects} projects, ${dependencies} internal dependencies, ${violations.length} violations\n`;
  (violations.length > 0 ? process.stderr : process.stdout).write(line);
  return violations.length > 0 ? 1 : 0;
}

module.exports = { RULES, checkBoundaries, checkSources };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`check-boundaries: ${error && error.message ? error.message : error}\n`);
      process.exit(1);
    },
  );
}
