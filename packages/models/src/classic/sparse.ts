/**
 * Sparse interaction data for the classic (non-network) models.
 *
 * Every classic model takes the same input: a list of (user, item, rating) triples with
 * 0-based dense ids (implicit data has every rating 1). Models that sweep over users
 * or items need the triples grouped by row, so this file builds compressed sparse rows
 * (CSR): row r's columns are `indices[indptr[r] .. indptr[r+1])`, sorted ascending,
 * with `values` alongside. Grouping by item is the same CSR built from the transpose.
 */
import { DataError } from '@deeprec/base';

/** Interactions with 0-based dense ids; `rating` is 1 for implicit data. */
export interface Interactions {
  readonly numUsers: number;
  readonly numItems: number;
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly rating: Float32Array;
}

/** Compressed sparse rows; each row's columns are sorted ascending and distinct. */
export interface Csr {
  readonly numRows: number;
  readonly numCols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Throws a DataError naming the first triple whose id or rating is out of range. */
export function checkInteractions(data: Interactions, model: string): void {
  const { numUsers, numItems, user, item, rating } = data;
  if (!Number.isInteger(numUsers) || numUsers < 1 || !Number.isInteger(numItems) || numItems < 1) {
    throw new DataError(`${model}: expected positive integer numUsers and numItems, found ${numUsers} and ${numItems}`);
  }
  if (item.length !== user.length || rating.length !== user.length) {
    throw new DataError(
      `${model}: expected user, item and rating arrays of one length, found ${user.length}, ${item.length} and ${rating.length}`,
    );
  }
  for (let k = 0; k < user.length; k += 1) {
    const u = user[k] as number;
    const i = item[k] as number;
    const r = rating[k] as number;
    if (u < 0 || u >= numUsers || i < 0 || i >= numItems || !Number.isFinite(r)) {
      throw new DataError(
        `${model}: interaction ${k} is (user ${u}, item ${i}, rating ${r}); expected 0 <= user < ${numUsers}, 0 <= item < ${numItems} and a finite rating`,
      );
    }
  }
}

/**
 * Groups the triples by user (`by: 'user'`, rows = users) or by item (rows = items).
 * Two counting sorts (by column, then stably by row) give sorted columns in each row
 * in O(nnz + rows + cols); a repeated (user, item) pair is an error, because summing or
 * dropping it silently would change what the models fit.
 */
export function buildCsr(data: Interactions, by: 'user' | 'item'): Csr {
  const rows = by === 'user' ? data.user : data.item;
  const cols = by === 'user' ? data.item : data.user;
  const numRows = by === 'user' ? data.numUsers : data.numItems;
  const numCols = by === 'user' ? data.numItems : data.numUsers;
  const nnz = rows.length;

  const byCol = countingOrder(cols, numCols, null);
  const order = countingOrder(rows, numRows, byCol);
  const indptr = new Int32Array(numRows + 1);
  for (let k = 0; k < nnz; k += 1) {
    const next = (rows[k] as number) + 1;
    indptr[next] = (indptr[next] as number) + 1;
  }
  for (let r = 0; r < numRows; r += 1) indptr[r + 1] = (indptr[r + 1] as number) + (indptr[r] as number);

  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let k = 0; k < nnz; k += 1) {
    const source = order[k] as number;
    indices[k] = cols[source] as number;
    values[k] = data.rating[source] as number;
  }
  for (let r = 0; r < numRows; r += 1) {
    for (let k = (indptr[r] as number) + 1; k < (indptr[r + 1] as number); k += 1) {
      if (indices[k] === indices[k - 1]) {
        const [u, i] = by === 'user' ? [r, indices[k]] : [indices[k], r];
        throw new DataError(`expected each (user, item) pair at most once, found (user ${u}, item ${i}) repeated`);
      }
    }
  }
  return { numRows, numCols, indptr, indices, values };
}

/** Positions 0..n-1 stably sorted by key (visiting them in `visit` order when given). */
function countingOrder(keys: Int32Array, numKeys: number, visit: Int32Array | null): Int32Array {
  const start = new Int32Array(numKeys + 1);
  for (let k = 0; k < keys.length; k += 1) {
    const next = (keys[k] as number) + 1;
    start[next] = (start[next] as number) + 1;
  }
  for (let key = 0; key < numKeys; key += 1) start[key + 1] = (start[key + 1] as number) + (start[key] as number);
  const order = new Int32Array(keys.length);
  for (let k = 0; k < keys.length; k += 1) {
    const position = visit === null ? k : (visit[k] as number);
    const key = keys[position] as number;
    order[start[key] as number] = position;
    start[key] = (start[key] as number) + 1;
  }
  return order;
}

/** Number of stored entries in each row (|I_u| for a user CSR, |U_i| for an item CSR). */
export function rowCounts(csr: Csr): Int32Array {
  const counts = new Int32Array(csr.numRows);
  for (let r = 0; r < csr.numRows; r += 1) counts[r] = (csr.indptr[r + 1] as number) - (csr.indptr[r] as number);
  return counts;
}
