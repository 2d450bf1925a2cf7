/**
 * Sample recommendations, read from artifacts: evaluate draws the sample users with the
 * experiment seed and stores each model's top-10 for them, scored by the saved network
 * (eval/<model>/samples.arrow; k-fold: fold 1's network). The report shows the first
 * config.report.sampleUsers users of that draw, what they rated in training (fold 1's
 * data), and marks the held-out test items in each list as hits.
 */
import { existsSync } from 'node:fs';
import { readSampleLists, type ArtifactCatalogue, type Column, type Dataset, type SampleLists } from '@deeprec/artifacts';
import { type ExperimentConfig } from '@deeprec/config';
import { finiteOrNull } from './stats';
import type { ExperimentReportInput, RecommendedItem, SampleRecommendations, SampleUser } from './types';

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

/** The users of a samples.arrow drawn before place `count`, ascending. */
export function drawnUsers(lists: SampleLists, count: number): number[] {
  const users = new Set<number>();
  lists.draw.forEach((draw, r) => {
    if (draw < count) users.add(lists.user[r] as number);
  });
  return [...users].sort((a, b) => a - b);
}

/** One user's list from samples.arrow, in rank order. */
function userList(lists: SampleLists, user: number): Array<{ item: number; score: number }> {
  const rows: Array<{ rank: number; item: number; score: number }> = [];
  lists.user.forEach((u, r) => {
    if (u === user) rows.push({ rank: lists.rank[r] as number, item: lists.item[r] as number, score: lists.score[r] as number });
  });
  return rows.sort((a, b) => a.rank - b.rank);
}

/** Undefined when the page shows no ranking metrics or config.report.sampleUsers is 0. */
export function sampleRecommendations(dataset: Dataset, catalogue: ArtifactCatalogue, config: ExperimentConfig, input: ExperimentReportInput): SampleRecommendations | undefined {
  const count = config.report?.sampleUsers ?? 3;
  if (!input.ranking || count <= 0) return undefined;

  const skipped: SampleRecommendations['skipped'] = [];
  const perModel: Array<{ model: string; lists: SampleLists }> = [];
  for (const model of input.models.map((m) => m.name)) {
    const file = catalogue.evaluation(model).samples;
    if (!existsSync(file)) skipped.push({ model, reason: `${file} is missing (evaluate writes it when evaluate.metrics has ranking metrics)` });
    else perModel.push({ model, lists: readSampleLists(file) });
  }
  // Every model's evaluate draws the same users (data and seed only); one that does not is stale.
  const users = perModel[0] ? drawnUsers(perModel[0].lists, count) : [];
  const shown = perModel.filter(({ model, lists }) => {
    const same = drawnUsers(lists, count).join() === users.join();
    if (!same) skipped.push({ model, reason: `its samples.arrow draws other users than ${perModel[0]?.model}'s (re-run evaluate)` });
    return same;
  });

  const { numUsers } = dataset.info;
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

  let k = 0;
  const out: SampleUser[] = users.map((u) => {
    const held = [...(testItems.get(u) ?? new Map<number, number>()).entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([item, rating]) => ({ item, label: label(item), rating, relevant: relevance === undefined || rating >= relevance }));
    const hits = new Set(held.filter((t) => t.relevant).map((t) => t.item));
    return {
      user: u,
      id: userIds?.[u] ?? String(u),
      trainCount: seen[u]?.size ?? 0,
      rated: [...(rated[u] ?? [])]
        .sort((a, b) => b.rating - a.rating || (b.time > a.time ? 1 : b.time < a.time ? -1 : 0) || a.item - b.item)
        .slice(0, RATED_SHOWN)
        .map((r) => ({ item: r.item, label: label(r.item), rating: r.rating })),
      test: held,
      lists: shown.map(({ model, lists }) => {
        const list = userList(lists, u);
        k = Math.max(k, list.length);
        const recommended: RecommendedItem[] = list.map(({ item, score }) => ({ item, label: label(item), score: finiteOrNull(score), hit: hits.has(item) }));
        return { model, items: recommended };
      }),
    };
  });
  return { k, fold: 1, users: out, skipped };
}
