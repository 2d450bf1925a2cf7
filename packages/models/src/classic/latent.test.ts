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
});
