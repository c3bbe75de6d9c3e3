#!/usr/bin/python3
"""The keyword detector's front end in torch, for training the head.

It computes what src/recog/kws_frontend.c and src/recog/kws_embed.c compute,
from the same weight file (grammars/kws/kws-frontend.bin, made by `make deps`;
format in grammars/README.md, "The keyword front end"):

  mel(audio) -> [T, 32]   16 kHz int16 samples to log-mel frames, one per
                          160 samples; frame i covers samples
                          [160 i, 160 i + 512). 512-tap DFT kernels (real,
                          imaginary), power, 257 x 32 filterbank, floor 1e-10,
                          10 log10, then the C code's streaming clamp: floor
                          of frame i = (largest dB value of frames i-75..i)
                          - 80 dB; then openWakeWord's x/10 + 2. float64,
                          like the C code.
  embeddings(mel) -> [N, 96]
                          the embedding model on windows of 76 frames every
                          8 frames: window n covers frames [8n, 8n + 76),
                          N = (T - 76) // 8 + 1. float32.

Run as a script, it checks both against the committed C-side references
(tests/recog/data: mel_input.raw + mel_ref.txt, emb_input.raw + emb_ref.txt,
made from the ONNX graphs by make_mel_ref.py and make_emb_ref.py) and prints
the largest differences; it exits non-zero when they exceed the tolerance.

usage: features.py [--weights grammars/kws/kws-frontend.bin]
"""
import argparse
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_WEIGHTS = os.path.join(REPO, "grammars", "kws", "kws-frontend.bin")

RATE = 16000
HOP = 160
WINDOW = 512
MEL_BINS = 32
CLAMP_FRAMES = 76
CLAMP_DB = 80.0
LOG_FLOOR = 1e-10
EMB_FRAMES = 76
EMB_STEP = 8
EMB_DIM = 96

# (kernel T x F) is read from the file; the pad along the mel axis is 1 for
# 3-wide kernels, none otherwise; max pools follow these layers (T x F).
POOL_AFTER = {2: (2, 2), 6: (1, 2), 10: (2, 2), 14: (1, 2), 18: (2, 2)}
N_CONV = 20


def read_weights(path=DEFAULT_WEIGHTS):
    """kws-frontend.bin version 1 -> {name: np.float32 array}."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"FCKWSFE\0":
        raise SystemExit("%s: not a kws-frontend file (run `make deps`)" % path)
    version, n = struct.unpack_from("<II", data, 8)
    if version != 1:
        raise SystemExit("%s: version %d, expected 1" % (path, version))
    off = 16
    out = {}
    for _ in range(n):
        (name_len,) = struct.unpack_from("<I", data, off)
        off += 4
        if not 1 <= name_len <= 63:
            raise SystemExit("%s: bad name length at %d" % (path, off))
        name = data[off:off + name_len].decode("ascii")
        off += (name_len + 3) // 4 * 4
        (ndim,) = struct.unpack_from("<I", data, off)
        off += 4
        dims = struct.unpack_from("<%dI" % ndim, data, off)
        off += 4 * ndim
        count = int(np.prod(dims))
        arr = np.frombuffer(data, "<f4", count, off).reshape(dims).copy()
        off += 4 * count
        if not np.all(np.isfinite(arr)):
            raise SystemExit("%s: %s has non-finite values" % (path, name))
        out[name] = arr
    if off != len(data):
        raise SystemExit("%s: %d bytes trail the last tensor" % (path, len(data) - off))
    return out


class FrontEnd:
    def __init__(self, path=DEFAULT_WEIGHTS, threads=None):
        if threads:
            torch.set_num_threads(threads)
        w = read_weights(path)
        real = torch.from_numpy(w["mel.stft_real"][:, 0, :].astype(np.float64))
        imag = torch.from_numpy(w["mel.stft_imag"][:, 0, :].astype(np.float64))
        self.dft = torch.cat([real, imag], 0).T.contiguous()  # 512 x 514
        self.fbank = torch.from_numpy(w["mel.filterbank"].astype(np.float64))  # 257 x 32
        self.convs = []
        for i in range(N_CONV):
            cw = torch.from_numpy(w["emb.conv%02d.weight" % i])
            cb = w.get("emb.conv%02d.bias" % i)
            cb = torch.from_numpy(cb) if cb is not None else None
            self.convs.append((cw, cb, 1 if cw.shape[3] == 3 else 0))

    def mel(self, audio):
        """audio: int16 samples (numpy or torch, 1-D) -> float32 tensor [T, 32]."""
        x = torch.as_tensor(np.asarray(audio, dtype=np.float64))
        if x.numel() < WINDOW:
            return torch.zeros(0, MEL_BINS)
        frames = x.unfold(0, WINDOW, HOP)  # T x 512
        spec = frames @ self.dft
        power = spec[:, :257] ** 2 + spec[:, 257:] ** 2
        db = 10.0 * torch.log10(torch.clamp(power @ self.fbank, min=LOG_FLOOR))
        peak = db.max(dim=1).values  # T
        # running max over frames i-75..i (fewer at the start)
        padded = torch.cat([torch.full((CLAMP_FRAMES - 1,), -float("inf"), dtype=peak.dtype), peak])
        floor = padded.unfold(0, CLAMP_FRAMES, 1).max(dim=1).values - CLAMP_DB
        v = torch.maximum(db, floor[:, None])
        return (v / 10.0 + 2.0).float()

    def embed_windows(self, windows):
        """windows: [B, 76, 32] float32 -> [B, 96]."""
        x = windows.float()[:, None, :, :]  # B x 1 x T x F
        for i, (w, b, pad) in enumerate(self.convs):
            if pad:
                x = F.pad(x, (pad, pad, 0, 0))
            x = F.conv2d(x, w, b)
            if i < N_CONV - 1:
                x = torch.clamp(F.leaky_relu(x, 0.2), min=-0.4)
            if i in POOL_AFTER:
                x = F.max_pool2d(x, POOL_AFTER[i])
        return x.reshape(x.shape[0], EMB_DIM)

    @torch.no_grad()
    def embeddings(self, mel, batch=256):
        """mel [T, 32] -> [N, 96], windows of 76 frames every 8 frames."""
        mel = torch.as_tensor(mel).float()
        if mel.shape[0] < EMB_FRAMES:
            return torch.zeros(0, EMB_DIM)
        wins = mel.unfold(0, EMB_FRAMES, EMB_STEP).permute(0, 2, 1)  # N x 76 x 32
        outs = [self.embed_windows(wins[i:i + batch]) for i in range(0, wins.shape[0], batch)]
        return torch.cat(outs, 0)


_default = None


def _fe():
    global _default
    if _default is None:
        _default = FrontEnd()
    return _default


def mel(audio):
    return _fe().mel(audio)


def embeddings(m):
    return _fe().embeddings(m)


def verify(weights):
    data = os.path.join(REPO, "tests", "recog", "data")
    fe = FrontEnd(weights)
    pcm = np.fromfile(os.path.join(data, "mel_input.raw"), "<i2")
    ref = np.loadtxt(os.path.join(data, "mel_ref.txt"))
    got = fe.mel(pcm).double().numpy()
    ok = True
    if got.shape != ref.shape:
        print("mel: shape %s, reference %s" % (got.shape, ref.shape))
        return False
    d_mel = np.abs(got - ref).max()
    print("mel: %d frames x %d, max |diff| vs mel_ref.txt = %.3g" % (got.shape + (d_mel,)))
    ok &= d_mel < 1e-4
    ref_e = np.loadtxt(os.path.join(data, "emb_ref.txt"))
    a = torch.from_numpy(ref[np.arange(EMB_FRAMES) % ref.shape[0]].astype(np.float32))
    b = torch.from_numpy(np.fromfile(os.path.join(data, "emb_input.raw"), "<f4").reshape(EMB_FRAMES, MEL_BINS))
    for name, win, r in (("A (mel_ref frames)", a, ref_e[0]), ("B (emb_input.raw)", b, ref_e[1])):
        e = fe.embeddings(win).numpy()
        assert e.shape == (1, EMB_DIM)
        d = np.abs(e[0] - r).max()
        rel = d / np.abs(r).max()
        print("embedding %s: max |diff| vs emb_ref.txt = %.3g (%.2g of the largest value %.3g)"
              % (name, d, rel, np.abs(r).max()))
        ok &= rel < 1e-5
    # the streaming clamp: chunking-independent by construction; check it
    # matches a naive per-frame loop on a signal with a loud start
    rng = np.random.default_rng(1)
    sig = np.concatenate([rng.normal(0, 20000, 16000), rng.normal(0, 3, 32000)])
    sig = np.clip(sig, -32768, 32767).astype(np.int16)
    m = fe.mel(sig).double().numpy()
    x = sig.astype(np.float64)
    fr = np.stack([x[i * HOP:i * HOP + WINDOW] for i in range((x.size - WINDOW) // HOP + 1)])
    dft = fe.dft.numpy()
    s = fr @ dft
    db = 10 * np.log10(np.maximum((s[:, :257] ** 2 + s[:, 257:] ** 2) @ fe.fbank.numpy(), LOG_FLOOR))
    naive = np.empty_like(db)
    for i in range(db.shape[0]):
        fl = db[max(0, i - CLAMP_FRAMES + 1):i + 1].max() - CLAMP_DB
        naive[i] = np.maximum(db[i], fl) / 10 + 2
    d_clamp = np.abs(m - naive).max()
    print("streaming clamp vs a per-frame loop (loud 1 s, then quiet): max |diff| = %.3g" % d_clamp)
    ok &= d_clamp < 1e-4
    print("OK" if ok else "FAILED")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--weights", default=DEFAULT_WEIGHTS)
    args = ap.parse_args()
    sys.exit(0 if verify(args.weights) else 1)


if __name__ == "__main__":
    main()
