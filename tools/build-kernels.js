#!/usr/bin/env node
// Builds the kernel engine's WebAssembly (packages/train/assembly/, entry kernels.ts; AssemblyScript
// with SIMD) into packages/train/dist/kernels.wasm, where src/kernels/module.ts loads it from
// both src (tests) and dist. Part of `npm run compile` and `prepare`, so `npm ci` on a fresh
// clone builds it; skipped when the wasm is newer than every source file and this script.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, statSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const assembly = join(root, 'packages', 'train', 'assembly');
const source = join(assembly, 'kernels.ts');
const output = join(root, 'packages', 'train', 'dist', 'kernels.wasm');
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');

const newest = Math.max(statSync(__filename).mtimeMs, ...readdirSync(assembly).map((f) => statSync(join(assembly, f)).mtimeMs));
if (!process.argv.includes('--force') && existsSync(output) && statSync(output).mtimeMs > newest) process.exit(0);
mkdirSync(dirname(output), { recursive: true });
// -O3, SIMD (f32x4), no runtime or GC (the module allocates nothing; the engine lays out its memory), no bounds asserts.
const args = [asc, source, '-O3', '--enable', 'simd', '--runtime', 'stub', '--noAssert', '--initialMemory', '1', '-o', output];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write(`build-kernels: asc failed on ${source} (exit ${r.status})\n`);
  process.exit(1);
}
