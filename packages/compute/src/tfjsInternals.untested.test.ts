// Its own file: kernel registrations are per process (per test file under jest), and here install() must meet an untested version first.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { segmentSumOverrides } from './segmentSum';
import { activeOverrides, cpuInternals, heapView, install, overrideNames, wasmInternals } from './tfjsInternals';
import { wasmKernelOverrides } from './wasmKernels';

describe('install() on an untested tfjs version', () => {
  it('refuses the overrides with one log line, keeps tfjs’s kernels, and adds only the kernel tfjs lacks', async () => {
    const gather = tf.getKernel('GatherV2', 'wasm')?.kernelFunc;
    const cpuSegmentSum = tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc;
    expect(gather).toBeDefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
    const lines: string[] = [];
    const options = {
      kernels: [...wasmKernelOverrides(wasmInternals), ...segmentSumOverrides({ wasm: wasmInternals, cpu: cpuInternals })],
      log: (line: string) => lines.push(line),
      versions: { core: '4.23.0', wasm: '4.23.0' },
    };
    install(options);
    install(options);
    expect(lines).toEqual([expect.stringMatching(/^tfjs internals: tfjs-core 4\.23\.0 and tfjs-backend-wasm 4\.23\.0 installed, .* using tfjs's own kernels/)]);
    expect(overrideNames()).toEqual(['wasm:UnsortedSegmentSum']);
    expect(tf.getKernel('GatherV2', 'wasm')?.kernelFunc).toBe(gather);
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc).toBe(cpuSegmentSum);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')?.kernelFunc).toBe(activeOverrides()[0]?.kernel?.func);

    await tf.setBackend('wasm');
    const t = tf.tensor1d([1, 2]);
    expect(heapView(t)).toBeNull();
    // The embedding gradient still runs on wasm, through the added kernel.
    const grad = tf.grad((table: tf.Tensor) => tf.sum(tf.gather(table, tf.tensor1d([1, 1], 'int32'))))(tf.tensor2d([[1], [2]]));
    expect(Array.from(grad.dataSync())).toEqual([0, 2]);
  });
});
