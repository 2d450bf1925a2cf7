"""PyTorch reference of the DESIGN section 7 benchmark networks, for the speed comparison
with deeprec (npm run bench, bench/run.js; method in bench/README.md).

The networks, loss and hyper-parameters are those of configs/examples/bench-ml100k.yaml
as deeprec resolves them: NCF, Wide & Deep (features off: user and item biases plus the
deep part) and NeuMF (gmfOutput dense), embeddings 32, ReLU towers with the config's
dropout, a linear output whose bias starts at the training mean, glorot-uniform
kernels and embeddings, zero biases; MSE; batch 256; Adam lr 0.001, beta1 0.9,
beta2 0.999, epsilon 1e-7 (Keras' and tfjs's default, which deeprec uses; PyTorch's
own default is 1e-8); no weight decay (the config has l2 0). The bench passes the
optimizer values it read from deeprec's resolved config, so the two cannot drift apart.

Optimizer modes (--optimizer):
  sparse  The pairing for deeprec's lazy Adam (train.optimizer.lazy: true). Every
          embedding table (including Wide & Deep's user and item bias tables) is
          nn.Embedding(sparse=True) and trained by torch.optim.SparseAdam, which updates
          the moments and weights of only the rows in the batch; every other parameter
          by torch.optim.Adam (same lr, betas, eps).
  dense   The pairing for deeprec's dense Adam (train.optimizer.lazy: false). Ordinary
          nn.Embedding and one torch.optim.Adam over all parameters: every row of every
          table is updated each step (moments of absent rows decay).

Threads (--threads N): torch.set_num_threads(N); the bench runs 1 (as deeprec's wasm
backend, which is single-threaded) and 2 (this machine's cores).

What is timed, per model, a freshly built one: the training loop alone, as deeprec's
trainSamplesPerSecond: each epoch's shuffle, the batches, forward, backward, the
optimizer steps and reading back each batch's loss (deeprec reads it too); no data
loading, no start-up, no warm-up pass (deeprec gets none either: both sides' first
steps pay their own warm-up). Then scoring: every user x item pair, batches of 65,536,
eval mode, no_grad, after one warm-up batch (as deeprec's scoring).
Prints one JSON line per model. The bench runs one model per process (--models), as
deeprec's CLI trains one model per process.

Usage: /usr/bin/python3 bench/pytorch/reference.py <u1.base> [--optimizer sparse|dense]
       [--threads 1] [--epochs 2] [--batch 256] [--models ncf,widedeep,neumf]
       [--users 943 --items 1682] [--lr 0.001 --beta1 0.9 --beta2 0.999 --eps 1e-7]
       [--no-score]
"""
import argparse
import json
import time

import torch
from torch import nn


def load(path):
    """Ratings of a MovieLens tab-separated file; ids 1..N become rows 0..N-1."""
    users, items, ratings = [], [], []
    with open(path) as f:
        for line in f:
            u, i, r, _ = line.split("\t")
            users.append(int(u) - 1)
            items.append(int(i) - 1)
            ratings.append(float(r))
    return torch.tensor(users), torch.tensor(items), torch.tensor(ratings)


def tower(widths, dropout, dim_in):
    """Dense ReLU layers, each followed by Dropout when its rate is above 0 (deeprec's Tower)."""
    layers = []
    for width, rate in zip(widths, dropout):
        layers += [nn.Linear(dim_in, width), nn.ReLU()] + ([nn.Dropout(rate)] if rate > 0 else [])
        dim_in = width
    return nn.Sequential(*layers)


# Each network's keys as deeprec's resolved model config spells them; the bench checks them
# against the config deeprec trained with (and the parameter counts against each other).
COMMON = {"activation": "relu", "initializer": "glorot", "features": False, "l2": 0}


class NCF(nn.Module):
    """Concatenated user and item embeddings through an MLP [64, 32, 16], dropout [0.2, 0.2, 0], linear output."""

    arch = {**COMMON, "embeddingDim": 32, "layers": [64, 32, 16], "dropout": [0.2, 0.2, 0], "bias": False}

    def __init__(self, nu, ni, sparse):
        super().__init__()
        a = self.arch
        dim = a["embeddingDim"]
        self.u, self.i = nn.Embedding(nu, dim, sparse=sparse), nn.Embedding(ni, dim, sparse=sparse)
        self.mlp = tower(a["layers"], a["dropout"], 2 * dim)
        self.out = nn.Linear(a["layers"][-1], 1)

    def forward(self, u, i):
        return self.out(self.mlp(torch.cat([self.u(u), self.i(i)], 1))).squeeze(1)


class WideDeep(nn.Module):
    """Wide: user and item biases (no side features); deep: embeddings through [64, 32], dropout [0.2, 0]."""

    arch = {**COMMON, "embeddingDim": 32, "layers": [64, 32], "dropout": [0.2, 0]}

    def __init__(self, nu, ni, sparse):
        super().__init__()
        a = self.arch
        dim = a["embeddingDim"]
        self.bu, self.bi = nn.Embedding(nu, 1, sparse=sparse), nn.Embedding(ni, 1, sparse=sparse)
        self.u, self.i = nn.Embedding(nu, dim, sparse=sparse), nn.Embedding(ni, dim, sparse=sparse)
        self.deep = tower(a["layers"], a["dropout"], 2 * dim)
        self.out = nn.Linear(a["layers"][-1], 1)

    def forward(self, u, i):
        wide = self.bu(u).squeeze(1) + self.bi(i).squeeze(1)
        return wide + self.out(self.deep(torch.cat([self.u(u), self.i(i)], 1))).squeeze(1)


class NeuMF(nn.Module):
    """GMF product of its own embeddings, concatenated with an MLP [64, 32, 16] (dropout [0.2, 0, 0]) into one linear output."""

    arch = {**COMMON, "gmfDim": 32, "mlpDim": 32, "layers": [64, 32, 16], "dropout": [0.2, 0, 0], "gmfOutput": "dense", "bias": False}

    def __init__(self, nu, ni, sparse):
        super().__init__()
        a = self.arch
        g, m = a["gmfDim"], a["mlpDim"]
        self.gu, self.gi = nn.Embedding(nu, g, sparse=sparse), nn.Embedding(ni, g, sparse=sparse)
        self.mu, self.mi = nn.Embedding(nu, m, sparse=sparse), nn.Embedding(ni, m, sparse=sparse)
        self.mlp = tower(a["layers"], a["dropout"], 2 * m)
        self.out = nn.Linear(g + a["layers"][-1], 1)

    def forward(self, u, i):
        gmf = self.gu(u) * self.gi(i)
        mlp = self.mlp(torch.cat([self.mu(u), self.mi(i)], 1))
        return self.out(torch.cat([gmf, mlp], 1)).squeeze(1)


BUILDERS = {"ncf": NCF, "widedeep": WideDeep, "neumf": NeuMF}


def initialise(model, train_mean):
    """deeprec's initialisers: glorot-uniform embeddings and kernels, zero bias tables and biases, output bias = training mean."""
    for module in model.modules():
        if isinstance(module, nn.Embedding):
            if module.embedding_dim == 1:
                nn.init.zeros_(module.weight)
            else:
                nn.init.xavier_uniform_(module.weight)
        elif isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
    nn.init.constant_(model.out.bias, train_mean)


def optimizers(model, mode, hyper):
    """sparse: SparseAdam for the embedding tables, Adam for the rest; dense: one Adam for everything."""
    if mode == "dense":
        return [torch.optim.Adam(model.parameters(), **hyper)]
    tables = [m.weight for m in model.modules() if isinstance(m, nn.Embedding)]
    ids = {id(p) for p in tables}
    rest = [p for p in model.parameters() if id(p) not in ids]
    return [torch.optim.SparseAdam(tables, **hyper), torch.optim.Adam(rest, **hyper)]


def train_speed(model, opts, users, items, ratings, epochs, batch, seed):
    """Samples per second of the training loop, the mean training loss of the last epoch, each epoch's seconds."""
    loss_fn = nn.MSELoss()
    model.train()
    n = len(ratings)
    samples, last_loss, epoch_seconds = 0, float("nan"), []
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(n, generator=g)
        total = 0.0
        for b in range(0, n, batch):
            idx = order[b:b + batch]
            for opt in opts:
                opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(users[idx], items[idx]), ratings[idx])
            loss.backward()
            for opt in opts:
                opt.step()
            total += loss.item() * len(idx)
        epoch_seconds.append(time.perf_counter() - start)
        samples += n
        last_loss = total / n
    return samples / sum(epoch_seconds), last_loss, epoch_seconds


def score_speed(model, nu, ni, batch=65536):
    """Pairs per second scoring every user x item pair in batches (after one warm-up batch)."""
    model.eval()
    users = torch.arange(nu).repeat_interleave(ni)
    items = torch.arange(ni).repeat(nu)
    with torch.no_grad():
        model(users[:batch], items[:batch])
        start = time.perf_counter()
        for b in range(0, len(users), batch):
            model(users[b:b + batch], items[b:b + batch])
    return len(users) / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", help="MovieLens ratings file (u1.base)")
    p.add_argument("--optimizer", choices=["sparse", "dense"], default="sparse",
                   help="sparse: sparse embeddings + SparseAdam (lazy), dense parameters Adam; dense: one Adam over everything")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--models", default="ncf,widedeep,neumf")
    p.add_argument("--users", type=int, default=None, help="user table rows (default: largest user id in the file)")
    p.add_argument("--items", type=int, default=None, help="item table rows (default: largest item id in the file)")
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--eps", type=float, default=1e-7)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--no-score", action="store_true", help="skip the scoring measurement")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    users, items, ratings = load(a.data)
    nu = a.users or int(users.max()) + 1
    ni = a.items or int(items.max()) + 1
    train_mean = float(ratings.mean())
    hyper = dict(lr=a.lr, betas=(a.beta1, a.beta2), eps=a.eps)
    for name in a.models.split(","):
        model = BUILDERS[name](nu, ni, sparse=a.optimizer == "sparse")
        initialise(model, train_mean)
        opts = optimizers(model, a.optimizer, hyper)
        sps, loss, epoch_seconds = train_speed(model, opts, users, items, ratings, a.epochs, a.batch, a.seed)
        pps = None if a.no_score else score_speed(model, nu, ni)
        print(json.dumps({"model": name, "optimizer": a.optimizer, "threads": torch.get_num_threads(),
                          "trainSamplesPerSecond": sps, "scorePairsPerSecond": pps, "loss": loss,
                          "epochSeconds": epoch_seconds,
                          "params": sum(p.numel() for p in model.parameters()), "arch": model.arch, "users": nu, "items": ni,
                          "epochs": a.epochs, "batch": a.batch, "hyper": {"lr": a.lr, "beta1": a.beta1, "beta2": a.beta2, "eps": a.eps},
                          "optimizers": [type(o).__name__ for o in opts], "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
