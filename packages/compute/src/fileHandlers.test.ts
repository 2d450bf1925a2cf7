import { mkdtempSync, readFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ArtifactError } from '@deeprec/base';
import { initBackend } from './backend';
import { fileLoadHandler, fileSaveHandler } from './fileHandlers';

const dir = mkdtempSync(join(tmpdir(), 'deeprec-io-'));

function smallModel(): tf.LayersModel {
  const input = tf.input({ shape: [3] });
  const hidden = tf.layers.dense({ units: 4, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  const output = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

describe('file:// handlers without tfjs-node', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('saves model.json + weights.bin that tf.loadLayersModel("file://...") reads back identically', async () => {
    const model = smallModel();
    const target = join(dir, 'model');
    await model.save(`file://${target}`);
    const json = JSON.parse(readFileSync(join(target, 'model.json'), 'utf8')) as { format: string; weightsManifest: Array<{ paths: string[] }> };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]?.paths).toEqual(['./weights.bin']);
    const loaded = await tf.loadLayersModel(`file://${join(target, 'model.json')}`);
    const x = tf.tensor2d([[1, 2, 3], [-1, 0, 0.5]]);
    expect((loaded.predict(x) as tf.Tensor).arraySync()).toEqual((model.predict(x) as tf.Tensor).arraySync());
  });

  it('refuses truncated weights with the file named', async () => {
    const target = join(dir, 'broken');
    await smallModel().save(fileSaveHandler(target));
    truncateSync(join(target, 'weights.bin'), 8);
    await expect(tf.loadLayersModel(fileLoadHandler(target))).rejects.toThrow(
      new ArtifactError(`${target}: weights.bin holds 8 bytes, model.json expects 84 (truncated?)`),
    );
  });
});
