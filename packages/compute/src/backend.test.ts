import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@deeprec/base';
import { detectNative, initBackend, parseBackend } from './backend';

describe('backend detection', () => {
  it('prefers tfjs-node-gpu, and falls back with one log line when an installed package cannot load', () => {
    const lines: string[] = [];
    const loads = { '@tensorflow/tfjs-node-gpu': new Error('libcudart.so.11.0: cannot open shared object file\n  at dlopen'), '@tensorflow/tfjs-node': 'loaded' } as const;
    expect(detectNative((l) => lines.push(l), (pkg) => loads[pkg as keyof typeof loads])).toBe('@tensorflow/tfjs-node');
    expect(lines).toEqual(['backend: @tensorflow/tfjs-node-gpu is installed but does not load (libcudart.so.11.0: cannot open shared object file); falling back']);
  });

  it('says nothing when neither native package is installed', () => {
    const lines: string[] = [];
    expect(detectNative((l) => lines.push(l), () => 'missing')).toBeNull();
    expect(lines).toEqual([]);
  });

  it('picks wasm on a machine without a native package, and cpu when forced', async () => {
    const auto = await initBackend(undefined, () => {});
    expect(['tensorflow', 'wasm']).toContain(auto.name);
    expect((await initBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects an unknown backend name, naming where it came from', () => {
    expect(() => parseBackend('tpu', 'DEEPREC_BACKEND')).toThrow(new ConfigError("DEEPREC_BACKEND: expected one of auto, tensorflow, wasm, cpu, found 'tpu'"));
  });
});
