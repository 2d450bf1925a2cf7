/**
 * Every use deeprec makes of tfjs beyond its public API, in one place: private backend
 * methods (wasm heap views, output allocation), private fields (an optimizer's learning
 * rate, a tensor's storage id), layer class names, and the kernels we replace.
 *
 * install() puts the kernel overrides and the fused engine's in-place heap updates in
 * place, only on the tfjs version they were tested with (TESTED_TFJS_VERSION). On any
 * other version it refuses them with one log line and tfjs's own kernels and data paths
 * are used: slower, the same model (a kernel tfjs lacks altogether is still added).
 * activeOverrides() says what is in force (the train manifest records it; `--verbose`
 * prints it).
 *
 * The accessors check the member they need the first time they meet a backend or object,
 * and throw InternalsError naming the member and the tfjs version rather than failing
 * later with "undefined is not a function".
 */
import * as tf from '@tensorflow/tfjs';

/** The tfjs version the overrides and accessors below were written and tested against (package.json pins it). */
export const TESTED_TFJS_VERSION = '4.22.0';

export class InternalsError extends Error {
  constructor(member: string, detail = '') {
    super(`tfjs internals: ${member} is missing${detail} (tfjs ${tf.version['tfjs-core']} is installed; deeprec was tested with tfjs ${TESTED_TFJS_VERSION})`);
    this.name = 'InternalsError';
  }
}

function requireMembers(target: unknown, members: readonly string[], owner: string): void {
  for (const member of members) {
    if (typeof (target as Record<string, unknown> | null)?.[member] !== 'function') throw new InternalsError(`${owner}.${member}()`);
  }
}

/** The wasm backend's methods the kernels and the fused engine use (BackendWasm in tfjs-backend-wasm). */
export interface WasmBackendInternals {
  /** A view of the tensor's bytes in the wasm heap (no copy); invalid once the heap grows. */
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  readSync(dataId: object): tf.backend_util.BackendValues;
}
const WASM_MEMBERS = ['typedArrayFromHeap', 'makeOutput', 'disposeData', 'readSync'] as const;

/** The cpu backend's (MathBackendCPU in tfjs-backend-cpu). */
export interface CpuBackendInternals {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  readSync(dataId: object): tf.backend_util.BackendValues;
}
const CPU_MEMBERS = ['makeTensorInfo', 'readSync'] as const;

// Checked once per backend object: kernels call these on every step.
const checkedWasm = new WeakSet<object>();
const checkedCpu = new WeakSet<object>();

export function wasmInternals(backend: unknown): WasmBackendInternals {
  if (!checkedWasm.has(backend as object)) {
    requireMembers(backend, WASM_MEMBERS, 'the wasm backend');
    checkedWasm.add(backend as object);
  }
  return backend as WasmBackendInternals;
}

export function cpuInternals(backend: unknown): CpuBackendInternals {
  if (!checkedCpu.has(backend as object)) {
    requireMembers(backend, CPU_MEMBERS, 'the cpu backend');
    checkedCpu.add(backend as object);
  }
  return backend as CpuBackendInternals;
}

/** The storage a tensor holds now: Variable.assign swaps it, so a changed id means the values were replaced. */
export function storageId(tensor: tf.Tensor): object {
  const id = (tensor as { dataId?: unknown }).dataId;
  if (typeof id !== 'object' || id === null) throw new InternalsError('Tensor.dataId');
  return id;
}

/** tfjs optimizers read `learningRate` on every step; only some expose a setter, all keep this field. */
export function setOptimizerLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const fields = optimizer as unknown as { learningRate?: unknown };
  if (typeof fields.learningRate !== 'number') throw new InternalsError(`${optimizer.getClassName()}.learningRate`, ' (a number field)');
  fields.learningRate = rate;
}

/** The cpu backend tells every Node user once to install tfjs-node; deeprec has already chosen. Cosmetic: skipped if absent. */
export function quietCpuBackend(backend: unknown): void {
  const fields = backend as { firstUse?: unknown };
  if (typeof fields.firstUse === 'boolean') fields.firstUse = false;
}

/** The layer classes the training pass treats specially (tfjs exports their factories, not their classes). */
export const LAYER_KINDS = ['Embedding', 'Dense', 'Flatten', 'Multiply', 'Add', 'Concatenate'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];
const layerKinds = new Set<string>(LAYER_KINDS);
let layerKindsChecked = false;

/** The layer's class among LAYER_KINDS, or null; the names are checked once against tfjs's class registry. */
export function layerKind(layer: tf.layers.Layer): LayerKind | null {
  if (!layerKindsChecked) {
    const registered = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const kind of LAYER_KINDS) if (!registered[kind]) throw new InternalsError(`the layer class '${kind}'`, ' from the layers registry');
    layerKindsChecked = true;
  }
  const name = layer.getClassName();
  return layerKinds.has(name) ? (name as LayerKind) : null;
}

/** A kernel deeprec registers in place of tfjs's (see wasmKernels.ts, segmentSum.ts). */
export interface KernelOverride {
  kernelName: string;
  backendName: 'wasm' | 'cpu';
  /** Why it replaces tfjs's kernel, for the manifest and logs. */
  why: string;
  /** The replacement; `kernel(name)` is tfjs's own kernel of that name on the same backend (it throws if there is none). */
  make(kernel: (name: string) => tf.KernelFunc): tf.KernelFunc;
}

export interface ActiveOverride {
  /** backend:kernel, or backend:heap-views for the fused engine's in-place updates. */
  name: string;
  why: string;
  /** The registered kernel function, for checking that tfjs dispatches to it. */
  kernel?: { name: string; backend: 'wasm' | 'cpu'; func: tf.KernelFunc };
}

export interface InstalledVersions {
  core: string;
  /** null while tfjs-backend-wasm is not loaded. */
  wasm: string | null;
}

export function installedVersions(): InstalledVersions {
  const wasmLoaded = tf.findBackendFactory('wasm') !== null;
  const wasm = wasmLoaded ? (require('@tensorflow/tfjs-backend-wasm') as { version_wasm: string }).version_wasm : null;
  return { core: tf.version['tfjs-core'], wasm };
}

/** null when the installed versions are the tested one; else why the overrides are refused. */
export function untestedVersion(versions: InstalledVersions, tested = TESTED_TFJS_VERSION): string | null {
  const found = [versions.core !== tested ? `tfjs-core ${versions.core}` : null, versions.wasm !== null && versions.wasm !== tested ? `tfjs-backend-wasm ${versions.wasm}` : null].filter((v) => v !== null);
  if (found.length === 0) return null;
  return `tfjs internals: ${found.join(' and ')} installed, but deeprec's kernel overrides and in-place wasm updates were tested with ${tested} only; using tfjs's own kernels (slower, same model)`;
}

const active = new Map<string, ActiveOverride>();
const refusals = new Set<string>();
let heapViews = false;

/** Kernel overrides come in from their modules (which use the accessors above), so this module imports none of them. */
export interface InstallOptions {
  kernels: KernelOverride[];
  log?: (line: string) => void;
  /** The versions to check; default: the installed ones (tests pass others). */
  versions?: InstalledVersions;
}

/**
 * Registers the kernel overrides of every backend that is loaded, and enables in-place
 * heap updates when wasm is. Idempotent: initBackend calls it each time, and a backend
 * loaded later gets its overrides then. Returns what is active.
 */
export function install(options: InstallOptions): ActiveOverride[] {
  const versions = options.versions ?? installedVersions();
  const refused = untestedVersion(versions);
  if (refused && !refusals.has(refused)) {
    refusals.add(refused);
    options.log?.(refused);
  }
  const loaded = (backend: 'wasm' | 'cpu') => backend === 'cpu' || versions.wasm !== null;
  for (const override of options.kernels) {
    const name = `${override.backendName}:${override.kernelName}`;
    if (active.has(name) || !loaded(override.backendName)) continue;
    const original = tf.getKernel(override.kernelName, override.backendName);
    // On an untested version only a kernel tfjs lacks is added (wasm has no UnsortedSegmentSum in 4.22: without it no embedding gradient runs).
    if (refused && original) continue;
    const kernel = (kernelName: string): tf.KernelFunc => {
      const found = tf.getKernel(kernelName, override.backendName);
      if (!found) throw new InternalsError(`the ${override.backendName} kernel ${kernelName}`, ` (needed by the ${name} override)`);
      return found.kernelFunc;
    };
    const func = override.make(kernel);
    if (original) tf.unregisterKernel(override.kernelName, override.backendName);
    tf.registerKernel({ ...original, kernelName: override.kernelName, backendName: override.backendName, kernelFunc: func });
    active.set(name, { name, why: override.why, kernel: { name: override.kernelName, backend: override.backendName, func } });
  }
  if (!refused && versions.wasm !== null && !heapViews) {
    heapViews = true;
    active.set('wasm:heap-views', { name: 'wasm:heap-views', why: 'the fused engine updates embedding tables in place in the wasm heap' });
  }
  return activeOverrides();
}

export function activeOverrides(): ActiveOverride[] {
  return [...active.values()];
}

/** The names of the active overrides, sorted: for logs and the train manifest. */
export function overrideNames(): string[] {
  return [...active.keys()].sort();
}

/**
 * A live view of a float32 tensor's values in the wasm heap, for reading and updating in
 * place; null on other backends, or when install() refused the overrides.
 */
export function heapView(tensor: tf.Tensor): Float32Array | null {
  if (!heapViews || tf.getBackend() !== 'wasm') return null;
  return wasmInternals(tf.backend()).typedArrayFromHeap(tensor) as Float32Array;
}
