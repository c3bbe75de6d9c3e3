#!/usr/bin/python3
"""Trains the keyword head on make_dataset.py's windows and writes head.bin.

usage: train_head.py --data /tmp/kws-data --out grammars/kws/head.bin
                     [--seed 1] [--threads 1] [training options, see --help]
       train_head.py --data /tmp/kws-data --eval head.bin   (report only)

The model (classes, in order: 0 next, 1 repeat, 2 pain, 3 stop, 4 other):
  x: the last 16 embeddings, [16, 96] (oldest first), as features.embeddings
  gives them;
  h0 = LayerNorm over each embedding's 96 values (eps 1e-5), with learned
       gamma[96], beta[96] shared by the 16;
  flatten to 1536 (embedding after embedding);
  h1 = relu(W1 h0 + b1), h2 = relu(W2 h1 + b2), logits = W3 h2 + b3;
  p = softmax(logits). Defaults: H = 128 for both hidden layers.

Training (defaults = the committed head): W1 is trained factored, as a
projection P (96 -> 32, no bias) shared by the 16 embeddings followed by a
Linear 16*32 -> 128; both are linear, so the file holds their product
W1 = Wb (I_16 (x) P), and the C head is the plain model above. Dropout 0.3
after h0 and each hidden layer; a whole embedding (after the LayerNorm)
dropped with probability 0.15; gaussian noise of 0.3 x each input value's
standard deviation (over train); mixup (alpha 0.3, the larger weight
kept >= 0.5) of window pairs and their labels; cross entropy with label
smoothing 0.05 and class weights (balanced weight)^0.5; AdamW (lr 2e-3,
weight decay 0.01, batch 512, cosine decay per step), 25 epochs.

Trained on train.npz only (dev-derived, by-voice split). The settings were
chosen on val.npz (other voices and speakers); unseen.npz (festival, an
engine never seen in training) is only reported on, never used for
choosing anything. Nothing is selected during a run (fixed epochs, no
early stopping). Seeded (torch and numpy; one thread by default): the same
data and arguments give the same head on the same torch build.

What it prints for val and unseen: per-window accuracy (argmax); per word
(a command event is detected at threshold t when one of its windows with
0.03 <= d <= 0.30 s has p(word) >= t; wrong when one has p(another
command) >= t) at t = 0.5, 0.7, 0.9; false fires per hour on the 'other'
windows (a fire: max command p >= t; a run of consecutive firing windows,
80 ms apart in one stream, is one fire), by source (word = look-alike and
frequent words, distractor, speech, narration, bed; cmd-edge = a command's
own windows before -0.2 s or after 0.7 s, reported but left out of the
total); and the lowest threshold whose false fires/hour is <= 10 and <= 3.

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
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = ["next", "repeat", "pain", "stop", "other"]
SOURCES = ["espeak", "flite", "festival", "human", "word", "distractor", "speech", "narration", "bed"]
FREE_SOURCES = ["run-speech", "run-tts", "run-echo", "run-noise", "run-mix"]  # make_dataset.py's word-free streams
SOURCES += FREE_SOURCES
MAGIC = b"FCKWSHD\0"


class Linear(nn.Linear):
    """nn.Linear computed as a 1 x 1 convolution: the same parameters and
    result, but oneDNN's convolution is ~10x faster here than the reference
    BLAS that Debian's torch links for matrix products."""

    def forward(self, x):
        return F.conv1d(x[:, :, None], self.weight[:, :, None], self.bias)[:, :, 0]


class Head(nn.Module):
    def __init__(self, context=16, dim=96, hidden=64, n_classes=5, dropout=0.2, hidden2=None):
        super().__init__()
        self.context, self.dim = context, dim
        hidden2 = hidden2 or hidden
        self.ln = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)
        self.l1 = Linear(context * dim, hidden)
        self.l2 = Linear(hidden, hidden2)
        self.l3 = Linear(hidden2, n_classes)

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
    m = Head(context, dim, dims[1], n_classes, hidden2=dims[2])

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


def concat(a, b):
    """Two load() dicts as one; b's streams renumbered after a's, so runs of
    firing windows never join across files; b's events (-1 in the word-free
    streams) must be -1 or refer to b's own split."""
    out = {}
    off = int(a["stream"].max()) + 1 if a["stream"].size else 0
    for key, v in a.items():
        w = b[key]
        if key == "stream":
            w = np.where(w >= 0, w + off, w)
        if key == "event":
            assert (w < 0).all(), "extra files may only hold word-free windows (event -1)"
        out[key] = torch.cat([v, w]) if torch.is_tensor(v) else np.concatenate([v, w])
    return out


def load(path):
    """npz -> dict of X (float32 tensor), y (int64 tensor), and numpy src, d,
    event, stream, k (the last three -1 when the file predates them)."""
    z = np.load(path)
    n = z["y"].size
    out = {"X": torch.from_numpy(z["X"].astype(np.float32)), "y": torch.from_numpy(z["y"].astype(np.int64)),
           "src": z["src"], "d": z["d"]}
    for key in ("event", "stream", "k"):
        out[key] = z[key] if key in z.files else np.full(n, -1, np.int32)
    return out


@torch.no_grad()
def predict(model, X):
    model.eval()
    return torch.cat([torch.softmax(model(X[i:i + 4096]), 1) for i in range(0, X.shape[0], 4096)])


THRESHOLDS = (0.5, 0.7, 0.9)
STEP_S = 0.08  # one decision (window) every 80 ms within a stream
NEG_SOURCES = ["word", "distractor", "speech", "narration", "bed"] + FREE_SOURCES + ["cmd-edge"]


def word_eval(p, y, d, event):
    """Per command event: the largest p(word) and the largest p(another
    command) over its windows with 0.03 <= d <= 0.30. Returns (cls, own, wrong)
    arrays, one entry per event that has such windows."""
    pos = (y < 4) & (d >= 0.03) & (d <= 0.30) & (event >= 0)
    if not pos.any():
        return np.zeros(0, int), np.zeros(0), np.zeros(0)
    ev, inv = np.unique(event[pos], return_inverse=True)
    pp, yy = p[pos], y[pos]
    own = np.zeros(ev.size)
    wrong = np.zeros(ev.size)
    cls = np.zeros(ev.size, int)
    cls[inv] = yy
    np.maximum.at(own, inv, pp[np.arange(yy.size), yy])
    other_cmd = pp[:, :4].copy()
    other_cmd[np.arange(yy.size), yy] = 0
    np.maximum.at(wrong, inv, other_cmd.max(1))
    return cls, own, wrong


def neg_source(y, src, event):
    """Index into NEG_SOURCES for each 'other' window (-1 for commands): a
    synthesized word that is not a command (festival's in unseen) is 'word';
    a command's own windows outside -0.2..0.7 s are 'cmd-edge'."""
    out = np.full(y.size, -1)
    for i, name in enumerate(NEG_SOURCES[:-1]):
        out[(y == 4) & (src == SOURCES.index(name))] = i
    cmd_events = np.unique(event[(y < 4) & (event >= 0)])
    edge = (y == 4) & (out < 0)
    is_cmd = np.isin(event, cmd_events) | (event < 0)
    out[edge & is_cmd] = len(NEG_SOURCES) - 1
    out[edge & ~is_cmd] = NEG_SOURCES.index("word")
    return out


def false_fires(p, y, src, stream, k, thr, event):
    """Fires on 'other' windows (max command p >= thr); a run of consecutive
    firing windows (same stream, k one apart) is one fire, counted for the
    source of its first window. Returns (fires per source, hours per source)."""
    ns = neg_source(y, src, event)
    other = ns >= 0
    firing = other & (p[:, :4].max(1) >= thr)
    order = np.lexsort((k, stream))
    f, st, kk = firing[order], stream[order], k[order]
    prev = np.zeros_like(f)
    prev[1:] = f[:-1] & (st[1:] == st[:-1]) & (kk[1:] == kk[:-1] + 1)
    if (stream < 0).all():  # no stream info: every firing window is a fire
        prev[:] = False
    starts = f & ~prev
    fires = np.bincount(ns[order][starts], minlength=len(NEG_SOURCES))
    hours = np.bincount(ns[other], minlength=len(NEG_SOURCES)) * STEP_S / 3600
    return fires, hours


def report(name, model, data, quiet=False):
    X, y_t, src, d = data["X"], data["y"], data["src"], data["d"]
    p_t = predict(model, X)
    pred = p_t.argmax(1)
    p, y = p_t.numpy(), y_t.numpy()
    summary = {}
    print("%s: %d windows" % (name, y.size))
    line = []
    for c, cname in enumerate(CLASSES):
        m = y_t == c
        if m.sum():
            line.append("%s %.1f%% (%d/%d)" % (cname, 100 * (pred[m] == c).float().mean(), int((pred[m] == c).sum()), int(m.sum())))
            summary["win_" + cname] = float((pred[m] == c).float().mean())
    print("  per-window accuracy (argmax): " + ", ".join(line))
    if quiet:
        return summary
    pos_all = y != 4
    for lo, hi in ((0.03, 0.15), (0.15, 0.31)):
        m = pos_all & (d >= lo) & (d < hi)
        if m.sum():
            ok = (pred.numpy()[m] == y[m]).mean()
            print("  commands, %.2f-%.2f s after the word's end: %.1f%% of %d windows" % (lo, min(hi, 0.30), 100 * ok, m.sum()))
    cls, own, wrong = word_eval(p, y, d, data["event"])
    if cls.size:
        print("  per word (%d command events; detected = a window with 0.03 <= d <= 0.30 and p(word) >= t;"
              " wrong = one with p(another command) >= t):" % cls.size)
    other = y == 4
    for thr in THRESHOLDS:
        if cls.size:
            parts = []
            dets = []
            for c in range(4):
                m = cls == c
                if m.sum():
                    det = (own[m] >= thr).mean()
                    dets.append(det)
                    parts.append("%s %.1f%% (%d/%d, wrong %d)" % (CLASSES[c], 100 * det, (own[m] >= thr).sum(), m.sum(),
                                                                   (wrong[m] >= thr).sum()))
                    summary["word_%s@%.1f" % (CLASSES[c], thr)] = float(det)
            summary["word_mean@%.1f" % thr] = float(np.mean(dets))
            summary["wrong@%.1f" % thr] = float((wrong >= thr).mean())
            print("    t=%.1f: %s; mean %.1f%%, wrong command %.1f%% of words" % (
                thr, ", ".join(parts), 100 * np.mean(dets), 100 * (wrong >= thr).mean()))
    for thr in THRESHOLDS:
        fired = p[:, :4].max(1) >= thr
        fires, hours = false_fires(p, y, src, data["stream"], data["k"], thr, data["event"])
        run = slice(0, len(NEG_SOURCES) - 1)  # running speech and noise: not a command's own windows
        tot = fires[run].sum() / max(1e-9, hours[run].sum())
        summary["ffh@%.1f" % thr] = float(tot)
        free = [NEG_SOURCES.index(n) for n in FREE_SOURCES]
        if hours[free].sum() > 0:
            summary["ffh_free@%.1f" % thr] = float(fires[free].sum() / hours[free].sum())
        for i, n in enumerate(NEG_SOURCES):
            if hours[i] > 0:
                summary["ffh_%s@%.1f" % (n, thr)] = float(fires[i] / hours[i])
        per = ["%s %.1f (%d in %.2f h)" % (n, fires[i] / hours[i], fires[i], hours[i])
               for i, n in enumerate(NEG_SOURCES) if hours[i] > 0]
        print("  t=%.1f: other windows firing %.2f%%; false fires/hour %.1f (%d in %.2f h, all but cmd-edge) [%s]" % (
            thr, 100 * (fired & other).mean() / max(1e-9, other.mean()), tot, fires[run].sum(), hours[run].sum(), ", ".join(per)))
    if cls.size:
        # operating points: the lowest threshold (0.50-0.995) whose false fires/hour is at most a target
        sweep = np.concatenate([np.arange(0.5, 0.95, 0.05), np.arange(0.95, 0.999, 0.005)])
        for target in (10.0, 3.0):
            for thr in sweep:
                fires, hours = false_fires(p, y, src, data["stream"], data["k"], thr, data["event"])
                ffh = fires[:-1].sum() / max(1e-9, hours[:-1].sum())
                if ffh <= target:
                    dets = [(own[cls == c] >= thr).mean() for c in range(4) if (cls == c).any()]
                    print("  operating point false fires/hour <= %g: t=%.3f, %.1f/h, words detected %s, mean %.1f%%" % (
                        target, thr, ffh, " ".join("%s %.1f%%" % (CLASSES[c], 100 * (own[cls == c] >= thr).mean())
                                                   for c in range(4) if (cls == c).any()), 100 * np.mean(dets)))
                    summary["op%g_t" % target] = float(thr)
                    summary["op%g_det" % target] = float(np.mean(dets))
                    break
        # matched: the threshold at which 0.2% / 0.1% of the 'other' windows
        # (cmd-edge left out) fire, and the mean per-word detection there
        ns = neg_source(y, src, data["event"])
        score = p[:, :4].max(1)[(ns >= 0) & (ns < len(NEG_SOURCES) - 1)]
        for rate in (0.002, 0.001):
            thr = float(np.quantile(score, 1 - rate))
            det = float(np.mean([(own[cls == c] >= thr).mean() for c in range(4) if (cls == c).any()]))
            fires, hours = false_fires(p, y, src, data["stream"], data["k"], thr, data["event"])
            print("  matched: %.1f%% of other windows fire at t=%.3f: words detected mean %.1f%%, %.1f false fires/hour" % (
                100 * rate, thr, 100 * det, fires[:-1].sum() / max(1e-9, hours[:-1].sum())))
            summary["matched%g_t" % (100 * rate)] = thr
            summary["matched%g_det" % (100 * rate)] = det
    return summary


class TrainHead(nn.Module):
    """What is trained: Head, optionally with the first layer factored as a
    projection shared by the 16 embeddings (96 -> proj) then Linear
    (16 proj -> hidden). Both are linear, so export() folds them into the
    file's single Linear 1536 -> hidden; the C head is unchanged."""

    def __init__(self, hidden, hidden2, dropout, proj=0, emb_drop=0.0, context=16, dim=96):
        super().__init__()
        self.context, self.dim, self.proj, self.emb_drop = context, dim, proj, emb_drop
        self.ln = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)
        if proj:
            self.p = Linear(dim, proj, bias=False)
            self.l1 = Linear(context * proj, hidden)
        else:
            self.l1 = Linear(context * dim, hidden)
        self.l2 = Linear(hidden, hidden2)
        self.l3 = Linear(hidden2, 5)

    def forward(self, x):
        h = self.ln(x)
        if self.training and self.emb_drop > 0:
            keep = (torch.rand(h.shape[0], h.shape[1], 1) >= self.emb_drop).float()
            h = h * keep  # a dropped embedding looks like LayerNorm's zero: beta
        h = self.drop(h)
        if self.proj:
            h = self.p(h.reshape(-1, self.dim)).reshape(h.shape[0], self.context, self.proj)
        h = self.drop(torch.relu(self.l1(h.flatten(1))))
        h = self.drop(torch.relu(self.l2(h)))
        return self.l3(h)

    @torch.no_grad()
    def export(self):
        m = Head(self.context, self.dim, self.l1.out_features, 5, hidden2=self.l2.out_features)
        m.ln.load_state_dict(self.ln.state_dict())
        if self.proj:
            wb = self.l1.weight.reshape(-1, self.context, self.proj)  # H x 16 x R
            m.l1.weight.copy_(torch.einsum("htr,rj->htj", wb, self.p.weight).reshape(-1, self.context * self.dim))
        else:
            m.l1.weight.copy_(self.l1.weight)
        m.l1.bias.copy_(self.l1.bias)
        m.l2.load_state_dict(self.l2.state_dict())
        m.l3.load_state_dict(self.l3.state_dict())
        return m


def subset(data, n):
    """1/n of the training events (and 1/n of the bed streams)."""
    keep = np.where(data["event"] >= 0, data["event"] % n == 0, data["stream"] % n == 0)
    idx = torch.from_numpy(np.nonzero(keep)[0])
    return {key: (v[idx] if torch.is_tensor(v) else v[idx.numpy()]) for key, v in data.items()}


def sample_weights(args, data):
    """--neg-weight SRC=W: loss weight W for the 'other' windows of source SRC
    (hard negatives, e.g. word=2 for look-alike and frequent words); 1 elsewhere."""
    w = torch.ones(data["y"].numel())
    for item in args.neg_weight:
        name, val = item.split("=")
        m = (data["y"].numpy() == 4) & (data["src"] == SOURCES.index(name))
        w[torch.from_numpy(m)] = float(val)
    return w


def train(args, data, counts=None):
    """counts: the class counts the class weights come from (default: data's;
    with --extra-train, train.npz's alone, so the extra negatives add to the
    'other' class's share of the loss rather than shift the class weights)."""
    X, y = data["X"], data["y"]
    if counts is None:
        counts = torch.bincount(y, minlength=5)
    counts = counts.float()
    sw = sample_weights(args, data) if args.neg_weight else None
    weight = (counts.sum() / (5 * counts.clamp(min=1))) ** args.cw_pow
    model = TrainHead(args.hidden, args.hidden2 or args.hidden, args.dropout, args.proj, args.emb_drop)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    steps = args.epochs * ((y.numel() + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=steps, pct_start=0.1) \
        if args.onecycle else torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    lossf = nn.CrossEntropyLoss(weight=weight, label_smoothing=args.ls, reduction="none")
    gen = torch.Generator().manual_seed(args.seed)
    std = X.std(0, keepdim=True)  # [1, 16, 96]: noise in units of each value's spread
    onehot = torch.eye(5)
    for ep in range(args.epochs):
        model.train()
        perm = torch.randperm(y.numel(), generator=gen)
        total = 0.0
        for i in range(0, y.numel(), args.batch):
            idx = perm[i:i + args.batch]
            xb, yb = X[idx], y[idx]
            if args.noise > 0:
                xb = xb + args.noise * std * torch.randn(xb.shape, generator=gen)
            if args.mixup > 0:
                lam = torch.distributions.Beta(args.mixup, args.mixup).sample((idx.numel(),)).clamp(min=0.5)
                j = torch.randperm(idx.numel(), generator=gen)
                xb = lam[:, None, None] * xb + (1 - lam[:, None, None]) * xb[j]
                logp = torch.log_softmax(model(xb), 1)
                tgt = lam[:, None] * onehot[yb] + (1 - lam[:, None]) * onehot[yb[j]]
                tgt = tgt * (1 - args.ls) + args.ls / 5
                per = -(tgt * logp * weight).sum(1)
                if sw is not None:
                    per = per * (lam * sw[idx] + (1 - lam) * sw[idx][j])
                loss = per.mean()
            else:
                per = lossf(model(xb), yb)
                loss = (per * sw[idx]).mean() if sw is not None else per.mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * idx.numel()
        if ep % 5 == 4 or ep == args.epochs - 1:
            print("epoch %d: loss %.4f" % (ep + 1, total / y.numel()), flush=True)
    return model.export()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", help="head.bin to write (required unless --eval)")
    ap.add_argument("--eval", metavar="HEAD", help="only report on an existing head.bin")
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--hidden2", type=int, default=0, help="second hidden size (0: same as --hidden)")
    ap.add_argument("--proj", type=int, default=32, help="train the first layer factored through a shared per-embedding projection of this size (0: full)")
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--emb-drop", type=float, default=0.15, help="probability of dropping a whole embedding")
    ap.add_argument("--noise", type=float, default=0.3, help="gaussian noise, in units of each input value's std")
    ap.add_argument("--mixup", type=float, default=0.3, help="mixup alpha (0: off)")
    ap.add_argument("--ls", type=float, default=0.05, help="label smoothing")
    ap.add_argument("--cw-pow", type=float, default=0.5, help="class weight = (balanced weight) ** this")
    ap.add_argument("--wd", type=float, default=1e-2)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--onecycle", type=int, default=0)
    ap.add_argument("--subset", type=int, default=1, help="train on 1/N of the training events (for comparing sizes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quiet-train", type=int, default=1, help="only per-window figures for train")
    ap.add_argument("--extra-train", action="append", default=[], metavar="NPZ",
                    help="more word-free windows for training (make_dataset.py's free_train.npz); repeatable")
    ap.add_argument("--extra-val", action="append", default=[], metavar="NPZ",
                    help="more word-free windows appended to val (free_val.npz); repeatable")
    ap.add_argument("--neg-weight", action="append", default=[], metavar="SRC=W",
                    help="loss weight of the 'other' windows of a source (e.g. word=2); repeatable")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    print("args: " + " ".join("%s=%s" % kv for kv in sorted(vars(args).items())), flush=True)

    splits = {}
    for split in ("val", "unseen"):
        path = os.path.join(args.data, split + ".npz")
        if os.path.exists(path):
            splits[split] = load(path)
    for path in args.extra_val:
        splits["val"] = concat(splits["val"], load(path))
    if args.eval:
        model = read_head(args.eval)
    else:
        if not args.out:
            raise SystemExit("--out is required")
        data = load(os.path.join(args.data, "train.npz"))
        if args.subset > 1:
            data = subset(data, args.subset)
        counts = torch.bincount(data["y"], minlength=5)
        for path in args.extra_train:
            data = concat(data, load(path))
        print("train: %d windows, classes %s" % (data["y"].numel(), np.bincount(data["y"].numpy(), minlength=5).tolist()))
        t0 = time.time()
        model = train(args, data, counts)
        print("trained in %.0f s" % (time.time() - t0))
        report("train", model, data, quiet=bool(args.quiet_train))
    out = {}
    for split, dv in splits.items():
        out[split] = report(split + (" (held-out engine: festival)" if split == "unseen" else " (other voices and speakers)"), model, dv)
    print("SUMMARY " + json.dumps(out))
    if args.eval:
        return
    write_head(model, args.out)
    back = read_head(args.out)
    d = (predict(back, data["X"][:512]) - predict(model, data["X"][:512])).abs().max().item()
    print("wrote %s (%d bytes); reloaded, max |p diff| on 512 windows = %.2g" % (args.out, os.path.getsize(args.out), d))


if __name__ == "__main__":
    main()
