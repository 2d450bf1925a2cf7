import { silentLogger } from '@deeprec/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySource, openRatingSource, writeRatings, type RatingSource } from '@deeprec/artifacts';
import { Rng } from '@deeprec/base';
import { initBackend } from '@deeprec/compute';
import { loadConfig, SplitSchema, SyntheticSchema } from '@deeprec/config';
import { shuffledBatches, type ExampleBlocks } from './epoch';
import { runTrain } from './run';
import { generateSyntheticForTest, trainInputs } from './testData.testutil';

/** Blocks of consecutive row ids (user = row id), sizes as given. */
function blocksOf(sizes: number[]): ExampleBlocks & { reads: number[] } {
  const starts = sizes.map((_, b) => sizes.slice(0, b).reduce((a, c) => a + c, 0));
  const reads: number[] = [];
  return {
    count: sizes.length,
    reads,
    read: (b) => {
      reads.push(b);
      const user = Int32Array.from({ length: sizes[b]! }, (_, i) => starts[b]! + i);
      return { user, item: user.map((u) => u * 2), target: Float32Array.from(user, (u) => u / 2), negative: null };
    },
  };
}

function epoch(sizes: number[], batchSize: number, seed: number): { rows: number[]; batches: number[]; reads: number[] } {
  const blocks = blocksOf(sizes);
  const rows: number[] = [];
  const batches: number[] = [];
  for (const batch of shuffledBatches(blocks, batchSize, new Rng(seed, 'shuffle'))) {
    batches.push(batch.user.length);
    batch.user.forEach((u, j) => {
      expect([batch.item[j], batch.target![j]]).toEqual([u * 2, u / 2]);
      rows.push(u);
    });
  }
  return { rows, batches, reads: blocks.reads };
}

describe('shuffledBatches (block shuffle)', () => {
  it('visits every row exactly once, each block read once, batches full but the last, spanning blocks', () => {
    const { rows, batches, reads } = epoch([10, 3, 7, 10], 4, 1);
    expect([...rows].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(batches).toEqual([4, 4, 4, 4, 4, 4, 4, 2]);
    expect([...reads].sort()).toEqual([0, 1, 2, 3]);
    expect(reads).not.toEqual([0, 1, 2, 3]); // seed 1 shuffles the block order
  });

  it('rows of a block stay together: a block shuffle, not a global one', () => {
    const { rows, reads } = epoch([10, 3, 7, 10], 4, 2);
    const blockOf = (u: number) => (u < 10 ? 0 : u < 13 ? 1 : u < 20 ? 2 : 3);
    const sequence = rows.map(blockOf).filter((b, i, all) => i === 0 || all[i - 1] !== b);
    expect(sequence).toEqual(reads);
  });

  it('is deterministic with the seed, and differs with another', () => {
    expect(epoch([10, 3, 7, 10], 4, 5)).toEqual(epoch([10, 3, 7, 10], 4, 5));
    expect(epoch([10, 3, 7, 10], 4, 5).rows).not.toEqual(epoch([10, 3, 7, 10], 4, 6).rows);
  });

  it('one block is a full shuffle: exactly the rows of rng.permutation(n), as before blocks existed', () => {
    expect(epoch([25], 8, 3).rows).toEqual(Array.from(new Rng(3, 'shuffle').permutation(25)));
  });
});

describe('runTrain streaming the train split', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deeprec-stream-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, 'name: t\ntrain: { epochs: 4, batchSize: 64, optimizer: { learningRate: 0.005 } }\nmodels:\n  ncf: { type: ncf, embeddingDim: 8, layers: [16, 8] }\n');
  const ncf = loadConfig(file).models.ncf!;
  const data = generateSyntheticForTest(SyntheticSchema.parse({ users: 150, items: 80, ratings: 2500 }), SplitSchema.parse({}), 5);
  const weights = (train: RatingSource, seed = 1, config = ncf) =>
    runTrain(config, { ...data, train }, seed, silentLogger(), 'ncf').model.network.getWeights().map((w) => Array.from(w.dataSync()));

  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('learns from record batches on disk, reading each once per epoch, with the numbers of the same blocks in memory', () => {
    const path = join(dir, 'train.arrow');
    writeRatings(path, data.train, { batchRows: 500 });
    const source = openRatingSource(path);
    expect(source.blocks).toBe(5);
    const reads: number[] = [];
    const counted: RatingSource = { ...source, block: (b) => (reads.push(b), source.block(b)) };
    const out = runTrain(ncf, { ...data, train: counted }, 1, silentLogger(), 'ncf');
    // one pass per epoch: item counts are read only by a model that asks for them (popularity)
    expect(reads).toHaveLength(5 * 4);
    const losses = out.fit.history.map((h) => h.loss);
    expect(losses[3]).toBeLessThan(losses[0]! * 0.8);
    expect(out.details.trainSamples).toBe(4 * data.train.user.length);
    const fromFile = out.model.network.getWeights().map((w) => Array.from(w.dataSync()));
    source.close();
    expect(fromFile).toEqual(weights(memorySource(data.train, 500)));
    expect(fromFile).not.toEqual(weights(memorySource(data.train)));
  });

  it('refits on train + valid with valid as one more block', () => {
    const refit = { ...ncf, train: { ...ncf.train, epochs: 3, refit: true } };
    const log = silentLogger();
    const out = runTrain(refit, trainInputs(data, 700), 1, log, 'ncf');
    expect(out.details.trainSamples).toBe(3 * data.train.user.length + out.fit.bestEpoch * (data.train.user.length + data.valid.user.length));
    // Epoch lines: validation metrics while there is validation data, none (not NaN) during the refit.
    const epochLines = log.lines.filter((l) => / lr [0-9.e-]+ \(/.test(l));
    expect(epochLines.filter((l) => l.includes('val_rmse'))).toHaveLength(3);
    expect(epochLines.length).toBe(3 + out.fit.bestEpoch);
    expect(log.lines.join('\n')).not.toContain('NaN');
  });
});
