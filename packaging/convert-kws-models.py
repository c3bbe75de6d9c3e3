#!/usr/bin/python3
"""Converts openWakeWord's melspectrogram.onnx and embedding_model.onnx into
kws-frontend.bin, the one weight file floorcoach's C code reads
(src/recog/kws_frontend.c). Run once at set-up by packaging/fetch-models.sh,
after the sha256 check; needs Debian's python3-onnx and python3-numpy.

usage: convert-kws-models.py MELSPECTROGRAM.onnx EMBEDDING_MODEL.onnx OUT.bin

Before writing anything it checks that both graphs are exactly the ones the
C code implements (op sequence, strides, pads, constants, shapes) and fails
naming the first difference, so a different model can never be converted
into a file that loads but computes something else.

File format (version 1), all integers uint32 little-endian, all data IEEE
float32 little-endian:

    offset 0   magic      8 bytes, "FCKWSFE" followed by one NUL byte
    offset 8   version    1
    offset 12  n_tensors  number of tensors that follow (42 in version 1)
    then n_tensors records, back to back:
        name_len   bytes of the name, 1..63
        name       ASCII, no NUL, padded with NUL bytes to a multiple of 4
                   (so every record, and every data block, starts 4-aligned)
        ndim       1..4
        dims       ndim values, each >= 1
        data       prod(dims) float32 values, row-major (C order), exactly
                   the ONNX initializer's layout
    the file ends right after the last record (no trailing bytes).

Tensors, in this order (ONNX initializer in brackets):

    mel.stft_real    257 x 1 x 512  [0.stft.conv_real.weight] real STFT kernels
    mel.stft_imag    257 x 1 x 512  [0.stft.conv_imag.weight] imaginary ones
    mel.filterbank   257 x 32       [1.melW] power spectrum to mel bins
    emb.convNN.weight  O x I x KH x KW (OIHW), NN = 00..19, each followed by
    emb.convNN.bias    O                (every conv but conv19, which has none)

KH runs along time (mel frames), KW along the 32 mel bins. The embedding's
layer list (pads, pooling, activations) is EMBEDDING_LAYERS below, also
written out in grammars/README.md.
"""
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper

MAGIC = b"FCKWSFE\0"
VERSION = 1
NAME_MAX = 63

# melspectrogram: the constants the C code hard-codes (kws_frontend.c).
MEL_BINS = 32
FFT_BINS = 257
WINDOW = 512
HOP = 160
LOG_FLOOR = 1e-10
TOP_DB = 80.0

# embedding_model, layer by layer: (out channels, kernel h, kernel w,
# pads [top, left, bottom, right], bias?) for each conv, and "pool h w"
# for each MaxPool (stride = kernel). Every conv but the last is followed
# by LeakyRelu(0.2) and Max(x, -0.4).
EMBEDDING_LAYERS = [
    (24, 3, 3, [0, 1, 0, 1], True),
    (24, 1, 3, [0, 1, 0, 1], True),
    (24, 3, 1, [0, 0, 0, 0], True),
    ("pool", 2, 2),
    (48, 1, 3, [0, 1, 0, 1], True),
    (48, 3, 1, [0, 0, 0, 0], True),
    (48, 1, 3, [0, 1, 0, 1], True),
    (48, 3, 1, [0, 0, 0, 0], True),
    ("pool", 1, 2),
    (72, 1, 3, [0, 1, 0, 1], True),
    (72, 3, 1, [0, 0, 0, 0], True),
    (72, 1, 3, [0, 1, 0, 1], True),
    (72, 3, 1, [0, 0, 0, 0], True),
    ("pool", 2, 2),
    (96, 1, 3, [0, 1, 0, 1], True),
    (96, 3, 1, [0, 0, 0, 0], True),
    (96, 1, 3, [0, 1, 0, 1], True),
    (96, 3, 1, [0, 0, 0, 0], True),
    ("pool", 1, 2),
    (96, 1, 3, [0, 1, 0, 1], True),
    (96, 3, 1, [0, 0, 0, 0], True),
    (96, 1, 3, [0, 1, 0, 1], True),
    (96, 3, 1, [0, 0, 0, 0], True),
    ("pool", 2, 2),
    (96, 3, 1, [0, 0, 0, 0], False),
]
LEAKY_ALPHA = 0.2
ACT_FLOOR = -0.4


class Mismatch(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Mismatch(what)


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def scalar_of(graph, inits, name):
    """The value of a scalar that is an initializer or a Constant's output."""
    if name in inits:
        return float(inits[name].ravel()[0])
    for n in graph.node:
        if n.op_type == "Constant" and n.output[0] == name:
            return float(numpy_helper.to_array(attrs(n)["value"]).ravel()[0])
    raise Mismatch("no constant named %s" % name)


def close(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def mel_tensors(path):
    m = onnx.load(path)
    g = m.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    ops = [n.op_type for n in g.node if n.op_type != "Constant"]
    expect(ops == ["Unsqueeze", "Conv", "Conv", "Unsqueeze", "Transpose", "Unsqueeze",
                   "Transpose", "Pow", "Pow", "Add", "MatMul", "Clip", "Log", "Mul", "Div",
                   "Sub", "ReduceMax", "Sub", "Cast", "Clip"], "%s: op sequence %s" % (path, ops))
    nodes = {n.op_type + str(i): n for i, n in enumerate(x for x in g.node if x.op_type != "Constant")}
    for key in ("Conv1", "Conv2"):
        a = attrs(nodes[key])
        expect(a.get("strides") == [HOP] and a.get("kernel_shape") == [WINDOW] and
               a.get("pads", [0, 0]) == [0, 0] and a.get("group", 1) == 1 and
               a.get("dilations", [1]) == [1] and len(nodes[key].input) == 2,
               "%s: %s attributes %s" % (path, key, a))
    real = inits[nodes["Conv1"].input[1]]
    imag = inits[nodes["Conv2"].input[1]]
    melw = inits[nodes["MatMul10"].input[1]]
    expect(real.shape == (FFT_BINS, 1, WINDOW) and imag.shape == real.shape,
           "%s: STFT kernels %s %s" % (path, real.shape, imag.shape))
    expect(melw.shape == (FFT_BINS, MEL_BINS), "%s: filterbank %s" % (path, melw.shape))
    expect(close(scalar_of(g, inits, nodes["Pow7"].input[1]), 2.0) and
           close(scalar_of(g, inits, nodes["Pow8"].input[1]), 2.0), "%s: Pow exponents" % path)
    expect(close(scalar_of(g, inits, nodes["Clip11"].input[1]), LOG_FLOOR) and
           scalar_of(g, inits, nodes["Clip11"].input[2]) == float("inf"), "%s: log floor" % path)
    expect(close(scalar_of(g, inits, nodes["Mul13"].input[1]), 10.0) and
           close(scalar_of(g, inits, nodes["Div14"].input[1]), float(np.log(10.0))) and
           scalar_of(g, inits, nodes["Sub15"].input[1]) == 0.0, "%s: dB scaling" % path)
    expect(attrs(nodes["ReduceMax16"]).get("keepdims") == 0 and
           "axes" not in attrs(nodes["ReduceMax16"]), "%s: ReduceMax is not over the whole call" % path)
    expect(close(scalar_of(g, inits, nodes["Sub17"].input[1]), TOP_DB), "%s: top_db" % path)
    return [("mel.stft_real", real), ("mel.stft_imag", imag), ("mel.filterbank", melw)]


def check_activation(path, nodes, i, inits, g):
    expect(i + 1 < len(nodes) and nodes[i].op_type == "LeakyRelu" and nodes[i + 1].op_type == "Max",
           "%s: node %d: expected LeakyRelu, Max" % (path, i))
    expect(close(attrs(nodes[i])["alpha"], LEAKY_ALPHA), "%s: LeakyRelu alpha" % path)
    expect(close(scalar_of(g, inits, nodes[i + 1].input[1]), ACT_FLOOR), "%s: Max constant" % path)


def embedding_tensors(path):
    m = onnx.load(path)
    g = m.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    nodes = [n for n in g.node if n.op_type != "Reshape"]
    expect([n.op_type for n in g.node][0] == "Reshape" and g.node[-1].op_type == "Reshape",
           "%s: not framed by two Reshapes" % path)
    out, i, conv, in_ch = [], 0, 0, 1
    for layer in EMBEDDING_LAYERS:
        expect(i < len(nodes), "%s: graph ends early" % path)
        n, a = nodes[i], attrs(nodes[i])
        if layer[0] == "pool":
            expect(n.op_type == "MaxPool" and a["kernel_shape"] == [layer[1], layer[2]] and
                   a["strides"] == [layer[1], layer[2]] and a.get("pads", [0] * 4) == [0] * 4,
                   "%s: node %d: expected MaxPool %dx%d, got %s %s" % (path, i, layer[1], layer[2], n.op_type, a))
            i += 1
            continue
        och, kh, kw, pads, has_bias = layer
        expect(n.op_type == "Conv" and a["kernel_shape"] == [kh, kw] and a.get("strides", [1, 1]) == [1, 1] and
               a.get("pads", [0] * 4) == pads and a.get("group", 1) == 1 and
               a.get("dilations", [1, 1]) == [1, 1] and (len(n.input) == 3) == has_bias,
               "%s: node %d: expected conv %s, got %s %s" % (path, i, layer, n.op_type, a))
        w = inits[n.input[1]]
        expect(w.shape == (och, in_ch, kh, kw), "%s: conv%02d weight %s" % (path, conv, w.shape))
        out.append(("emb.conv%02d.weight" % conv, w))
        if has_bias:
            b = inits[n.input[2]]
            expect(b.shape == (och,), "%s: conv%02d bias %s" % (path, conv, b.shape))
            out.append(("emb.conv%02d.bias" % conv, b))
            check_activation(path, nodes, i + 1, inits, g)
            i += 2
        i += 1
        conv, in_ch = conv + 1, och
    expect(i == len(nodes), "%s: %d nodes left over" % (path, len(nodes) - i))
    return out


def write(path, tensors):
    with open(path, "wb") as f:
        f.write(MAGIC + struct.pack("<II", VERSION, len(tensors)))
        for name, a in tensors:
            raw = name.encode("ascii")
            expect(1 <= len(raw) <= NAME_MAX and 1 <= a.ndim <= 4, "bad tensor %s" % name)
            f.write(struct.pack("<I", len(raw)) + raw + b"\0" * (-len(raw) % 4))
            f.write(struct.pack("<I", a.ndim) + struct.pack("<%dI" % a.ndim, *a.shape))
            f.write(np.ascontiguousarray(a, dtype="<f4").tobytes())


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    try:
        tensors = mel_tensors(argv[1]) + embedding_tensors(argv[2])
        for name, a in tensors:
            expect(a.dtype == np.float32 and np.all(np.isfinite(a)), "%s: not finite float32" % name)
        write(argv[3], tensors)
    except (Mismatch, OSError, KeyError) as e:
        sys.stderr.write("convert-kws-models: %s\n" % e)
        return 1
    print("convert-kws-models: %s: %d tensors, %d parameters" %
          (argv[3], len(tensors), sum(a.size for _, a in tensors)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
