/**
 * The entry of the folder `deeprec export` writes: `recommend(user, k)` for a web page.
 *
 *   import { recommend } from './recommender/recommend.js';
 *   const list = await recommend('196', 10); // { user, model, k, fallback, items: [{ rank, item, title, score }] }
 *
 * The first call loads tfjs (tf.fesm.min.js, beside this file), model.json + weights.bin,
 * users.json and items.json from this module's folder; later calls reuse them. Served
 * over http(s) like any static file (browsers do not fetch from file:// pages).
 */
import { createRecommender, type Recommender, type Tfjs, type UserRecommendations, type WebModelData } from './recommender.js';

export type { RecommendedItem, Recommender, UserRecommendations, WebModelData } from './recommender.js';

/** users.json: raw ids and each user's training items (dense item indices). */
interface UsersFile {
  ids: string[];
  seen: number[][];
}

/** items.json: raw ids, titles when known, training interactions per item. */
interface ItemsFile {
  model: string;
  ids: string[];
  titles?: string[];
  counts: number[];
}

export interface LoadOptions {
  /**
   * The tfjs backend: 'cpu' (default; float32 like the CLI, so lists equal `deeprec recommend`),
   * or 'webgl' / 'webgpu' for speed on large catalogues (GPU precision may reorder near ties).
   */
  backend?: string;
  /** Folder of model.json, users.json and items.json; default this module's folder. */
  base?: string | URL;
}

async function fetchJson<T>(url: URL): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.href}: expected 200, found ${response.status}`);
  return (await response.json()) as T;
}

let loading: Promise<Recommender> | undefined;

/** Loads the model once (the first caller's options win); `recommend` calls it for you. */
export function load(options: LoadOptions = {}): Promise<Recommender> {
  loading ??= (async () => {
    const base = new URL(options.base ?? './', import.meta.url);
    const tf = (await import(new URL('./tf.fesm.min.js', import.meta.url).href)) as Tfjs;
    await tf.setBackend(options.backend ?? 'cpu');
    await tf.ready();
    const [users, items, network] = await Promise.all([
      fetchJson<UsersFile>(new URL('users.json', base)),
      fetchJson<ItemsFile>(new URL('items.json', base)),
      tf.loadLayersModel(new URL('model.json', base).href),
    ]);
    const data: WebModelData = { model: items.model, userIds: users.ids, itemIds: items.ids, seen: users.seen, itemCounts: items.counts, ...(items.titles ? { titles: items.titles } : {}) };
    return createRecommender(tf, network, data);
  })();
  // A failed load (a missing file) may be retried.
  loading.catch(() => (loading = undefined));
  return loading;
}

/** The user's top k (default 10) unseen items, best first; an unknown user gets the most popular items (`fallback: true`). */
export async function recommend(user: string, k = 10): Promise<UserRecommendations> {
  return (await load()).recommend(user, k);
}
