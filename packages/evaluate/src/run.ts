/**
 * The evaluate stage: scores the test ratings with the saved model (a network loaded
 * through tf.loadLayersModel, exactly as a user would, or a classic model's saved arrays:
 * scorer.ts), clips to the rating scale, and
 * writes predictions.arrow and metrics.json. k-fold: every fold's model on its own
 * test fold; metrics are the mean over folds, with their spread.
 *
 * Ranking metrics (any of evaluate.metrics but rmse and mae): see ranking.ts; per-user
 * values go to ranking.arrow, means to metrics.json `ranking`.
 *
 * Rating errors (rmse, mae, coldStart, folds, their spread, and the same for the
 * train-mean baseline in meanBaseline) are @deeprec/metrics' ratingErrors/meanBaseline:
 * k-fold figures are means over folds, for models and the baseline alike.
 *
 * Implicit data (info.feedback 'implicit'): test rows are interactions, not ratings, so
 * predictions.arrow keeps the raw scores of the test positives (unclipped) and every
 * rating error (rmse, mae, meanBaseline, coldStart and fold rmse/mae) is NaN, which
 * metrics.json holds as null.
 *
 * With ranking metrics, samples.arrow holds a few sample users' top-10 (samples.ts) for
 * the report, which scores nothing itself.
 */
import { join } from 'node:path';
import { ArtifactCatalogue, NEGATIVES_SCHEMA, writeSeedRuns, type SeedRuns, PREDICTIONS_SCHEMA, RANKING_SCHEMA, openDataset, readManifest, readTable, writeArtifactDir, writeMetrics, writeSampleLists, writeTable, type EvalMetrics, type RatingErrors, type Ratings, type SampleLists, type TrainDetails } from '@deeprec/artifacts';
import { ConfigError, type Logger } from '@deeprec/base';
import { clip } from '@deeprec/compute';
import { type ExperimentConfig, type ModelType } from '@deeprec/config';
import { meanBaseline, ratingErrors, sampleStd, warmRatings, withoutRatingErrors } from '@deeprec/metrics';
import { checkProtocol, NegativesIndex, rankingRequest, resolveProtocol, runRanking, type RankingOptions, type RankingOutput } from './ranking';
import { sampleLists } from './samples';
import { loadScorer, type Scorer, type SplitReader } from './scorer';

export interface FoldInputs {
  scorer: Scorer;
  test: Ratings;
  train: Ratings;
  /** Validation ratings: never ranking candidates. */
  valid?: Ratings;
  trainMean: number;
  /** Sampled ranking protocol: the fold's stored negatives. */
  negatives?: NegativesIndex;
}

export interface EvaluateInputs {
  folds: FoldInputs[];
  numUsers: number;
  numItems: number;
  scale: { min: number; max: number };
  train: TrainDetails;
  backend: string;
  /** Default explicit. */
  feedback?: 'explicit' | 'implicit';
  /** Ranking metrics to compute (evaluate.metrics has some). */
  ranking?: Omit<RankingOptions, 'numUsers' | 'numItems'>;
  /** Sample users' top-K lists (samples.ts), drawn with this seed on fold 1; relevance as in `ranking`. */
  samples?: { seed: number };
}

export interface EvaluateOutput {
  /** Test ratings of every fold, concatenated in fold order, with predictions. */
  test: Ratings;
  predictions: Float32Array;
  /** 1-based fold of each row (all 1 without k-fold). */
  fold: Int32Array;
  metrics: EvalMetrics;
  /** ranking.arrow columns and the summary in metrics.ranking; seconds spent ranking. */
  ranking?: RankingOutput & { seconds: number };
  /** samples.arrow rows, when inputs.samples asks for them. */
  samples?: SampleLists;
}

/** Pure: predictions and metrics for the test ratings of every fold. */
export function runEvaluate(experiment: string, model: string, inputs: EvaluateInputs): EvaluateOutput {
  const { scale } = inputs;
  const implicit = inputs.feedback === 'implicit';
  const perFold = inputs.folds.map((f) => {
    const scores = f.scorer.pairs(f.test.user, f.test.item);
    const predictions = implicit ? scores : clip(scores, scale.min, scale.max);
    return { f, predictions, warm: warmRatings(f.train, f.test, inputs.numUsers, inputs.numItems) };
  });
  const join32 = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  };
  const joinI32 = (parts: Int32Array[]) => Int32Array.from(parts.flatMap((p) => Array.from(p)));
  const test: Ratings = {
    user: joinI32(perFold.map((p) => p.f.test.user)),
    item: joinI32(perFold.map((p) => p.f.test.item)),
    rating: join32(perFold.map((p) => p.f.test.rating)),
  };
  const predictions = join32(perFold.map((p) => p.predictions));
  const fold = Int32Array.from(perFold.flatMap((p, k) => Array.from({ length: p.predictions.length }, () => k + 1)));
  // Implicit test rows are interactions (rating 1), not ratings: no rating error, counts kept.
  const ratingFigures = (errors: RatingErrors) => (implicit ? withoutRatingErrors(errors) : errors);
  const errors = ratingFigures(ratingErrors(perFold.map((p) => ({ actual: p.f.test.rating, predicted: p.predictions, warm: p.warm }))));
  const baseline = ratingFigures(meanBaseline(perFold.map((p) => ({ actual: p.f.test.rating, trainMean: p.f.trainMean, warm: p.warm }))));
  const metrics: EvalMetrics = {
    experiment,
    model,
    type: inputs.train.type,
    ...errors,
    params: inputs.train.params,
    trainSeconds: inputs.train.trainSeconds,
    trainSamplesPerSecond: inputs.train.trainSamplesPerSecond,
    epochs: inputs.train.epochs,
    bestEpoch: inputs.train.bestEpoch,
    backend: inputs.backend,
    meanBaseline: baseline,
  };
  const out: EvaluateOutput = { test, predictions, fold, metrics };
  if (inputs.ranking) {
    const started = performance.now();
    const ranking = runRanking(inputs.folds, { ...inputs.ranking, numUsers: inputs.numUsers, numItems: inputs.numItems });
    metrics.ranking = ranking.summary;
    out.ranking = { ...ranking, seconds: (performance.now() - started) / 1000 };
  }
  const first = inputs.folds[0];
  if (inputs.samples && first) {
    const relevance = inputs.ranking?.relevance;
    out.samples = sampleLists(first, { numUsers: inputs.numUsers, numItems: inputs.numItems, seed: inputs.samples.seed, ...(relevance !== undefined ? { relevance } : {}) });
  }
  return out;
}

export async function writeEvaluate(config: ExperimentConfig, modelName: string, artifactsRoot: string, log: Logger): Promise<EvaluateOutput> {
  const catalogue = new ArtifactCatalogue(artifactsRoot, config.name);
  const modelPaths = catalogue.model(modelName);
  const trainManifest = readManifest(modelPaths.manifest, 'train');
  const modelType = config.models[modelName]?.type;
  if (!modelType) throw new ConfigError(`--model ${modelName}: no such model in ${config.configPath}; expected one of: ${Object.keys(config.models).join(', ')}`);
  const data = openDataset(catalogue);
  const { info } = data;
  const feedback = info.feedback;
  const numNegatives = info.negatives;
  const request = rankingRequest(config.evaluate.metrics);
  let ranking: EvaluateInputs['ranking'];
  if (request) {
    const protocol = resolveProtocol(config.evaluate.protocol, numNegatives);
    checkProtocol(request, protocol);
    const relevance = feedback === 'explicit' ? config.evaluate.relevance : undefined;
    ranking = { request, protocol, ...(relevance !== undefined ? { relevance } : {}), ...(protocol === 'sampled' ? { negatives: numNegatives } : {}) };
  }
  const dataPaths = catalogue.data();
  const multi = info.folds.length > 1;
  // Each split is read once: the folds, a classic model's history and every seed share it.
  const read = new Map<string, Ratings>();
  const ratings = (split: 'train' | 'valid' | 'test', k: number): Ratings => {
    const key = `${split}/${k}`;
    let r = read.get(key);
    if (!r) read.set(key, (r = data.ratings(split, k)));
    return r;
  };
  const folds: FoldInputs[] = [];
  for (const [k, fold] of info.folds.entries()) {
    const scorer = await loadScorer(multi ? modelPaths.fold(k) : modelPaths.dir, modelType, info.numItems, (split) => ratings(split, k));
    const inputs: FoldInputs = { scorer, test: ratings('test', k), train: ratings('train', k), trainMean: fold.trainMean };
    if (ranking) inputs.valid = ratings('valid', k);
    if (ranking?.protocol === 'sampled') {
      const file = multi ? dataPaths.fold(k).negatives : dataPaths.negatives;
      inputs.negatives = new NegativesIndex(readTable(file, NEGATIVES_SCHEMA), info.numItems, file);
    }
    folds.push(inputs);
  }
  const shared: Omit<EvaluateInputs, 'folds'> = {
    numUsers: info.numUsers,
    numItems: info.numItems,
    scale: info.scale,
    train: trainManifest.details,
    backend: trainManifest.backend ?? 'unknown',
    feedback,
    ...(ranking ? { ranking } : {}),
  };
  const out = runEvaluate(config.name, modelName, { ...shared, folds, ...(ranking ? { samples: { seed: config.seed } } : {}) });
  folds.forEach((f) => f.scorer.dispose());
  const seedRuns = await evaluateSeeds(
    config,
    modelName,
    modelPaths,
    modelType,
    trainManifest.details,
    folds[0],
    out,
    (inputs) => runEvaluate(config.name, modelName, { ...shared, folds: [inputs] }),
    (split) => ratings(split, 0),
    info.numItems,
  );
  const final = catalogue.evaluation(modelName);
  await writeArtifactDir(final.dir, (dir) => {
    writeTable(join(dir, 'predictions.arrow'), PREDICTIONS_SCHEMA, {
      user: out.test.user,
      item: out.test.item,
      rating: out.test.rating,
      prediction: out.predictions,
      ...(folds.length > 1 ? { fold: out.fold } : {}),
    });
    writeMetrics(join(dir, 'metrics.json'), out.metrics);
    if (out.ranking) writeTable(join(dir, 'ranking.arrow'), RANKING_SCHEMA, out.ranking.table);
    if (out.samples) writeSampleLists(join(dir, 'samples.arrow'), out.samples);
    if (seedRuns) writeSeedRuns(join(dir, 'seeds.json'), seedRuns);
  });
  const m = out.metrics;
  if (feedback === 'explicit') {
    const spread = m.rmseStd !== undefined ? ` (mean of ${folds.length} folds, RMSE sd ${m.rmseStd.toFixed(4)})` : '';
    const cold = m.coldStart.cold.count > 0 ? `; cold-start ${m.coldStart.cold.count}: RMSE ${m.coldStart.cold.rmse.toFixed(4)}` : '';
    log.info(
      `evaluate ${config.name}/${modelName}: RMSE ${m.rmse.toFixed(4)} MAE ${m.mae.toFixed(4)} on ${m.count} test ratings${spread} (predicting the training mean: RMSE ${m.meanBaseline.rmse.toFixed(4)})${cold}`,
    );
  }
  if (out.ranking) log.info(`evaluate ${config.name}/${modelName}: ${rankingLine(out.ranking)}`);
  if (seedRuns) {
    const spread = Object.entries(seedRuns.summary)
      .filter(([, v]) => Number.isFinite(v.mean))
      .map(([k, v]) => `${k} ${v.mean.toFixed(4)} ± ${v.sd.toFixed(4)}`);
    log.info(`evaluate ${config.name}/${modelName}: over seeds ${seedRuns.runs.map((r) => r.seed).join(', ')}: ${spread.join(', ')}`);
  }
  return out;
}

/** Mean and sample standard deviation (@deeprec/metrics' sampleStd: n - 1, NaN for one value). */
function meanSd(values: number[]): { mean: number; sd: number; n: number } {
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, sd: sampleStd(values), n: values.length };
}

/**
 * A searched model's selected configuration, trained with further seeds (train wrote
 * them under models/<m>/seeds/), scored on test exactly like the main model: the runs
 * and the mean and spread of each figure, or undefined when there are none.
 */
async function evaluateSeeds(
  config: ExperimentConfig,
  modelName: string,
  modelPaths: ReturnType<ArtifactCatalogue['model']>,
  modelType: ModelType,
  train: TrainDetails,
  fold: FoldInputs | undefined,
  main: EvaluateOutput,
  evaluate: (inputs: FoldInputs) => EvaluateOutput,
  splits: SplitReader,
  numItems: number,
): Promise<SeedRuns | undefined> {
  const seeds = train.seeds ?? [];
  if (seeds.length === 0 || !fold) return undefined;
  const figures = (seed: number, m: EvalMetrics) => ({ seed, rmse: m.rmse, mae: m.mae, ...(m.ranking ? { ranking: { ...m.ranking.means } } : {}) });
  const runs = [figures(config.seed, main.metrics)];
  for (const seed of seeds) {
    const scorer = await loadScorer(modelPaths.seed(seed), modelType, numItems, splits);
    try {
      runs.push(figures(seed, evaluate({ ...fold, scorer }).metrics));
    } finally {
      scorer.dispose();
    }
  }
  const summary: SeedRuns['summary'] = { rmse: meanSd(runs.map((r) => r.rmse)), mae: meanSd(runs.map((r) => r.mae)) };
  for (const key of Object.keys(runs[0]?.ranking ?? {})) summary[key] = meanSd(runs.map((r) => r.ranking?.[key] ?? Number.NaN));
  return { experiment: config.name, model: modelName, runs, summary };
}

/** One log line of ranking results, e.g. `ranking (full, 943 users, 2.1 s): hr@10 0.6543, ...`. */
export function rankingLine(ranking: RankingOutput & { seconds: number }): string {
  const s = ranking.summary;
  const how = s.protocol === 'sampled' ? `sampled, ${s.negatives} negatives per positive` : 'full';
  const figures = [...Object.entries(s.means), ...Object.entries(s.catalogue ?? {})].map(([key, v]) => `${key} ${Number.isNaN(v) ? '–' : v.toFixed(4)}`);
  return `ranking (${how}, ${s.users} users, ${ranking.seconds.toFixed(1)} s): ${figures.join(', ')}`;
}
