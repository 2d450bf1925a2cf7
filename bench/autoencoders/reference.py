"""PyTorch reference of deeprec's autoencoders (autorec, multdae, multvae), written from
the papers, independently of the TypeScript: the gradient check of the tests and the
speed comparison of bench/autoencoders/bench.js.

AutoRec (Sedhain et al. 2015), I-AutoRec: h = sigmoid(x V + mu), out = h W^T + b, loss =
sum over observed entries of (out - x)^2 / rows in the batch + l2 * (|V|^2 + |W|^2).
Mult-DAE / Mult-VAE (Liang et al. 2018): x L2-normalised, input dropout, tanh encoder,
(VAE: mean and log-variance, z = mean + exp(logvar / 2) eps), tanh decoder, logits =
code T^T + c; loss = -sum(log_softmax(logits) * x) / rows + beta * KL / rows + l2 * sum of
squared kernels (and T).

Modes:
  grad <in.json> <out.json>: the loss and every weight's gradient for the weights, rows,
      noise and dropout masks given in in.json (no randomness of its own).
  bench <u1.base> --model autorec|multdae|multvae --users N --items M [--threads 1]
      [--epochs 2] [--batch 256] [--hidden 500] [--layers 600,200] [--dropout 0.5]
      [--l2 0] [--lr 0.001 --beta1 0.9 --beta2 0.999 --eps 1e-7] [--anneal-cap 0.2
      --anneal-steps 200000] [--seed 42]: rows/s of the training loop (shuffle, dense
      batches gathered from the dense matrix, forward, backward, Adam, the loss read back),
      over all epochs of a fresh model. Prints one JSON line.
"""
import argparse
import json
import sys
import time

import torch


def autorec_loss(w, x, mask, l2):
    h = torch.sigmoid(x @ w["encoder"] + w["encoder_bias"])
    out = h @ w["decoder"].T + w["decoder_bias"].reshape(1, -1)
    loss = ((out - x) ** 2 * mask).sum() / x.shape[0]
    return loss + l2 * ((w["encoder"] ** 2).sum() + (w["decoder"] ** 2).sum())


def mult_loss(w, x, enc, dec, keep, noise, beta, l2, variational, dropout):
    """enc, dec: lists of (kernel, bias) names; keep: the input dropout mask (1 kept) or None; noise: eps or None."""
    h = x / x.norm(dim=1, keepdim=True).clamp(min=1e-12)
    if keep is not None:
        h = h * keep / (1 - dropout)
    for k, (kernel, bias) in enumerate(enc):
        h = h @ w[kernel] + w[bias]
        if not (variational and k == len(enc) - 1):
            h = torch.tanh(h)
    if variational:
        latent = h.shape[1] // 2
        mean, logvar = h[:, :latent], h[:, latent:]
        z = mean + torch.exp(0.5 * logvar) * noise if noise is not None else mean
    else:
        z = h
    for kernel, bias in dec:
        z = torch.tanh(z @ w[kernel] + w[bias])
    logits = z @ w["output"].T + w["output_bias"].reshape(1, -1)
    loss = -(torch.log_softmax(logits, 1) * x).sum() / x.shape[0]
    if variational:
        kl = 0.5 * (torch.exp(logvar) + mean ** 2 - 1 - logvar).sum() / x.shape[0]
        loss = loss + beta * kl
    kernels = [w[k] for k, _ in enc] + [w[k] for k, _ in dec] + [w["output"]]
    return loss + l2 * sum((t ** 2).sum() for t in kernels)


def grad_mode(in_path, out_path):
    spec = json.load(open(in_path))
    w = {k: torch.tensor(v["values"], dtype=torch.float64).reshape(v["shape"]).requires_grad_() for k, v in spec["weights"].items()}
    x = torch.tensor(spec["x"], dtype=torch.float64)
    if spec["model"] == "autorec":
        loss = autorec_loss(w, x, torch.tensor(spec["mask"], dtype=torch.float64), spec["l2"])
    else:
        keep = torch.tensor(spec["keep"], dtype=torch.float64) if spec.get("keep") is not None else None
        noise = torch.tensor(spec["noise"], dtype=torch.float64) if spec.get("noise") is not None else None
        loss = mult_loss(w, x, spec["encoder"], spec["decoder"], keep, noise, spec["beta"], spec["l2"], spec["model"] == "multvae", spec["dropout"])
    loss.backward()
    json.dump({"loss": loss.item(), "grads": {k: t.grad.flatten().tolist() for k, t in w.items()}}, open(out_path, "w"))


def load_rows(path, side, users, items):
    """The rows (user rows, or item rows for I-AutoRec) as one dense tensor of ratings: a batch is then
    an index_select, cheaper than deeprec's dense batches built from sparse rows (this torch has no
    index_select on sparse CSR); on ML-100k the matrix is 6 MB."""
    r, c, v = [], [], []
    with open(path) as f:
        for line in f:
            u, i, rating, _ = line.split("\t")
            row, col = (int(u) - 1, int(i) - 1) if side == "user" else (int(i) - 1, int(u) - 1)
            r.append(row)
            c.append(col)
            v.append(float(rating))
    shape = (users, items) if side == "user" else (items, users)
    return torch.sparse_coo_tensor(torch.tensor([r, c]), torch.tensor(v), shape).coalesce().to_dense()


def bench_mode(argv):
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--model", required=True)
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--items", type=int, required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--hidden", type=int, default=500)
    p.add_argument("--layers", default="600,200")
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--l2", type=float, default=0.0)
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--eps", type=float, default=1e-7)
    p.add_argument("--anneal-cap", type=float, default=0.2)
    p.add_argument("--anneal-steps", type=int, default=200000)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    side = "item" if a.model == "autorec" else "user"
    rows = load_rows(a.data, side, a.users, a.items)
    n, width = rows.shape
    glorot = lambda fan_in, fan_out: ((torch.rand(fan_in, fan_out) * 2 - 1) * (6 / (fan_in + fan_out)) ** 0.5).requires_grad_()
    zeros = lambda size: torch.zeros(size, requires_grad=True)
    w, enc, dec = {}, [], []
    if a.model == "autorec":
        w = {"encoder": glorot(width, a.hidden), "encoder_bias": zeros(a.hidden), "decoder": glorot(width, a.hidden)}
        # deeprec starts the output bias at the mean training rating (the mean predictor)
        w["decoder_bias"] = torch.full((width,), float(rows.sum() / (rows != 0).sum()), requires_grad=True)
    else:
        widths = [int(s) for s in a.layers.split(",")]
        variational = a.model == "multvae"
        for k, size in enumerate(widths):
            out = 2 * size if variational and k == len(widths) - 1 else size
            w[f"e{k}"], w[f"eb{k}"] = glorot(width if k == 0 else widths[k - 1], out), zeros(out)
            enc.append((f"e{k}", f"eb{k}"))
        back = widths[:-1][::-1]
        for k, size in enumerate(back):
            w[f"d{k}"], w[f"db{k}"] = glorot(widths[-1] if k == 0 else back[k - 1], size), zeros(size)
            dec.append((f"d{k}", f"db{k}"))
        code = back[-1] if back else widths[-1]
        w["output"], w["output_bias"] = glorot(width, code), zeros(width)
    optimizer = torch.optim.Adam(list(w.values()), lr=a.lr, betas=(a.beta1, a.beta2), eps=a.eps)
    seconds, samples, steps, loss_sum = 0.0, 0, 0, 0.0
    for _ in range(a.epochs):
        started = time.perf_counter()
        order = torch.randperm(n)
        loss_sum = 0.0
        for s in range(0, n, a.batch):
            idx = order[s : s + a.batch]
            x = torch.index_select(rows, 0, idx)
            if a.model == "autorec":
                loss = autorec_loss(w, x, (x != 0).float(), a.l2)
            else:
                x = (x > 0).float()
                keep = (torch.rand_like(x) >= a.dropout).float() if a.dropout > 0 else None
                latent = int(a.layers.split(",")[-1])
                noise = torch.randn(x.shape[0], latent) if a.model == "multvae" else None
                beta = min(a.anneal_cap, steps / a.anneal_steps if a.anneal_steps > 0 else a.anneal_cap)
                loss = mult_loss(w, x, enc, dec, keep, noise, beta, a.l2, a.model == "multvae", a.dropout)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            steps += 1
            loss_sum += loss.item() * idx.numel()
        seconds += time.perf_counter() - started
        samples += n
    params = sum(t.numel() for t in w.values())
    print(json.dumps({"trainRowsPerSecond": samples / seconds, "seconds": seconds, "loss": loss_sum / n, "params": params, "torch": torch.__version__, "threads": a.threads}))


if __name__ == "__main__":
    if sys.argv[1] == "grad":
        grad_mode(sys.argv[2], sys.argv[3])
    else:
        bench_mode(sys.argv[2:] if sys.argv[1] == "bench" else sys.argv[1:])
