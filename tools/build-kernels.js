#!/usr/bin/env node
// Builds the kernel engine's WebAssembly (packages/train/assembly/, entry kernels.ts; AssemblyScript
// with SIMD) twice from the same source: packages/train/dist/kernels.wasm (128-bit SIMD) and
// kernels-fma.wasm (also relaxed SIMD: the matmul's fused multiply-add), where
// src/kernels/module.ts loads them from both src (tests) and dist. Part of `npm run compile` and `prepare`, so `npm ci` on a fresh
// clone builds it; skipped when the wasm is newer than every source file and this script.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, statSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const assembly = join(root, 'packages', 'train', 'assembly');
const source = join(assembly, 'kernels.ts');
const dist = join(root, 'packages', 'train', 'dist');
const builds = [
  { output: join(dist, 'kernels.wasm'), features: 'simd' },
  { output: join(dist, 'kernels-fma.wasm'), features: 'simd,relaxed-simd' },
];
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');

const newest = Math.max(statSync(__filename).mtimeMs, ...readdirSync(assembly).map((f) => statSync(join(assembly, f)).mtimeMs));
const fresh = (output) => existsSync(output) && statSync(output).mtimeMs > newest;
if (!process.argv.includes('--force') && builds.every((b) => fresh(b.output))) process.exit(0);
mkdirSync(dist, { recursive: true });
for (const { output, features } of builds) {
  // -O3, SIMD (f32x4), no runtime or GC (the module allocates nothing; the engine lays out its memory), no bounds asserts.
  const args = [asc, source, '-O3', '--enable', features, '--runtime', 'stub', '--noAssert', '--initialMemory', '1', '-o', output];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`build-kernels: asc failed on ${source} for ${output} (exit ${r.status})\n`);
    process.exit(1);
  }
}
