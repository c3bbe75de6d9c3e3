#!/usr/bin/python3
"""Trains the keyword head on make_dataset.py's windows and writes head.bin.

usage: train_head.py --data /tmp/kws-data --out grammars/kws/head.bin
                     [--epochs 30] [--hidden 64] [--seed 1]

The model (classes, in order: 0 next, 1 repeat, 2 pain, 3 stop, 4 other):
  x: the last 16 embeddings, [16, 96] (oldest first), as features.embeddings
  gives them;
  h0 = LayerNorm over each embedding's 96 values (eps 1e-5), with learned
       gamma[96], beta[96] shared by the 16;
  flatten to 1536 (embedding after embedding);
  h1 = relu(W1 h0 + b1), h2 = relu(W2 h1 + b2), logits = W3 h2 + b3;
  p = softmax(logits). Dropout 0.2 (training only) after h0 and each hidden.

Trained with AdamW on train.npz only (dev-derived, by-voice split); val.npz
(other voices and speakers) and unseen.npz (festival, an engine never seen
in training) are only reported on, never used for choosing anything: the
number of epochs is fixed. Seeded (torch and numpy): the same data and
arguments give the same head on the same torch build.

head.bin, version 1 (little-endian):
  "FCKWSHD\\0" (8 bytes)
  uint32 version = 1
  uint32 context = 16       embeddings per input
  uint32 emb_dim = 96
  uint32 n_classes = 5      (next, repeat, pain, stop, other)
  uint32 n_layers = 3       linear layers
  uint32 dims[n_layers + 1] = 1536, H, H, 5
  float32 ln_eps
  float32 ln_gamma[96], ln_beta[96]
  per layer l: float32 W[dims[l+1]][dims[l]] (row-major, out x in),
               float32 b[dims[l+1]]
  nothing after. ReLU between layers, none after the last; softmax at the end.
"""
import argparse
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

CLASSES = ["next", "repeat", "pain", "stop", "other"]
SOURCES = ["espeak", "flite", "festival", "human", "word", "distractor", "speech", "narration", "bed"]
MAGIC = b"FCKWSHD\0"


class Head(nn.Module):
    def __init__(self, context=16, dim=96, hidden=64, n_classes=5, dropout=0.2):
        super().__init__()
        self.context, self.dim = context, dim
        self.ln = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)
        self.l1 = nn.Linear(context * dim, hidden)
        self.l2 = nn.Linear(hidden, hidden)
        self.l3 = nn.Linear(hidden, n_classes)

    def forward(self, x):
        h = self.drop(self.ln(x).flatten(1))
        h = self.drop(torch.relu(self.l1(h)))
        h = self.drop(torch.relu(self.l2(h)))
        return self.l3(h)


def write_head(model, path):
    layers = [model.l1, model.l2, model.l3]
    dims = [layers[0].in_features] + [l.out_features for l in layers]
    with open(path + ".tmp", "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<5I", 1, model.context, model.dim, dims[-1], len(layers)))
        f.write(struct.pack("<%dI" % len(dims), *dims))
        f.write(struct.pack("<f", model.ln.eps))
        for t in (model.ln.weight, model.ln.bias):
            f.write(t.detach().numpy().astype("<f4").tobytes())
        for l in layers:
            f.write(l.weight.detach().numpy().astype("<f4").tobytes())
            f.write(l.bias.detach().numpy().astype("<f4").tobytes())
    os.replace(path + ".tmp", path)


def read_head(path):
    """head.bin -> Head (to check the file round-trips)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == MAGIC
    version, context, dim, n_classes, n_layers = struct.unpack_from("<5I", data, 8)
    assert version == 1 and n_layers == 3
    off = 28
    dims = struct.unpack_from("<%dI" % (n_layers + 1), data, off)
    off += 4 * (n_layers + 1)
    (eps,) = struct.unpack_from("<f", data, off)
    off += 4
    m = Head(context, dim, dims[1], n_classes)

    def take(n):
        nonlocal off
        a = np.frombuffer(data, "<f4", n, off).copy()
        off += 4 * n
        return torch.from_numpy(a)

    with torch.no_grad():
        m.ln.eps = eps
        m.ln.weight.copy_(take(dim))
        m.ln.bias.copy_(take(dim))
        for l, (i, o) in zip([m.l1, m.l2, m.l3], zip(dims[:-1], dims[1:])):
            l.weight.copy_(take(i * o).reshape(o, i))
            l.bias.copy_(take(o))
    assert off == len(data)
    return m


def load(path):
    z = np.load(path)
    return torch.from_numpy(z["X"].astype(np.float32)), torch.from_numpy(z["y"].astype(np.int64)), z["src"], z["d"]


@torch.no_grad()
def predict(model, X):
    model.eval()
    return torch.cat([torch.softmax(model(X[i:i + 4096]), 1) for i in range(0, X.shape[0], 4096)])


def report(name, model, X, y, src, d):
    p = predict(model, X)
    pred = p.argmax(1)
    print("%s: %d windows" % (name, y.numel()))
    line = []
    for c, cname in enumerate(CLASSES):
        m = y == c
        if m.sum():
            line.append("%s %.1f%% (%d/%d)" % (cname, 100 * (pred[m] == c).float().mean(), int((pred[m] == c).sum()), int(m.sum())))
    print("  per-class accuracy (argmax): " + ", ".join(line))
    pos_all = (y != 4).numpy()
    for lo, hi in ((0.03, 0.15), (0.15, 0.31)):
        m = pos_all & (d >= lo) & (d < hi)
        if m.sum():
            ok = (pred.numpy()[m] == y.numpy()[m]).mean()
            print("  commands, %.2f-%.2f s after the word's end: %.1f%% of %d windows" % (lo, min(hi, 0.30), 100 * ok, m.sum()))
    other = (y == 4).numpy()
    for thr in (0.5, 0.9):
        fired = (p[:, :4].max(1).values >= thr).numpy()
        pos = ~other
        hit = (fired & pos & (p[:, :4].argmax(1) == y).numpy()).sum()
        wrong = (fired & pos & (p[:, :4].argmax(1) != y).numpy()).sum()
        s = "  p>=%.1f: command windows caught %.1f%%, wrong command %.1f%%; other windows firing %.2f%%" % (
            thr, 100 * hit / max(1, pos.sum()), 100 * wrong / max(1, pos.sum()), 100 * (fired & other).sum() / max(1, other.sum()))
        per = []
        for s_i, sname in enumerate(SOURCES):
            m = other & (src == s_i)
            if m.sum():
                per.append("%s %.2f%% of %d" % (sname, 100 * fired[m].mean(), m.sum()))
        print(s + " [" + ", ".join(per) + "]")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--wd", type=float, default=1e-2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    X, y, src, dtrain = load(os.path.join(args.data, "train.npz"))
    print("train: %d windows, classes %s" % (y.numel(), np.bincount(y.numpy(), minlength=5).tolist()))
    counts = torch.bincount(y, minlength=5).float()
    weight = (counts.sum() / (5 * counts.clamp(min=1))) ** 0.5  # soften the imbalance
    model = Head(hidden=args.hidden, dropout=args.dropout)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=args.wd)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.epochs)
    lossf = nn.CrossEntropyLoss(weight=weight, label_smoothing=0.05)
    gen = torch.Generator().manual_seed(args.seed)
    for ep in range(args.epochs):
        model.train()
        perm = torch.randperm(y.numel(), generator=gen)
        total = 0.0
        for i in range(0, y.numel(), 256):
            idx = perm[i:i + 256]
            xb = X[idx] + 0.05 * torch.randn(X[idx].shape, generator=gen)
            loss = lossf(model(xb), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * idx.numel()
        sched.step()
        if ep % 5 == 4 or ep == args.epochs - 1:
            print("epoch %d: loss %.4f" % (ep + 1, total / y.numel()), flush=True)

    report("train", model, X, y, src, dtrain)
    for split in ("val", "unseen"):
        path = os.path.join(args.data, split + ".npz")
        if os.path.exists(path):
            Xv, yv, sv, dv = load(path)
            report(split + (" (held-out engine: festival)" if split == "unseen" else " (other voices and speakers)"), model, Xv, yv, sv, dv)
    write_head(model, args.out)
    back = read_head(args.out)
    d = (predict(back, X[:512]) - predict(model, X[:512])).abs().max().item()
    print("wrote %s (%d bytes); reloaded, max |p diff| on 512 windows = %.2g" % (args.out, os.path.getsize(args.out), d))


if __name__ == "__main__":
    main()
