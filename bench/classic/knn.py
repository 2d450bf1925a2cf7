"""NumPy/SciPy reference for itemknn and userknn (packages/models/src/classic/knn.ts):
similarities as whole-matrix products, top-k by a threshold per row, baselines by
bincount sweeps, scores as sparse products. Conventions are those in knn.ts's header.

  knn.py <in.json> <out.json>   test mode: {numUsers, numItems, user, item, rating, kind
      ('item' | 'user'), options {similarity, norms, topK, shrink, ratingNeighbours,
      baselineEpochs, baselineRegUser, baselineRegItem}, pairs {user, item}} ->
      {globalMean, userBias, itemBias, offsets, neighbours, weights (best first, ties by
      smaller id), scores (numUsers x numItems, row-major), predictions (one per pair)}.
  knn.py --bench <ratings.tsv> <kind> <options-json> <repeats>   speed mode: prints JSON
      {fit_s: [...], score_s: [...], nnz} for fitting and scoring every user on every item.
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp

from topk import ranked_rows, top_k_mask


def baselines(user, item, rating, num_users, num_items, o):
    """mu, b_u, b_i by alternating closed-form sweeps (items first), as Surprise's ALS."""
    mu = rating.mean() if len(rating) else 0.0
    n_u = np.bincount(user, minlength=num_users)
    n_i = np.bincount(item, minlength=num_items)
    b_u = np.zeros(num_users)
    b_i = np.zeros(num_items)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(o["baselineEpochs"]):
            dev = np.bincount(item, weights=rating - mu - b_u[user], minlength=num_items)
            b_i = np.where(n_i > 0, dev / (o["baselineRegItem"] + n_i), 0.0)
            dev = np.bincount(user, weights=rating - mu - b_i[item], minlength=num_users)
            b_u = np.where(n_u > 0, dev / (o["baselineRegUser"] + n_u), 0.0)
    return mu, b_u, b_i


def similarity(entity, feature, rating, num_entities, num_features, o, mu, b_entity, b_feature):
    """Dense entities x entities similarities, shrunk, diagonal 0."""
    kind = o["similarity"]
    ent_shift = np.zeros(num_entities)
    feat_shift = np.zeros(num_features)
    if kind == "pearson":
        ent_shift = np.bincount(entity, weights=rating, minlength=num_entities) / np.maximum(np.bincount(entity, minlength=num_entities), 1)
    elif kind == "adjusted-cosine":
        feat_shift = np.bincount(feature, weights=rating, minlength=num_features) / np.maximum(np.bincount(feature, minlength=num_features), 1)
    elif kind == "pearson-baseline":
        ent_shift = mu + b_entity
        feat_shift = b_feature
    a = rating - (ent_shift[entity] + feat_shift[feature])
    shape = (num_features, num_entities)
    A = sp.csr_matrix((a, (feature, entity)), shape=shape)
    B = sp.csr_matrix((np.ones(len(a)), (feature, entity)), shape=shape)
    dot = (A.T @ A).toarray()
    count = (B.T @ B).toarray()
    if o["norms"] == "all":
        norm = np.sqrt(np.bincount(entity, weights=a * a, minlength=num_entities))
        den = norm[:, None] * norm[None, :]
    else:
        A2 = A.multiply(A).tocsr()
        den = np.sqrt((A2.T @ B).toarray() * (B.T @ A2).toarray())
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(den > 0, dot / den, 0.0)
        s = np.where(count > 0, s * (count / (count + o["shrink"])), 0.0)
    np.fill_diagonal(s, 0.0)
    return s


def fit(num_users, num_items, user, item, rating, kind, o):
    mu, b_u, b_i = baselines(user, item, rating, num_users, num_items, o)
    if kind == "item":
        s = similarity(item, user, rating, num_items, num_users, o, mu, b_i, b_u)
    else:
        s = similarity(user, item, rating, num_users, num_items, o, mu, b_u, b_i)
    keep = top_k_mask(s, o["topK"])
    pruned = sp.csr_matrix(np.where(keep, s, 0.0))
    return mu, b_u, b_i, pruned


def score_all(kind, pruned, X):
    """Every user's score for every item: X W with W[j, i] = s(i, j) kept for i (itemknn), or P X (userknn)."""
    if kind == "item":
        return (X @ pruned.T.tocsr()).toarray()
    return (pruned @ X).toarray()


def predict(kind, pairs, ranked, X, mu, b_u, b_i, k):
    """The rating form, one pair at a time, walking the ranked neighbour lists."""
    offsets, neighbours, weights = ranked
    R = X.toarray()
    rated = X.copy()
    rated.data[:] = 1
    rated = rated.toarray() > 0
    out = []
    for u, i in zip(pairs["user"], pairs["item"]):
        own = i if kind == "item" else u
        num = den = 0.0
        used = 0
        for q in range(offsets[own], offsets[own + 1]):
            if used == k:
                break
            nb = neighbours[q]
            ru, ri = (u, nb) if kind == "item" else (nb, i)
            if not rated[ru, ri]:
                continue
            s = weights[q]
            num += s * (R[ru, ri] - (mu + b_u[ru] + b_i[ri]))
            den += abs(s)
            used += 1
        base = mu + b_u[u] + b_i[i]
        out.append(base + num / den if den > 0 else base)
    return out


def test_mode(in_path, out_path):
    with open(in_path) as f:
        d = json.load(f)
    nu, ni, o, kind = d["numUsers"], d["numItems"], d["options"], d["kind"]
    user, item = np.array(d["user"], dtype=np.int64), np.array(d["item"], dtype=np.int64)
    rating = np.array(d["rating"], dtype=np.float64)
    mu, b_u, b_i, pruned = fit(nu, ni, user, item, rating, kind, o)
    ranked = ranked_rows(pruned)
    X = sp.csr_matrix((rating, (user, item)), shape=(nu, ni))
    out = {
        "globalMean": mu,
        "userBias": b_u.tolist(),
        "itemBias": b_i.tolist(),
        "offsets": ranked[0].tolist(),
        "neighbours": ranked[1].tolist(),
        "weights": ranked[2].tolist(),
        "scores": score_all(kind, pruned, X).ravel().tolist(),
        "predictions": predict(kind, d["pairs"], ranked, X, mu, b_u, b_i, o["ratingNeighbours"]),
    }
    with open(out_path, "w") as f:
        json.dump(out, f)


def bench_mode(path, kind, options_json, repeats):
    o = json.loads(options_json)
    raw = np.loadtxt(path, dtype=np.int64, usecols=(0, 1, 2))
    user, item = raw[:, 0] - 1, raw[:, 1] - 1
    rating = raw[:, 2].astype(np.float64) if o.get("explicit") else np.ones(len(raw))
    nu, ni = int(user.max()) + 1, int(item.max()) + 1
    X = sp.csr_matrix((rating, (user, item)), shape=(nu, ni))
    fit_s, score_s = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        _, _, _, pruned = fit(nu, ni, user, item, rating, kind, o)
        t1 = time.perf_counter()
        scores = score_all(kind, pruned, X).astype(np.float32)
        t2 = time.perf_counter()
        assert scores.shape == (nu, ni)
        fit_s.append(t1 - t0)
        score_s.append(t2 - t1)
    print(json.dumps({"fit_s": fit_s, "score_s": score_s, "nnz": int(pruned.nnz)}))


if __name__ == "__main__":
    if sys.argv[1] == "--bench":
        bench_mode(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        test_mode(sys.argv[1], sys.argv[2])
