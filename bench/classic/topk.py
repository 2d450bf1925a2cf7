"""Top-k pruning shared by the neighbourhood references (knn.py, rp3beta.py), with the
convention of packages/models/src/classic/topk.ts: each row keeps its k largest non-zero
entries, equal values ordered by smaller column, lists best first."""
import numpy as np


def top_k_mask(s, k):
    """Boolean mask of each row's k best non-zero entries of the dense matrix s, ranked
    by their float32 values (the stored weights)."""
    k = min(k, s.shape[1])
    s = s.astype(np.float32).astype(np.float64)
    # Zeros are never kept, so they must not take a place that a negative value could have.
    ranked = np.where(s != 0, s, -np.inf)
    kth = -np.partition(-ranked, k - 1, axis=1)[:, k - 1]
    greater = ranked > kth[:, None]
    equal = ranked == kth[:, None]
    room = k - greater.sum(axis=1)
    keep = greater | (equal & (np.cumsum(equal, axis=1) <= room[:, None]))
    return keep & (s != 0)


def ranked_rows(pruned):
    """(offsets, columns, values) of a sparse matrix's rows, best first by float32 value,
    ties by column."""
    coo = pruned.tocoo()
    order = np.lexsort((coo.col, -coo.data.astype(np.float32), coo.row))
    counts = np.bincount(coo.row, minlength=pruned.shape[0])
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return offsets, coo.col[order].astype(np.int64), coo.data[order]
