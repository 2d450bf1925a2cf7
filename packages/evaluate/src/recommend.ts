/**
 * Top-K recommendations from a saved model (`deeprec recommend`).
 *
 * A user's list: every item scored by the saved model (raw outputs, not clipped), the
 * items the user rated in training (train + valid) left out, the K best in topK order
 * (score, then lower item index). A user with no training interaction (not in
 * users.arrow, or only in the test split) gets the popularity fallback instead: items
 * by their number of training (train + valid) interactions, the count as the score.
 *
 * The pure part works on a scorer (scorer.ts) and dense indices; `loadRecommender` reads the
 * artifacts (models/<m>/, fold 1 for k-fold; data/users.arrow, items.arrow, train and
 * valid of the same fold) and maps raw ids.
 */
import { ArtifactCatalogue, RECOMMENDATIONS_SCHEMA, column, countItems, openDataset, writeTable, type Columns, type Ratings } from '@deeprec/artifacts';
import { type ExperimentConfig } from '@deeprec/config';
import { topK } from '@deeprec/metrics';
import { ConfigError } from '@deeprec/base';
import { seenItems } from './ranking';
import { loadScorer, type Scorer } from './scorer';
import { usersPerBlock } from './scoring';

/** What the lists are computed from, by dense index. */
export interface RecommendData {
  numItems: number;
  /** Items each user rated in train + valid, sorted (index = dense user): never recommended back. */
  seen: Int32Array[];
  /** Training (train + valid) interactions of each item: the popularity fallback's order and score. */
  itemCounts: Float64Array;
}

/** One user's list, best first. */
export interface TopK {
  items: Int32Array;
  scores: Float32Array;
  /** The popularity fallback (the user has no training interaction). */
  fallback: boolean;
}

export function recommendData(numUsers: number, numItems: number, train: Ratings, valid?: Ratings): RecommendData {
  const counts = countItems(train.item, numItems);
  if (valid) countItems(valid.item, numItems, counts);
  return { numItems, seen: seenItems(numUsers, train, valid), itemCounts: Float64Array.from(counts) };
}

/** The K items with the most training interactions (the fallback), scores = counts. */
export function popularItems(data: RecommendData, k: number): TopK {
  const items = topK(data.itemCounts, k);
  return { items, scores: Float32Array.from(items, (i) => data.itemCounts[i] as number), fallback: true };
}

function hasHistory(data: RecommendData, user: number | undefined): user is number {
  return user !== undefined && (data.seen[user]?.length ?? 0) > 0;
}

/**
 * The top K of each of `users` (dense indices; undefined = unknown user), passed to
 * `onUser(j, list)` in order. Users with a history are scored in blocks of users x all items.
 */
export function recommendMany(
  scorer: Scorer,
  data: RecommendData,
  users: ReadonlyArray<number | undefined>,
  k: number,
  onUser: (j: number, list: TopK) => void,
): void {
  const { numItems } = data;
  let fallback: TopK | undefined;
  const mask = new Uint8Array(numItems);
  const perBlock = usersPerBlock(numItems);
  for (let start = 0; start < users.length; start += perBlock) {
    const block = users.slice(start, start + perBlock);
    const scored = block.filter((u): u is number => hasHistory(data, u));
    const scores = scored.length > 0 ? scorer.usersAllItems(scored) : new Float32Array(0);
    let row = 0;
    block.forEach((u, b) => {
      if (!hasHistory(data, u)) {
        fallback ??= popularItems(data, k);
        onUser(start + b, fallback);
        return;
      }
      const own = data.seen[u] as Int32Array;
      for (const i of own) mask[i] = 1;
      const userScores = scores.subarray(row * numItems, (row + 1) * numItems);
      const items = topK(userScores, k, mask);
      for (const i of own) mask[i] = 0;
      row += 1;
      onUser(start + b, { items, scores: Float32Array.from(items, (i) => userScores[i] as number), fallback: false });
    });
  }
}

/** The top K of one user (dense index, or undefined for an unknown user). */
export function recommend(scorer: Scorer, data: RecommendData, user: number | undefined, k: number): TopK {
  let out: TopK | undefined;
  recommendMany(scorer, data, [user], k, (_, list) => (out = list));
  return out as TopK;
}

/** A loaded model with the tables that map raw ids. */
export interface Recommender {
  model: string;
  scorer: Scorer;
  data: RecommendData;
  /** Raw user id of each dense user index (users.arrow `id`). */
  userIds: string[];
  /** Raw item id of each dense item index (items.arrow `id`). */
  itemIds: string[];
  /** items.arrow `title`, when it has one. */
  titles?: string[];
  /** Dense index of a raw user id; undefined when users.arrow has no such id. */
  userIndex(raw: string): number | undefined;
  /** Dense index of a raw item id; undefined when items.arrow has no such id. */
  itemIndex(raw: string): number | undefined;
}

/** Loads models/<model>/ (fold 1 of k-fold), users.arrow, items.arrow and the training ratings; errors name the missing file. */
export async function loadRecommender(config: ExperimentConfig, model: string, artifactsRoot: string): Promise<Recommender> {
  const catalogue = new ArtifactCatalogue(artifactsRoot, config.name);
  const data = openDataset(catalogue);
  const { info } = data;
  const paths = catalogue.data();
  const modelPaths = catalogue.model(model);
  const type = config.models[model]?.type;
  if (!type) throw new ConfigError(`--model ${model}: no such model in ${config.configPath}; expected one of: ${Object.keys(config.models).join(', ')}`);
  const scorer = await loadScorer(info.folds.length > 1 ? modelPaths.fold(0) : modelPaths.dir, type, info.numItems, (split) => data.ratings(split, 0));
  const users = data.users();
  const items = data.items();
  const userIds = column(users, 'id', Array, paths.users) as unknown as string[];
  const itemIds = column(items, 'id', Array, paths.items) as unknown as string[];
  const title = items.title;
  const index = new Map<string, number>();
  userIds.forEach((id, u) => index.set(id, u));
  const itemIndex = new Map<string, number>();
  itemIds.forEach((id, i) => itemIndex.set(id, i));
  return {
    model,
    scorer,
    data: recommendData(info.numUsers, info.numItems, data.ratings('train', 0), data.ratings('valid', 0)),
    userIds,
    itemIds,
    ...(Array.isArray(title) ? { titles: title } : {}),
    userIndex: (raw) => index.get(raw),
    itemIndex: (raw) => itemIndex.get(raw),
  };
}

/** One recommended item, by raw id: what `deeprec recommend --json` prints. */
export interface RecommendedItem {
  rank: number;
  item: string;
  title?: string;
  score: number;
}

export interface UserRecommendations {
  user: string;
  model: string;
  k: number;
  fallback: boolean;
  items: RecommendedItem[];
}

/** Ranked items (dense indices, best first) by raw id, with titles when items.arrow has them. */
export function namedItems(rec: Recommender, list: { items: Int32Array; scores: Float32Array }): RecommendedItem[] {
  return Array.from(list.items, (i, r) => ({
    rank: r + 1,
    item: rec.itemIds[i] as string,
    ...(rec.titles ? { title: rec.titles[i] as string } : {}),
    score: list.scores[r] as number,
  }));
}

/** One user's list by raw ids, as `recommend --json` prints it. */
export function userRecommendations(rec: Recommender, rawUser: string, k: number, list: TopK): UserRecommendations {
  return { user: rawUser, model: rec.model, k, fallback: list.fallback, items: namedItems(rec, list) };
}

/** The top K of one user by raw id; an unknown id gets the popularity fallback. */
export function recommendForUser(rec: Recommender, rawUser: string, k: number): UserRecommendations {
  return userRecommendations(rec, rawUser, k, recommend(rec.scorer, rec.data, rec.userIndex(rawUser), k));
}

/** Every user's top K as RECOMMENDATIONS_SCHEMA columns (user, rank, item, score; raw ids), users in index order. */
export function recommendAll(rec: Recommender, k: number): Columns & { user: string[]; rank: Int32Array; item: string[]; score: Float32Array } {
  const users: string[] = [];
  const ranks: number[] = [];
  const items: string[] = [];
  const scores: number[] = [];
  recommendMany(
    rec.scorer,
    rec.data,
    rec.userIds.map((_, u) => u),
    k,
    (u, list) => {
      const raw = rec.userIds[u] as string;
      list.items.forEach((i, r) => {
        users.push(raw);
        ranks.push(r + 1);
        items.push(rec.itemIds[i] as string);
        scores.push(list.scores[r] as number);
      });
    },
  );
  return { user: users, rank: Int32Array.from(ranks), item: items, score: Float32Array.from(scores) };
}

/** Writes recommendations atomically (temporary file, then rename). */
export function writeRecommendations(file: string, columns: Columns): void {
  writeTable(file, RECOMMENDATIONS_SCHEMA, columns);
}
