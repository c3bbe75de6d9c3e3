#!/usr/bin/python3
"""Makes the reference for tests/recog/test_kws_frontend.c, once; the output
is committed beside this script.

usage: make_mel_ref.py MELSPECTROGRAM.onnx   (from grammars/kws after make deps)

Writes, in this folder:
  mel_input.raw  0.6 s at 16 kHz, int16 little-endian: a linear chirp from
                 100 Hz to 7 kHz at amplitude 8000 plus Gaussian noise of
                 standard deviation 300 (numpy seed 10), so every mel bin of
                 every frame sits well inside the model's 80 dB range;
  mel_ref.txt    one line per 10 ms frame, 32 values: openWakeWord's features
                 (10*log10 of the mel power, then x/10 + 2), computed in
                 float64 with numpy straight from the ONNX initializers,
                 following the graph node by node (not through
                 kws-frontend.bin, so the converter is checked too).
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

RATE = 16000
SECONDS = 0.6
HOP = 160
WINDOW = 512
TOP_DB = 80.0
# How far above the clamp every value must stay, in dB, for the clamp (the
# graph's or the C code's streaming one) to play no part in the comparison.
MARGIN_DB = 10.0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    g = onnx.load(sys.argv[1]).graph
    w = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in g.initializer}
    rng = np.random.default_rng(10)
    t = np.arange(int(RATE * SECONDS)) / RATE
    f0, f1 = 100.0, 7000.0
    phase = 2 * np.pi * (f0 * t + (f1 - f0) / (2 * SECONDS) * t * t)
    x = 8000 * np.sin(phase) + rng.normal(0, 300, t.size)
    pcm = np.clip(np.round(x), -32768, 32767).astype("<i2")
    xs = pcm.astype(np.float64)
    n = (xs.size - WINDOW) // HOP + 1
    frames = np.stack([xs[i * HOP:i * HOP + WINDOW] for i in range(n)])
    real = frames @ w["0.stft.conv_real.weight"][:, 0, :].T
    imag = frames @ w["0.stft.conv_imag.weight"][:, 0, :].T
    mel = (real ** 2 + imag ** 2) @ w["1.melW"]
    db = 10 * np.log10(np.maximum(mel, 1e-10))
    floor = db.max() - TOP_DB
    assert db.min() > floor + MARGIN_DB, (db.min(), floor)
    feat = np.maximum(db, floor) / 10 + 2
    pcm.tofile(os.path.join(here, "mel_input.raw"))
    np.savetxt(os.path.join(here, "mel_ref.txt"), feat, fmt="%.7f")
    print("%d frames; dB from %.1f to %.1f (clamp at %.1f)" % (n, db.min(), db.max(), floor))


if __name__ == "__main__":
    main()
