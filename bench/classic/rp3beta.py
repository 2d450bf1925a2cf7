"""NumPy/SciPy reference for RP3beta (packages/models/src/classic/rp3beta.ts): the walk
P_iu^alpha P_ui^alpha as one sparse product, the popularity penalty and the diagonal on
the dense result, top-k per source row (topk.py), scores X W.

  rp3beta.py <in.json> <out.json>   test mode: {numUsers, numItems, user, item, options
      {alpha, beta, topK, normalizeRows}} -> {offsets, neighbours, weights (best first, ties
      by smaller id), scores (numUsers x numItems, row-major)}.
  rp3beta.py --bench <ratings.tsv> <options-json> <repeats>   speed mode: prints JSON
      {fit_s: [...], score_s: [...], nnz} for fitting and scoring every user on every item.
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp

from topk import ranked_rows, top_k_mask


def degree_power(degree, exponent):
    out = np.zeros(len(degree))
    nz = degree > 0
    out[nz] = degree[nz].astype(np.float64) ** exponent
    return out


def fit(X, o):
    """X: binary users x items CSR. Returns the pruned item x item weights (CSR)."""
    user_step = degree_power(np.diff(X.indptr), -o["alpha"])
    item_degree = np.asarray(X.sum(axis=0)).ravel()
    item_step = degree_power(item_degree, -o["alpha"])
    popularity = degree_power(item_degree, -o["beta"])
    walk = (X.T @ sp.diags(user_step) @ X).toarray()
    w = (walk * item_step[:, None]) * popularity[None, :]
    np.fill_diagonal(w, 0.0)
    w = np.where(top_k_mask(w, o["topK"]), w, 0.0)
    if o["normalizeRows"]:
        total = w.sum(axis=1, keepdims=True)
        w = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    return sp.csr_matrix(w)


def matrix(num_users, num_items, user, item):
    return sp.csr_matrix((np.ones(len(user)), (user, item)), shape=(num_users, num_items))


def test_mode(in_path, out_path):
    with open(in_path) as f:
        d = json.load(f)
    X = matrix(d["numUsers"], d["numItems"], np.array(d["user"]), np.array(d["item"]))
    W = fit(X, d["options"])
    offsets, neighbours, weights = ranked_rows(W)
    out = {
        "offsets": offsets.tolist(),
        "neighbours": neighbours.tolist(),
        "weights": weights.tolist(),
        "scores": (X @ W).toarray().ravel().tolist(),
    }
    with open(out_path, "w") as f:
        json.dump(out, f)


def bench_mode(path, options_json, repeats):
    o = json.loads(options_json)
    raw = np.loadtxt(path, dtype=np.int64, usecols=(0, 1))
    user, item = raw[:, 0] - 1, raw[:, 1] - 1
    nu, ni = int(user.max()) + 1, int(item.max()) + 1
    X = matrix(nu, ni, user, item)
    fit_s, score_s = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        W = fit(X, o)
        t1 = time.perf_counter()
        scores = (X @ W).toarray().astype(np.float32)
        t2 = time.perf_counter()
        assert scores.shape == (nu, ni)
        fit_s.append(t1 - t0)
        score_s.append(t2 - t1)
    print(json.dumps({"fit_s": fit_s, "score_s": score_s, "nnz": int(W.nnz)}))


if __name__ == "__main__":
    if sys.argv[1] == "--bench":
        bench_mode(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        test_mode(sys.argv[1], sys.argv[2])
