import { type Ratings } from '@deeprec/artifacts';
import { initBackend } from '@deeprec/compute';
import { dotNetwork } from './network.testutil';
import { networkScorer } from './scorer';
import { SAMPLE_USERS, drawSampleUsers, sampleLists, type SampleInputs } from './samples';

const ratings = (rows: Array<[number, number, number]>): Ratings => ({
  user: Int32Array.from(rows, (r) => r[0]),
  item: Int32Array.from(rows, (r) => r[1]),
  rating: Float32Array.from(rows, (r) => r[2]),
});

/*
 * 4 users x 6 items. score(u, i) = i for users 0 and 3, -i for user 1, V[i][1] for user 2:
 *   user 0 order 5 4 3 2 1 0;  user 1 order 0 1 2 3 4 5;  user 2 order 5 4 2 0 3 1.
 * Seen (train + valid): user 0 {5}; user 1 {0, 4, 1}; user 2 {4}; user 3 {2}.
 * Test: user 0 items 4 (rated 5), 2 (2); user 1 item 3 (4); user 2 items 1 (5), 2 (3);
 * user 3 item 2 (5), already seen in training: never a sample user.
 * Top 2 of the unseen items: user 0 [5 is seen] -> 4, 3; user 1 -> 2, 3; user 2 -> 5, 2.
 */
const V = [0.3, 0.1, 0.4, 0.15, 0.5, 0.9].map((v, i) => [i, v]);
const U = [[1, 0], [-1, 0], [0, 1], [1, 0]];

function fold(): SampleInputs {
  return {
    scorer: networkScorer(dotNetwork(U, V), 6),
    train: ratings([[0, 5, 4], [1, 0, 3], [1, 4, 2], [2, 4, 5], [3, 2, 4]]),
    valid: ratings([[1, 1, 4]]),
    test: ratings([[0, 4, 5], [0, 2, 2], [1, 3, 4], [2, 1, 5], [2, 2, 3], [3, 2, 5]]),
  };
}

/** The rows of one user: [rank, item, score] in file order. */
function rowsOf(lists: ReturnType<typeof sampleLists>, user: number): Array<[number, number, number]> {
  return Array.from(lists.user.keys())
    .filter((r) => lists.user[r] === user)
    .map((r) => [lists.rank[r]!, lists.item[r]!, lists.score[r]!]);
}

describe('drawSampleUsers', () => {
  const eligible = Int32Array.from({ length: 50 }, (_, i) => 3 * i);

  it('draws distinct eligible users, seeded', () => {
    const drawn = Array.from(drawSampleUsers(eligible, 7));
    expect(drawn).toHaveLength(SAMPLE_USERS);
    expect(new Set(drawn).size).toBe(SAMPLE_USERS);
    expect(drawn.every((u) => u % 3 === 0 && u < 150)).toBe(true);
    expect(Array.from(drawSampleUsers(eligible, 7))).toEqual(drawn);
    expect(Array.from(drawSampleUsers(eligible, 8))).not.toEqual(drawn);
    // Shuffled, not the first eligible ones in order.
    expect(drawn).not.toEqual([...drawn].sort((a, b) => a - b));
  });

  it('a shorter draw is the start of the longer one, so the report can show any prefix', () => {
    expect(Array.from(drawSampleUsers(eligible, 7, 3))).toEqual(Array.from(drawSampleUsers(eligible, 7)).slice(0, 3));
    expect(Array.from(drawSampleUsers(Int32Array.of(4, 9), 7)).sort((a, b) => a - b)).toEqual([4, 9]);
  });
});

describe('sampleLists', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('each drawn user’s top-K over the items not seen in training or validation, with the network’s scores', () => {
    const lists = sampleLists(fold(), { numUsers: 4, numItems: 6, seed: 7, k: 2 });
    // User 3's only test item is a training item: not drawn.
    expect(new Set(lists.user)).toEqual(new Set([0, 1, 2]));
    expect(rowsOf(lists, 0)).toEqual([[1, 4, 4], [2, 3, 3]]);
    expect(rowsOf(lists, 1)).toEqual([[1, 2, -2], [2, 3, -3]]);
    expect(rowsOf(lists, 2).map(([rank, item]) => [rank, item])).toEqual([[1, 5], [2, 2]]);
    expect(rowsOf(lists, 2)[0]![2]).toBeCloseTo(0.9, 6);
    // Draw order: the seeded draw over the eligible users, ascending.
    const order = Array.from(drawSampleUsers(Int32Array.of(0, 1, 2), 7));
    expect(Array.from(lists.user).filter((_, r) => lists.rank[r] === 1)).toEqual(order);
    expect(Array.from(lists.draw).filter((_, r) => lists.rank[r] === 1)).toEqual([0, 1, 2]);
  });

  it('explicit data with evaluate.relevance: only users with a relevant unseen test item', () => {
    // Ratings >= 5 among the unseen test items: user 0 (item 4) and user 2 (item 1).
    const lists = sampleLists(fold(), { numUsers: 4, numItems: 6, seed: 7, k: 2, relevance: 5 });
    expect(new Set(lists.user)).toEqual(new Set([0, 2]));
  });

  it('the same draw and lists on every call', () => {
    const options = { numUsers: 4, numItems: 6, seed: 11 };
    expect(sampleLists(fold(), options)).toEqual(sampleLists(fold(), options));
    // Default K (10) caps at the unseen items: 5 for user 0.
    expect(rowsOf(sampleLists(fold(), options), 0).map(([, item]) => item)).toEqual([4, 3, 2, 1, 0]);
  });
});
