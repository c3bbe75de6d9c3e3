#!/usr/bin/python3
"""Makes the reference for tests/recog/test_kws_head.c, once; the output is
committed beside this script. Needs numpy only (no torch, no trained head).

usage: make_head_ref.py   (writes into the folder it lives in)

Writes:
  head_small.bin  a small random head (numpy seed 10) in the exact head.bin
                  format, version 1, of training/train_head.py's docstring:
                  context 16, emb_dim 96, dims 1536, 8, 8, 5, ln_eps the
                  float32 of 1e-5 (nn.LayerNorm's default, as train_head.py
                  writes it);
  head_input.raw  one input, 16 x 96 float32, little-endian, oldest
                  embedding first, on the scale of real embeddings (values
                  of tens, a per-embedding offset, so LayerNorm matters);
  head_ref.txt    one line of 5 probabilities, the model's output.

The reference is train_head.py's Head.forward in eval mode (no dropout)
followed by softmax, in float64 from the float32 values as stored in the
files (read back from the bytes): LayerNorm over each embedding's 96 values
(mean, biased variance, (x - mean) / sqrt(var + eps) * gamma + beta, as
torch's LayerNorm), flatten embedding after embedding, relu(W1 h + b1),
relu(W2 h + b2), W3 h + b3, softmax.
"""
import os
import struct

import numpy as np

MAGIC = b"FCKWSHD\0"
VERSION = 1
CONTEXT = 16
EMB_DIM = 96
HIDDEN = 8
N_CLASSES = 5
SEED = 10


def f32(a):
    return np.asarray(a, dtype="<f4")


def make_head(rng):
    """The parameters as float32, scaled so that the softmax is not saturated."""
    dims = [CONTEXT * EMB_DIM, HIDDEN, HIDDEN, N_CLASSES]
    gamma = f32(1.0 + 0.2 * rng.standard_normal(EMB_DIM))
    beta = f32(0.1 * rng.standard_normal(EMB_DIM))
    layers = []
    for i, o in zip(dims[:-1], dims[1:]):
        gain = 2.0 if o == N_CLASSES else np.sqrt(2.0)
        w = f32(gain / np.sqrt(i) * rng.standard_normal((o, i)))
        b = f32(0.1 * rng.standard_normal(o))
        layers.append((w, b))
    return dims, float(np.float32(1e-5)), gamma, beta, layers


def write_head(path, dims, eps, gamma, beta, layers):
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<5I", VERSION, CONTEXT, EMB_DIM, N_CLASSES, len(layers)))
        f.write(struct.pack("<%dI" % len(dims), *dims))
        f.write(struct.pack("<f", eps))
        f.write(gamma.tobytes())
        f.write(beta.tobytes())
        for w, b in layers:
            f.write(w.tobytes())
            f.write(b.tobytes())


def read_head(path):
    """head.bin -> float64 parameters, from the bytes (checks the writer too)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == MAGIC
    version, context, dim, n_classes, n_layers = struct.unpack_from("<5I", data, 8)
    assert (version, context, dim, n_classes, n_layers) == (VERSION, CONTEXT, EMB_DIM, N_CLASSES, 3)
    off = 28
    dims = struct.unpack_from("<%dI" % (n_layers + 1), data, off)
    off += 4 * (n_layers + 1)
    (eps,) = struct.unpack_from("<f", data, off)
    off += 4

    def take(n):
        nonlocal off
        a = np.frombuffer(data, "<f4", n, off).astype(np.float64)
        off += 4 * n
        return a

    gamma, beta = take(dim), take(dim)
    layers = [(take(i * o).reshape(o, i), take(o)) for i, o in zip(dims[:-1], dims[1:])]
    assert off == len(data)
    return float(eps), gamma, beta, layers


def forward(x, eps, gamma, beta, layers):
    """train_head.Head.forward (eval) + softmax, float64; x is [context, emb_dim]."""
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    h = ((x - mean) / np.sqrt(var + eps) * gamma + beta).reshape(-1)
    for k, (w, b) in enumerate(layers):
        h = w @ h + b
        if k < len(layers) - 1:
            h = np.maximum(h, 0.0)
    e = np.exp(h - h.max())
    return e / e.sum()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(SEED)
    write_head(os.path.join(here, "head_small.bin"), *make_head(rng))
    offset = 10.0 * rng.standard_normal((CONTEXT, 1))
    x = f32(offset + 15.0 * rng.standard_normal((CONTEXT, EMB_DIM)))
    with open(os.path.join(here, "head_input.raw"), "wb") as f:
        f.write(x.tobytes())
    x64 = np.fromfile(os.path.join(here, "head_input.raw"), "<f4").astype(np.float64)
    p = forward(x64.reshape(CONTEXT, EMB_DIM), *read_head(os.path.join(here, "head_small.bin")))
    with open(os.path.join(here, "head_ref.txt"), "w") as f:
        f.write(" ".join("%.17g" % v for v in p) + "\n")
    print("probabilities:", " ".join("%.6f" % v for v in p))


if __name__ == "__main__":
    main()
