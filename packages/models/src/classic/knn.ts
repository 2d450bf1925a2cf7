/**
 * Neighbourhood collaborative filtering: itemknn (item-based) and userknn (user-based).
 *
 * B. Sarwar, G. Karypis, J. Konstan, J. Riedl. Item-Based Collaborative Filtering
 * Recommendation Algorithms. WWW 2001, pp. 285-295. DOI 10.1145/371920.372071.
 * J. L. Herlocker, J. A. Konstan, A. Borchers, J. Riedl. An Algorithmic Framework for
 * Performing Collaborative Filtering. SIGIR 1999, pp. 230-237. DOI 10.1145/312624.312682.
 * Y. Koren. Factor in the Neighbors: Scalable and Accurate Collaborative Filtering. ACM
 * TKDD 4(1), 2010, article 1. DOI 10.1145/1644873.1644874.
 * M. Ferrari Dacrema, P. Cremonesi, D. Jannach. Are We Really Making Much Progress? A
 * Worrying Analysis of Recent Neural Recommendation Approaches. RecSys 2019, pp. 101-109.
 * DOI 10.1145/3298689.3347058 (ItemKNNCF / UserKNNCF baselines).
 *
 * Below, "entities" are what is compared (items for itemknn, users for userknn) and
 * "features" the other side; a_fe is the centred value of the rating r_fe:
 *   cosine            a = r                      (implicit or explicit)
 *   pearson           a = r - mean of e's ratings (item mean for itemknn, user mean for userknn)
 *   adjusted-cosine   a = r - mean of f's ratings (user mean for itemknn: Sarwar et al.)
 *   pearson-baseline  a = r - b_fe, b = mu + b_u + b_i (Koren 2010; Surprise's pearson_baseline)
 * and, with C = features both e and e' have (n = |C|),
 *   norms 'all'    (vector cosine; Sarwar's cosine, Dacrema et al.'s ItemKNNCF):
 *       s(e, e') = sum_{f in C} a_fe a_fe' / (||a_e|| ||a_e'||), norms over ALL of e's entries
 *   norms 'common' (Herlocker, Sarwar's correlation, Surprise):
 *       s(e, e') = sum_{f in C} a_fe a_fe' / sqrt(sum_{f in C} a_fe^2 sum_{f in C} a_fe'^2)
 * then shrinkage s <- s n / (n + shrink) (Koren 2010, section 2.2; Surprise shrinks by n - 1,
 * Dacrema et al. add shrink to the denominator instead). A zero denominator gives s = 0;
 * s(e, e) is not kept. With binary implicit data use cosine and norms 'all' (co-rated norms
 * of 0/1 vectors make every co-occurring pair 1; the centred similarities are all 0).
 *
 * Pruning: each entity keeps its `topK` largest non-zero similarities: top-k per TARGET
 * (topk.ts: best first, ties by smaller index). Ranking scores use the history values x
 * (1 for implicit data):
 *   itemknn  score(u, i) = sum_{j in I_u, j in N(i)} s(i, j) x_uj   (= Dacrema's X W)
 *   userknn  score(u, i) = sum_{v in N(u)} s(u, v) x_vi            (N(u): u's own neighbours;
 *            Dacrema's UserKNNCF code takes W's row u instead, i.e. the users v with u in N(v))
 * Rating form (scorePairs; Koren 2010, section 2.2, with |s| as in Herlocker et al.):
 *   r^_ui = b_ui + sum_{j in N^k(i;u)} s_ij (r_uj - b_uj) / sum_{j in N^k(i;u)} |s_ij|
 * N^k(i;u): the first `ratingNeighbours` entries of i's kept list that u rated (user-based:
 * of u's list that rated i); b_ui alone when there are none. N^k is drawn from the pruned
 * lists, so topK >= numItems reproduces Koren's / Surprise's "k most similar among those
 * rated" exactly (Surprise also drops s <= 0 neighbours; here negatives count via |s|).
 * Baselines: baselines.ts (regularised alternating least squares, Surprise's defaults).
 * Scores and predictions are not clipped to the rating scale.
 *
 * Saved format (knnToColumns): `offsets` Int32 (rows + 1), `neighbours` Int32 and
 * `weights` Float32 (offsets[rows] each: entity r's list is neighbours/weights[offsets[r]
 * .. offsets[r+1]), best first), `userBias` Float32 numUsers, `itemBias` Float32
 * numItems; rows = numItems (itemknn) or numUsers (userknn). meta: KnnMeta.
 */
import { ConfigError } from '@deeprec/base';
import { BASELINE_DEFAULTS, fitBaselines, type BaselineOptions } from './baselines';
import { float32Column, type SavedColumns } from './columns';
import { centredValues, pruneSimilarities, rowMeans, type NormScope } from './similarity';
import { buildCsr, checkInteractions, type Interactions } from './sparse';
import { rankedRowsFromColumns, type RankedRows } from './topk';

export const KNN_SIMILARITIES = ['cosine', 'pearson', 'adjusted-cosine', 'pearson-baseline'] as const;
export type KnnSimilarity = (typeof KNN_SIMILARITIES)[number];

export interface KnnOptions extends BaselineOptions {
  readonly similarity: KnnSimilarity;
  readonly norms: NormScope;
  /** Neighbours kept per entity (>= the entity count keeps all). */
  readonly topK: number;
  /** s <- s n / (n + shrink), n = co-rating count; 0 turns it off. */
  readonly shrink: number;
  /** k of the rating form's N^k(i;u) (scorePairs only). */
  readonly ratingNeighbours: number;
}

export const KNN_DEFAULTS: KnnOptions = {
  similarity: 'cosine',
  norms: 'all',
  topK: 100,
  shrink: 10,
  ratingNeighbours: 40,
  ...BASELINE_DEFAULTS,
};

export type KnnKind = 'item' | 'user';

export interface KnnMeta {
  readonly kind: KnnKind;
  readonly numUsers: number;
  readonly numItems: number;
  readonly similarity: KnnSimilarity;
  readonly norms: NormScope;
  readonly topK: number;
  readonly shrink: number;
  readonly ratingNeighbours: number;
  readonly globalMean: number;
}

export interface FittedKnn {
  readonly meta: KnnMeta;
  /** Rows: items (itemknn) or users (userknn); columns the same kind. */
  readonly neighbours: RankedRows;
  readonly userBias: Float32Array;
  readonly itemBias: Float32Array;
}

export function fitItemKnn(data: Interactions, options: Partial<KnnOptions> = {}): FittedKnn {
  return fitKnn('item', data, options);
}

export function fitUserKnn(data: Interactions, options: Partial<KnnOptions> = {}): FittedKnn {
  return fitKnn('user', data, options);
}

function checkOptions(o: KnnOptions, model: string, data: Interactions): void {
  const problems: string[] = [];
  const integerAtLeast = (value: number, least: number): boolean => Number.isInteger(value) && value >= least;
  const finiteAtLeast0 = (value: number): boolean => Number.isFinite(value) && value >= 0;
  if (!(KNN_SIMILARITIES as readonly string[]).includes(o.similarity)) problems.push(`similarity '${String(o.similarity)}' (expected one of ${KNN_SIMILARITIES.join(', ')})`);
  if (o.norms !== 'all' && o.norms !== 'common') problems.push(`norms '${String(o.norms)}' (expected 'all' or 'common')`);
  if (!integerAtLeast(o.topK, 1)) problems.push(`topK ${o.topK} (expected an integer >= 1)`);
  if (!finiteAtLeast0(o.shrink)) problems.push(`shrink ${o.shrink} (expected a number >= 0)`);
  if (!integerAtLeast(o.ratingNeighbours, 1)) problems.push(`ratingNeighbours ${o.ratingNeighbours} (expected an integer >= 1)`);
  if (!integerAtLeast(o.baselineEpochs, 0)) problems.push(`baselineEpochs ${o.baselineEpochs} (expected an integer >= 0)`);
  if (!finiteAtLeast0(o.baselineRegUser)) problems.push(`baselineRegUser ${o.baselineRegUser} (expected a number >= 0)`);
  if (!finiteAtLeast0(o.baselineRegItem)) problems.push(`baselineRegItem ${o.baselineRegItem} (expected a number >= 0)`);
  if (problems.length > 0) throw new ConfigError(`${model}: invalid options: ${problems.join('; ')}`);
  if (o.similarity !== 'cosine' && data.rating.length > 0 && data.rating.every((r) => r === data.rating[0])) {
    throw new ConfigError(
      `${model}: similarity '${o.similarity}' centres the ratings, but every rating is ${String(data.rating[0])} (implicit data?), so every similarity would be 0; use 'cosine'`,
    );
  }
}

function fitKnn(kind: KnnKind, data: Interactions, options: Partial<KnnOptions>): FittedKnn {
  const model = `${kind}knn`;
  const o: KnnOptions = { ...KNN_DEFAULTS, ...options };
  checkInteractions(data, model);
  checkOptions(o, model, data);
  const byUser = buildCsr(data, 'user');
  const byItem = buildCsr(data, 'item');
  const baselines = fitBaselines(byUser, byItem, o);
  const [byRow, byFeature] = kind === 'item' ? [byItem, byUser] : [byUser, byItem];
  const [entityBias, featureBias] = kind === 'item' ? [baselines.itemBias, baselines.userBias] : [baselines.userBias, baselines.itemBias];

  let entityShift: Float64Array | null = null;
  let featureShift: Float64Array | null = null;
  if (o.similarity === 'pearson') entityShift = rowMeans(byRow);
  if (o.similarity === 'adjusted-cosine') featureShift = rowMeans(byFeature);
  if (o.similarity === 'pearson-baseline') {
    entityShift = Float64Array.from(entityBias, (b) => baselines.globalMean + b);
    featureShift = Float64Array.from(featureBias);
  }
  const neighbours = pruneSimilarities(
    {
      byRow,
      byFeature,
      rowValues: centredValues(byRow, 'entities', entityShift, featureShift),
      featureValues: centredValues(byFeature, 'features', entityShift, featureShift),
    },
    o,
  );
  return {
    meta: {
      kind,
      numUsers: data.numUsers,
      numItems: data.numItems,
      similarity: o.similarity,
      norms: o.norms,
      topK: o.topK,
      shrink: o.shrink,
      ratingNeighbours: o.ratingNeighbours,
      globalMean: baselines.globalMean,
    },
    neighbours,
    userBias: baselines.userBias,
    itemBias: baselines.itemBias,
  };
}

export function knnToColumns(fit: FittedKnn): Record<string, Int32Array | Float32Array> {
  return {
    offsets: fit.neighbours.offsets,
    neighbours: fit.neighbours.columns,
    weights: fit.neighbours.weights,
    userBias: fit.userBias,
    itemBias: fit.itemBias,
  };
}

export function knnFromColumns(columns: SavedColumns, meta: KnnMeta): FittedKnn {
  const rows = meta.kind === 'item' ? meta.numItems : meta.numUsers;
  return {
    meta: { ...meta },
    neighbours: rankedRowsFromColumns(columns, rows, rows),
    userBias: float32Column(columns, 'userBias', meta.numUsers),
    itemBias: float32Column(columns, 'itemBias', meta.numItems),
  };
}
