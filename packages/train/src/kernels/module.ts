/**
 * The kernel engine's compiled code (../../assembly/kernels.ts, built by
 * tools/build-kernels.js into dist/kernels.wasm) and a bump allocator over its memory.
 * Each engine instantiates its own module, so its memory holds exactly one model's
 * weights, Adam moments and step buffers, laid out once; nothing grows during training.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ConfigError } from '@deeprec/base';

/** Pointers are byte addresses into the module's memory; counts and strides are in elements. */
export interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(a: number, ars: number, aps: number, b: number, ldb: number, c: number, ldc: number, rows: number, inner: number, cols: number, bias: number, relu: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  gather(table: number, dim: number, ids: number, n: number, out: number, ldo: number): void;
  copyBlock(src: number, lds: number, dst: number, ldd: number, rows: number, cols: number): void;
  rowProduct(a: number, b: number, rows: number, cols: number, out: number, ldo: number): void;
  rowProductGrad(g: number, ldg: number, a: number, b: number, rows: number, cols: number, da: number, db: number): void;
  rowDot(a: number, b: number, rows: number, cols: number, out: number): void;
  rowDotGrad(g: number, a: number, b: number, rows: number, cols: number, da: number, db: number): void;
  dropoutMask(out: number, size: number, rate: number, seed: number): void;
  multiply(x: number, mask: number, count: number, out: number): void;
  reluGrad(g: number, z: number, mask: number, count: number, out: number): void;
  columnSums(x: number, rows: number, cols: number, out: number): void;
  axpy(y: number, x: number, count: number, alpha: number): void;
  sumSquares(x: number, count: number): number;
  mseLoss(pred: number, target: number, n: number, grad: number): number;
  bceLoss(logit: number, target: number, n: number, grad: number): number;
  adamDense(w: number, g: number, m: number, v: number, count: number, lr: number, b1: number, b2: number, eps: number, c1: number, c2: number): void;
  lazyAdamRows(table: number, m: number, v: number, dim: number, slots: number, ids: number, n: number, grad: number, ldg: number, rows: number, sums: number, lr: number, b1: number, b2: number, eps: number, c1: number, c2: number): void;
  scatterRows(full: number, dim: number, ids: number, n: number, grad: number, ldg: number): void;
  zero(x: number, count: number): void;
  matmulPeak(a: number, b: number, c: number, rows: number, inner: number, cols: number, repeats: number): void;
}

/**
 * The two builds of one source (tools/build-kernels.js): fma, whose matmul uses relaxed SIMD's
 * fused multiply-add (one rounding, about 1.3 times the plain build's throughput here), and
 * simd, which multiplies then adds. Both are deterministic on one machine; fma's bits can
 * differ between CPUs with and without an FMA unit, which relaxed SIMD leaves to the hardware.
 */
export type KernelBuild = 'fma' | 'simd';

const FILES: Record<KernelBuild, string> = { fma: 'kernels-fma.wasm', simd: 'kernels.wasm' };
const compiled = new Map<KernelBuild, WebAssembly.Module>();
let chosen: KernelBuild | null = null;

/** A built module: dist/kernels*.wasm of @deeprec/train, found from src/kernels (tests) and dist/kernels alike. */
export function kernelsPath(build: KernelBuild = 'simd'): string {
  return join(__dirname, '..', '..', 'dist', FILES[build]);
}

function read(build: KernelBuild): Uint8Array<ArrayBuffer> {
  const path = kernelsPath(build);
  if (!existsSync(path)) throw new Error(`kernel engine: ${path} not found; build it with npm run compile (tools/build-kernels.js)`);
  return new Uint8Array(readFileSync(path));
}

/**
 * Whether this runtime takes relaxed SIMD: Node 22 and later do by default; Node 20's V8
 * (11.3) has it behind --experimental-wasm-relaxed-simd, which a process may still turn on
 * before it compiles the module (a feature flag V8 reads at validation and compile time).
 */
function relaxedSimd(bytes: Uint8Array<ArrayBuffer>): boolean {
  if (WebAssembly.validate(bytes)) return true;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes);
}

/**
 * The build this process trains with: fma where the runtime takes relaxed SIMD, else simd;
 * DEEPREC_KERNELS=simd (or fma) asks for one (simd: bits that do not depend on the CPU's FMA).
 */
export function kernelBuild(): KernelBuild {
  if (chosen) return chosen;
  const asked = process.env.DEEPREC_KERNELS;
  if (asked !== undefined && asked !== 'fma' && asked !== 'simd') throw new ConfigError(`DEEPREC_KERNELS: expected fma or simd, found "${asked.slice(0, 20)}"`);
  if (asked === 'simd') return (chosen = 'simd');
  const fma = read('fma');
  if (relaxedSimd(fma)) {
    compiled.set('fma', new WebAssembly.Module(fma));
    return (chosen = 'fma');
  }
  if (asked === 'fma') throw new ConfigError('DEEPREC_KERNELS=fma: this runtime does not take WebAssembly relaxed SIMD (Node 20 with V8 flags, or Node 22 and later, do)');
  return (chosen = 'simd');
}

/** A fresh instance (its own memory) of `build` (default: kernelBuild()). Throws, saying how to build it, when the wasm is missing. */
export function instantiateKernels(build: KernelBuild = kernelBuild()): Kernels {
  let module = compiled.get(build);
  if (!module) {
    if (build === 'fma' && !relaxedSimd(read('fma'))) throw new Error('kernel engine: this runtime does not take WebAssembly relaxed SIMD, which the fma build needs');
    module = new WebAssembly.Module(read(build));
    compiled.set(build, module);
  }
  return new WebAssembly.Instance(module, {
    env: {
      abort: () => {
        throw new Error('kernel engine: the wasm module aborted');
      },
    },
  }).exports as unknown as Kernels;
}

/** Hands out 16-byte-aligned blocks of f32 / i32 entries; `commit` grows the memory once to hold them all. */
export class Arena {
  private next: number;

  constructor(private readonly kernels: Kernels) {
    this.next = kernels.heapBase();
  }

  /** A block of `count` 4-byte entries; its byte address. */
  take(count: number): number {
    const at = this.next;
    this.next += Math.ceil((Math.max(count, 1) * 4) / 16) * 16;
    return at;
  }

  commit(): void {
    const have = this.kernels.memory.buffer.byteLength;
    if (this.next > have) this.kernels.memory.grow(Math.ceil((this.next - have) / 65536));
  }

  f32(at: number, count: number): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, at, count);
  }

  i32(at: number, count: number): Int32Array {
    return new Int32Array(this.kernels.memory.buffer, at, count);
  }
}

/**
 * GFLOP/s of the kernels' matmul (of `build`, default the one training uses) on a [rows x inner]
 * by [inner x cols] product repeated for about `seconds` (the bench's arithmetic limit: FLOP
 * per sample against this peak).
 */
export function matmulPeakGflops(rows = 256, inner = 64, cols = 64, seconds = 0.3, build: KernelBuild = kernelBuild()): number {
  const kernels = instantiateKernels(build);
  const arena = new Arena(kernels);
  const a = arena.take(rows * inner);
  const b = arena.take(inner * cols);
  const c = arena.take(rows * cols);
  arena.commit();
  arena.f32(a, rows * inner).fill(0.5);
  arena.f32(b, inner * cols).fill(0.25);
  kernels.matmulPeak(a, b, c, rows, inner, cols, 50); // warm-up: the optimising compiler's tier
  let repeats = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    kernels.matmulPeak(a, b, c, rows, inner, cols, 100);
    repeats += 100;
  }
  return (2 * rows * inner * cols * repeats) / ((performance.now() - started) / 1000) / 1e9;
}
