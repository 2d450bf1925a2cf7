/**
 * Sample recommendations: for a few users (config.report.sampleUsers, a seeded
 * choice among the users with a test item), what they rated in training next to
 * each model's top-10, scored by the saved network exactly as a user would load it
 * (core's fileLoadHandler + tf.loadLayersModel), with the user's training and
 * validation items left out and test items marked as hits. k-fold: fold 1's data and
 * networks. The only async part of loading; write.ts calls it after initBackend().
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ArtifactCatalogue, openDataset, type Column, type Ratings } from '@deeprec/artifacts';
import { Rng, messageOf } from '@deeprec/base';
import { fileLoadHandler, scoreAllItems } from '@deeprec/compute';
import { type ExperimentConfig } from '@deeprec/config';
import { topK } from '@deeprec/metrics';
import { finiteOrNull } from './stats';
import type { ExperimentReportInput, SampleRecommendations, SampleUser } from './types';

/** Length of each model's list. */
export const SAMPLE_K = 10;
/** Training items listed per user. */
export const RATED_SHOWN = 8;

function textColumn(columns: Record<string, Column> | null, name: string): string[] | null {
  const c = columns?.[name];
  return Array.isArray(c) ? c : null;
}

/** A table that may be missing (an older datagen, a test fixture): null instead of an error. */
function optional<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/**
 * Users with at least one relevant test item outside their training and validation
 * items (`relevance`: the lowest relevant rating, as evaluate.relevance), in a seeded order.
 */
export function chooseSampleUsers(seen: ReadonlyArray<ReadonlySet<number>>, test: Ratings, count: number, seed: number, relevance?: number): number[] {
  const eligible = new Set<number>();
  test.user.forEach((u, r) => {
    if (relevance !== undefined && (test.rating[r] as number) < relevance) return;
    if (!seen[u]?.has(test.item[r] as number)) eligible.add(u);
  });
  const users = [...eligible].sort((a, b) => a - b);
  const order = new Rng(seed, 'report-sample-users').permutation(users.length);
  return Array.from(order.slice(0, Math.min(count, users.length)), (j) => users[j] as number).sort((a, b) => a - b);
}

/** The folder of the network scored: the model's, or fold 1's for k-fold. */
function networkDir(catalogue: ArtifactCatalogue, model: string, kFold: boolean): string {
  const paths = catalogue.model(model);
  return kFold ? paths.fold(0) : paths.dir;
}

/** Undefined when the page shows no ranking metrics or config.report.sampleUsers is 0. */
export async function sampleRecommendations(
  catalogue: ArtifactCatalogue,
  config: ExperimentConfig,
  input: ExperimentReportInput,
): Promise<SampleRecommendations | undefined> {
  const count = config.report?.sampleUsers ?? 3;
  if (!input.ranking || count <= 0) return undefined;
  const dataset = openDataset(catalogue);
  const { numItems, numUsers } = dataset.info;
  const kFold = dataset.info.folds.length > 1;
  const train = dataset.ratings('train', 0);
  const valid = optional(() => dataset.ratings('valid', 0));
  const test = dataset.ratings('test', 0);

  const seen: Array<Set<number>> = Array.from({ length: numUsers }, () => new Set());
  const rated: Array<Array<{ item: number; rating: number; time: bigint }>> = Array.from({ length: numUsers }, () => []);
  for (const r of [train, valid]) {
    if (!r) continue;
    r.user.forEach((u, j) => {
      const item = r.item[j] as number;
      if (seen[u]?.has(item)) return;
      seen[u]?.add(item);
      rated[u]?.push({ item, rating: r.rating[j] as number, time: r.timestamp?.[j] ?? 0n });
    });
  }
  // Explicit data: evaluate.relevance sets the lowest test rating that counts as a hit, as in evaluate.
  const relevance = input.implicit ? undefined : config.evaluate?.relevance;
  const users = chooseSampleUsers(seen, test, count, config.seed, relevance);

  const items = optional(() => dataset.items());
  const itemIds = textColumn(items, 'id');
  const titles = textColumn(items, 'title');
  const userIds = textColumn(
    optional(() => dataset.users()),
    'id',
  );
  const label = (item: number) => {
    const t = titles?.[item];
    if (t) return t;
    return `item ${itemIds?.[item] ?? item}`;
  };

  const testItems = new Map<number, Map<number, number>>();
  test.user.forEach((u, r) => {
    const item = test.item[r] as number;
    if (seen[u]?.has(item)) return;
    const list = testItems.get(u) ?? new Map<number, number>();
    list.set(item, test.rating[r] as number);
    testItems.set(u, list);
  });

  const out: SampleUser[] = users.map((u) => ({
    user: u,
    id: userIds?.[u] ?? String(u),
    trainCount: seen[u]?.size ?? 0,
    rated: [...(rated[u] ?? [])]
      .sort((a, b) => b.rating - a.rating || (b.time > a.time ? 1 : b.time < a.time ? -1 : 0) || a.item - b.item)
      .slice(0, RATED_SHOWN)
      .map((r) => ({ item: r.item, label: label(r.item), rating: r.rating })),
    test: [...(testItems.get(u) ?? new Map<number, number>()).entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([item, rating]) => ({ item, label: label(item), rating, relevant: relevance === undefined || rating >= relevance })),
    lists: [],
  }));

  const skipped: SampleRecommendations['skipped'] = [];
  for (const model of input.models.map((m) => m.name)) {
    const dir = networkDir(catalogue, model, kFold);
    if (!existsSync(join(dir, 'model.json'))) {
      skipped.push({ model, reason: `${join(dir, 'model.json')} is missing` });
      continue;
    }
    let network: tf.LayersModel;
    try {
      network = await tf.loadLayersModel(fileLoadHandler(dir));
    } catch (error) {
      skipped.push({ model, reason: messageOf(error) });
      continue;
    }
    try {
      for (const user of out) {
        const scores = scoreAllItems(network, user.user, numItems);
        const hits = new Set(user.test.filter((t) => t.relevant).map((t) => t.item));
        const top = topK(scores, SAMPLE_K, seen[user.user]);
        user.lists.push({
          model,
          items: Array.from(top, (item) => ({ item, label: label(item), score: finiteOrNull(scores[item]), hit: hits.has(item) })),
        });
      }
    } catch (error) {
      skipped.push({ model, reason: `scoring failed: ${messageOf(error)}` });
      for (const user of out) user.lists = user.lists.filter((l) => l.model !== model);
    } finally {
      network.dispose();
    }
  }
  return { k: SAMPLE_K, fold: 1, users: out, skipped };
}
