/**
 * Scoring every item for many users in blocks: a full-ranking pass asks for one user's
 * catalogue at a time (evaluateFullRanking's scoreUser), but models score far faster a
 * block of users x the whole catalogue per call. Used by evaluate (saved models) and by
 * train's search trials (a model in memory).
 */

/** Pairs scored per block of users (a block's scores are kept while its users are read). */
export const BLOCK_PAIRS = 1 << 18;

/** Users per block for a catalogue of numItems items (at least one). */
export function usersPerBlock(numItems: number, blockPairs = BLOCK_PAIRS): number {
  return Math.max(1, Math.floor(blockPairs / numItems));
}

/**
 * A `scoreUser(u)` for users asked for in (roughly) the order of `users`: the first
 * request for a user outside the current block scores the next block of users from
 * there with `scoreUsers` (user-major, numItems scores each), so each user's catalogue
 * is scored once when requests follow that order. The returned array is a view, valid
 * until the next call.
 */
export function blockScorer(
  scoreUsers: (users: number[]) => Float32Array,
  users: ArrayLike<number>,
  numItems: number,
  blockPairs = BLOCK_PAIRS,
): (user: number) => Float32Array {
  const position = new Map<number, number>();
  for (let j = 0; j < users.length; j += 1) if (!position.has(users[j] as number)) position.set(users[j] as number, j);
  const perBlock = usersPerBlock(numItems, blockPairs);
  let start = 0;
  let end = 0;
  let scores: Float32Array = new Float32Array(0);
  return (user) => {
    const j = position.get(user);
    if (j === undefined) throw new RangeError(`blockScorer: user ${user} was not announced`);
    if (j < start || j >= end) {
      start = j;
      end = Math.min(users.length, j + perBlock);
      scores = scoreUsers(Array.prototype.slice.call(users, start, end) as number[]);
    }
    const at = (j - start) * numItems;
    return scores.subarray(at, at + numItems);
  };
}
