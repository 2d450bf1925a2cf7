/**
 * Backend choice (DESIGN section 6): `tensorflow` when tfjs-node-gpu or tfjs-node is
 * installed and loads, else `wasm`, else `cpu`. `--backend` or DEEPREC_BACKEND forces one.
 * A native package that is present but cannot load (no CUDA, no libtensorflow) costs one
 * log line and a fallback, never a crash.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, messageOf } from '@deeprec/base';
import { registerFileRouters } from './fileHandlers';
import { segmentSumOverrides } from './segmentSum';
import { cpuInternals, install, quietCpuBackend, wasmInternals, type ActiveOverride } from './tfjsInternals';
import { wasmKernelOverrides } from './wasmKernels';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  name: BackendName;
  /** The package that provided it, e.g. @tensorflow/tfjs-node-gpu. */
  provider: string;
  tfjsVersion: string;
}

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** What loading a native package gave: not installed, loaded, or the error it threw. */
export type NativeLoad = 'missing' | 'loaded' | Error;

function loadPackage(pkg: string): NativeLoad {
  try {
    require.resolve(pkg);
  } catch {
    return 'missing'; // not installed: the normal case without internet at install time
  }
  try {
    require(pkg);
    return 'loaded';
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * The first native package that loads, GPU first. One that is installed but fails
 * (no CUDA, no libtensorflow) is reported in one line and skipped.
 */
export function detectNative(log: (line: string) => void, load: (pkg: string) => NativeLoad = loadPackage): string | null {
  for (const pkg of NATIVE_PACKAGES) {
    const result = load(pkg);
    if (result === 'loaded') return pkg;
    if (result instanceof Error) log(`backend: ${pkg} is installed but does not load (${result.message.split('\n')[0]}); falling back`);
  }
  return null;
}

async function activate(name: BackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

let current: BackendInfo | null = null;

/** deeprec's kernel overrides on every loaded backend (tfjsInternals.install: on the tested tfjs version only). */
export function installOverrides(log: (line: string) => void = () => {}): ActiveOverride[] {
  const kernels = [...wasmKernelOverrides(wasmInternals), ...segmentSumOverrides({ wasm: wasmInternals, cpu: cpuInternals })];
  return install({ kernels, log });
}

export function parseBackend(value: string | undefined, source: string): BackendName | 'auto' {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new ConfigError(`${source}: expected one of auto, ${BACKENDS.join(', ')}, found '${value}'`);
}

/**
 * Picks and initialises the backend once per process. `requested` wins over
 * DEEPREC_BACKEND, which wins over detection.
 */
export async function initBackend(requested?: string, log: (line: string) => void = () => {}): Promise<BackendInfo> {
  const fromFlag = parseBackend(requested, '--backend');
  const wanted = fromFlag !== 'auto' ? fromFlag : parseBackend(process.env.DEEPREC_BACKEND, 'DEEPREC_BACKEND');
  if (current && (wanted === 'auto' || wanted === current.name)) return current;
  registerFileRouters();
  installOverrides(log);

  const candidates: BackendName[] = wanted === 'auto' ? [...BACKENDS] : [wanted];
  for (const name of candidates) {
    let provider = '@tensorflow/tfjs';
    if (name === 'tensorflow') {
      const native = detectNative(log);
      if (!native) continue;
      provider = native;
    } else if (name === 'wasm') {
      require('@tensorflow/tfjs-backend-wasm');
      installOverrides(log);
      provider = '@tensorflow/tfjs-backend-wasm';
    }
    if (await activate(name)) {
      if (name === 'cpu') quietCpuBackend(tf.backend());
      current = { name, provider, tfjsVersion: tf.version.tfjs };
      return current;
    }
    if (wanted !== 'auto') break;
    log(`backend: ${name} did not initialise; falling back`);
  }
  if (wanted !== 'auto') {
    throw new ConfigError(`--backend ${wanted}: this backend is not available here (for tensorflow install @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu)`);
  }
  throw new Error('no tfjs backend could be initialised (tried tensorflow, wasm, cpu)');
}
