#!/bin/sh
# self_trigger: does the coach obey its own voice? Runs the whole default
# routine from files with nobody speaking: the microphone hears only the
# coach's own output (the simulated room's echo) and, optionally, looped
# household noise, and every `heard` (a command acted on) and `unsure`
# (a pause) in the event log is a self-trigger.
#
#   bench/self_trigger.sh CORPUS_DIR [dev|test] [ECHO ...]
#
# ECHO is floorcoach's --echo GAIN_DB@DELAY_MS (default: 0@20 6@35 12@0,
# the issue's three); each runs without noise and with every noise
# recording of the split at 10 dB SNR. Prints one line per run: the echo,
# the noise, the session length, and the self-triggers with their times.
# A "stop" or "pain" heard ends or cuts the session, so the length shows
# how far it got. Exit status 77 when the corpus is absent.
set -eu
corpus=${1:?usage: self_trigger.sh CORPUS_DIR [dev|test] [ECHO ...]}
split=${2:-dev}
[ $# -ge 2 ] && shift 2 || shift $#
echoes=${*:-0@20 6@35 12@0}
bin=${FLOORCOACH:-build/floorcoach}
[ -f "$corpus/MANIFEST.tsv" ] || { echo "self_trigger: no corpus at $corpus: skipped" >&2; exit 77; }
[ -x "$bin" ] || { echo "self_trigger: $bin not built: run 'make build'" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
noises=$(awk -F'\t' -v s="$split" '$2 == "noise" && $5 == s { print $1 }' "$corpus/MANIFEST.tsv")
printf '%-6s %-28s %9s  %s\n' echo noise "length s" "self-triggers (event word at s)"
total=0
for e in $echoes; do
    for n in none $noises; do
        set -- --echo "$e"
        [ "$n" = none ] || set -- "$@" --noise "$corpus/$n@10"
        rm -f "$tmp/ev.jsonl" # each run makes a new record
        "$bin" run --no-keys --no-calibration --out "$tmp/out.wav" --events "$tmp/ev.jsonl" \
            "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
        found=$(grep -E '"event": ?"(heard|unsure)"' "$tmp/ev.jsonl" |
                sed -E 's/.*"t": ?([0-9.]+).*"event": ?"([a-z]+)".*"word": ?"([a-z]+)".*/\2 \3 at \1/' |
                tr '\n' ';' || true)
        len=$(tail -n 1 "$tmp/ev.jsonl" | sed -E 's/.*"t": ?([0-9.]+).*/\1/')
        count=$(grep -cE '"event": ?"(heard|unsure)"' "$tmp/ev.jsonl" || true)
        total=$((total + count))
        printf '%-6s %-28s %9s  %s\n' "$e" "$(basename "$n")" "$len" "${found:-none}"
    done
done
echo "self_trigger: $total self-triggers in all"
