"""NumPy reference for SVD++ (packages/models/src/classic/svdpp.ts; Koren 2008, with
Surprise's SVDpp update rules): per rating (u, i, r), in the given order,

  e = r - (mu + b_u + b_i + q_i . (p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j))
  b_u += lrBias (e - regBias b_u);  b_i += lrBias (e - regBias b_i)
  p_u += lrFactors (e q_i - regFactors p_u)
  q_i += lrFactors (e (p_u + |N(u)|^-1/2 sum y_j) - regFactors q_i)      (old p_u)
  y_j += lrFactors (e |N(u)|^-1/2 q_i - regFactors y_j), j in N(u)        (old q_i)

with both learning rates multiplied by lrDecay before every epoch after the first.

  svdpp.py <in.json> <out.json>   test mode: {numUsers, numItems, user, item, rating,
      options, init {userFactors, itemFactors, implicitFactors}, orders (one permutation of
      the rating indices per epoch, written by the TypeScript side)} -> {userBias, itemBias,
      userFactors, itemFactors, implicitFactors, predictions (numUsers x numItems, unclipped)}.
  svdpp.py --bench <ratings.tsv> <options-json> <repeats>   speed mode: prints JSON
      {fit_s: [...], score_s: [...]} for fitting (NumPy-seeded init and order) and
      predicting every user x item.
"""
import json
import sys
import time

import numpy as np


def fit(num_users, num_items, user, item, rating, o, p, q, y, orders):
    mu = float(np.mean(rating))
    bu = np.zeros(num_users)
    bi = np.zeros(num_items)
    rated = [[] for _ in range(num_users)]
    for u, i in zip(user.tolist(), item.tolist()):
        rated[u].append(i)
    rated = [np.array(sorted(items), dtype=np.int64) for items in rated]
    lr_b, lr_f, reg_b, reg_f = o["lrBias"], o["lrFactors"], o["regBias"], o["regFactors"]
    for epoch, order in enumerate(orders):
        if epoch > 0:
            lr_b *= o["lrDecay"]
            lr_f *= o["lrDecay"]
        for k in order:
            u, i, r = user[k], item[k], rating[k]
            n = rated[u]
            scale = 1.0 / np.sqrt(len(n))
            implicit = y[n].sum(axis=0) * scale
            err = r - (mu + bu[u] + bi[i] + q[i] @ (p[u] + implicit))
            bu[u] += lr_b * (err - reg_b * bu[u])
            bi[i] += lr_b * (err - reg_b * bi[i])
            pu, qi = p[u].copy(), q[i].copy()
            p[u] += lr_f * (err * qi - reg_f * pu)
            q[i] += lr_f * (err * (pu + implicit) - reg_f * qi)
            y[n] += lr_f * (err * scale * qi - reg_f * y[n])
    return mu, bu, bi, p, q, y, rated


def predictions(mu, bu, bi, p, q, y, rated):
    effective = p.copy()
    for u, n in enumerate(rated):
        if len(n) > 0:
            effective[u] += y[n].sum(axis=0) / np.sqrt(len(n))
    return mu + bu[:, None] + bi[None, :] + effective @ q.T


def test_mode(in_path, out_path):
    with open(in_path) as f:
        d = json.load(f)
    o, init, fct = d["options"], d["init"], d["options"]["factors"]
    p = np.array(init["userFactors"], dtype=np.float64).reshape(d["numUsers"], fct)
    q = np.array(init["itemFactors"], dtype=np.float64).reshape(d["numItems"], fct)
    y = np.array(init["implicitFactors"], dtype=np.float64).reshape(d["numItems"], fct)
    user, item = np.array(d["user"]), np.array(d["item"])
    rating = np.array(d["rating"], dtype=np.float64)
    mu, bu, bi, p, q, y, rated = fit(d["numUsers"], d["numItems"], user, item, rating, o, p, q, y, d["orders"])
    out = {
        "userBias": bu.tolist(),
        "itemBias": bi.tolist(),
        "userFactors": p.ravel().tolist(),
        "itemFactors": q.ravel().tolist(),
        "implicitFactors": y.ravel().tolist(),
        "predictions": predictions(mu, bu, bi, p, q, y, rated).ravel().tolist(),
    }
    with open(out_path, "w") as f:
        json.dump(out, f)


def bench_mode(path, options_json, repeats):
    o = json.loads(options_json)
    raw = np.loadtxt(path, dtype=np.int64, usecols=(0, 1, 2))
    user, item, rating = raw[:, 0] - 1, raw[:, 1] - 1, raw[:, 2].astype(np.float64)
    num_users, num_items = int(user.max()) + 1, int(item.max()) + 1
    fit_s, score_s = [], []
    for rep in range(repeats):
        rng = np.random.default_rng(rep)
        fct, std = o["factors"], o["initStddev"]
        p = rng.normal(0, std, (num_users, fct))
        q = rng.normal(0, std, (num_items, fct))
        y = rng.normal(0, std, (num_items, fct))
        orders = [rng.permutation(len(rating)) for _ in range(o["epochs"])]
        t0 = time.perf_counter()
        state = fit(num_users, num_items, user, item, rating, o, p, q, y, orders)
        t1 = time.perf_counter()
        scores = predictions(*state).astype(np.float32)
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
