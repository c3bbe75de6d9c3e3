#!/usr/bin/env python3
"""The soak (issue 13): one `floorcoach run` process coaching an 8-hour
session in file mode, listening, with the simulated room's echo and
household noise on, its RSS and open file descriptors sampled as it goes.
A benchmark: it prints figures and passes or fails nothing.

usage: bench/soak.py FLOORCOACH CORPUS [--split dev] [--hours 8]
                     [--noise NAME] [--snr 20] [--echo 0@20] [--every 5]

The routine is generated: one hold exercise on both sides, 30 s holds with
120 s rests, as many repetitions as fill the hours (at most 100 a side).
The session must not stop on its own before the end, so the cautious
pause band is closed for this run (a calibration file sets the unsure and
doubt lines equal to the lines for acting): an unanswered false pause
would end the session after two minutes. False pauses are measured by
asr_eval and self_trigger.sh, not here. A false "stop" still ends it, and
is reported.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_bench import fds, rss_kb  # noqa: E402  (the same /proc readers)

HOLD_S, REST_S = 30, 120
PER_REP_S = HOLD_S + REST_S + 5  # the hold, the rest and the lines between
MAX_REPS = 100  # the routine format's limit

ROUTINE = """title: Soak
intro: [A long session for the soak benchmark.]
exercises:
  - name: Long hold
    purpose: Keeps the coach busy for hours.
    kind: hold
    hold_seconds: {hold}
    hold_range: 15-30
    repetitions: {reps}
    repetition_range: 1-100
    rest_seconds: {rest}
    sides: both
    steps:
      - Lie on your back.
    pain: [Come out of the position slowly.]
"""

# Quiet and talking sets (src/recog/hearing.c): the pause bands closed.
NO_PAUSE = """kws.unsure.stop = 0.9
kws.unsure.pain = 0.9
kws.doubt.stop = 0.4
kws.doubt.pain = 0.4
kws.talking.doubt.stop = 0.8
kws.talking.doubt.pain = 0.8
"""


def noise_file(corpus, split, name):
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        for line in f:
            col = line.rstrip("\n").split("\t")
            if len(col) > 4 and col[1] == "noise" and col[4] == split and (not name or name in col[0]):
                return os.path.join(corpus, col[0])
    sys.exit(f"soak: no {split} noise matching {name!r} in {corpus}/MANIFEST.tsv")


def last_event(path):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 4096))
            lines = f.read().splitlines()
        return json.loads(lines[-1]) if lines else None
    except (OSError, ValueError):
        return None


def sample(p, events, t0, every):
    samples = []
    while p.poll() is None:
        r, n = rss_kb(p.pid), fds(p.pid)
        ev = last_event(events)
        if r is not None:
            t = ev["t"] if ev else 0.0
            samples.append((time.time() - t0, t, r, n))
            print(f"sample wall {samples[-1][0]:.0f} s audio {t / 3600:.2f} h "
                  f"rss {r / 1024:.1f} MB fds {n}", flush=True)
        time.sleep(every)
    return samples


def summary(samples, events, wall, code):
    ev = last_event(events) or {}
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = cpu.ru_utime + cpu.ru_stime
    audio = ev.get("t", 0.0)
    print(f"exit {code}; end {ev.get('event')} {ev.get('reason', '')}; audio {audio / 3600:.2f} h "
          f"in {wall / 60:.1f} min wall, CPU {cpu_s / 60:.1f} min "
          f"({100 * cpu_s / max(audio, 1):.2f}% of one core per audio second)")
    if len(samples) >= 4:
        q = len(samples) // 4
        rss = [s[2] / 1024 for s in samples]
        print(f"rss MB: first quarter max {max(rss[:q]):.1f}, last quarter max {max(rss[-q:]):.1f}, "
              f"overall min {min(rss):.1f} max {max(rss):.1f}")
        print(f"fds: first {samples[0][3]}, last {samples[-1][3]}, max {max(s[3] for s in samples)}")
    with open(events) as f:
        kinds, told = {}, []
        for line in f:
            ev = json.loads(line)
            kinds[ev["event"]] = kinds.get(ev["event"], 0) + 1
            # Nobody speaks in the soak: any word taken is a false one.
            if ev["event"] in ("heard", "unsure", "pause", "end"):
                told.append(f"{ev['event']} {ev.get('word', ev.get('reason', ''))} at {ev['t']:.1f} s")
    print("events: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print("words and the end: " + "; ".join(told))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("floorcoach")
    ap.add_argument("corpus")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--noise", default="running_tap", help="part of a noise file's name")
    ap.add_argument("--snr", type=float, default=20.0)
    ap.add_argument("--echo", default="0@20")
    ap.add_argument("--every", type=float, default=5.0, help="seconds between samples")
    args = ap.parse_args()
    reps = max(1, min(MAX_REPS, round(args.hours * 3600 / (2 * PER_REP_S))))
    with tempfile.TemporaryDirectory(prefix="fc_soak_") as tmp:
        routine = os.path.join(tmp, "soak.yaml")
        with open(routine, "w") as f:
            f.write(ROUTINE.format(hold=HOLD_S, reps=reps, rest=REST_S))
        calib = os.path.join(tmp, "no-pause.conf")
        with open(calib, "w") as f:
            f.write(NO_PAUSE)
        events = os.path.join(tmp, "events.jsonl")
        noise = noise_file(args.corpus, args.split, args.noise)
        cmd = [args.floorcoach, "run", routine, "--cleared", "--no-keys", "--out",
               os.path.join(tmp, "out.wav"), "--events", events, "--echo", args.echo, "--reverb",
               "--noise", f"{noise}@{args.snr:g}", "--calibration", calib]
        print(f"soak: {reps} holds a side ({2 * reps * PER_REP_S / 3600:.1f} h planned), "
              f"noise {os.path.basename(noise)} at {args.snr:g} dB, echo {args.echo}", flush=True)
        t0 = time.time()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples = sample(p, events, t0, args.every)
        summary(samples, events, time.time() - t0, p.returncode)


if __name__ == "__main__":
    main()
