#!/usr/bin/env node
// Runs every classic-model speed benchmark in bench/classic one after the other:
// factors.js (ials, puresvd, svdpp) and neighbours.js (itemknn, userknn, rp3beta, ease),
// passing the command line through (--runs N, --data <folder>, --threads N). A script
// that is not there yet (its branch not merged) is reported and skipped; --models is
// not passed on, since each script has its own model list.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const args = process.argv.slice(2);
const modelsAt = args.indexOf('--models');
if (modelsAt >= 0) args.splice(modelsAt, 2);

let failed = false;
for (const script of ['factors.js', 'neighbours.js']) {
  const path = join(__dirname, script);
  if (!existsSync(path)) {
    console.log(`bench/classic/run: ${script} not found, skipped`);
    continue;
  }
  const result = spawnSync(process.execPath, [path, ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.log(`bench/classic/run: ${script} exited ${String(result.status)}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
