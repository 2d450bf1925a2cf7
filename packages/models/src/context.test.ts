import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type DataInfo } from '@deeprec/artifacts';
import { initBackend } from '@deeprec/compute';
import { loadConfigSource, resolveConfig, type ResolvedModelConfig } from '@deeprec/config';
import { buildModel, modelContext } from './index';

function modelConfig(section: string): ResolvedModelConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-context-')), 'c.yaml');
  writeFileSync(file, `name: t\nmodels:\n  m: ${section}\n`);
  return resolveConfig(loadConfigSource(file)).models.m as ResolvedModelConfig;
}

const info = (feedback: 'explicit' | 'implicit'): DataInfo => {
  const fold = { trainMean: feedback === 'implicit' ? 1 : 3.5, counts: { train: 10, valid: 0, test: 0 }, coldStart: { users: 0, items: 0, ratings: 0 } };
  return { ...fold, numUsers: 7, numItems: 5, scale: feedback === 'implicit' ? { min: 0, max: 1 } : { min: 1, max: 5 }, source: 'test', feedback, negatives: 0, folds: [fold] };
};

beforeAll(async () => {
  await initBackend('cpu');
});

describe('modelContext: output bias init', () => {
  it('is the training mean for explicit data and 0 (a logit) for implicit data', () => {
    expect(modelContext(info('explicit'), 1).trainMean).toBe(3.5);
    expect(modelContext(info('implicit'), 1).trainMean).toBe(0);
  });

  it.each([
    ['ncf', '{ type: ncf, embeddingDim: 4, layers: [6, 3] }', 'prediction'],
    ['neumf', '{ type: neumf, gmfDim: 2, mlpDim: 4, layers: [6, 3] }', 'prediction'],
    ['widedeep', '{ type: widedeep, embeddingDim: 4, layers: [6, 3] }', 'deep_output'],
    ['mf', '{ type: mf, embeddingDim: 4 }', 'global_mean'],
    ['baseline', '{ type: baseline }', 'global_mean'],
  ])('%s starts its output bias there', (_, section, layer) => {
    for (const [feedback, bias] of [['explicit', 3.5], ['implicit', 0]] as const) {
      const model = buildModel(modelConfig(section), modelContext(info(feedback), 1));
      const weights = model.network.getLayer(layer).getWeights();
      expect(Array.from((weights[1] as tf.Tensor).dataSync())).toEqual([bias]);
      model.network.dispose();
    }
  });
});
