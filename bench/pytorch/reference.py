"""PyTorch reference of the DESIGN section 7 benchmark networks, for speed comparison.

Same data (ML-100k u1.base), batch size, optimizer (Adam, lr 0.001), loss (MSE) and
layer sizes as configs/examples/bench-ml100k.yaml. CPU, torch.set_num_threads(2).
Prints one JSON line per model: training samples/second (training loop only: batches,
forward, backward and the optimizer step; no start-up, no validation) and scoring
pairs/second (all users x all items, batched).

Usage: /usr/bin/python3 bench/pytorch/reference.py <u1.base> [--epochs 2] [--threads 2]
"""
import argparse
import json
import time

import torch
from torch import nn


def load(path):
    users, items, ratings = [], [], []
    with open(path) as f:
        for line in f:
            u, i, r, _ = line.split("\t")
            users.append(int(u))
            items.append(int(i))
            ratings.append(float(r))
    uid = {u: k for k, u in enumerate(sorted(set(users)))}
    iid = {i: k for k, i in enumerate(sorted(set(items)))}
    return (torch.tensor([uid[u] for u in users]), torch.tensor([iid[i] for i in items]),
            torch.tensor(ratings), len(uid), len(iid))


class NCF(nn.Module):
    def __init__(self, nu, ni, dim=32):
        super().__init__()
        self.u, self.i = nn.Embedding(nu, dim), nn.Embedding(ni, dim)
        self.mlp = nn.Sequential(nn.Linear(2 * dim, 64), nn.ReLU(), nn.Dropout(0.2),
                                 nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2),
                                 nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, u, i):
        return self.mlp(torch.cat([self.u(u), self.i(i)], 1)).squeeze(1)


class WideDeep(nn.Module):
    def __init__(self, nu, ni, dim=32):
        super().__init__()
        self.bu, self.bi = nn.Embedding(nu, 1), nn.Embedding(ni, 1)
        self.u, self.i = nn.Embedding(nu, dim), nn.Embedding(ni, dim)
        self.deep = nn.Sequential(nn.Linear(2 * dim, 64), nn.ReLU(), nn.Dropout(0.2),
                                  nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, u, i):
        wide = self.bu(u).squeeze(1) + self.bi(i).squeeze(1)
        return wide + self.deep(torch.cat([self.u(u), self.i(i)], 1)).squeeze(1)


class NeuMF(nn.Module):
    def __init__(self, nu, ni, dim=32):
        super().__init__()
        self.gu, self.gi = nn.Embedding(nu, dim), nn.Embedding(ni, dim)
        self.mu, self.mi = nn.Embedding(nu, dim), nn.Embedding(ni, dim)
        self.mlp = nn.Sequential(nn.Linear(2 * dim, 64), nn.ReLU(), nn.Dropout(0.2),
                                 nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
        self.out = nn.Linear(dim + 16, 1)

    def forward(self, u, i):
        gmf = self.gu(u) * self.gi(i)
        mlp = self.mlp(torch.cat([self.mu(u), self.mi(i)], 1))
        return self.out(torch.cat([gmf, mlp], 1)).squeeze(1)


def train_speed(model, users, items, ratings, epochs, batch):
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.MSELoss()
    model.train()
    n = len(ratings)
    seconds, samples = 0.0, 0
    g = torch.Generator().manual_seed(42)
    for _ in range(epochs):
        order = torch.randperm(n, generator=g)
        start = time.perf_counter()
        for b in range(0, n, batch):
            idx = order[b:b + batch]
            opt.zero_grad()
            loss = loss_fn(model(users[idx], items[idx]), ratings[idx])
            loss.backward()
            opt.step()
        seconds += time.perf_counter() - start
        samples += n
    return samples / seconds


def score_speed(model, nu, ni, batch=65536):
    model.eval()
    users = torch.arange(nu).repeat_interleave(ni)
    items = torch.arange(ni).repeat(nu)
    start = time.perf_counter()
    with torch.no_grad():
        for b in range(0, len(users), batch):
            model(users[b:b + batch], items[b:b + batch])
    return len(users) / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--models", default="ncf,widedeep,neumf")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    users, items, ratings, nu, ni = load(a.data)
    builders = {"ncf": NCF, "widedeep": WideDeep, "neumf": NeuMF}
    # Warm-up: the first steps of a process pay for thread-pool start-up and allocator growth.
    train_speed(NCF(nu, ni), users[:32768], items[:32768], ratings[:32768], 1, a.batch)
    for name in a.models.split(","):
        model = builders[name](nu, ni)
        train_speed(model, users[:16384], items[:16384], ratings[:16384], 1, a.batch)  # warm-up
        sps = train_speed(model, users, items, ratings, a.epochs, a.batch)
        pps = score_speed(model, nu, ni)
        print(json.dumps({"model": name, "trainSamplesPerSecond": sps, "scorePairsPerSecond": pps,
                          "params": sum(p.numel() for p in model.parameters()), "torch": torch.__version__,
                          "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
