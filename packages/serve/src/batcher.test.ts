import { recommend, recommendData, type Recommender, type Scorer } from '@deeprec/evaluate';
import { RecommendBatcher } from './batcher';

const NUM_USERS = 4;
const NUM_ITEMS = 6;

/** score(u, i) = ((u + 1) * (i + 3)) mod 7: distinct lists per user, with ties. Counts its calls. */
function fakeScorer(): Scorer & { calls: number[][] } {
  const calls: number[][] = [];
  return {
    calls,
    pairs: (users, items) => Float32Array.from(users, (u, j) => ((u + 1) * ((items[j] as number) + 3)) % 7),
    usersAllItems(users) {
      calls.push(Array.from(users));
      const out = new Float32Array(users.length * NUM_ITEMS);
      Array.from(users).forEach((u, j) => {
        for (let i = 0; i < NUM_ITEMS; i += 1) out[j * NUM_ITEMS + i] = ((u + 1) * (i + 3)) % 7;
      });
      return out;
    },
    items: () => undefined,
    dispose: () => undefined,
  };
}

function recommender(scorer: Scorer): Recommender {
  // user 3 has no training data (fallback); the others rated item u
  const train = { user: Int32Array.of(0, 1, 2), item: Int32Array.of(0, 1, 2), rating: Float32Array.of(1, 1, 1) };
  return {
    model: 'fake',
    scorer,
    data: recommendData(NUM_USERS, NUM_ITEMS, train),
    userIds: ['a', 'b', 'c', 'd'],
    itemIds: ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'],
    userIndex: () => undefined,
    itemIndex: () => undefined,
  };
}

describe('RecommendBatcher', () => {
  it('requests within the window are scored in one call, each cut to its own k, equal to one-at-a-time lists', async () => {
    const scorer = fakeScorer();
    const rec = recommender(scorer);
    const batcher = new RecommendBatcher(rec, { windowMs: 30, maxBatch: 64 });
    const asked: Array<[number | undefined, number]> = [[0, 2], [1, 5], [2, 1], [undefined, 3], [3, 4]];
    const lists = await Promise.all(asked.map(([u, k]) => batcher.recommend(u, k)));
    expect(scorer.calls).toEqual([[0, 1, 2]]);
    expect(batcher.stats).toEqual({ batches: 1, requests: 5, largest: 5 });
    const alone = recommender(fakeScorer());
    asked.forEach(([u, k], j) => expect(lists[j]).toEqual(recommend(alone.scorer, alone.data, u, k)));
    expect(lists.map((l) => l.items.length)).toEqual([2, 5, 1, 3, 4]);
    expect(lists.map((l) => l.fallback)).toEqual([false, false, false, true, true]);
  });

  it('a full batch is scored at once; later requests start the next batch', async () => {
    const scorer = fakeScorer();
    const batcher = new RecommendBatcher(recommender(scorer), { windowMs: 60_000, maxBatch: 2 });
    await Promise.all([batcher.recommend(0, 1), batcher.recommend(1, 1)]);
    expect(scorer.calls).toEqual([[0, 1]]);
    const third = batcher.recommend(2, 1);
    expect(batcher.waiting).toBe(1);
    await Promise.all([third, batcher.recommend(0, 1)]);
    expect(scorer.calls).toEqual([[0, 1], [2, 0]]);
    expect(batcher.stats).toEqual({ batches: 2, requests: 4, largest: 2 });
  });

  it('window 0: the requests of one turn of the event loop go together; a scoring error fails its batch only', async () => {
    const scorer = fakeScorer();
    const batcher = new RecommendBatcher(recommender(scorer), { windowMs: 0, maxBatch: 64 });
    await Promise.all([batcher.recommend(0, 1), batcher.recommend(2, 1)]);
    expect(scorer.calls).toEqual([[0, 2]]);
    const failing = fakeScorer();
    failing.usersAllItems = () => {
      throw new Error('backend lost');
    };
    const broken = new RecommendBatcher(recommender(failing), { windowMs: 0, maxBatch: 64 });
    await expect(Promise.all([broken.recommend(0, 1), broken.recommend(1, 1)])).rejects.toThrow('backend lost');
    // the fallback needs no scoring
    await expect(broken.recommend(undefined, 2)).resolves.toMatchObject({ fallback: true });
  });
});
