"""SciPy reference for PureSVD (packages/models/src/classic/puresvd.ts): R's rank-k
truncated SVD by scipy.sparse.linalg.svds (ARPACK, exact up to its tolerance) and the
folded-in scores R Q Q^T (Cremonesi et al. 2010).

  puresvd.py <in.json> <out.json>   test mode: {numUsers, numItems, user, item, rating,
      factors, values ('binary' | 'rating')} -> {singularValues (descending), scores
      (numUsers x numItems, row-major)}.
  puresvd.py --bench <ratings.tsv> <options-json> <repeats>   speed mode: prints JSON
      {fit_s: [...], score_s: [...], singular_values: [...]} for svds plus scoring every
      user against every item.
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds


def matrix(num_users, num_items, user, item, rating, values):
    data = np.ones(len(user)) if values == "binary" else np.asarray(rating, dtype=np.float64)
    return sp.csr_matrix((data, (user, item)), shape=(num_users, num_items))


def fit(r, k):
    _, s, vt = svds(r, k=k, random_state=0)
    order = np.argsort(-s)
    return s[order], vt[order].T


def test_mode(in_path, out_path):
    with open(in_path) as f:
        d = json.load(f)
    r = matrix(d["numUsers"], d["numItems"], np.array(d["user"]), np.array(d["item"]), d["rating"], d["values"])
    s, q = fit(r, d["factors"])
    scores = (r @ q) @ q.T
    with open(out_path, "w") as f:
        json.dump({"singularValues": s.tolist(), "scores": np.asarray(scores).ravel().tolist()}, f)


def bench_mode(path, options_json, repeats):
    o = json.loads(options_json)
    raw = np.loadtxt(path, dtype=np.int64, usecols=(0, 1, 2))
    user, item = raw[:, 0] - 1, raw[:, 1] - 1
    num_users, num_items = int(user.max()) + 1, int(item.max()) + 1
    r = matrix(num_users, num_items, user, item, raw[:, 2], o["values"])
    fit_s, score_s = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        s, q = fit(r, o["factors"])
        t1 = time.perf_counter()
        scores = (r @ q).astype(np.float32) @ q.T.astype(np.float32)
        t2 = time.perf_counter()
        assert scores.shape == (num_users, num_items)
        fit_s.append(t1 - t0)
        score_s.append(t2 - t1)
    print(json.dumps({"fit_s": fit_s, "score_s": score_s, "singular_values": s.tolist()}))


if __name__ == "__main__":
    if sys.argv[1] == "--bench":
        bench_mode(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        test_mode(sys.argv[1], sys.argv[2])
