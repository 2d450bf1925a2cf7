import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend';
import { activeOverrides, cpuInternals, heapView, InternalsError, layerKind, overrideNames, setOptimizerLearningRate, storageId, untestedVersion, wasmInternals } from './tfjsInternals';

describe('tfjs internals on the tested version', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  });

  it('installs every override it was written for', () => {
    expect(overrideNames()).toEqual(['cpu:UnsortedSegmentSum', 'wasm:BatchMatMul', 'wasm:GatherV2', 'wasm:Sum', 'wasm:SplitV', 'wasm:UnsortedSegmentSum', 'wasm:heap-views'].sort());
  });

  it('every kernel it claims is the one tfjs dispatches to', () => {
    const kernels = activeOverrides().flatMap((o) => (o.kernel ? [o.kernel] : []));
    expect(kernels.length).toBe(6);
    for (const k of kernels) expect(tf.getKernel(k.name, k.backend)?.kernelFunc).toBe(k.func);
  });

  it('the claimed GatherV2 runs when tfjs gathers on wasm', () => {
    const gather = activeOverrides().find((o) => o.name === 'wasm:GatherV2')?.kernel;
    if (!gather) throw new Error('wasm:GatherV2 is not active');
    const config = tf.getKernel('GatherV2', 'wasm');
    if (!config) throw new Error('no GatherV2 kernel on wasm');
    let calls = 0;
    tf.unregisterKernel('GatherV2', 'wasm');
    tf.registerKernel({ ...config, kernelFunc: (args) => ((calls += 1), gather.func(args)) });
    try {
      const rows = tf.tidy(() => Array.from(tf.gather(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([2, 0], 'int32')).dataSync()));
      expect(rows).toEqual([5, 6, 1, 2]);
      expect(calls).toBe(1);
    } finally {
      tf.unregisterKernel('GatherV2', 'wasm');
      tf.registerKernel(config);
    }
  });

  it('heap views are live: a write through the view is what the tensor holds', () => {
    const t = tf.tensor1d([1, 2, 3]);
    const view = heapView(t);
    if (!view) throw new Error('heap views are off on wasm');
    view[1] = 7;
    expect(Array.from(t.dataSync())).toEqual([1, 7, 3]);
    t.dispose();
  });

  it('sets any tfjs optimizer’s learning rate, and reads a variable’s storage id that assign swaps', () => {
    for (const optimizer of [tf.train.adam(0.1), tf.train.momentum(0.1, 0.9), tf.train.rmsprop(0.1)]) {
      setOptimizerLearningRate(optimizer, 0.25);
      expect((optimizer as unknown as { learningRate: number }).learningRate).toBe(0.25);
      optimizer.dispose();
    }
    const v = tf.variable(tf.scalar(1));
    const before = storageId(v);
    v.assign(tf.scalar(2));
    expect(storageId(v)).not.toBe(before);
    v.dispose();
  });

  it('knows the layer classes the training pass treats specially, and no others', () => {
    expect(layerKind(tf.layers.embedding({ inputDim: 3, outputDim: 2, name: 'probe_embedding' }))).toBe('Embedding');
    expect(layerKind(tf.layers.dense({ units: 1, name: 'probe_dense' }))).toBe('Dense');
    expect(layerKind(tf.layers.dropout({ rate: 0.5, name: 'probe_dropout' }))).toBeNull();
  });
});

describe('a missing private member', () => {
  const version = tf.version['tfjs-core'];

  it('fails naming the member and the tfjs version', () => {
    expect(() => wasmInternals({ makeOutput() {}, readSync() {}, disposeData() {} })).toThrow(
      new InternalsError('the wasm backend.typedArrayFromHeap()'),
    );
    expect(() => wasmInternals({})).toThrow(`tfjs internals: the wasm backend.typedArrayFromHeap() is missing (tfjs ${version} is installed; deeprec was tested with tfjs 4.22.0)`);
    expect(() => cpuInternals({ readSync() {} })).toThrow(/the cpu backend\.makeTensorInfo\(\) is missing \(tfjs 4\.22\.0 is installed/);
    const optimizer = { getClassName: () => 'FutureOptimizer' } as unknown as tf.Optimizer;
    expect(() => setOptimizerLearningRate(optimizer, 0.1)).toThrow(/FutureOptimizer\.learningRate is missing \(a number field\)/);
    expect(() => storageId({} as tf.Tensor)).toThrow(/Tensor\.dataId is missing/);
  });
});

describe('untestedVersion', () => {
  it('accepts the tested version, with or without wasm loaded', () => {
    expect(untestedVersion({ core: '4.22.0', wasm: '4.22.0' })).toBeNull();
    expect(untestedVersion({ core: '4.22.0', wasm: null })).toBeNull();
  });

  it('names each untested package and what happens instead', () => {
    expect(untestedVersion({ core: '4.23.0', wasm: '4.22.0' })).toBe(
      "tfjs internals: tfjs-core 4.23.0 installed, but deeprec's kernel overrides and in-place wasm updates were tested with 4.22.0 only; using tfjs's own kernels (slower, same model)",
    );
    expect(untestedVersion({ core: '4.22.0', wasm: '5.0.0' })).toMatch(/^tfjs internals: tfjs-backend-wasm 5\.0\.0 installed/);
  });
});
