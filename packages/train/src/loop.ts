/**
 * The training loop. Not tf.LayersModel.fit: fit shuffles with Math.random, so reruns
 * would differ. Here shuffling, initialisers and dropout all draw from seeded streams,
 * and reruns on the same backend are bit-identical.
 *
 * Explicit ratings stream from a RatingSource block by block (epoch.ts: a block shuffle),
 * so a train split on disk is never held whole. Implicit feedback (bce, bpr) holds the
 * train split in memory: its negative sampler needs every user's items, and each
 * epoch's examples are drawn afresh from them.
 */
import * as tf from '@tensorflow/tfjs';
import { collectRatings, concatRatings, countItems, type Ratings, type RatingSource } from '@deeprec/artifacts';
import { ArtifactError, Rng, type Logger } from '@deeprec/base';
import { scorePairs } from '@deeprec/compute';
import { type TrainConfig } from '@deeprec/config';
import { mae, rmse } from '@deeprec/metrics';
import type { EmbedOverride, ForwardOptions, RecModel } from '@deeprec/models';
import { EarlyStopping, LrSchedule } from './callbacks';
import { coverKernels, createEngine, resolveEngine, type EngineChoice, type TrainingEngine } from './engine';
import { shuffledBatches, type ExampleBlocks, type Examples } from './epoch';
import type { Loss } from './loss';
import { meanSquaredError } from './mse';
import { rankingName, validationText, watchedColumn, watchRanking, type WatchedColumn } from './monitor';
import { NegativeSampler } from './negatives';
import { rankingValidator } from './rankingValidation';
import { fitWholeVector } from './wholeVectorFit';

export interface HistoryRow {
  epoch: number;
  loss: number;
  val_loss: number;
  val_rmse: number;
  val_mae: number;
  /** The validation ranking metric a ranking monitor watches (val_hr@K, val_ndcg@K); NaN otherwise. */
  val_rank: number;
  lr: number;
  seconds: number;
}

export type { WatchedColumn } from './monitor';

export interface FitResult {
  history: HistoryRow[];
  /** What early stopping watched; the report plots it (train.earlyStopping.monitor may name a column implicit data leaves NaN). */
  monitor: WatchedColumn;
  /** With monitor val_rank: the ranking metric it holds, as configured (val_hr@10). */
  rankingMonitor?: string;
  /** Seconds in the training loop alone: batches and optimizer steps, no validation. */
  trainSeconds: number;
  trainSamples: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  /** The engine that trained (or would have trained: a model without parameters trains nothing). */
  engine: EngineChoice;
}

export interface FitOptions {
  config: TrainConfig;
  /** L2 on the embedding rows of each batch (per rating). */
  l2: number;
  /** L2 on dense kernels; default: l2. */
  denseL2?: number;
  seed: number;
  log: Logger;
  label: string;
  /** Learning rate of each epoch, replacing the schedule (a refit replays the rates of the validated run). */
  lrPlan?: number[];
  /** The resolved loss (see resolveLoss). Default mse. */
  loss?: Loss;
  /** bce and bpr: the catalogue negatives are drawn from. */
  sizes?: { numUsers: number; numItems: number };
  /** The tfjs backend training runs on, for the engine choice; default the active one. */
  backend?: string;
}

function validate(model: RecModel, valid: Ratings): { val_loss: number; val_rmse: number; val_mae: number } {
  if (valid.user.length === 0) return { val_loss: Number.NaN, val_rmse: Number.NaN, val_mae: Number.NaN };
  const predicted = scorePairs(model.network, valid.user, valid.item);
  const r = rmse(valid.rating, predicted);
  return { val_loss: r * r, val_rmse: r, val_mae: mae(valid.rating, predicted) };
}

/** log(1 + e^x), without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** bce: positives then their negatives (skipping -1: a user with no candidate), labels 1 and 0. */
export function pointwiseExamples(positives: Pick<Ratings, 'user' | 'item'>, negatives: Int32Array, perPositive: number): Examples {
  const n = positives.user.length;
  let valid = 0;
  for (const j of negatives) if (j >= 0) valid += 1;
  const size = n + valid;
  const user = new Int32Array(size);
  const item = new Int32Array(size);
  const target = new Float32Array(size);
  user.set(positives.user);
  item.set(positives.item);
  target.fill(1, 0, n);
  let at = n;
  for (let j = 0; j < n * perPositive; j += 1) {
    const neg = negatives[j] as number;
    if (neg < 0) continue;
    user[at] = positives.user[Math.floor(j / perPositive)] as number;
    item[at] = neg;
    at += 1;
  }
  return { user, item, target, negative: null };
}

/** bpr: one triple (u, i, j) per sampled negative j of each positive (u, i). */
export function pairwiseExamples(positives: Pick<Ratings, 'user' | 'item'>, negatives: Int32Array, perPositive: number): Examples {
  let size = 0;
  for (const j of negatives) if (j >= 0) size += 1;
  const user = new Int32Array(size);
  const item = new Int32Array(size);
  const negative = new Int32Array(size);
  let at = 0;
  for (let j = 0; j < negatives.length; j += 1) {
    const neg = negatives[j] as number;
    if (neg < 0) continue;
    const p = Math.floor(j / perPositive);
    user[at] = positives.user[p] as number;
    item[at] = positives.item[p] as number;
    negative[at] = neg;
    at += 1;
  }
  return { user, item, target: null, negative };
}

/** Validation of implicit training: the training loss on the validation positives and fixed negatives. */
function implicitValidator(model: RecModel, examples: Examples, loss: Loss): () => { val_loss: number; val_rmse: number; val_mae: number } {
  return () => {
    if (examples.user.length === 0) return { val_loss: Number.NaN, val_rmse: Number.NaN, val_mae: Number.NaN };
    const scores = scorePairs(model.network, examples.user, examples.item);
    let sum = 0;
    if (loss === 'bpr') {
      const negatives = scorePairs(model.network, examples.user, examples.negative as Int32Array);
      for (let j = 0; j < scores.length; j += 1) sum += softplus((negatives[j] as number) - (scores[j] as number));
    } else {
      const target = examples.target as Float32Array;
      for (let j = 0; j < scores.length; j += 1) sum += softplus(target[j] === 1 ? -(scores[j] as number) : (scores[j] as number));
    }
    return { val_loss: sum / scores.length, val_rmse: Number.NaN, val_mae: Number.NaN };
  };
}

function penalty(ts: tf.Tensor[]): tf.Scalar {
  return (ts.length === 0 ? tf.scalar(0) : tf.addN(ts.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

export function fit(model: RecModel, trainSource: RatingSource, valid: Ratings, options: FitOptions): FitResult {
  // Autoencoders read their training vectors from the model context: a batch of vectors per step (wholeVectorFit.ts).
  const lossName: Loss = options.loss ?? 'mse';
  const implicit = lossName !== 'mse';
  const hasValid = valid.user.length > 0;
  const ranking = watchRanking(options, implicit, hasValid);
  if (model.wholeVector) return fitWholeVector(model, model.wholeVector, valid, options, ranking ? collectRatings(trainSource) : null);
  const { config, l2, seed, log, label } = options;
  const denseL2 = options.denseL2 ?? l2;
  const shuffleRng = new Rng(seed, 'shuffle', model.name);
  const dropoutRng = new Rng(seed, 'dropout', model.name);
  const nextSeed = () => dropoutRng.seed();
  const variables = model.network.trainableWeights.map((w) => w.read() as tf.Variable);
  const choice = coverKernels(resolveEngine(config.engine, options.backend ?? tf.getBackend(), config.optimizer.name), model, lossName);
  if (choice.note) log.info(`${label}: ${choice.note}`);
  const schedule = new LrSchedule(config.lrSchedule, config.optimizer.learningRate, ranking !== null);
  const stopping = new EarlyStopping(config.earlyStopping, ranking !== null);
  // Implicit data has no rating error (val_rmse and val_mae stay NaN): watch val_loss. Decided before
  // the no-parameters return below, so even a model that trains nothing reports what it would watch.
  const { monitorKey, undefinedMonitor } = watchedColumn(config, implicit, hasValid, ranking);
  if (!hasValid && !options.lrPlan) log.info(`${label}: no validation ratings (split.valid is 0); early stopping and plateau watch the training loss`);

  if (variables.length === 0) {
    log.info(`${label}: no trainable parameters; nothing to train`);
    return { history: [], monitor: monitorKey, ...rankingName(ranking), trainSeconds: 0, trainSamples: 0, bestEpoch: 0, stoppedEarly: false, engine: choice };
  }
  if (undefinedMonitor) {
    log.info(`${label}: ${undefinedMonitor} is undefined for implicit feedback; early stopping and plateau watch val_loss (${lossName} on validation positives and fixed sampled negatives) instead`);
  }

  // Implicit feedback: negatives from the items each user has no training interaction with.
  const perPositive = config.negatives.perPositive;
  let sampler: NegativeSampler | null = null;
  let validateEpoch = () => validate(model, valid);
  // Implicit feedback only: the whole train split, in memory.
  const train: Ratings | null = implicit ? collectRatings(trainSource) : null;
  if (train) {
    const sizes = options.sizes;
    if (!sizes) throw new Error(`fit: loss ${lossName} needs options.sizes (numUsers, numItems) to sample negatives`);
    const counts = countItems(train.item, sizes.numItems);
    sampler = new NegativeSampler(train, sizes.numUsers, sizes.numItems, config.negatives.sampling, counts);
    let full = 0;
    const seen = new Uint8Array(sizes.numUsers);
    for (const u of train.user) {
      if (seen[u]) continue;
      seen[u] = 1;
      if (sampler.candidates(u) === 0) full += 1;
    }
    if (full > 0) log.info(`${label}: ${full} users interacted with every item; their positives get no negatives`);
    if (hasValid) {
      // drawn once, from items the user has in neither train nor valid, the same for every model with these settings
      const validSampler = new NegativeSampler(concatRatings(train, valid), sizes.numUsers, sizes.numItems, config.negatives.sampling, counts);
      const negatives = validSampler.sampleFor(valid.user, perPositive, new Rng(seed, 'valid-negatives'));
      const examples = lossName === 'bpr' ? pairwiseExamples(valid, negatives, perPositive) : pointwiseExamples(valid, negatives, perPositive);
      validateEpoch = implicitValidator(model, examples, lossName);
    }
  }
  const rankEpoch = ranking && train && options.sizes ? rankingValidator(model, train, valid, ranking, options.sizes, seed) : () => Number.NaN;

  // Disposed when the run ends, however it ends: only what this run created.
  const kernelLoss = lossName === 'bce' ? 'bce' : 'mse';
  const engine: TrainingEngine = createEngine(choice.engine, model, config.optimizer, variables, { loss: kernelLoss, l2, denseL2, maxBatch: config.batchSize, nextSeed });
  const history: HistoryRow[] = [];
  let best: tf.Tensor[] | null = null;
  let trainSeconds = 0;
  let trainSamples = 0;
  let stoppedEarly = false;

  // A single block (data that fits one record batch) is read once, not decoded again every epoch.
  let single: Ratings | null = null;
  const readBlock = (b: number): Ratings => (trainSource.blocks === 1 ? (single ??= trainSource.block(0)) : trainSource.block(b));
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch += 1) {
      const lr = options.lrPlan?.[epoch - 1] ?? schedule.rate;
      engine.setLearningRate(lr);
      const started = performance.now();
      let blocks: ExampleBlocks;
      let n: number;
      if (sampler && train) {
        const negatives = sampler.sampleFor(train.user, perPositive, new Rng(seed, 'train-negatives', model.name, epoch));
        const examples = lossName === 'bpr' ? pairwiseExamples(train, negatives, perPositive) : pointwiseExamples(train, negatives, perPositive);
        blocks = { count: 1, read: () => examples };
        n = examples.user.length;
      } else {
        blocks = {
          count: trainSource.blocks,
          read: (b) => {
            const r = readBlock(b);
            return { user: r.user, item: r.item, target: r.rating, negative: null };
          },
        };
        n = trainSource.rows;
      }
      if (n === 0) break;
      const batchSize = Math.min(config.batchSize, n);
      const batches = Math.ceil(n / batchSize);
      const progress = log.progress(`${label} epoch ${epoch}/${config.epochs}`, batches);
      let lossSum = 0;
      let visited = 0;
      for (const batch of shuffledBatches(blocks, batchSize, shuffleRng)) {
        const size = batch.user.length;
        if (engine.stepArrays) {
          lossSum += engine.stepArrays(batch, size) * size;
          visited += size;
          progress.update(Math.ceil(visited / batchSize));
          continue;
        }
        const cost = tf.tidy(() => {
          const users = tf.tensor2d(batch.user, [size, 1], 'int32');
          const items = tf.tensor2d(batch.item, [size, 1], 'int32');
          const targets = batch.target ? tf.tensor1d(batch.target, 'float32') : null;
          const negItems = batch.negative ? tf.tensor2d(batch.negative, [size, 1], 'int32') : null;
          const lossOf = (embed?: EmbedOverride) => {
            // This pass's settings, handed down explicitly: the dropout seed stream and the engine's lookups.
            const forward: ForwardOptions = embed ? { nextSeed, embed } : { nextSeed };
            const pass = model.trainingPass(users, items, forward);
            let total: tf.Scalar;
            let embeddings = pass.embeddings;
            if (lossName === 'bpr') {
              // Rendle et al. 2009: -mean log sigma(s(u, i) - s(u, j)) = mean softplus(s(u, j) - s(u, i)); both passes in one step
              // (tf.logSigmoid's gradient reads a disposed tensor in tfjs 4.22, so softplus it is)
              const negPass = model.trainingPass(users, negItems as tf.Tensor2D, forward);
              total = tf.mean(tf.softplus(tf.sub(negPass.output, pass.output))) as tf.Scalar;
              embeddings = [...pass.embeddings, ...negPass.embeddings];
            } else if (lossName === 'bce') {
              total = tf.losses.sigmoidCrossEntropy(targets as tf.Tensor1D, pass.output) as tf.Scalar;
            } else {
              total = meanSquaredError(targets as tf.Tensor1D, pass.output as tf.Tensor1D);
            }
            if (l2 > 0) total = total.add(penalty(embeddings).div(size).mul(l2)) as tf.Scalar;
            if (denseL2 > 0 && model.kernels.length > 0) total = total.add(penalty(model.kernels).mul(denseL2)) as tf.Scalar;
            return total;
          };
          return engine.step(lossOf);
        });
        // Summed in JS: a readback costs less than two more ops per step (the backends here are synchronous).
        lossSum += (cost.dataSync()[0] as number) * size;
        cost.dispose();
        visited += size;
        progress.update(Math.ceil(visited / batchSize));
      }
      engine.sync?.();
      if (visited !== n) throw new ArtifactError(`${label}: the training data gave ${visited} rows in epoch ${epoch}, expected ${n} (the rows its record batches declare)`);
      const loss = lossSum / n;
      const seconds = (performance.now() - started) / 1000;
      trainSeconds += seconds;
      trainSamples += n;

      model.refreshScoring?.();
      const row: HistoryRow = { epoch, loss, ...validateEpoch(), val_rank: rankEpoch(), lr, seconds };
      history.push(row);
      const monitored = row[monitorKey];
      const { improved, stop } = stopping.update(epoch, monitored);
      if (improved && config.earlyStopping.restoreBest) {
        best?.forEach((t) => t.dispose());
        // A real copy: the fused engine updates embedding tables in place, and clone() shares memory.
        best = variables.map((v) => tf.keep(tf.tensor(v.dataSync().slice(), v.shape, v.dtype)));
      }
      // Without validation data (a refit on train + valid) there is nothing to print but the loss.
      progress.stop(`loss ${loss.toFixed(4)}${validationText(row, hasValid, implicit, ranking)} lr ${lr.toPrecision(3)} (${seconds.toFixed(2)}s)`);
      if (!Number.isFinite(loss)) {
        log.info(`${label}: loss is ${loss} at epoch ${epoch}; stopping (try a lower train.optimizer.learningRate)`);
        stoppedEarly = true;
        break;
      }
      if (stop) {
        log.info(`${label}: early stopping at epoch ${epoch}; best ${ranking?.name ?? monitorKey} ${stopping.best.toFixed(4)} at epoch ${stopping.bestEpoch}`);
        stoppedEarly = true;
        break;
      }
      schedule.step(monitored);
    }
    if (best && config.earlyStopping.restoreBest) variables.forEach((v, i) => v.assign(best?.[i] as tf.Tensor));
    // Scoring weights derived from the trained ones (lightgcn) follow the weights kept.
    model.refreshScoring?.();
  } finally {
    best?.forEach((t) => t.dispose());
    engine.dispose();
  }
  return { history, monitor: monitorKey, ...rankingName(ranking), trainSeconds, trainSamples, bestEpoch: stopping.bestEpoch || history.length, stoppedEarly, engine: choice };
}
