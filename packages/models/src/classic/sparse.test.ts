import { DataError } from '@deeprec/base';
import { buildCsr, checkInteractions, rowCounts, type Interactions } from './sparse';

const data: Interactions = {
  numUsers: 3,
  numItems: 4,
  user: Int32Array.from([2, 0, 1, 0, 2, 0]),
  item: Int32Array.from([1, 3, 2, 0, 0, 2]),
  rating: Float32Array.from([5, 4, 3, 2, 1, 0.5]),
};

describe('buildCsr', () => {
  it('groups by user with sorted items and their ratings', () => {
    const csr = buildCsr(data, 'user');
    expect(Array.from(csr.indptr)).toEqual([0, 3, 4, 6]);
    expect(Array.from(csr.indices)).toEqual([0, 2, 3, 2, 0, 1]);
    expect(Array.from(csr.values)).toEqual([2, 0.5, 4, 3, 1, 5]);
    expect(Array.from(rowCounts(csr))).toEqual([3, 1, 2]);
  });

  it('groups by item as the transpose', () => {
    const csr = buildCsr(data, 'item');
    expect(csr.numRows).toBe(4);
    expect(csr.numCols).toBe(3);
    expect(Array.from(csr.indptr)).toEqual([0, 2, 3, 5, 6]);
    expect(Array.from(csr.indices)).toEqual([0, 2, 2, 0, 1, 0]);
    expect(Array.from(csr.values)).toEqual([2, 1, 5, 0.5, 3, 4]);
  });

  it('rejects a repeated pair, naming it', () => {
    const repeated = { ...data, user: Int32Array.from([2, 0, 1, 0, 2, 1]), item: Int32Array.from([1, 3, 2, 0, 0, 2]) };
    expect(() => buildCsr(repeated, 'user')).toThrow(/\(user 1, item 2\) repeated/);
  });
});

describe('checkInteractions', () => {
  it('names the first out-of-range triple', () => {
    const bad = { ...data, item: Int32Array.from([1, 3, 4, 0, 0, 2]) };
    expect(() => checkInteractions(bad, 'm')).toThrow(DataError);
    expect(() => checkInteractions(bad, 'm')).toThrow(/interaction 2 is \(user 1, item 4/);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => checkInteractions({ ...data, rating: new Float32Array(2) }, 'm')).toThrow(/6, 6 and 2/);
  });
});
