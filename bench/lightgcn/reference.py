"""PyTorch reference of deeprec's lightgcn, for the speed comparison (bench/lightgcn/bench.js).

The same network and training as configs/examples/bench-lightgcn.yaml resolves to in
deeprec: layer-0 user and item embeddings (N(0, 0.05) init, deeprec's 'normal'), K steps
of propagation over the symmetric-normalised user-item graph of the training
interactions, final embedding = mean of layers 0..K, score = dot product (He et al.
2020). The propagation is the official LightGCN code's: one sparse (users + items)
square matrix, torch.sparse.mm K times. BPR loss (mean softplus(s_uj - s_ui)) plus
l2 * (sum of squares of the batch's layer-0 user, positive and negative rows) / batch.
One uniformly drawn negative per positive per epoch, from the items the user has no
interaction with. Adam over both tables (lr, betas, eps as deeprec resolved them; the
bench passes them), shuffled batches.

Timed, as deeprec's trainSamplesPerSecond: each epoch's negative sampling, shuffle,
batches (forward with the full propagation, backward, Adam step, the loss read back),
over all epochs of a fresh model, no warm-up pass. Prints one JSON line.

Usage: /usr/bin/python3 bench/lightgcn/reference.py <u1.base> --users 943 --items 1682
       [--threads 1] [--epochs 2] [--batch 2048] [--dim 64] [--layers 3] [--l2 1e-4]
       [--lr 0.001 --beta1 0.9 --beta2 0.999 --eps 1e-7] [--seed 42]
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F


def load(path):
    users, items = [], []
    with open(path) as f:
        for line in f:
            u, i, _, _ = line.split("\t")
            users.append(int(u) - 1)
            items.append(int(i) - 1)
    return torch.tensor(users), torch.tensor(items)


def normalised_adjacency(users, items, num_users, num_items):
    n = num_users + num_items
    rows = torch.cat([users, items + num_users])
    cols = torch.cat([items + num_users, users])
    degree = torch.zeros(n).index_add_(0, rows, torch.ones(rows.numel()))
    inv = torch.where(degree > 0, degree.clamp(min=1).rsqrt(), torch.zeros(n))
    values = inv[rows] * inv[cols]
    return torch.sparse_coo_tensor(torch.stack([rows, cols]), values, (n, n)).coalesce()


class LightGCN(torch.nn.Module):
    def __init__(self, num_users, num_items, dim, layers, adjacency):
        super().__init__()
        self.num_users, self.layers, self.adjacency = num_users, layers, adjacency
        self.users = torch.nn.Parameter(torch.randn(num_users, dim) * 0.05)
        self.items = torch.nn.Parameter(torch.randn(num_items, dim) * 0.05)

    def final(self):
        x = torch.cat([self.users, self.items])
        total = x
        for _ in range(self.layers):
            x = torch.sparse.mm(self.adjacency, x)
            total = total + x
        total = total / (self.layers + 1)
        return total[: self.num_users], total[self.num_users :]


def sample_negatives(users, seen, num_items, generator):
    """One item per positive that its user has not interacted with (rejection sampling)."""
    negatives = torch.randint(num_items, (users.numel(),), generator=generator)
    bad = seen[users, negatives]
    while bad.any():
        negatives[bad] = torch.randint(num_items, (int(bad.sum()),), generator=generator)
        bad = seen[users, negatives]
    return negatives


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--items", type=int, required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=2048)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--l2", type=float, default=1e-4)
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--eps", type=float, default=1e-7)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    generator = torch.Generator().manual_seed(a.seed)
    users, items = load(a.data)
    adjacency = normalised_adjacency(users, items, a.users, a.items)
    seen = torch.zeros(a.users, a.items, dtype=torch.bool)
    seen[users, items] = True
    model = LightGCN(a.users, a.items, a.dim, a.layers, adjacency)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(a.beta1, a.beta2), eps=a.eps)
    n = users.numel()
    seconds, samples, loss_sum = 0.0, 0, 0.0
    for _ in range(a.epochs):
        started = time.perf_counter()
        negatives = sample_negatives(users, seen, a.items, generator)
        order = torch.randperm(n, generator=generator)
        loss_sum = 0.0
        for s in range(0, n, a.batch):
            idx = order[s : s + a.batch]
            u, i, j = users[idx], items[idx], negatives[idx]
            final_users, final_items = model.final()
            fu = final_users[u]
            pos = (fu * final_items[i]).sum(1)
            neg = (fu * final_items[j]).sum(1)
            penalty = model.users[u].square().sum() + model.items[i].square().sum() + model.items[j].square().sum()
            loss = F.softplus(neg - pos).mean() + a.l2 * penalty / idx.numel()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * idx.numel()
        seconds += time.perf_counter() - started
        samples += n
    params = sum(t.numel() for t in model.parameters())
    print(json.dumps({"trainSamplesPerSecond": samples / seconds, "seconds": seconds, "loss": loss_sum / n, "params": params, "torch": torch.__version__, "threads": a.threads}))


if __name__ == "__main__":
    main()
