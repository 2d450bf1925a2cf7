"""PyTorch reference of deeprec's glocalk (Han et al. 2021, GLocal-K), written from the
paper, independently of the TypeScript (which builds the kernel from |u|^2 + |v|^2 - 2 u.v
and the convolution from shifted slices; here the kernel is from u - v directly and the
convolution is torch's conv2d over the whole rating matrix): the gradient check of
packages/models/src/glocalk.test.ts and the speed comparison of bench.js.

Items' rating vectors x (items x users, missing 0). Each layer: W_eff = W * K, K_ij =
max(0, 1 - |u_i - v_j|^2); hidden layers sigmoid(h W_eff + b), output h W_eff + b.
Pre-training reconstructs x; fine-tuning reconstructs x from relu(conv2d(X, G)), G the
k x k kernel (mean over users of the reconstruction of X, one value per item) @ C * scale,
the pooled values a constant (detached; glocalk.ts recomputes them once per epoch, and
so does the bench here).
Loss: sum over observed entries of (out - x)^2 / rows + (lambda2 sum W^2 + lambdaS sum K^2) / items.

Modes:
  grad <in.json> <out.json>: loss and gradients for the weights, matrix and rows in
      in.json, and the fine-tuned network's reconstruction of every item ("scores").
  bench <u1.base> --users N --items M [--stage pre|fine|both] [--threads 1] [--epochs 2]
      [--batch 256] [--hidden 500] [--layers 2] [--dim 5] [--size 3] [--lr 0.001]
      [--lambda2 20] [--lambda-s 0.006] [--seed 42]: rows/s of the training loop (shuffle, dense batches, forward,
      backward, Adam, the loss read back) over all epochs of a fresh model
      (both: --epochs of each stage), the mean loss of the last epoch. One JSON line.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F


def local_kernel(u, v):
    return torch.clamp(1 - ((u[:, None, :] - v[None, :, :]) ** 2).sum(-1), min=0)


def local_kernel_fast(u, v):
    """The same kernel as |u|^2 + |v|^2 - 2 u.v: no [in, out, dim] tensor (the bench's form, as glocalk.ts's)."""
    return torch.clamp(1 - ((u ** 2).sum(1, keepdim=True) + (v ** 2).sum(1)[None, :] - 2 * u @ v.T), min=0)


KERNEL = [local_kernel]


def forward(layers, x):
    """layers: list of (W, u, v, b); returns the reconstruction and the kernels."""
    kernels = [KERNEL[0](u, v) for _, u, v, _ in layers]
    h = x
    for k, ((w, _, _, b), kernel) in enumerate(zip(layers, kernels)):
        h = h @ (w * kernel) + b
        if k < len(layers) - 1:
            h = torch.sigmoid(h)
    return h, kernels


def pooled_of(layers, matrix):
    with torch.no_grad():
        return forward(layers, matrix)[0].mean(1)


def convolved(pooled, conv, matrix, size, scale):
    gk = ((pooled[None, :] @ conv) * scale).reshape(1, 1, size, size)
    return torch.relu(F.conv2d(matrix[None, None], gk, padding=size // 2))[0, 0]


def loss_of(layers, conv, pooled, matrix, mask, rows, size, scale, lambda2, lambda_s):
    """pooled: None in pre-training, else the pooled reconstruction (fine-tuning)."""
    source = convolved(pooled, conv, matrix, size, scale) if pooled is not None else matrix
    out, kernels = forward(layers, source[rows])
    error = (((out - matrix[rows]) ** 2) * mask[rows]).sum() / len(rows)
    penalty = lambda2 * sum((w ** 2).sum() for w, _, _, _ in layers) + lambda_s * sum((k ** 2).sum() for k in kernels)
    return error + penalty / matrix.shape[0]


def grad_mode(in_path, out_path):
    spec = json.load(open(in_path))
    tensor = lambda name: torch.tensor(spec["weights"][name]["values"], dtype=torch.float64).reshape(spec["weights"][name]["shape"]).requires_grad_()
    w = {name: tensor(name) for name in spec["weights"]}
    layers = [(w[f"w{k}"], w[f"u{k}"], w[f"v{k}"], w[f"b{k}"]) for k in range(spec["layers"])]
    matrix = torch.tensor(spec["x"], dtype=torch.float64)
    mask = torch.tensor(spec["mask"], dtype=torch.float64)
    args = (spec["size"], spec["scale"])
    pooled = pooled_of(layers, matrix) if spec["stage"] == "fine" else None
    loss = loss_of(layers, w["conv"], pooled, matrix, mask, spec["rows"], *args, spec["lambda2"], spec["lambdaS"])
    loss.backward()
    with torch.no_grad():
        scores = forward(layers, convolved(pooled_of(layers, matrix), w["conv"], matrix, *args))[0]
    json.dump({"loss": loss.item(), "grads": {k: (t.grad if t.grad is not None else torch.zeros_like(t)).flatten().tolist() for k, t in w.items()}, "scores": scores.tolist()}, open(out_path, "w"))


def bench_mode(argv):
    p = argparse.ArgumentParser(prog="glocalk_reference.py bench")
    p.add_argument("path")
    for name, kind, default in [("users", int, 0), ("items", int, 0), ("threads", int, 1), ("epochs", int, 2), ("batch", int, 256), ("hidden", int, 500), ("layers", int, 2), ("dim", int, 5), ("size", int, 3), ("lr", float, 0.001), ("seed", int, 42)]:
        p.add_argument(f"--{name}", type=kind, default=default)
    p.add_argument("--lambda2", type=float, default=20.0)
    p.add_argument("--lambda-s", type=float, default=0.006)
    p.add_argument("--stage", choices=["pre", "fine", "both"], default="both")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    # Speed: the kernel in the faster form; the gradient check keeps the direct one.
    KERNEL[0] = local_kernel_fast
    torch.manual_seed(a.seed)
    matrix = torch.zeros(a.items, a.users)
    for line in open(a.path):
        user, item, rating = line.split("\t")[:3]
        matrix[int(item) - 1, int(user) - 1] = float(rating)
    mask = (matrix > 0).float()
    widths = [a.users] + [a.hidden] * a.layers + [a.users]
    layers = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        bound = (6 / (n_in + n_out)) ** 0.5
        layers.append(tuple(t.requires_grad_() for t in (torch.empty(n_in, n_out).uniform_(-bound, bound), torch.randn(n_in, a.dim) * 1e-3, torch.randn(n_out, a.dim) * 1e-3, torch.zeros(n_out))))
    # As glocalk.ts: the output bias starts at the training mean (the mean predictor).
    with torch.no_grad():
        layers[-1][3].fill_((matrix.sum() / mask.sum()).item())
    conv = (torch.randn(a.items, a.size * a.size) * 0.1).requires_grad_()
    layer_params = [t for layer in layers for t in layer]
    n = a.items
    seconds, samples, loss_sum = 0.0, 0, 0.0
    # both: pre-training, then fine-tuning with a fresh Adam (as deeprec's stages), --epochs each.
    for stage in (["pre", "fine"] if a.stage == "both" else [a.stage]):
        # eps 1e-7: tfjs's Adam default, as deeprec's.
        opt = torch.optim.Adam(layer_params + ([conv] if stage == "fine" else []), lr=a.lr, eps=1e-7)
        for _ in range(a.epochs):
            # As glocalk.ts: the pooled reconstruction once per epoch, a constant within it, and
            # outside the timed loop on both sides (deeprec computes it in refreshScoring).
            pooled = pooled_of(layers, matrix) if stage == "fine" else None
            started = time.perf_counter()
            loss_sum = 0.0
            order = torch.randperm(n)
            for start in range(0, n, a.batch):
                rows = order[start:start + a.batch]
                opt.zero_grad()
                loss = loss_of(layers, conv, pooled, matrix, mask, rows, a.size, 1.0, a.lambda2, a.lambda_s)
                loss.backward()
                opt.step()
                loss_sum += loss.item() * len(rows)
            seconds += time.perf_counter() - started
            samples += n
    params = layer_params + ([conv] if a.stage != "pre" else [])
    print(json.dumps({"trainRowsPerSecond": samples / seconds, "seconds": seconds, "loss": loss_sum / n, "params": sum(t.numel() for t in params), "torch": torch.__version__, "threads": a.threads}))


if __name__ == "__main__":
    if sys.argv[1] == "grad":
        grad_mode(sys.argv[2], sys.argv[3])
    else:
        bench_mode(sys.argv[2:] if sys.argv[1] == "bench" else sys.argv[1:])
