/**
 * Early stopping on a validation ranking metric (train.earlyStopping.monitor val_hr@K,
 * val_ndcg@K): higher is better, the best epoch's weights are restored, reruns give the
 * same figures, explicit data is refused; the state machines in the other direction.
 */
import { silentLogger } from '@deeprec/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@deeprec/base';
import { initBackend, scorePairs } from '@deeprec/compute';
import { loadConfig, type ExperimentConfig, type TrainConfig } from '@deeprec/config';
import { evaluateSampled, groupByUser } from '@deeprec/metrics';
import { EarlyStopping, LrSchedule } from './callbacks';
import { checkMonitor } from './monitor';
import { runTrain } from './run';
import { implicitDataForTest, trainInputs } from './testData.testutil';

function configOf(yaml: string): ExperimentConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-rankmon-')), 'c.yaml');
  writeFileSync(file, yaml);
  return loadConfig(file);
}

describe('ranking monitors in the config', () => {
  it('accepts val_hr@K and val_ndcg@K, refuses other names', () => {
    expect(configOf('name: t\ntrain: { earlyStopping: { monitor: val_ndcg@20 } }\nmodels:\n  a: { type: ncf }\n').train.earlyStopping).toMatchObject({ monitor: 'val_ndcg@20', rankingNegatives: 99 });
    for (const bad of ['val_hr', 'val_auc@10', 'val_hr@0', 'hr@10']) {
      expect(() => configOf(`name: t\ntrain: { earlyStopping: { monitor: ${bad} } }\nmodels:\n  a: { type: ncf }\n`)).toThrow(/train\.earlyStopping\.monitor: expected val_rmse, val_mae, val_loss, or val_hr@K \/ val_ndcg@K/);
    }
  });

  it('checkMonitor refuses a ranking monitor on explicit data, naming the key it came from', () => {
    const top = configOf('name: t\ntrain: { earlyStopping: { monitor: val_hr@10 } }\nmodels:\n  a: { type: ncf }\n');
    expect(() => checkMonitor(top.models.a!, 'explicit', top.train)).toThrow(new ConfigError('train.earlyStopping.monitor: val_hr@10 ranks items against sampled negatives, which needs implicit data (data.feedback: implicit); for explicit data watch val_rmse, val_mae or val_loss'));
    const own = configOf('name: t\nmodels:\n  a: { type: ncf, train: { earlyStopping: { monitor: val_ndcg@5 } } }\n');
    expect(() => checkMonitor(own.models.a!, 'explicit', own.train)).toThrow(/^models\.a\.train\.earlyStopping\.monitor: val_ndcg@5 ranks items/);
    expect(checkMonitor(own.models.a!, 'implicit', own.train)).toEqual({ name: 'val_ndcg@5', metric: 'ndcg', k: 5, negatives: 99 });
  });
});

describe('early stopping and plateau, higher is better', () => {
  const stopping: TrainConfig['earlyStopping'] = { enabled: true, monitor: 'val_hr@10', rankingNegatives: 99, patience: 2, minDelta: 0.01, restoreBest: true };
  it('keeps the highest epoch, counts a rise under minDelta as no improvement, stops after patience', () => {
    const s = new EarlyStopping(stopping, true);
    const steps = [0.5, 0.6, 0.605, 0.58].map((v, i) => s.update(i + 1, v));
    expect(steps).toEqual([
      { improved: true, stop: false },
      { improved: true, stop: false },
      { improved: false, stop: false },
      { improved: false, stop: true },
    ]);
    expect([s.best, s.bestEpoch]).toEqual([0.6, 2]);
  });

  it('plateau lowers the rate when the metric stops rising', () => {
    const schedule = new LrSchedule({ type: 'plateau', factor: 0.5, patience: 1, decayRate: 0.95, minLearningRate: 1e-6 }, 0.01, true);
    expect([0.5, 0.6, 0.55, 0.7].map((v) => schedule.step(v))).toEqual([0.01, 0.01, 0.005, 0.005]);
  });
});

describe('training with a ranking monitor', () => {
  const data = implicitDataForTest({ users: 240, items: 200, clusters: 6, perUser: 22, inCluster: 0.85 }, 11);
  const config = configOf(
    [
      'name: t',
      'seed: 5',
      'train: { epochs: 8, batchSize: 128, optimizer: { learningRate: 0.03 }, lrSchedule: { type: none }, earlyStopping: { monitor: val_hr@10, patience: 3, rankingNegatives: 50 }, negatives: { perPositive: 4 } }',
      'models:',
      '  ncf: { type: ncf, embeddingDim: 8, layers: [16, 8], dropout: 0 }',
    ].join('\n') + '\n',
  );

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('watches val_rank, keeps the epoch of the highest validation HR@10 and restores its weights; a rerun gives the same figures', () => {
    const run = () => runTrain(config.models.ncf!, trainInputs(data), config.seed, silentLogger(), 'ncf');
    const out = run();
    const ranks = out.fit.history.map((h) => h.val_rank);
    expect(ranks.every((r) => r >= 0 && r <= 1)).toBe(true);
    expect([out.fit.monitor, out.details.monitor, out.details.rankingMonitor]).toEqual(['val_rank', 'val_rank', 'val_hr@10']);
    expect(out.fit.bestEpoch).toBe(ranks.indexOf(Math.max(...ranks)) + 1);
    // Trained past its best epoch (lr 0.03 over-fits), so the restore below is a real one.
    expect(out.fit.history.length).toBeGreaterThan(out.fit.bestEpoch);
    // The restored network ranks the validation positives exactly as in its best epoch (the same seeded negatives).
    const n = data.info.numUsers;
    const again = evaluateSampled({
      numItems: data.info.numItems,
      trainItems: groupByUser(data.train.user, data.train.item, n),
      testItems: groupByUser(data.valid.user, data.valid.item, n),
      ks: [10],
      numNegatives: 50,
      seed: config.seed,
      scorePairs: (u, i) => scorePairs(out.model.network, u, i),
    }).means['hr@10'];
    expect(again).toBe(ranks[out.fit.bestEpoch - 1]);
    out.model.network.dispose();
    const second = run();
    expect(second.fit.history.map((h) => h.val_rank)).toEqual(ranks);
    second.model.network.dispose();
  });
});
