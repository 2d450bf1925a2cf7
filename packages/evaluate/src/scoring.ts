/**
 * Scoring every item for many users at once with a saved model: blocks of users x the
 * whole catalogue through the scorer (scorer.ts), so a full-ranking pass over ML-100k
 * (943 x 1682 pairs) is a few dozen calls rather than 943 small ones.
 */
import { BLOCK_PAIRS, blockScorer as blocks, usersPerBlock } from '@deeprec/metrics';
import type { Scorer } from './scorer';

export { BLOCK_PAIRS, usersPerBlock };

/** @deeprec/metrics' blockScorer over a saved model's scorer. */
export function blockScorer(scorer: Scorer, users: ArrayLike<number>, numItems: number, blockPairs = BLOCK_PAIRS): (user: number) => Float32Array {
  return blocks((block) => scorer.usersAllItems(block), users, numItems, blockPairs);
}
