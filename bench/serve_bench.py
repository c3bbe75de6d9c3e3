#!/usr/bin/python3
"""serve's idle listening, measured (issue 12): false starts per hour, CPU,
and, over a long run, memory and file descriptors.

Builds an idle microphone stream from the shared corpus's given split:
running speech, single words (commands and distractors, which must not
start anything either), and synthetic "TV" sentences with look-alikes of the
start phrase (flite and espeak-ng voices), over household noise at 0-20 dB
SNR with gaps of silence; optionally a real start phrase (flite slt) with a
"stop" after it every --start-every seconds (the soak's periodic sessions).
Then runs `floorcoach serve --mic STREAM` in file mode, samples its RSS and
open fds from /proc every few seconds, and prints the figures.

usage: serve_bench.py FLOORCOACH CORPUS --split dev|test --hours H
                      [--start-every S] [--seed N] [--keep DIR]
Nothing from the corpus is written anywhere but a temporary folder.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import wave

import numpy as np

RATE = 16000
LOOKALIKES = [
    "start my car", "stop my exercises", "my exercises are done", "start the exercise bike",
    "start the music", "the weather will start to clear in the afternoon",
    "exercise is good for you", "let me start with the news", "my stretches are on the mat",
    "start the timer for my eggs", "he said start my engine", "those exercises look hard",
]
VOICES = [["flite", "-voice", "slt"], ["flite", "-voice", "kal"], ["flite", "-voice", "rms"],
          ["espeak-ng", "-v", "en-us"], ["espeak-ng", "-v", "en-gb+f3"]]


def read_wav(path):
    """Mono float samples at RATE (a synthetic voice's own rate resampled
    linearly: good enough for something that must not be heard)."""
    with wave.open(path) as w:
        if w.getsampwidth() != 2:
            return None
        x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        x = x.reshape(-1, w.getnchannels()).mean(axis=1).astype(np.float32)
        rate = w.getframerate()
    if rate != RATE and len(x):
        n = int(len(x) * RATE / rate)
        x = np.interp(np.arange(n) * rate / RATE, np.arange(len(x)), x).astype(np.float32)
    return x


def synth(cmd, text, tmp):
    out = os.path.join(tmp, "tts.wav")
    if cmd[0] == "flite":
        args = cmd + ["-t", text, "-o", out]
    else:
        args = cmd + ["-w", out, text]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return read_wav(out)


def corpus_clips(corpus, split):
    clips, noise = [], []
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        next(f)
        for line in f:
            col = line.rstrip("\n").split("\t")
            if col[4] != split:
                continue
            x = read_wav(os.path.join(corpus, col[0]))
            if x is None or len(x) == 0:
                continue
            (noise if col[1] == "noise" else clips).append(x)
    return clips, noise


def level(x, dbfs):
    rms = np.sqrt(np.mean(x ** 2)) + 1e-9
    return x * (10 ** (dbfs / 20) * 32768 / rms)


def next_clip(args, rng, t, state, lib):
    """The next thing said at absolute sample t, and the gap after it."""
    tv, clips, phrase, stop = lib
    if args.start_every and t >= state["next_start"] - 2 * RATE and "quiet_before" not in state:
        state["quiet_before"] = True  # two seconds of quiet before a start
        return np.zeros(0, np.float32), 2 * RATE
    if args.start_every and t >= state["next_start"]:
        state.pop("quiet_before", None)
        state["next_start"] += args.start_every * RATE
        state["starts"] += 1
        state["placed"].append((t / RATE, state["snr"]))
        quiet = np.zeros
        x = np.concatenate([phrase, quiet(8 * RATE, np.float32), stop,
                            quiet(3 * RATE, np.float32), stop])
        return x, 150 * RATE  # the session closes before anything else is said
    pool = tv if rng.random() < 0.3 else clips
    return pool[rng.randrange(len(pool))], int(rng.uniform(0.3, 3.0) * RATE)


def build(args, tmp):
    rng = random.Random(args.seed)
    clips, noise = corpus_clips(args.corpus, args.split)
    tv = [synth(v, t, tmp) for v in VOICES for t in LOOKALIKES]
    lib = (tv, clips, synth(VOICES[0], "start my exercises", tmp), synth(VOICES[0], "stop", tmp))
    state = {"next_start": args.start_every * RATE, "starts": 0, "placed": [], "snr": None}
    total = int(args.hours * 3600 * RATE)
    path = os.path.join(tmp, "mic.wav")
    w = wave.open(path, "wb")
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(RATE)
    chunk = 60 * RATE  # written a minute at a time: hours never sit in memory
    t, pos, spill = 0, RATE, np.zeros(0, np.float32)
    while t < total:
        buf = np.zeros(chunk, dtype=np.float32)
        buf[:len(spill)] += spill[:chunk]
        spill = spill[chunk:]
        # A busy minute: speech and noise; else a quiet room (a faint
        # noise floor) where only a start placed in it is said.
        busy = rng.random() < args.busy
        state["snr"] = rng.uniform(args.snr_min, args.snr_max) if busy else None
        while pos < chunk:
            x, gap = next_clip(args, rng, t + pos, state, lib)
            if not busy and len(x) and x is not lib[2] and len(x) < 8 * RATE:
                pos += len(x) + gap  # nobody talks in a quiet minute
                continue
            x = level(x, -26) if len(x) else x
            n = min(len(x), chunk - pos)
            buf[pos:pos + n] += x[:n]
            if n < len(x):
                spill = x[n:]
            pos += len(x) + gap
        pos -= chunk
        # A household noise bed under it all, a new one each minute.
        bed = noise[rng.randrange(len(noise))]
        bed = np.resize(np.roll(bed, -rng.randrange(len(bed))), chunk)
        buf += level(bed, -26 - (state["snr"] if busy else args.quiet_snr))
        n = min(chunk, total - t)
        w.writeframes(np.clip(buf[:n], -32768, 32767).astype(np.int16).tobytes())
        t += n
    w.close()
    return path, state["placed"]


def fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None


def run(args, mic, tmp):
    events = os.path.join(tmp, "events.jsonl")
    cmd = [args.floorcoach, "serve", "--mic", mic, "--out", os.path.join(tmp, "out.wav"),
           "--events", events, "--no-calibration"]
    t0 = time.time()
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    samples = []
    while p.poll() is None:
        r, f = rss_kb(p.pid), fds(p.pid)
        if r is not None:
            samples.append((time.time() - t0, r, f))
            # As it goes, so that a long run stopped early still tells.
            print(f"sample wall {samples[-1][0]:.0f} s rss {r / 1024:.1f} MB fds {f}", flush=True)
        time.sleep(args.every)
    err = p.stderr.read()
    wall = time.time() - t0
    return p.returncode, events, samples, wall, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("floorcoach")
    ap.add_argument("corpus")
    ap.add_argument("--split", choices=["dev", "test"], required=True)
    ap.add_argument("--hours", type=float, default=1.0)
    ap.add_argument("--start-every", type=float, default=0, help="seconds; 0: no starts")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--every", type=float, default=5.0, help="seconds between samples")
    ap.add_argument("--busy", type=float, default=1.0,
                    help="share of minutes with speech and noise (the rest: a quiet room)")
    ap.add_argument("--snr-min", type=float, default=0.0)
    ap.add_argument("--snr-max", type=float, default=20.0)
    ap.add_argument("--quiet-snr", type=float, default=40.0,
                    help="the noise floor of a quiet minute, dB below speech")
    ap.add_argument("--keep", help="keep the stream and the log in this folder")
    args = ap.parse_args()
    tmp = args.keep or tempfile.mkdtemp(prefix="fc_serve_bench_")
    os.makedirs(tmp, exist_ok=True)
    mic, placed = build(args, tmp)
    starts = len(placed)
    before = os.times()
    code, events, samples, wall, err = run(args, mic, tmp)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    wakes, sessions = [], 0
    with open(events) as f:
        for line in f:
            e = json.loads(line)
            if e["event"] == "wake":
                wakes.append(e["t"])
            sessions += e["event"] == "end"
    # A wake within 5 s after a placed phrase is that start; any other is false.
    found = [any(0 <= w - at <= 5 for w in wakes) for at, _ in placed]
    false_starts = sum(1 for w in wakes if not any(0 <= w - at <= 5 for at, _ in placed))
    audio_h = args.hours
    print(f"split {args.split}, {audio_h:g} h of idle audio (seed {args.seed}), "
          f"{100 * args.busy:.0f}% of minutes busy at {args.snr_min:g}-{args.snr_max:g} dB SNR, "
          f"{starts} real starts placed; exit {code}")
    print(f"wakes {len(wakes)}, sessions {sessions}, false starts {false_starts} "
          f"({false_starts / audio_h:.2f} per hour)")
    for (at, snr), ok in zip(placed, found):
        where = "quiet" if snr is None else f"{snr:.0f} dB SNR"
        print(f"  start at {at:.0f} s ({where}): {'heard' if ok else 'missed'}")
    print(f"cpu {cpu:.1f} s for {audio_h * 3600:.0f} s of audio: "
          f"{100 * cpu / (audio_h * 3600):.2f}% of one core in real time; wall {wall:.0f} s")
    if samples:
        r = [s[1] for s in samples]
        f = [s[2] for s in samples if s[2] is not None]
        q = len(r) // 4 or 1
        print(f"rss first quarter max {max(r[:q]) / 1024:.1f} MB, last quarter max "
              f"{max(r[-q:]) / 1024:.1f} MB, overall max {max(r) / 1024:.1f} MB "
              f"({len(r)} samples)")
        if f:
            print(f"open fds min {min(f)} max {max(f)}")
    if code != 0:
        print(err[-2000:], file=sys.stderr)
    if not args.keep:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
