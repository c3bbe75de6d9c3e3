#!/usr/bin/python3
"""Builds the keyword head's training set: windows of embeddings labelled
next / repeat / pain / stop / other.

usage: make_dataset.py --corpus ../shared/corpus --out /tmp/kws-data [--scale N] [--seed S]
                       [--free | --free-only] [--free-train-hours H] [--free-val-hours H]
       (--scale defaults to 3, the size the committed head was trained on)

The output directory must be outside the repository (or git-ignored): it is
made from corpus audio. Only the corpus's `split == dev` files are read
(MANIFEST.tsv); test is never opened.

What one example is
  The head sees the last CONTEXT = 16 embeddings (features.py: 96 values per
  80 ms step, each over 76 mel frames = 760 ms), i.e. the 1.96 s of audio
  before a decision point. Decision point k is the end of embedding window k
  (the last sample of mel frame 8k + 75). An example is X = embeddings
  k-15..k, float16 [16, 96], and a class.

How the audio is made
  Words (events) are laid end to end in long continuous streams, 0.9-2.0 s
  apart, over a bed that runs the whole stream: dev household noise at
  0-20 dB SNR (relative to the speech level), the coach's narration as a
  residual echo, low white noise, or both noise and echo. Each event gets
  its own gain (speech at -38..-14 dBFS RMS), speed 0.9-1.1 (resampling, so
  pitch moves too; half of the events) and light reverb (an exponentially
  decaying noise impulse, RT60 0.1-0.5 s; a third of the events). The
  stream goes through features.mel (with the C code's streaming clamp) and
  features.embeddings, exactly as the C detector will see it.

Labels (d = decision point - the end of the most recent word, seconds; the
word's end is found by energy, 40 dB below its loudest 10 ms for synthetic
speech, 30 dB for recordings)
  command word:  0.03 <= d <= 0.30  -> the command (the head must fire
                                       within 300 ms of the word's end;
                                       target reaction 250 ms)
                 d < -0.20 or d > 0.70 -> other (the word is not finished /
                                       is long gone)
                 otherwise            -> not used (ambiguous)
  anything else (look-alike and frequent words, distractor clips, running
  speech, narration, the bed alone): other. Bed-only windows are kept with
  probability 0.3 in train; val and unseen keep every window, so that
  false fires can be counted per hour over runs of consecutive windows.

Sources
  positives: "next", "repeat", "pain", "stop" from eSpeak NG (8 English
    voices x 74 variants: none, m1-m8, f1-f5 and 60 named ones; rate
    110-240, pitch 20-80), flite (kal, kal16, awb, rms, slt; duration
    stretch 0.75-1.45, f0 mean 80-220 Hz and f0 spread 5-40 varied),
    and the dev split's human command clips (next, repeat and pain, which are
    scarce, several times each with different augmentation).
  negatives: look-alikes (LOOKALIKES below) and grammars/competitors.txt's
    words, rendered by the same engines; dev distractor clips and the
    near-miss clips (near/stopped); dev running
    speech (minus the clip with "stop" inside); the coach's narration
    (scripts/fai.yaml lines without a command word, espeak-ng en-us, the
    coach's voice); noise and silence (the bed between words).
  held out: festival (kal_diphone, ked_diphone, cmu_us_slt_arctic_hts) is
    never in train or val: its positives and look-alikes go to unseen.npz.

Splits (by voice: no voice or speaker is in two splits; the voice and
speaker splits come from their own generators, seeded by --seed only, so
they are the same at every --scale)
  train.npz  most espeak voice+variant pairs, flite kal, kal16, awb, slt, and
             80% of the dev speakers
  val.npz    20% of the espeak pairs, flite rms, 20% of the dev speakers
  unseen.npz festival only (held-out engine)
  each holds X (float16 [N,16,96]), y (int8; 0 next, 1 repeat, 2 pain,
  3 stop, 4 other), src (int8, index into SOURCES), d (float32 seconds, NaN
  when no word), voice (str), event (int32: the window's word, an index
  into the split's events; -1 for bed windows), stream (int32: the stream
  it was cut from) and k (int32: its decision index in that stream;
  consecutive k are 80 ms apart). meta.json records the counts and
  arguments.

Word-free streams (free_train.npz, free_val.npz, free.json: with --free, or
--free-only for just these; --free-train-hours 1.25, --free-val-hours 1.0)
  The streams above have a word every 0.9-2.0 s, so almost no window hears
  running speech, noise or the coach's echo alone. These are long streams
  (5-90 s, log-uniform) with no command in them, every window labelled
  other (event -1, d NaN), all windows kept, through the same front end.
  By share of the hours:
    run-speech 30%  the split's dev running-speech clips (same speaker split
                    as above; none whose text holds a command word) one
                    after another, 0.05-0.8 s apart, gain +-3 dB, speed
                    0.9-1.1 (half), reverb (a third), at -38..-14 dBFS, over
                    no bed (40%), dev noise (30%), the echo (15%) or both
                    (15%), each 0-20 dB below the speech
    run-tts    20%  the same with synthetic running speech: narration lines
                    and strings of 6-14 frequent and look-alike words, read
                    by the split's espeak pairs (70%) and flite voices (250
                    sentences per hour of streams)
    run-echo   20%  the coach's narration alone (espeak-ng en-us as above;
                    train lines i % 5 != 0, val i % 5 == 0) as heard back:
                    0.2-1.5 s pauses, reverb (70%), a 2-6 kHz one-pole
                    low-pass (half), at -45..-18 dBFS
    run-noise  15%  one dev noise recording (looped, random offset) at
                    -50..-18 dBFS
    run-mix    15%  echo and noise together (noise -15..+15 dB against it)
  plus the microphone floor. Dev noise has five recordings, all used in
  both splits (as for the beds above). Drawn from their own generator
  (seed, 3), so train/val/unseen.npz are the same with and without them.
  free_*.npz hold the same fields as the other files.

Reproducible: everything is drawn from numpy generators seeded by --seed
(default 1); the synthesizers are deterministic.
"""
import argparse
import concurrent.futures as cf
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402

RATE = 16000
CONTEXT = 16
CLASSES = ["next", "repeat", "pain", "stop", "other"]
COMMANDS = CLASSES[:4]
OTHER = 4
SOURCES = ["espeak", "flite", "festival", "human", "word", "distractor", "speech", "narration", "bed"]
# the word-free streams (free_train.npz, free_val.npz; see "Word-free streams" above)
FREE_SOURCES = ["run-speech", "run-tts", "run-echo", "run-noise", "run-mix"]
SOURCES += FREE_SOURCES
FREE_SHARE = {"run-speech": 0.30, "run-tts": 0.20, "run-echo": 0.20, "run-noise": 0.15, "run-mix": 0.15}
FREE_LEN = (5.0, 90.0)  # stream length, seconds (log-uniform)
COMMAND_RE = re.compile(r"\b(stop|pain|next|repeat)", re.I)
POS_LO, POS_HI = 0.03, 0.30
NEG_BEFORE, NEG_AFTER = -0.20, 0.70

ESPEAK_VOICES = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
                 "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
ESPEAK_VARIANTS = [""] + ["m%d" % i for i in range(1, 9)] + ["f%d" % i for i in range(1, 6)] + \
    """Adam Alex Alicia Andrea Andy Annie Antonio Auntie Belinda Benjamin Boris Caleb David Denis Diogo Ed
    Edward Gene Gustave Henrique Hugo Iven Iven2 Jacky John Lee Linda Marco Mario Max Michael Michel Miguel
    Mike Mr_Serious Nguyen Pablo Paul Pedro Quincy Rob Robert Steph Steph2 Storm Tweaky Zac anika grandma
    grandpa klatt klatt2 klatt3 klatt4 norbert sandro shelby travis victor croak""".split()
FLITE_TRAIN = ["kal", "kal16", "awb", "slt"]
FLITE_VAL = ["rms"]
FESTIVAL = ["kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts"]

LOOKALIKES = """top shop step stock stopped stops stomp stab stuff spot stall stuck slop strop
tap stub scotch sop swap stoop store stone stay stuff rock
neck text nest nix necks net knack nick knock snack sex sects vex next-door necked nets
pen plain rain paint pane pin pan paying spain train brain main chain cane gain lane page pained paper
pay pays painting painter penny plane plan bane
repeal report retreat repair reheat receipt repent beat peat wheat rebate replete
retire depart reap repeats repeating
ouch ow okay yes no go so now stay wait ready more done
pop drop crop mop hop cop lot dot got not stamp stump strap strip stoke snap stopwatch-no stocks spots
nexus checks decks tex lex rex hex knacks nicks knocks necktie next-to-none neat nets
pang pine payne bain vein vain feign sane plains panes pains-no paying pan-handle penned
delete complete compete defeat repel rebel reboot repute reset reread repeater-no receive""".split()
LOOKALIKES = [w for w in LOOKALIKES if not w.endswith("-no")]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ---------------------------------------------------------------- audio io

def sox_to_pcm(cmd_out):
    """WAV bytes (any rate) -> int16 16 kHz mono through sox."""
    p = subprocess.run(["sox", "-t", "wav", "-", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed",
                        "-t", "raw", "-"], input=cmd_out, capture_output=True, check=True)
    return np.frombuffer(p.stdout, "<i2").copy()


def read_wav(path):
    p = subprocess.run(["sox", path, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed", "-t", "raw", "-"],
                       capture_output=True, check=True)
    return np.frombuffer(p.stdout, "<i2").copy()


def synth(job):
    """job: (engine, voice, text, params) -> int16 array or None."""
    engine, voice, text, prm = job
    try:
        if engine == "espeak":
            out = subprocess.run(["espeak-ng", "-v", voice, "-s", str(prm["rate"]), "-p", str(prm["pitch"]),
                                  "--stdout", text], capture_output=True, check=True, timeout=60).stdout
        elif engine == "flite":
            out = subprocess.run(["flite", "-voice", voice, "--setf", "duration_stretch=%.2f" % prm["stretch"],
                                  "--setf", "int_f0_target_mean=%d" % prm["f0"],
                                  "--setf", "int_f0_target_stddev=%d" % prm["f0sd"], "-t", text, "-o", "/dev/stdout"],
                                 capture_output=True, check=True, timeout=60).stdout
        elif engine == "festival":
            with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
                subprocess.run(["text2wave", "-eval", "(voice_%s)" % voice, "-eval",
                                "(Parameter.set 'Duration_Stretch %.2f)" % prm["stretch"], "-o", tmp.name],
                               input=text.encode(), capture_output=True, check=True, timeout=120)
                with open(tmp.name, "rb") as f:
                    out = f.read()
        else:
            raise ValueError(engine)
        pcm = sox_to_pcm(out)
        return pcm if pcm.size > 800 else None
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None


def bounds(pcm, rel_db):
    """(start, end) samples of the part within rel_db of the loudest 10 ms."""
    x = pcm.astype(np.float64)
    n = x.size // 160
    if n == 0:
        return 0, x.size
    e = 10 * np.log10((x[:n * 160].reshape(n, 160) ** 2).mean(1) + 1e-3)
    on = np.nonzero(e > e.max() - rel_db)[0]
    return int(on[0] * 160), int((on[-1] + 1) * 160)


# ---------------------------------------------------------------- augmentation

def speed(x, f):
    n = int(round(x.size / f))
    return np.interp(np.arange(n) * f, np.arange(x.size), x)


def reverb(x, rng):
    rt60 = rng.uniform(0.1, 0.5)
    n = int(rt60 * RATE)
    t = np.arange(n) / RATE
    ir = rng.normal(0, 1, n) * np.exp(-6.9 * t / rt60)
    ir[0] = 0
    ir *= rng.uniform(0.1, 0.4) / np.sqrt((ir ** 2).sum())
    ir[0] = 1.0
    m = x.size + n - 1
    nf = 1 << (m - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, nf) * np.fft.rfft(ir, nf), nf)[:x.size + n // 2]
    return y


def active_rms(x, lo, hi):
    seg = x[lo:hi] if hi > lo else x
    return np.sqrt((seg.astype(np.float64) ** 2).mean() + 1e-9)


# ---------------------------------------------------------------- sources

def read_manifest(corpus):
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [r for r in rows if r["split"] == "dev"]


def competitor_words():
    path = os.path.join(features.REPO, "grammars", "competitors.txt")
    words = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.split()
            if len(parts) >= 2:
                w = parts[1].lower()
                if re.fullmatch(r"[a-z']+", w) and w not in COMMANDS and not w.startswith(("stop", "pain", "next", "repeat")):
                    words.append(w)
    return sorted(set(words))


def narration_lines():
    path = os.path.join(features.REPO, "scripts", "fai.yaml")
    lines = []
    with open(path) as f:
        for line in f:
            for s in re.findall(r'"([^"{}]{20,})"', line):
                if not re.search(r"\b(stop|pain|next|repeat)", s, re.I):
                    lines.append(s)
    return lines


class Event:
    __slots__ = ("pcm", "cls", "src", "voice", "rel_db", "id")

    def __init__(self, pcm, cls, src, voice, rel_db=40.0):
        self.pcm, self.cls, self.src, self.voice, self.rel_db = pcm, cls, src, voice, rel_db
        self.id = -1


def split_rng(seed, which):
    """The generator for a split (1 voices, 2 speakers): independent of --scale."""
    return np.random.default_rng([seed, which])


def plan_synth(rng, scale, seed):
    """The synthesis jobs: list of (split, cls, src, job)."""
    pairs = [v + ("+" + var if var else "") for v in ESPEAK_VOICES for var in ESPEAK_VARIANTS]
    order = split_rng(seed, 1).permutation(len(pairs))
    n_val = len(pairs) // 5
    val_pairs = [pairs[i] for i in order[:n_val]]
    train_pairs = [pairs[i] for i in order[n_val:]]
    words = competitor_words()
    jobs = []

    def esp(split, voices, text, cls, src):
        prm = {"rate": int(rng.integers(110, 241)), "pitch": int(rng.integers(20, 81))}
        jobs.append((split, cls, src, ("espeak", voices[rng.integers(len(voices))], text, prm)))

    def fl(split, voices, text, cls, src):
        prm = {"stretch": float(rng.uniform(0.75, 1.45)), "f0": int(rng.integers(80, 221)),
               "f0sd": int(rng.integers(5, 41))}
        jobs.append((split, cls, src, ("flite", voices[rng.integers(len(voices))], text, prm)))

    for c, w in enumerate(COMMANDS):
        for _ in range(50 * scale):
            esp("train", train_pairs, w, c, "espeak")
        for _ in range(12 * scale):
            esp("val", val_pairs, w, c, "espeak")
        for _ in range(16 * scale):
            fl("train", FLITE_TRAIN, w, c, "flite")
        for _ in range(4 * scale):
            fl("val", FLITE_VAL, w, c, "flite")
        for v in FESTIVAL:
            for s in (0.9, 1.0, 1.25)[:max(1, min(3, 2 * scale))]:
                jobs.append(("unseen", c, "festival", ("festival", v, w, {"stretch": s})))
    # look-alikes: every one a few times in train, once in val; frequent words
    for w in LOOKALIKES:
        w = w.replace("-", " ")
        for _ in range(2 * scale):
            esp("train", train_pairs, w, OTHER, "word")
        fl("train", FLITE_TRAIN, w, OTHER, "word")
        if rng.random() < 0.5:
            esp("val", val_pairs, w, OTHER, "word")
        else:
            fl("val", FLITE_VAL, w, OTHER, "word")
    n_freq = min(len(words), 500 * scale)
    for w in rng.permutation(words)[:n_freq]:
        r = rng.random()
        if r < 0.15:
            esp("val", val_pairs, w, OTHER, "word")
        elif r < 0.75:
            esp("train", train_pairs, w, OTHER, "word")
        else:
            fl("train", FLITE_TRAIN, w, OTHER, "word")
    # held-out engine: look-alikes and some frequent words
    fest_neg = list(LOOKALIKES[:: max(1, 3 // scale)]) + list(rng.permutation(words)[:40 * scale])
    for i, w in enumerate(fest_neg):
        jobs.append(("unseen", OTHER, "festival", ("festival", FESTIVAL[i % 3], w.replace("-", " "),
                                                    {"stretch": float(rng.uniform(0.9, 1.2))})))
    return jobs


def corpus_events(corpus, rng, scale, seed):
    rows = read_manifest(corpus)
    speakers = sorted({r["speaker"] for r in rows if r["category"].startswith(("commands", "distractors", "near", "speech"))})
    val_spk = set(split_rng(seed, 2).permutation(speakers)[:max(1, len(speakers) // 5)].tolist())
    ev = {"train": [], "val": []}
    noise = []
    for r in rows:
        cat, path = r["category"], os.path.join(corpus, r["file"])
        split = "val" if r["speaker"] in val_spk else "train"
        if cat == "noise":
            noise.append(read_wav(path))
        elif cat.startswith("commands/"):
            c = COMMANDS.index(cat.split("/")[1])
            reps = 1 if c == 3 else 6 * scale
            if c != 3 and split == "val":
                reps = 2
            pcm = read_wav(path)
            for _ in range(max(1, reps if c != 3 else scale)):
                ev[split].append(Event(pcm, c, "human", "human:" + r["speaker"], 30.0))
        elif cat.startswith(("distractors/", "near/")):
            ev[split].append(Event(read_wav(path), OTHER, "distractor", "human:" + r["speaker"], 30.0))
        elif cat == "speech":
            if re.search(r"\b(stop|pain|next|repeat)", r["description"], re.I):
                continue
            ev[split].append(Event(read_wav(path), OTHER, "speech", "human:" + r["speaker"], 30.0))
    return ev, noise, sorted(val_spk)


# ---------------------------------------------------------------- streams

def build_stream(events, noise, narration, rng):
    """Mixes events over a continuous bed. Returns (pcm int16, [(start, end, cls, src, voice)])."""
    pieces = []
    t = int(rng.uniform(1.0, 2.0) * RATE)  # lead-in, so the first word has context
    marks = []
    for e in events:
        x = e.pcm.astype(np.float64)
        lo, hi = bounds(e.pcm, e.rel_db)
        pad = int(0.15 * RATE) if e.src in ("human", "distractor", "speech") else int(0.03 * RATE)
        x = x[max(0, lo - pad):hi + pad]
        lo, hi = min(lo, pad), min(lo, pad) + (hi - lo)
        if rng.random() < 0.5:
            f = rng.uniform(0.9, 1.1)
            x = speed(x, f)
            lo, hi = int(lo / f), int(hi / f)
        if rng.random() < 0.33:
            x = reverb(x, rng)
        fade = min(160, x.size // 4)
        ramp = np.linspace(0, 1, fade)
        x[:fade] *= ramp
        x[-fade:] *= ramp[::-1]
        level = 10 ** (rng.uniform(-38, -14) / 20) * 32768
        x *= level / active_rms(x, lo, hi)
        pieces.append((t, x))
        marks.append((t + lo, t + hi, e.cls, e.src, e.voice, level, e.id))
        t += x.size + int(rng.uniform(0.9, 2.0) * RATE)
    n = t
    y = np.zeros(n)
    for s, x in pieces:
        y[s:s + x.size] += x
    speech_level = np.median([m[5] for m in marks]) if marks else 1000.0
    mode = rng.choice(["noise", "echo", "white", "noise+echo"], p=[0.4, 0.2, 0.15, 0.25])
    if "noise" in mode and noise:
        nz = noise[rng.integers(len(noise))].astype(np.float64)
        reps = int(np.ceil((n + nz.size) / nz.size))
        nz = np.tile(nz, reps)
        off = rng.integers(nz.size - n)
        nz = nz[off:off + n]
        snr = rng.uniform(0, 20)
        y += nz * (speech_level / (np.sqrt((nz ** 2).mean()) + 1e-9)) * 10 ** (-snr / 20)
    if "echo" in mode and narration:
        bed = []
        total = 0
        while total < n:
            seg = narration[rng.integers(len(narration))]
            bed.append(seg)
            bed.append(np.zeros(int(rng.uniform(0.2, 1.5) * RATE)))
            total += seg.size + bed[-1].size
        ec = np.concatenate(bed)[:n].astype(np.float64)
        if rng.random() < 0.3:
            ec = reverb(ec, rng)[:n]
        ser = rng.uniform(0, 20)  # speech-to-echo ratio, dB
        y += ec * (speech_level / (active_rms(ec, 0, n) + 1e-9)) * 10 ** (-ser / 20)
    y += rng.normal(0, 10 ** (rng.uniform(-75, -55) / 20) * 32768, n)  # a microphone's floor
    return np.clip(np.round(y), -32768, 32767).astype(np.int16), marks


def label_stream(fe, pcm, marks, rng, bed_keep=0.3):
    m = fe.mel(pcm)
    emb = fe.embeddings(m).numpy().astype(np.float16)
    out = []
    starts = np.array([mk[0] for mk in marks])
    for k in range(CONTEXT - 1, emb.shape[0]):
        tau = (8 * k + 75) * 160 + 512
        i = np.searchsorted(starts, tau, side="right") - 1
        if i < 0:
            if rng.random() < bed_keep:
                out.append((k, OTHER, SOURCES.index("bed"), np.nan, "bed", -1))
            continue
        s, e, cls, src, voice, _, eid = marks[i]
        d = (tau - e) / RATE
        if cls != OTHER:
            if POS_LO <= d <= POS_HI:
                lab = cls
            elif d < NEG_BEFORE or d > NEG_AFTER:
                lab = OTHER
            else:
                continue
        else:
            lab = OTHER
        if lab == OTHER and d > 2.0:  # the word is out of the context: bed
            if rng.random() >= bed_keep:
                continue
            src, voice, eid = "bed", "bed", -1
        out.append((k, lab, SOURCES.index(src), d, voice, eid))
    X = np.stack([emb[k - CONTEXT + 1:k + 1] for k, *_ in out]) if out else np.zeros((0, CONTEXT, 96), np.float16)
    return X, out

# ---------------------------------------------------------------- word-free streams

def espeak_pairs(seed):
    """(train, val) espeak voice+variant pairs, as plan_synth splits them."""
    pairs = [v + ("+" + var if var else "") for v in ESPEAK_VOICES for var in ESPEAK_VARIANTS]
    order = split_rng(seed, 1).permutation(len(pairs))
    n_val = len(pairs) // 5
    return [pairs[i] for i in order[n_val:]], [pairs[i] for i in order[:n_val]]


def free_speech(corpus, val_spk):
    """Dev running-speech clips without a command word, by split (same speaker split)."""
    out = {"train": [], "val": []}
    for r in read_manifest(corpus):
        if r["category"] == "speech" and not COMMAND_RE.search(r["description"]):
            out["val" if r["speaker"] in val_spk else "train"].append(read_wav(os.path.join(corpus, r["file"])))
    return out


def plan_free_tts(rng, seed, n_train, n_val):
    """Synthetic running speech for the word-free streams: narration lines
    (train: lines i % 5 != 0, val: i % 5 == 0, as the narration source) and
    strings of 6-14 frequent and look-alike words, read by the split's espeak
    pairs and flite voices. No text holds a word starting with a command."""
    train_pairs, val_pairs = espeak_pairs(seed)
    narr = narration_lines()
    vocab = [w for w in competitor_words() + [w.replace("-", " ") for w in LOOKALIKES] if not COMMAND_RE.search(w)]
    jobs = []
    for split, n, pairs, flv in (("train", n_train, train_pairs, FLITE_TRAIN), ("val", n_val, val_pairs, FLITE_VAL)):
        lines = [t for i, t in enumerate(narr) if (i % 5 == 0) == (split == "val")]
        for _ in range(n):
            if rng.random() < 0.5:
                text = lines[rng.integers(len(lines))]
            else:
                text = " ".join(rng.choice(vocab, int(rng.integers(6, 15))))
            if rng.random() < 0.7:
                prm = {"rate": int(rng.integers(120, 221)), "pitch": int(rng.integers(20, 81))}
                jobs.append((split, ("espeak", pairs[rng.integers(len(pairs))], text, prm)))
            else:
                prm = {"stretch": float(rng.uniform(0.8, 1.3)), "f0": int(rng.integers(80, 221)),
                       "f0sd": int(rng.integers(5, 41))}
                jobs.append((split, ("flite", flv[rng.integers(len(flv))], text, prm)))
    return jobs


def concat_clips(clips, n, rng, gap):
    """Clips drawn at random, gain +-3 dB, speed 0.9-1.1 (half), gaps gap s, to n samples."""
    y = np.zeros(n)
    t = int(rng.uniform(0, 0.5) * RATE)
    while t < n:
        x = clips[rng.integers(len(clips))].astype(np.float64)
        if rng.random() < 0.5:
            x = speed(x, rng.uniform(0.9, 1.1))
        x = x / active_rms(x, 0, x.size) * 10 ** (rng.uniform(-3, 3) / 20)
        m = min(x.size, n - t)
        y[t:t + m] += x[:m]
        t += x.size + int(rng.uniform(*gap) * RATE)
    return y


def noise_bed(noise, n, rng):
    nz = noise[rng.integers(len(noise))].astype(np.float64)
    nz = np.tile(nz, int(np.ceil((n + nz.size) / nz.size)))
    off = rng.integers(nz.size - n)
    nz = nz[off:off + n]
    return nz / (np.sqrt((nz ** 2).mean()) + 1e-9)


def echo_bed(narr, n, rng):
    """The coach's narration as heard back through a loudspeaker and room:
    lines with 0.2-1.5 s pauses, reverb (70%), a one-pole low-pass (half)."""
    y = concat_clips(narr, n, rng, (0.2, 1.5))
    if rng.random() < 0.7:
        y = reverb(y, rng)[:n]
    if rng.random() < 0.5:
        f = np.fft.rfftfreq(n, 1 / RATE)
        y = np.fft.irfft(np.fft.rfft(y) / (1 + 1j * f / rng.uniform(2000, 6000)), n)
    return y / (active_rms(y, 0, n) + 1e-9)


def build_free_stream(kind, mat, noise, narr, rng):
    """One word-free stream of FREE_LEN seconds: running speech (human or
    synthetic) over a bed, the echo alone, noise alone, or echo and noise."""
    n = int(np.exp(rng.uniform(np.log(FREE_LEN[0]), np.log(FREE_LEN[1]))) * RATE)
    if kind in ("run-speech", "run-tts"):
        level = 10 ** (rng.uniform(-38, -14) / 20) * 32768
        y = concat_clips(mat[kind], n, rng, (0.05, 0.8) if kind == "run-speech" else (0.1, 1.0))
        if rng.random() < 0.33:
            y = reverb(y, rng)[:n]
        y *= level / (active_rms(y, 0, n) + 1e-9)
        bed = rng.choice(["none", "noise", "echo", "noise+echo"], p=[0.4, 0.3, 0.15, 0.15])
        if "noise" in bed:
            y += noise_bed(noise, n, rng) * level * 10 ** (-rng.uniform(0, 20) / 20)
        if "echo" in bed:
            y += echo_bed(narr, n, rng) * level * 10 ** (-rng.uniform(0, 20) / 20)
    elif kind == "run-echo":
        y = echo_bed(narr, n, rng) * 10 ** (rng.uniform(-45, -18) / 20) * 32768
    elif kind == "run-noise":
        y = noise_bed(noise, n, rng) * 10 ** (rng.uniform(-50, -18) / 20) * 32768
    else:  # run-mix
        lvl = 10 ** (rng.uniform(-45, -18) / 20) * 32768
        y = echo_bed(narr, n, rng) * lvl + noise_bed(noise, n, rng) * lvl * 10 ** (rng.uniform(-15, 15) / 20)
    y += rng.normal(0, 10 ** (rng.uniform(-75, -55) / 20) * 32768, n)
    return np.clip(np.round(y), -32768, 32767).astype(np.int16)


def make_free(args, fe, narr, noise, val_spk, out, meta):
    """Writes free_train.npz and free_val.npz (see "Word-free streams"),
    from their own generator (seed, 3): the other files do not change."""
    rng = split_rng(args.seed, 3)
    t0 = time.time()
    hours = {"train": args.free_train_hours, "val": args.free_val_hours}
    tts_jobs = plan_free_tts(rng, args.seed, int(250 * hours["train"]), int(250 * hours["val"]))
    with cf.ThreadPoolExecutor(args.jobs) as ex:
        pcms = list(ex.map(synth, [j[1] for j in tts_jobs]))
    tts = {"train": [], "val": []}
    for (split, _), p in zip(tts_jobs, pcms):
        if p is not None:
            tts[split].append(p)
    speech = free_speech(args.corpus, set(val_spk))
    narr_split = {"train": [p for i, p in enumerate(narr) if i % 5], "val": [p for i, p in enumerate(narr) if i % 5 == 0]}
    log("word-free streams: %d + %d tts sentences, %d + %d speech clips (%.0f s synthesis)" % (
        len(tts["train"]), len(tts["val"]), len(speech["train"]), len(speech["val"]), time.time() - t0))
    meta["free"] = {}
    for split in ("train", "val"):
        mat = {"run-speech": speech[split], "run-tts": tts[split]}
        Xs, srcs, streams, ks = [], [], [], []
        secs = {k: 0.0 for k in FREE_SOURCES}
        si = 0
        for kind in FREE_SOURCES:
            while secs[kind] < hours[split] * FREE_SHARE[kind] * 3600:
                pcm = build_free_stream(kind, mat, noise, narr_split[split], rng)
                emb = fe.embeddings(fe.mel(pcm)).numpy().astype(np.float16)
                kk = np.arange(CONTEXT - 1, emb.shape[0])
                if kk.size:
                    Xs.append(np.stack([emb[k - CONTEXT + 1:k + 1] for k in kk]))
                    srcs.append(np.full(kk.size, SOURCES.index(kind), np.int8))
                    streams.append(np.full(kk.size, si, np.int32))
                    ks.append(kk.astype(np.int32))
                secs[kind] += pcm.size / RATE
                si += 1
        X = np.concatenate(Xs)
        n = X.shape[0]
        src = np.concatenate(srcs)
        np.savez(os.path.join(out, "free_%s.npz" % split), X=X, y=np.full(n, OTHER, np.int8), src=src,
                 d=np.full(n, np.nan, np.float32), voice=np.array([SOURCES[s] for s in src]),
                 event=np.full(n, -1, np.int32), stream=np.concatenate(streams), k=np.concatenate(ks))
        meta["free"][split] = {"streams": si, "windows": int(n), "hours": round(n * 0.08 / 3600, 3),
                               "seconds_by_source": {k: round(v, 1) for k, v in secs.items()}}
        log("free_%s: %d streams, %d windows (%.2f h) %s" % (split, si, n, n * 0.08 / 3600,
                                                           {k: round(v) for k, v in secs.items()}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scale", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--free-train-hours", type=float, default=1.25, help="word-free streams for free_train.npz (0: none)")
    ap.add_argument("--free-val-hours", type=float, default=1.0, help="word-free streams for free_val.npz")
    ap.add_argument("--free", action="store_true", help="also write free_train.npz and free_val.npz")
    ap.add_argument("--free-only", action="store_true",
                    help="only (re)write free_train.npz and free_val.npz (train/val/unseen.npz untouched)")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    repo = os.path.realpath(features.REPO)
    if os.path.realpath(out).startswith(repo + os.sep):
        raise SystemExit("--out %s is inside the repository; the dataset holds corpus audio, put it elsewhere" % out)
    if not os.path.exists(os.path.join(args.corpus, "MANIFEST.tsv")):
        raise SystemExit("no MANIFEST.tsv in %s" % args.corpus)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.jobs)
    rng = np.random.default_rng(args.seed)
    fe = features.FrontEnd()
    t0 = time.time()

    narr_text = narration_lines()
    narr_jobs = [("espeak", "en-us", s, {"rate": 160, "pitch": 50}) for s in narr_text]
    if args.free_only:
        with cf.ThreadPoolExecutor(args.jobs) as ex:
            narr = [p for p in ex.map(synth, narr_jobs) if p is not None]
        _, noise, val_spk = corpus_events(args.corpus, rng, args.scale, args.seed)
        write_free(args, fe, narr, noise, val_spk, out, t0)
        return
    jobs = plan_synth(rng, args.scale, args.seed)
    log("synthesizing %d words and %d narration lines with %d workers" % (len(jobs), len(narr_jobs), args.jobs))
    with cf.ThreadPoolExecutor(args.jobs) as ex:
        pcms = list(ex.map(synth, [j[3] for j in jobs]))
        narr = [p for p in ex.map(synth, narr_jobs) if p is not None]
    events = {"train": [], "val": [], "unseen": []}
    failed = 0
    for (split, cls, src, job), pcm in zip(jobs, pcms):
        if pcm is None:
            failed += 1
            continue
        events[split].append(Event(pcm, cls, src, "%s:%s" % (job[0], job[1])))
    log("synthesis done (%d failed) in %.0f s" % (failed, time.time() - t0))
    cev, noise, val_spk = corpus_events(args.corpus, rng, args.scale, args.seed)
    for s in ("train", "val"):
        events[s] += cev[s]
    # narration as events too (the coach's voice, in the clear): train and val
    for i, p in enumerate(narr):
        events["train" if i % 5 else "val"].append(Event(p, OTHER, "narration", "espeak:en-us(coach)"))
    log("corpus: %d noise files, val speakers %d" % (len(noise), len(val_spk)))

    meta = {"args": vars(args), "classes": CLASSES, "sources": SOURCES, "context": CONTEXT,
            "positive_d": [POS_LO, POS_HI], "other_d": [NEG_BEFORE, NEG_AFTER],
            "val_speakers": val_spk, "narration_lines": len(narr), "splits": {}}
    for split in ("train", "val", "unseen"):
        ev = events[split]
        for i, e in enumerate(ev):
            e.id = i
        order = rng.permutation(len(ev))
        Xs, ys, srcs, ds, voices, eids, streams, ks = [], [], [], [], [], [], [], []
        per = 24
        # val and unseen keep every bed window, so false fires can be counted
        # per hour over contiguous windows
        bed_keep = 0.3 if split == "train" else 1.0
        for b in range(0, len(order), per):
            pcm, marks = build_stream([ev[i] for i in order[b:b + per]], noise, narr, rng)
            X, lab = label_stream(fe, pcm, marks, rng, bed_keep)
            Xs.append(X)
            eids += [l[5] for l in lab]
            streams += [b // per] * len(lab)
            ks += [l[0] for l in lab]
            ys += [l[1] for l in lab]
            srcs += [l[2] for l in lab]
            ds += [l[3] for l in lab]
            voices += [l[4] for l in lab]
        X = np.concatenate(Xs)
        y = np.array(ys, np.int8)
        np.savez(os.path.join(out, split + ".npz"), X=X, y=y, src=np.array(srcs, np.int8),
                 d=np.array(ds, np.float32), voice=np.array(voices), event=np.array(eids, np.int32),
                 stream=np.array(streams, np.int32), k=np.array(ks, np.int32))
        counts = {CLASSES[c]: int((y == c).sum()) for c in range(5)}
        by_src = {SOURCES[s]: int((np.array(srcs) == s).sum()) for s in range(len(SOURCES))}
        meta["splits"][split] = {"events": len(ev), "windows": int(y.size), "classes": counts, "sources": by_src}
        log("%s: %d events -> %d windows %s" % (split, len(ev), y.size, counts))
    meta["seconds"] = round(time.time() - t0, 1)
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    log("done in %.0f s -> %s" % (time.time() - t0, out))
    if args.free:
        write_free(args, fe, narr, noise, val_spk, out, time.time())


def write_free(args, fe, narr, noise, val_spk, out, t0):
    meta = {"args": vars(args), "sources": SOURCES, "share": FREE_SHARE, "length_s": FREE_LEN}
    make_free(args, fe, narr, noise, val_spk, out, meta)
    meta["seconds"] = round(time.time() - t0, 1)
    with open(os.path.join(out, "free.json"), "w") as f:
        json.dump(meta, f, indent=1)
    log("word-free streams done in %.0f s -> %s" % (time.time() - t0, out))


if __name__ == "__main__":
    main()
