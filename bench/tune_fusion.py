#!/usr/bin/python3
"""Tunes the fused decision (src/recog/hearing.c) offline, on dev only.

usage:
  FLOORCOACH_TRACE=/tmp/trace.txt build/bench/asr_eval CORPUS --split dev \
      [--snr 10 --continuous] --dump /tmp/dump.tsv
  bench/tune_fusion.py /tmp/dump.tsv /tmp/trace.txt [--mode fused|asr|kws] [--grid]
      [--set RULE[.WORD]=P ...] [--speakers KWS_DATA/meta.json --corpus CORPUS]

The trace holds both detectors' raw output over the whole run (every
keyword score and every decoder result); the dump says where each clip lies
on the session clock. This replays hearing.c's rules on them (same
constants: keep them in step) for any thresholds, and prints asr_eval's
figures: detection, wrong commands, "quiet" (stopped or paused) per word,
distractors taken and paused on, false commands and pauses per hour of
running speech and noise. --grid sweeps the fire and unsure lines and the
decoder's confirm line and prints one line per setting.

The figures match a C run with the same thresholds within a few clips
(the replay settles decoder results on trace times, the C code on call
boundaries). Choose on dev; confirm on test with asr_eval itself.
"""
import argparse
import itertools
import sys

RATE = 16000
WORDS = ["next", "repeat", "pain", "stop"]
CONFIRM_BEFORE = RATE // 10
CONFIRM_AFTER = RATE * 4 // 10
KWS_END_LAG = RATE * 15 // 100
KWS_WORD_LEN = RATE // 2
REFRACTORY = RATE
PAD_BEFORE, PAD_AFTER = RATE // 2, RATE


def defaults():
    t = {r: {w: 2.0 for w in WORDS} for r in ("fire", "confirm", "unsure", "doubt", "probe")}
    for w in WORDS:
        t["fire"][w] = 0.9
        t["probe"][w] = 2.0
        t["confirm"][w] = 0.4
    for w in ("stop", "pain"):
        t["unsure"][w] = 0.8
        t["doubt"][w] = 0.1
    return t


def load(dump_path, trace_path):
    clips = []
    for line in open(dump_path):
        f = line.rstrip("\n").split("\t")
        at, n = f[3][1:].split(":")
        clips.append((f[0], f[1], int(at), int(n)))
    events, probes = [], {}
    for line in open(trace_path):
        f = line.split()
        if f[0] == "p":
            probes[(int(f[1]), f[2])] = f[3]
        elif f[0] == "k":
            events.append((int(f[1]), 0, [float(x) for x in f[2:6]]))
        else:
            events.append((int(f[4]), 1, (f[1], int(f[2]), int(f[3]), int(f[4]))))
    events.sort(key=lambda e: (e[0], e[1]))
    return clips, events, probes


def replay(events, probes, t, mode="fused"):
    """hearing.c's decision over the whole trace: [(time, word, unsure)].
    mode asr: the decoder's results as they are; kws: the detector alone."""
    out, hist, pend = [], [], []
    probed, denied = {w: False for w in WORDS}, {w: False for w in WORDS}
    if mode == "asr":
        return [(e[2][3], e[2][0], False) for e in events if e[1] == 1]
    last = {"word": None, "sure": False, "end": 0}

    def report(word, end, when, unsure):
        gap = end - last["end"]
        if last["word"] == word and -REFRACTORY < gap < REFRACTORY and (unsure or last["sure"]):
            return
        last.update(word=word, sure=not unsure, end=end)
        out.append((when, word, unsure))

    def judge(a, now, clock):
        word, start, end, when = a
        lo, hi = end - CONFIRM_BEFORE, end + CONFIRM_AFTER
        idx = WORDS.index(word)
        p = max([s[1][idx] for s in hist if lo <= s[0] <= hi] or [0.0])
        complete = bool(hist) and hist[-1][0] >= hi
        if p >= t["confirm"][word]:
            report(word, end, clock, False)
            return True
        if not complete and not now:
            return False
        if p >= t["doubt"][word]:
            report(word, end, clock, True)
        return True

    for time, kind, payload in events:
        if kind == 0:
            hist.append((time, payload))
            if len(hist) > 64:
                hist.pop(0)
            for i, w in enumerate(WORDS):
                p = payload[i]
                if p < t["probe"][w] and p < t["fire"][w] and p < t["unsure"][w]:
                    probed[w] = denied[w] = False
                    continue
                if t["probe"][w] <= p < t["fire"][w] and not probed[w]:
                    # Only the probes the traced run made are known: any
                    # other counts as a no.
                    said = probes.get((time, w)) if mode == "fused" else None
                    probed[w] = True
                    denied[w] = said != w
                if p >= t["fire"][w] or (probed[w] and not denied[w]):
                    report(w, time - KWS_END_LAG, time, False)
                elif p >= t["unsure"][w]:
                    report(w, time - KWS_END_LAG, time, True)
        elif mode == "fused":
            pend.append(payload)
        pend = [a for a in pend if not judge(a, False, time)]
    return out


def score(clips, decided, speakers=None):
    decided.sort()
    stats = {w: [0, 0, 0, 0] for w in WORDS}  # n, hit, wrong, quiet
    dis = [0, 0, 0]
    hours = {"speech": 0.0, "noise": 0.0}
    fa = {"speech": 0, "noise": 0}
    pauses = {"speech": 0, "noise": 0}
    j = 0
    for file, cat, at, n in clips:
        lo, hi = at - PAD_BEFORE, at + n + PAD_AFTER
        while j < len(decided) and decided[j][0] < lo:
            j += 1
        got = []
        k = j
        while k < len(decided) and decided[k][0] < hi:
            got.append(decided[k])
            k += 1
        kind = cat.split("/")[0]
        if kind == "synth":  # asr_eval --synth: a command word, or a distractor
            kind = "commands" if cat.split("/")[1] in WORDS else "distractors"
            cat = "commands/" + cat.split("/")[1]
        if speakers is not None and kind in ("commands", "distractors") and \
                SPEAKER.get(file) not in speakers:
            continue
        if kind == "commands":
            w = cat.split("/")[1]
            s = stats[w]
            s[0] += 1
            s[1] += any(g[1] == w and not g[2] for g in got)
            s[2] += any(g[1] != w and not g[2] for g in got)
            s[3] += any(g[2] or g[1] in ("stop", "pain") for g in got)
        elif kind == "distractors":
            dis[0] += 1
            sure = any(not g[2] for g in got)
            dis[1] += sure
            dis[2] += (not sure) and bool(got)
        elif kind in hours:
            hours[kind] += n / RATE / 3600
            fa[kind] += sum(not g[2] for g in got)
            pauses[kind] += sum(g[2] for g in got)
    return stats, dis, hours, fa, pauses


def summary(res):
    stats, dis, hours, fa, pauses = res
    parts = []
    for w in WORDS:
        n, hit, wrong, quiet = stats[w]
        if n:
            parts.append("%s %d/%d%s" % (w, hit, n, " q%d" % quiet if w == "stop" else ""))
    wrong = sum(s[2] for s in stats.values())
    parts.append("wrong %d" % wrong)
    parts.append("dis %d/%d p%d" % (dis[1], dis[0], dis[2]))
    for k in ("speech", "noise"):
        h = hours[k] or 1
        parts.append("%s %.0f/h p%.0f/h" % (k, fa[k] / h, pauses[k] / h))
    return "  ".join(parts)


def apply(t, spec):
    """RULE[.WORD]=P, as asr_eval's --tune."""
    key, val = spec.split("=")
    rule, _, word = key.partition(".")
    for w in ([word] if word else WORDS):
        t[rule][w] = float(val)


SPEAKER = {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("fused", "asr", "kws"), default="fused")
    ap.add_argument("--speakers", help="meta.json of make_dataset.py: score only its "
                    "val_speakers' word clips (dev speakers the head never trained on); "
                    "needs --corpus")
    ap.add_argument("--corpus")
    ap.add_argument("dump")
    ap.add_argument("trace")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--grid", action="store_true")
    a = ap.parse_args()
    clips, events, probes = load(a.dump, a.trace)
    speakers = None
    if a.speakers:
        import json
        speakers = set(json.load(open(a.speakers))["val_speakers"])
        for line in open(a.corpus + "/MANIFEST.tsv"):
            f = line.split("\t")
            SPEAKER[f[0]] = f[3]
    base = defaults()
    for s in a.set:
        apply(base, s)
    print("base:", summary(score(clips, replay(events, probes, base, a.mode), speakers)))
    if not a.grid:
        return
    for fire, unsure, confirm, doubt in itertools.product(
            (0.8, 0.9, 0.95, 0.98), (0.3, 0.5, 0.7, 0.8, 2.0), (0.1, 0.2, 0.4), (0.02, 0.1, 2.0)):
        if unsure != 2.0 and unsure >= fire:
            continue
        t = defaults()
        for s in a.set:
            apply(t, s)
        for w in WORDS:
            t["fire"][w] = fire
            t["confirm"][w] = confirm
        for w in ("stop", "pain"):
            t["unsure"][w] = unsure
            t["doubt"][w] = doubt
        print("fire %.2f unsure %.2f confirm %.2f doubt %.2f: %s" % (
            fire, unsure, confirm, doubt,
            summary(score(clips, replay(events, probes, t, a.mode), speakers))))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
