import { silentLogger } from '@deeprec/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatRatings } from '@deeprec/artifacts';
import { ConfigError, createLogger, Rng } from '@deeprec/base';
import { initBackend, scorePairs } from '@deeprec/compute';
import { loadConfig, type ExperimentConfig, type ResolvedModelConfig } from '@deeprec/config';
import { evaluateSampled, groupByUser } from '@deeprec/metrics';
import type { RecModel } from '@deeprec/models';
import { pairwiseExamples, pointwiseExamples } from './loop';
import { resolveLoss } from './loss';
import { userItems } from '@deeprec/artifacts';
import { NegativeSampler } from './negatives';
import { runTrain } from './run';
import { implicitDataForTest, trainInputs, type ImplicitTestData } from './testData.testutil';

function configOf(yaml: string): ExperimentConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'deeprec-implicit-')), 'c.yaml');
  writeFileSync(file, yaml);
  return loadConfig(file);
}

describe('resolveLoss', () => {
  const config = configOf(
    'name: t\ntrain: { loss: auto }\nmodels:\n  a: { type: ncf }\n  b: { type: mf, train: { loss: bpr } }\n  c: { type: ncf, train: { loss: mse } }\n',
  );
  const top = configOf('name: t\ntrain: { loss: bce }\nmodels:\n  a: { type: ncf }\n');

  it('auto: mse for explicit data, bce for implicit data', () => {
    expect(resolveLoss(config.models.a!, 'explicit', config.train)).toBe('mse');
    expect(resolveLoss(config.models.a!, 'implicit', config.train)).toBe('bce');
    expect(resolveLoss(config.models.a!, undefined, config.train)).toBe('mse');
    expect(resolveLoss(config.models.b!, 'implicit', config.train)).toBe('bpr');
  });

  it('refuses a loss of the other kind of data, naming the key it came from', () => {
    expect(() => resolveLoss(config.models.b!, 'explicit', config.train)).toThrow(
      new ConfigError("models.b.train.loss: expected mse or auto for explicit data (data.feedback: explicit), found 'bpr' (a loss for implicit data)"),
    );
    expect(() => resolveLoss(config.models.c!, 'implicit', config.train)).toThrow(
      new ConfigError("models.c.train.loss: expected bce, bpr or auto for implicit data (data.feedback: implicit), found 'mse' (a loss for explicit data)"),
    );
    expect(() => resolveLoss(top.models.a!, 'explicit', top.train)).toThrow(
      new ConfigError("train.loss: expected mse or auto for explicit data (data.feedback: explicit), found 'bce' (a loss for implicit data)"),
    );
  });
});

describe('NegativeSampler', () => {
  const data = implicitDataForTest({ users: 60, items: 80, clusters: 4, perUser: 25, inCluster: 0.8 }, 3);
  const counts = new Int32Array(80);
  for (const i of data.train.item) counts[i] = counts[i]! + 1;
  const positives = new Set(Array.from(data.train.user, (u, j) => `${u}:${data.train.item[j]}`));

  it('userItems: each user\'s distinct items, sorted', () => {
    const lists = userItems({ user: Int32Array.from([1, 0, 1, 1]), item: Int32Array.from([5, 2, 3, 5]) }, 3);
    expect(Array.from(lists.offsets)).toEqual([0, 1, 3, 3]);
    expect(Array.from(lists.items)).toEqual([2, 3, 5]);
  });

  it.each(['uniform', 'popularity'] as const)('%s: never a training positive of the user, deterministic per seed', (sampling) => {
    const sampler = new NegativeSampler(data.train, 60, 80, sampling, counts);
    const draw = (seed: number) => sampler.sampleFor(data.train.user, 4, new Rng(seed, 'train-negatives', 'm', 1));
    const negatives = draw(1);
    expect(negatives).toHaveLength(data.train.user.length * 4);
    const bad = Array.from(negatives).filter((neg, j) => neg < 0 || neg >= 80 || positives.has(`${data.train.user[Math.floor(j / 4)]}:${neg}`));
    expect(bad).toEqual([]);
    expect(draw(1)).toEqual(negatives);
    expect(draw(2)).not.toEqual(negatives);
  });

  it('popularity: draws items in proportion to their training counts; uniform does not', () => {
    // one user with no interactions: popularity draws follow counts exactly
    const train = { user: Int32Array.from([...data.train.user]), item: Int32Array.from([...data.train.item]) };
    const fresh = 59;
    const keep = Array.from(train.user, (u) => u !== fresh);
    const without = { user: train.user.filter((_, j) => keep[j]), item: train.item.filter((_, j) => keep[j]) };
    const weights = new Int32Array(80);
    for (const i of without.item) weights[i] = weights[i]! + 1;
    const draws = 40000;
    const users = new Int32Array(draws).fill(fresh);
    const freq = (sampling: 'uniform' | 'popularity') => {
      const out = new Array<number>(80).fill(0);
      for (const i of new NegativeSampler(without, 60, 80, sampling, weights).sampleFor(users, 1, new Rng(7))) out[i] = out[i]! + 1;
      return out;
    };
    const popular = freq('popularity');
    const total = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < 80; i += 1) {
      const expected = (draws * weights[i]!) / total;
      expect(Math.abs(popular[i]! - expected)).toBeLessThan(5 * Math.sqrt(expected) + 1);
    }
    // the most popular quarter of the items: its share of the counts under popularity, a quarter under uniform
    const order = Array.from({ length: 80 }, (_, i) => i).sort((a, b) => weights[b]! - weights[a]!);
    const share = (f: ArrayLike<number>, of: number) => order.slice(0, 20).reduce((s, i) => s + f[i]!, 0) / of;
    const uniform = share(freq('uniform'), draws);
    expect(share(popular, draws)).toBeCloseTo(share(weights, total), 2);
    expect(uniform).toBeCloseTo(0.25, 1);
    expect(share(popular, draws)).toBeGreaterThan(uniform + 0.03);
  });

  it('a heavy user (most items positive) still gets only negatives; a user with every item gets none (-1)', () => {
    const user = Int32Array.from([...new Array<number>(70).fill(0), ...new Array<number>(10).fill(1)]);
    const item = Int32Array.from([...Array.from({ length: 70 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => i)]);
    const all = { user: concatRatings({ user, item, rating: new Float32Array(80) }, { user: new Int32Array(80).fill(2), item: Int32Array.from({ length: 80 }, (_, i) => i), rating: new Float32Array(80) }).user, item: Int32Array.from([...item, ...Array.from({ length: 80 }, (_, i) => i)]) };
    const weights = Int32Array.from({ length: 80 }, (_, i) => (i < 75 ? 10 : 0));
    for (const sampling of ['uniform', 'popularity'] as const) {
      const sampler = new NegativeSampler(all, 3, 80, sampling, weights);
      const heavy = Array.from(sampler.sampleFor(new Int32Array(500), 1, new Rng(1)));
      expect(heavy.every((i) => i >= 70)).toBe(true);
      if (sampling === 'popularity') expect(heavy.every((i) => i < 75)).toBe(true);
      expect(Array.from(sampler.sampleFor(new Int32Array(3).fill(2), 2, new Rng(1)))).toEqual([-1, -1, -1, -1, -1, -1]);
    }
  });

  it('examples: bce lists positives (1) then negatives (0); bpr one triple per negative; -1 skipped', () => {
    const pos = { user: Int32Array.from([4, 5]), item: Int32Array.from([1, 2]) };
    const negatives = Int32Array.from([7, 8, -1, 9]);
    const point = pointwiseExamples(pos, negatives, 2);
    expect(Array.from(point.user)).toEqual([4, 5, 4, 4, 5]);
    expect(Array.from(point.item)).toEqual([1, 2, 7, 8, 9]);
    expect(Array.from(point.target!)).toEqual([1, 1, 0, 0, 0]);
    const pair = pairwiseExamples(pos, negatives, 2);
    expect(Array.from(pair.user)).toEqual([4, 4, 5]);
    expect(Array.from(pair.item)).toEqual([1, 1, 2]);
    expect(Array.from(pair.negative!)).toEqual([7, 8, 9]);
  });
});

/** HR@10, NDCG@10 and AUC of the held-out positive among 50 sampled negatives (He et al.'s protocol). */
function sampledQuality(model: RecModel, data: ImplicitTestData): Record<string, number> {
  const numUsers = data.info.numUsers;
  const seen = concatRatings(data.train, data.valid);
  return evaluateSampled({
    numItems: data.info.numItems,
    trainItems: groupByUser(seen.user, seen.item, numUsers),
    testItems: groupByUser(data.test.user, data.test.item, numUsers),
    ks: [10],
    numNegatives: 50,
    seed: 1,
    scorePairs: (u, i) => scorePairs(model.network, u, i),
  }).means;
}

describe('implicit training', () => {
  const data = implicitDataForTest({ users: 240, items: 200, clusters: 6, perUser: 22, inCluster: 0.85 }, 11);
  const config = configOf(
    [
      'name: t',
      'train: { epochs: 8, batchSize: 128, optimizer: { learningRate: 0.005 }, earlyStopping: { patience: 8 }, negatives: { perPositive: 4 } }',
      'models:',
      '  ncf: { type: ncf, embeddingDim: 8, layers: [16, 8], dropout: 0 }',
      '  neumf: { type: neumf, gmfDim: 8, mlpDim: 8, layers: [16, 8], dropout: 0 }',
      '  mf: { type: mf, embeddingDim: 8, train: { loss: bpr } }',
      '  pop: { type: popularity }',
    ].join('\n') + '\n',
  );

  beforeAll(async () => {
    await initBackend('wasm');
  });

  // chance: HR@10 = 10/51 = 0.196, AUC = 0.5; popularity alone (no clusters) stays near chance here
  it.each([
    ['ncf', 'bce'],
    ['neumf', 'bce'],
    ['mf', 'bpr'],
  ])('%s (%s) ranks held-out positives well above sampled negatives', (name, loss) => {
    const lines: string[] = [];
    const log = createLogger({ tty: false, write: (line) => lines.push(line) });
    const out = runTrain(config.models[name]!, trainInputs(data), config.seed, log, name);
    expect(out.loss).toBe(loss);
    const quality = sampledQuality(out.model, data);
    expect(quality['hr@10']).toBeGreaterThan(0.55);
    expect(quality.auc).toBeGreaterThan(0.75);
    const history = out.fit.history;
    expect(history.every((h) => Number.isNaN(h.val_rmse) && Number.isNaN(h.val_mae) && Number.isFinite(h.val_loss))).toBe(true);
    // Configured val_rmse (the default); what was watched, and recorded for the report, is val_loss.
    expect([config.models[name]!.train.earlyStopping.monitor, out.fit.monitor, out.details.monitor]).toEqual(['val_rmse', 'val_loss', 'val_loss']);
    expect(history[history.length - 1]!.loss).toBeLessThan(history[0]!.loss);
    expect(lines.filter((l) => l.includes('val_rmse is undefined for implicit feedback'))).toEqual([
      `${name}: val_rmse is undefined for implicit feedback; early stopping and plateau watch val_loss (${loss} on validation positives and fixed sampled negatives) instead`,
    ]);
    // bce: every positive plus perPositive negatives per epoch; bpr: one triple per negative
    const perEpoch = data.train.user.length * (loss === 'bce' ? 5 : 4);
    expect(out.details.trainSamples).toBe(perEpoch * history.length);
    out.model.network.dispose();
  });

  it('early stopping on implicit data restores the epoch of the lowest val_loss', () => {
    const long = { ...config.models.ncf!, train: { ...config.models.ncf!.train, epochs: 12, optimizer: { ...config.models.ncf!.train.optimizer, learningRate: 0.03 }, earlyStopping: { ...config.models.ncf!.train.earlyStopping, patience: 3 } } };
    const out = runTrain(long, trainInputs(data), 4, silentLogger(), 'ncf');
    const best = Math.min(...out.fit.history.map((h) => h.val_loss));
    expect(out.fit.history.find((h) => h.epoch === out.fit.bestEpoch)!.val_loss).toBe(best);
    out.model.network.dispose();
  });

  it('is bit-identical on a rerun with the same seed (negatives, shuffling, dropout), and differs with another', () => {
    const short = { ...config.models.neumf!, dropout: 0.2, train: { ...config.models.neumf!.train, epochs: 2 } } as ResolvedModelConfig;
    const weights = (seed: number) => {
      const out = runTrain(short, trainInputs(data), seed, silentLogger(), 'neumf');
      const w = out.model.network.getWeights().map((t) => Array.from(t.dataSync()));
      out.model.network.dispose();
      return w;
    };
    const first = weights(1);
    expect(weights(1)).toEqual(first);
    expect(weights(2)).not.toEqual(first);
  });

  it('popularity has nothing to train and ranks by training counts', () => {
    const out = runTrain(config.models.pop!, trainInputs(data), config.seed, silentLogger(), 'pop');
    expect(out.fit.history).toEqual([]);
    // the data needs personalisation: popularity alone stays near chance
    expect(sampledQuality(out.model, data)['hr@10']).toBeLessThan(0.35);
    expect(out.details.trainSeconds).toBe(0);
    expect(out.loss).toBe('bce');
    expect(out.details.monitor).toBe('val_loss');
    out.model.network.dispose();
  });

  it('refuses mse on implicit data before training', () => {
    const mse = { ...config.models.ncf!, train: { ...config.models.ncf!.train, loss: 'mse' as const } };
    expect(() => runTrain(mse, trainInputs(data), 1, silentLogger(), 'ncf')).toThrow(
      "models.ncf.train.loss: expected bce, bpr or auto for implicit data (data.feedback: implicit), found 'mse' (a loss for explicit data)",
    );
  });
});
