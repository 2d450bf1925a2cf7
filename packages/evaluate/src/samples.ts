/**
 * Sample recommendations, for the report's section of that name: a few users drawn with
 * the experiment seed among those with a relevant test item outside their training and
 * validation items (the users the ranking metrics evaluate), and for each the model's
 * top-K over the whole catalogue, scored by the saved model with the user's training
 * and validation items left out. k-fold: fold 1's data and model.
 *
 * Evaluate stores SAMPLE_USERS users in draw order (samples.arrow `draw`); the report
 * shows the first report.sampleUsers of them. The draw depends on the data, the seed
 * and evaluate.relevance only, never on the model, so every model's file names the
 * same users, and report.sampleUsers stays a report setting (changing it re-runs no
 * evaluation).
 */
import { type Ratings, type SampleLists } from '@deeprec/artifacts';
import { Rng } from '@deeprec/base';
import { topK } from '@deeprec/metrics';
import { relevantTest, seenItems } from './ranking';
import type { Scorer } from './scorer';

/** Length of each sample user's list. */
export const SAMPLE_K = 10;
/** Users drawn and stored: the most report.sampleUsers can show. */
export const SAMPLE_USERS = 20;

/** The first `count` users of a seeded shuffle of `eligible` (ascending), in draw order. */
export function drawSampleUsers(eligible: Int32Array, seed: number, count = SAMPLE_USERS): Int32Array {
  const order = new Rng(seed, 'report-sample-users').permutation(eligible.length);
  return Int32Array.from(order.subarray(0, Math.min(count, eligible.length)), (j) => eligible[j] as number);
}

export interface SampleInputs {
  scorer: Scorer;
  train: Ratings;
  valid?: Ratings;
  test: Ratings;
}

export interface SampleOptions {
  numUsers: number;
  numItems: number;
  /** Explicit data: the lowest test rating that counts as relevant (evaluate.relevance). */
  relevance?: number;
  seed: number;
  /** Users to draw (default SAMPLE_USERS) and items per list (default SAMPLE_K). */
  users?: number;
  k?: number;
}

/** The samples.arrow rows of one fold: each drawn user's top-K, draw order, then rank. */
export function sampleLists(fold: SampleInputs, options: SampleOptions): SampleLists {
  const { numUsers, numItems } = options;
  const k = options.k ?? SAMPLE_K;
  const seen = seenItems(numUsers, fold.train, fold.valid);
  const { users: eligible } = relevantTest(fold.test, seen, options);
  const drawn = drawSampleUsers(eligible, options.seed, options.users ?? SAMPLE_USERS);
  const rows: Array<{ user: number; draw: number; items: Int32Array; scores: Float32Array }> = [];
  drawn.forEach((user, draw) => {
    const scores = fold.scorer.usersAllItems([user]);
    const items = topK(scores, k, new Set(seen[user]));
    rows.push({ user, draw, items, scores: Float32Array.from(items, (i) => scores[i] as number) });
  });
  const n = rows.reduce((total, r) => total + r.items.length, 0);
  const out: SampleLists = { user: new Int32Array(n), draw: new Int32Array(n), rank: new Int32Array(n), item: new Int32Array(n), score: new Float32Array(n) };
  let at = 0;
  for (const r of rows) {
    out.user.fill(r.user, at, at + r.items.length);
    out.draw.fill(r.draw, at, at + r.items.length);
    r.items.forEach((item, j) => (out.rank[at + j] = j + 1));
    out.item.set(r.items, at);
    out.score.set(r.scores, at);
    at += r.items.length;
  }
  return out;
}
