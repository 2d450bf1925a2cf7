/**
 * `recommend(user, k)` in a web page: the browser twin of `deeprec recommend`
 * (packages/evaluate/src/recommend.ts), one implementation shared by the report's
 * "Try it" panel and the folder `deeprec export` writes.
 *
 * The rules are the CLI's, so the lists are the same: every item scored by the saved
 * tfjs network (raw outputs, not clipped), the user's training items (train + valid)
 * left out, the K best by score with ties to the lower item index and NaN last; a user
 * with no training interaction gets the popularity fallback (items by training
 * interactions, the count as the score). Scores match the CLI's within float32
 * rounding of another backend (the tests hold them to 1e-4).
 *
 * This file imports nothing at run time: tfjs is handed in (the page's global `tf`, or
 * the ES module build the export folder carries), so it runs as it is in any page.
 */
import type * as tfjs from '@tensorflow/tfjs';

/** The tfjs namespace, as `import * as tf from '@tensorflow/tfjs'` or the UMD global gives it. */
export type Tfjs = typeof tfjs;

/** What a page needs besides the network: ids, titles and training items, by dense index. */
export interface WebModelData {
  /** The model's name in the experiment config. */
  model: string;
  /** Raw user id of each dense user index (users.arrow `id`). */
  userIds: string[];
  /** Raw item id of each dense item index (items.arrow `id`). */
  itemIds: string[];
  /** Item titles by dense index (items.arrow `title`), when the data has them. */
  titles?: string[];
  /** Items each user rated in train + valid, dense indices (index = dense user): never recommended back. */
  seen: number[][];
  /** Training (train + valid) interactions of each item: the fallback's order and score. */
  itemCounts: number[];
}

/** One recommended item: what `deeprec recommend --json` prints per item. */
export interface RecommendedItem {
  rank: number;
  item: string;
  title?: string;
  score: number;
}

/** One user's list: the shape of `deeprec recommend --json`. */
export interface UserRecommendations {
  user: string;
  model: string;
  k: number;
  /** True when the user has no training interaction and got the most popular items. */
  fallback: boolean;
  items: RecommendedItem[];
}

export interface Recommender {
  recommend(user: string, k?: number): Promise<UserRecommendations>;
  /** Dense index of a raw user id; undefined for an unknown user. */
  userIndex(user: string): number | undefined;
  dispose(): void;
}

/** Pairs per predict call: keeps the backend busy, bounds activations on large catalogues. */
const SCORE_BATCH = 32768;

/** True when item i (score si) ranks strictly before item j (score sj): higher score, then lower index; NaN last. */
export function ranksBefore(si: number, i: number, sj: number, j: number): boolean {
  const iNaN = Number.isNaN(si);
  const jNaN = Number.isNaN(sj);
  if (iNaN || jNaN) return iNaN && jNaN ? i < j : jNaN;
  return si !== sj ? si > sj : i < j;
}

/** The k best items by `scores`, best first, skipping `excluded` (a set of item indices). O(n k): k is a page's list. */
export function topK(scores: ArrayLike<number>, k: number, excluded: ReadonlySet<number>): number[] {
  const best: number[] = [];
  if (k === 0) return best;
  for (let item = 0; item < scores.length; item += 1) {
    if (excluded.has(item)) continue;
    const s = scores[item] as number;
    if (best.length === k) {
      const last = best[k - 1] as number;
      if (!ranksBefore(s, item, scores[last] as number, last)) continue;
      best.pop();
    }
    let pos = best.length;
    while (pos > 0 && ranksBefore(s, item, scores[best[pos - 1] as number] as number, best[pos - 1] as number)) pos -= 1;
    best.splice(pos, 0, item);
  }
  return best;
}

/** Scores of every item for one user (index = item), predicted in batches. */
async function scoreAllItems(tf: Tfjs, network: tfjs.LayersModel, user: number, numItems: number): Promise<Float32Array> {
  const out = new Float32Array(numItems);
  for (let start = 0; start < numItems; start += SCORE_BATCH) {
    const n = Math.min(numItems, start + SCORE_BATCH) - start;
    const items = new Int32Array(n);
    for (let j = 0; j < n; j += 1) items[j] = start + j;
    const u = tf.tensor2d(new Int32Array(n).fill(user), [n, 1], 'int32');
    const i = tf.tensor2d(items, [n, 1], 'int32');
    // predict's own batchSize defaults to 32: one call per batch is many times faster.
    const predicted = network.predict([u, i], { batchSize: n }) as tfjs.Tensor;
    try {
      out.set((await predicted.data()) as Float32Array, start);
    } finally {
      tf.dispose([u, i, predicted]);
    }
  }
  return out;
}

function checkData(data: WebModelData): void {
  const n = data.itemIds.length;
  if (data.itemCounts.length !== n) throw new Error(`deeprec recommender: itemCounts has ${data.itemCounts.length} entries, expected one per item (${n})`);
  if (data.seen.length !== data.userIds.length) throw new Error(`deeprec recommender: seen has ${data.seen.length} entries, expected one per user (${data.userIds.length})`);
  if (data.titles && data.titles.length !== n) throw new Error(`deeprec recommender: titles has ${data.titles.length} entries, expected one per item (${n})`);
}

/** A recommender over a loaded network (inputs [user, item] as int32 [n, 1], one score out) and its data. */
export function createRecommender(tf: Tfjs, network: tfjs.LayersModel, data: WebModelData): Recommender {
  checkData(data);
  const index = new Map<string, number>();
  data.userIds.forEach((id, u) => index.set(id, u));
  const numItems = data.itemIds.length;
  const named = (items: number[], scores: ArrayLike<number>): RecommendedItem[] =>
    items.map((i, r) => ({
      rank: r + 1,
      item: data.itemIds[i] as string,
      ...(data.titles ? { title: data.titles[i] as string } : {}),
      score: scores[i] as number,
    }));
  return {
    userIndex: (user) => index.get(user),
    async recommend(user, k = 10) {
      if (!Number.isInteger(k) || k < 0) throw new RangeError(`recommend: k must be a non-negative integer, found ${k}`);
      const u = index.get(String(user));
      const seen = u === undefined ? undefined : data.seen[u];
      if (!seen || seen.length === 0) {
        return { user: String(user), model: data.model, k, fallback: true, items: named(topK(data.itemCounts, k, new Set()), data.itemCounts) };
      }
      const scores = await scoreAllItems(tf, network, u as number, numItems);
      return { user: String(user), model: data.model, k, fallback: false, items: named(topK(scores, k, new Set(seen)), scores) };
    },
    dispose: () => network.dispose(),
  };
}

/** Bytes of a base64 string (the report inlines weights.bin so): atob, no network. */
export function base64Bytes(base64: string): ArrayBuffer {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let j = 0; j < text.length; j += 1) bytes[j] = text.charCodeAt(j);
  return bytes.buffer;
}

/** A saved network held in the page: model.json's topology and weight specs, weights.bin as base64. */
export interface InlineNetwork {
  modelTopology: object;
  weightSpecs: tfjs.io.WeightsManifestEntry[];
  weightsBase64: string;
}

/** Loads a network held in the page, exactly as tf.loadLayersModel would from model.json + weights.bin. */
export function loadInlineNetwork(tf: Tfjs, inline: InlineNetwork): Promise<tfjs.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: inline.modelTopology, weightSpecs: inline.weightSpecs, weightData: base64Bytes(inline.weightsBase64) }));
}
