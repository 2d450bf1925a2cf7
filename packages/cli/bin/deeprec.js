#!/usr/bin/env node
// The deeprec command line: compiled TypeScript lives in ../dist (npm run compile).
'use strict';
let main;
try {
  ({ main } = require('../dist/main.js'));
} catch (error) {
  process.stderr.write(`deeprec: the CLI is not compiled yet (run 'npm run compile' first): ${error.message}\n`);
  process.exit(1);
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
