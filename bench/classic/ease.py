"""NumPy reference for EASE (packages/models/src/classic/ease.ts), as in Steck (2019)'s
published listing: G = X^T X + lambda I, P = inv(G), B = P / -diag(P), diag(B) = 0;
scores X B. The bench times the same path as ease.ts's `solver` (with 'auto' and fewer
users than items, the Woodbury form through the users' Gram matrix).

  ease.py <in.json> <out.json>   test mode: {numUsers, numItems, user, item, rating,
      options {lambda, values ('binary' | 'rating')}} -> {weights (B, numItems x numItems
      row-major), scores (numUsers x numItems, row-major)}.
  ease.py --bench <ratings.tsv> <options-json> <repeats>   speed mode: prints JSON
      {fit_s: [...], score_s: [...]} for fitting and scoring every user on every item.
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp


def matrix(num_users, num_items, user, item, rating, values):
    data = np.ones(len(user)) if values == "binary" else np.asarray(rating, dtype=np.float64)
    return sp.csr_matrix((data, (user, item)), shape=(num_users, num_items))


def fit(X, lam):
    G = (X.T @ X).toarray()
    G[np.diag_indices_from(G)] += lam
    P = np.linalg.inv(G)
    B = P / (-np.diag(P))
    B[np.diag_indices_from(B)] = 0.0
    return B


def fit_woodbury(X, lam):
    """The same B from the users' side: P = (I - X^T K^-1 X) / lambda, K = X X^T + lambda I,
    so B = Q / (1 - diag Q) with Q = X^T K^-1 X (what ease.ts does when users < items)."""
    K = (X @ X.T).toarray()
    K[np.diag_indices_from(K)] += lam
    Q = np.asarray(X.T @ np.asarray(np.linalg.inv(K) @ X))
    B = Q / (1.0 - np.diag(Q))
    B[np.diag_indices_from(B)] = 0.0
    return B


def fit_with(X, lam, solver):
    num_users, num_items = X.shape
    if solver == "users" or (solver == "auto" and num_users < num_items):
        return fit_woodbury(X, lam)
    return fit(X, lam)


def test_mode(in_path, out_path):
    with open(in_path) as f:
        d = json.load(f)
    o = d["options"]
    X = matrix(d["numUsers"], d["numItems"], d["user"], d["item"], d["rating"], o["values"])
    B = fit(X, o["lambda"])
    # The Woodbury form must give the same B (a check of this reference, not of ease.ts).
    assert np.allclose(fit_woodbury(X, o["lambda"]), B, rtol=1e-8, atol=1e-10 * np.abs(B).max())
    with open(out_path, "w") as f:
        json.dump({"weights": B.ravel().tolist(), "scores": np.asarray(X @ B).ravel().tolist()}, f)


def bench_mode(path, options_json, repeats):
    o = json.loads(options_json)
    raw = np.loadtxt(path, dtype=np.int64, usecols=(0, 1, 2))
    user, item = raw[:, 0] - 1, raw[:, 1] - 1
    nu, ni = int(user.max()) + 1, int(item.max()) + 1
    X = matrix(nu, ni, user, item, raw[:, 2], o["values"])
    fit_s, score_s = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        B = fit_with(X, o["lambda"], o.get("solver", "auto")).astype(np.float32)
        t1 = time.perf_counter()
        scores = np.asarray(X.astype(np.float32) @ B)
        t2 = time.perf_counter()
        assert scores.shape == (nu, ni)
        fit_s.append(t1 - t0)
        score_s.append(t2 - t1)
    print(json.dumps({"fit_s": fit_s, "score_s": score_s}))


if __name__ == "__main__":
    if sys.argv[1] == "--bench":
        bench_mode(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        test_mode(sys.argv[1], sys.argv[2])
