"""NumPy reference for iALS (packages/models/src/classic/ials.ts): Rendle et al. 2022's loss

  sum_{(u,i) in S} (w_u.h_i - 1)^2 + alpha0 sum_{u,i} (w_u.h_i)^2
  + lambda sum_u (|I_u| + alpha0 |I|)^nu |w_u|^2 + (same for items),

solved by alternating exact least squares (or CG steps) per row.

  ials.py <in.json> <out.json>   test mode: one or more epochs from the factors in the
      input; {numUsers, numItems, user, item, options, userFactors, itemFactors}. Each row's
      matrix is built from the definition, A = H^T diag(alpha0 + [i in S]) H + lambda_u I,
      not with the Gramian trick the TypeScript uses, so the check is independent.
  ials.py --bench <ratings.tsv> <options-json> <repeats>   speed mode (Gramian trick,
      np.linalg.solve per row): prints JSON {fit_s: [...], score_s: [...]} for fitting and
      scoring every user against every item.
"""
import json
import sys
import time

import numpy as np


def csr_rows(rows, cols, num_rows):
    order = np.lexsort((cols, rows))
    indptr = np.zeros(num_rows + 1, dtype=np.int64)
    np.add.at(indptr, rows + 1, 1)
    return np.cumsum(indptr), cols[order]


def row_lambda(count, num_cols, o):
    return o["regularization"] * (count + o["unobservedWeight"] * num_cols) ** o["regularizationExponent"]


def sweep(indptr, indices, fixed, solved, o, direct):
    num_cols, dim = fixed.shape
    alpha0 = o["unobservedWeight"]
    gram = alpha0 * (fixed.T @ fixed)
    for row in range(len(indptr) - 1):
        cols = indices[indptr[row]:indptr[row + 1]]
        if len(cols) == 0:
            solved[row] = 0.0
            continue
        lam = row_lambda(len(cols), num_cols, o)
        hs = fixed[cols]
        b = hs.sum(axis=0)
        if direct:
            weights = np.full(num_cols, alpha0)
            weights[cols] += 1.0
            a = (fixed * weights[:, None]).T @ fixed + lam * np.eye(dim)
        else:
            a = gram + hs.T @ hs + lam * np.eye(dim)
        if o["solver"] == "cholesky":
            solved[row] = np.linalg.solve(a, b)
        else:
            solved[row] = cg(a, b, solved[row].copy(), o["cgSteps"])


def cg(a, b, x, steps):
    r = b - a @ x
    p = r.copy()
    rs_old = r @ r
    for _ in range(steps):
        if rs_old <= 1e-20:
            break
        ap = a @ p
        alpha = rs_old / (p @ ap)
        x += alpha * p
        r -= alpha * ap
        rs_new = r @ r
        p = r + (rs_new / rs_old) * p
        rs_old = rs_new
    return x


def fit(num_users, num_items, user, item, o, w, h, direct):
    u_ptr, u_idx = csr_rows(user, item, num_users)
    i_ptr, i_idx = csr_rows(item, user, num_items)
    for _ in range(o["epochs"]):
        sweep(u_ptr, u_idx, h, w, o, direct)
        sweep(i_ptr, i_idx, w, h, o, direct)
    return w, h


def test_mode(in_path, out_path):
    with open(in_path) as f:
        d = json.load(f)
    o = d["options"]
    dim = o["dim"]
    w = np.array(d["userFactors"], dtype=np.float64).reshape(d["numUsers"], dim)
    h = np.array(d["itemFactors"], dtype=np.float64).reshape(d["numItems"], dim)
    user = np.array(d["user"], dtype=np.int64)
    item = np.array(d["item"], dtype=np.int64)
    w, h = fit(d["numUsers"], d["numItems"], user, item, o, w, h, direct=True)
    with open(out_path, "w") as f:
        json.dump({"userFactors": w.ravel().tolist(), "itemFactors": h.ravel().tolist()}, f)


def load_ratings(path):
    raw = np.loadtxt(path, dtype=np.int64, usecols=(0, 1, 2))
    return raw[:, 0] - 1, raw[:, 1] - 1, raw[:, 2].astype(np.float64)


def bench_mode(path, options_json, repeats):
    o = json.loads(options_json)
    user, item, _ = load_ratings(path)
    num_users, num_items = int(user.max()) + 1, int(item.max()) + 1
    fit_s, score_s = [], []
    for rep in range(repeats):
        rng = np.random.default_rng(rep)
        scale = o["initStddev"] / np.sqrt(o["dim"])
        w = rng.normal(0, scale, (num_users, o["dim"]))
        h = rng.normal(0, scale, (num_items, o["dim"]))
        t0 = time.perf_counter()
        w, h = fit(num_users, num_items, user, item, o, w, h, direct=False)
        t1 = time.perf_counter()
        scores = (w.astype(np.float32) @ h.astype(np.float32).T)
        t2 = time.perf_counter()
        assert scores.shape == (num_users, num_items)
        fit_s.append(t1 - t0)
        score_s.append(t2 - t1)
    print(json.dumps({"fit_s": fit_s, "score_s": score_s}))


if __name__ == "__main__":
    if sys.argv[1] == "--bench":
        bench_mode(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        test_mode(sys.argv[1], sys.argv[2])
