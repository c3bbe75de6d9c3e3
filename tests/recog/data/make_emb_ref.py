#!/usr/bin/python3
"""Makes the reference for tests/recog/test_kws_embed.c, once; the output is
committed beside this script.

usage: make_emb_ref.py EMBEDDING_MODEL.onnx   (from grammars/kws after make deps)

Two windows of 76 mel frames x 32 bins go through the model:
  A  the frames of mel_ref.txt (this folder; 57 frames of a chirp in noise)
     repeated from the start until there are 76: frame t is row t % 57;
  B  a synthetic window, written here as emb_input.raw (76 x 32 float32,
     little-endian, frame after frame): a quiet floor near -1.5 with a
     louder band-limited "word" over frames 20-50, plus Gaussian noise
     (numpy seed 11), so the activations cross LeakyRelu's knee and the
     -0.4 floor, as speech does.
Writes emb_ref.txt: two lines (A, then B) of 96 values.

The model runs in float64 straight from the ONNX initializers, node by node
in the graph's own order (Reshape, Conv, LeakyRelu, Max, MaxPool), not
through kws-frontend.bin or a layer table, so the converter and the C
code's table are checked too. Debian's python3-onnx 1.12 has no reference
runtime, hence this small interpreter.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

FRAMES = 76
BINS = 32


def conv(x, w, b, pads):
    """ONNX Conv, stride 1, no dilation, one group; x is C x H x W."""
    top, left, bottom, right = pads
    x = np.pad(x, ((0, 0), (top, bottom), (left, right)))
    och, _, kh, kw = w.shape
    oh, ow = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    y = np.zeros((och, oh, ow))
    for ky in range(kh):
        for kx in range(kw):
            y += np.einsum("oc,chw->ohw", w[:, :, ky, kx], x[:, ky:ky + oh, kx:kx + ow])
    return y if b is None else y + b[:, None, None]


def maxpool(x, kh, kw):
    c, h, w = x.shape
    h, w = h // kh, w // kw
    return x[:, :h * kh, :w * kw].reshape(c, h, kh, w, kw).max(axis=(2, 4))


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def run(graph, inits, window):
    """The embedding of one window (FRAMES x BINS)."""
    vals = {graph.input[0].name: window.astype(np.float32).astype(np.float64)[None, :, :, None]}
    for n in graph.node:
        a = attrs(n)
        x = vals[n.input[0]]
        if n.op_type == "Reshape":
            y = x.reshape([int(d) for d in inits[n.input[1]]])
        elif n.op_type == "Conv":
            assert a.get("strides", [1, 1]) == [1, 1] and a.get("group", 1) == 1
            assert a.get("dilations", [1, 1]) == [1, 1]
            w = inits[n.input[1]]
            b = inits[n.input[2]] if len(n.input) > 2 else None
            # ONNX pads are [top, left, bottom, right]
            y = conv(x[0], w, b, a.get("pads", [0, 0, 0, 0]))[None]
        elif n.op_type == "LeakyRelu":
            y = np.where(x >= 0, x, a["alpha"] * x)
        elif n.op_type == "Max":
            y = np.maximum(x, inits[n.input[1]])
        elif n.op_type == "MaxPool":
            assert a["kernel_shape"] == a["strides"] and a.get("pads", [0] * 4) == [0] * 4
            y = maxpool(x[0], *a["kernel_shape"])[None]
        else:
            raise SystemExit("unexpected node %s" % n.op_type)
        vals[n.output[0]] = y
    return vals[graph.output[0].name].reshape(-1)


def synthetic():
    rng = np.random.default_rng(11)
    t = np.arange(FRAMES)[:, None]
    f = np.arange(BINS)[None, :]
    word = (t >= 20) & (t < 50)
    shape = 3.0 * np.exp(-((f - 10) / 6.0) ** 2) + 1.5 * np.exp(-((f - 22) / 4.0) ** 2)
    x = -1.5 + word * shape * (0.6 + 0.4 * np.sin(t / 3.0)) + rng.normal(0, 0.4, (FRAMES, BINS))
    return x.astype(np.float32)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    g = onnx.load(sys.argv[1]).graph
    inits = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in g.initializer}
    mel = np.loadtxt(os.path.join(here, "mel_ref.txt"), dtype=np.float32)
    a = mel[np.arange(FRAMES) % mel.shape[0]]
    b = synthetic()
    b.astype("<f4").tofile(os.path.join(here, "emb_input.raw"))
    refs = [run(g, inits, w) for w in (a, b)]
    np.savetxt(os.path.join(here, "emb_ref.txt"), np.stack(refs), fmt="%.9g")
    for name, r in zip("AB", refs):
        print("%s: embedding from %.3f to %.3f" % (name, r.min(), r.max()))


if __name__ == "__main__":
    main()
