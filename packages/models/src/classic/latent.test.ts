import { DataError } from '@deeprec/base';
import { scoreLatent, scoreLatentPairs, type LatentFactors } from './latent';

// 3 users, 3 items, dim 2: small enough to write every score by hand.
const factors: LatentFactors = {
  numUsers: 3,
  numItems: 3,
  dim: 2,
  userFactors: Float32Array.from([1, 2, 0, -1, 3, 0.5]),
  itemFactors: Float32Array.from([1, 0, 2, 1, -1, 4]),
};

describe('scoreLatent', () => {
  it('gives p_u . q_i for an odd number of users and items', () => {
    const scores = scoreLatent(factors, [2, 0, 1], 'test');
    expect(Array.from(scores)).toEqual([3, 6.5, -1, 1, 4, 7, 0, -1, -4]);
  });

  it('adds global, user and item biases', () => {
    const biased = { ...factors, globalBias: 3, userBias: Float32Array.from([0.5, 0, -1]), itemBias: Float32Array.from([0, 1, 2]) };
    expect(Array.from(scoreLatent(biased, [0], 'test'))).toEqual([4.5, 8.5, 12.5]);
    expect(Array.from(scoreLatentPairs(biased, [0, 2], [2, 1], 'test'))).toEqual([12.5, 9.5]);
  });

  it('fills a caller-owned buffer and rejects unknown users', () => {
    const out = new Float32Array(6);
    expect(scoreLatent(factors, [1, 1], 'test', out)).toBe(out);
    expect(Array.from(out)).toEqual([0, -1, -4, 0, -1, -4]);
    expect(() => scoreLatent(factors, [3], 'test')).toThrow(DataError);
    expect(() => scoreLatentPairs(factors, [0], [5], 'test')).toThrow(/item ids in \[0, 3\), found 5/);
  });

  it('gives the same bits as a plain per-pair loop, whatever the blocking leaves over', () => {
    // 5 users and 7 items leave one user and three items outside the 2 x 4 blocks.
    const numUsers = 5;
    const numItems = 7;
    const dim = 3;
    const draw = (n: number, seed: number) => Float32Array.from({ length: n }, (_, k) => Math.sin(seed * 1000 + k * 7.3) * 1.7);
    const biased: LatentFactors = {
      numUsers,
      numItems,
      dim,
      userFactors: draw(numUsers * dim, 1),
      itemFactors: draw(numItems * dim, 2),
      userBias: draw(numUsers, 3),
      itemBias: draw(numItems, 4),
      globalBias: 3.25,
    };
    const users = [4, 0, 3, 1, 2];
    for (const variant of [biased, { ...biased, userBias: undefined, itemBias: undefined, globalBias: undefined }, { ...biased, itemBias: undefined }]) {
      const expected = new Float32Array(users.length * numItems);
      users.forEach((u, row) => {
        for (let i = 0; i < numItems; i += 1) {
          let dot = 0;
          for (let f = 0; f < dim; f += 1) dot += (variant.userFactors[u * dim + f] as number) * (variant.itemFactors[i * dim + f] as number);
          const hasBias = variant.globalBias !== undefined || variant.userBias !== undefined || variant.itemBias !== undefined;
          expected[row * numItems + i] = hasBias
            ? Math.fround(dot) + ((variant.globalBias ?? 0) + (variant.userBias?.[u] ?? 0)) + (variant.itemBias?.[i] ?? 0)
            : dot;
        }
      });
      expect(Array.from(scoreLatent(variant, users, 'test'))).toEqual(Array.from(expected));
    }
  });
});
