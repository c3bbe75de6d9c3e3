#!/bin/sh
# The command line on good and bad input: exit codes, one clear line naming
# the file or device, no crash, and bit-exact sessions across runs.
# usage: test_cli.sh FLOORCOACH SOURCE_DIR
set -u
FC=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/../checks.sh"
export XDG_CONFIG_HOME="$T/config"


printf 'title: x\nintro: [a]\nexercises:\n  - name: y\n    kind: hold\n    hold_seconds: [\n' >"$T/broken.yaml"
printf 'title: x\nintro: [a]\nexercises:\n  - name: y\n    purpose: p\n    kind: hold\n    hold_seconds: 90\n    hold_range: 15-30\n    repetitions: 3\n    repetition_range: 3-5\n    sides: none\n    steps: [s]\n    pain: [p]\n' >"$T/range.yaml"
printf 'espeak_voice: xx-nowhere\nrate: 150\npitch: 50\nvolume: 100\n' >"$T/novoice.yaml"
printf 'espeak_voice: en-us\nrate: fast\n' >"$T/badvoice.yaml"
printf 'not audio' >"$T/notaudio.wav"

expect 0 "ok \(9 exercises\)" "check accepts the default routine" -- "$FC" check "$SRC/scripts/fai.yaml"
expect 0 "ok" "check accepts every shipped routine" -- "$FC" check "$SRC"/scripts/*.yaml
expect 1 "broken.yaml:[0-9]+:[0-9]+: " "check reports file:line:col for a syntax error" -- "$FC" check "$T/broken.yaml"
expect 1 "range.yaml:7:[0-9]+: .*outside the prescribed range" "check reports a hold outside its range" -- "$FC" check "$T/range.yaml"
expect 1 "nothere.yaml: cannot open" "check names a missing routine" -- "$FC" check "$T/nothere.yaml"
expect 2 "range.yaml:7:" "run refuses a broken routine with file:line" -- "$FC" run "$T/range.yaml" --out "$T/x.wav"
expect 2 "nothere.yaml: no such routine" "run names a missing routine" -- "$FC" run "$T/nothere.yaml" --out "$T/x.wav"
expect 2 "no voice profile 'nobody'" "run names a missing voice profile" -- "$FC" run --voice nobody --out "$T/x.wav"
expect 2 "badvoice.yaml:2:[0-9]+: 'rate'" "run names a malformed voice profile" -- "$FC" run --voice "$T/badvoice.yaml" --out "$T/x.wav"
expect 2 "no voice 'xx-nowhere'" "run names a voice eSpeak NG lacks" -- "$FC" run --voice "$T/novoice.yaml" --out "$T/x.wav"
expect 2 "notaudio.wav: cannot read audio file" "run names an unreadable microphone file" -- "$FC" run --mic "$T/notaudio.wav" --out "$T/x.wav"
expect 2 "nodir/x.wav: cannot write" "run names an unwritable output file" -- "$FC" run --out "$T/nodir/x.wav"
expect 2 "nodir/e.jsonl: cannot write the event log" "run names an unwritable event log" -- "$FC" run --out "$T/x.wav" --events "$T/nodir/e.jsonl"
expect 2 "no audio output device matches 'no-such-device'" "run names a missing output device" -- "$FC" run --output no-such-device
expect 2 "unknown command" "an unknown command is refused" -- "$FC" dance
expect 2 "usage" "no command prints usage" -- "$FC"
for c in run check say devices listen calibrate; do
  expect 0 "usage: floorcoach $c" "$c --help" -- "$FC" "$c" --help
done
expect 0 "" "say renders to a file" -- "$FC" say Hello there --out "$T/say.wav"
if [ -s "$T/say.wav" ]; then ok "say wrote audio"; else bad "say wrote no audio"; fi

# A session is a pure function of its inputs: two runs, identical bytes
# (the record's date is the one input from outside: SOURCE_DATE_EPOCH fixes it).
SOURCE_DATE_EPOCH=1764601200 "$FC" run "$SRC/tests/routines/mini.yaml" --out "$T/a.wav" --events "$T/a.jsonl" --no-keys
sleep 1
SOURCE_DATE_EPOCH=1764601200 "$FC" run "$SRC/tests/routines/mini.yaml" --out "$T/b.wav" --events "$T/b.jsonl" --no-keys
if cmp -s "$T/a.wav" "$T/b.wav" && cmp -s "$T/a.jsonl" "$T/b.jsonl"; then
  ok "two runs are bit for bit identical"
else
  bad "two runs differ"
fi
"$FC" run "$SRC/tests/routines/mini.yaml" --out "$T/c.wav" --events "$T/c.jsonl" --no-keys
if head -n 1 "$T/c.jsonl" | grep -q "\"date\":\"$(date +%Y-%m-%d)T"; then
  ok "the record starts with today's date"
else
  bad "start event: $(head -n 1 "$T/c.jsonl")"
fi

# An earlier session's record is never overwritten: refused, or appended to
# with --append, each appended event carrying its session's id.
cp "$T/c.jsonl" "$T/keep.jsonl"
expect 2 "c.jsonl already holds a record" "run refuses to overwrite an earlier log" -- \
  "$FC" run "$SRC/tests/routines/tiny.yaml" --out "$T/c.wav" --events "$T/c.jsonl" --no-keys
if cmp -s "$T/c.jsonl" "$T/keep.jsonl"; then ok "the earlier log is untouched"; else bad "the earlier log changed"; fi
expect 0 "" "run --append adds a session" -- \
  "$FC" run "$SRC/tests/routines/tiny.yaml" --out "$T/c.wav" --events "$T/c.jsonl" --no-keys --append
before=$(wc -l <"$T/keep.jsonl")
if head -n "$before" "$T/c.jsonl" | cmp -s - "$T/keep.jsonl" &&
   [ "$(grep -c '"event":"start"' "$T/c.jsonl")" -eq 2 ] &&
   [ "$(tail -n +"$((before + 1))" "$T/c.jsonl" | grep -vc '"session":"')" -eq 0 ]; then
  ok "the appended session follows the first, every event with its session id"
else
  bad "after --append: $(cat "$T/c.jsonl" | cut -c1-100)"
fi

# A prescription is checked against its routine, with file:line.
printf 'routine: Hip impingement home routine\nexercises:\n  - {name: Bridges, repetitions: 30}\n' >"$T/rx.yaml"
expect 1 "rx.yaml:3:34: repetitions 30 is outside the range 15-20" \
  "check refuses a dose outside the routine's range" -- "$FC" check fai --prescription "$T/rx.yaml"
expect 2 "rx.yaml:3:34: repetitions 30 is outside" "run refuses it too" -- \
  "$FC" run fai --prescription "$T/rx.yaml" --out "$T/rx.wav" --no-keys
printf 'routine: Hip impingement home routine\nexercises:\n  - {name: Bridges, repetitions: 20}\n' >"$T/rx.yaml"
expect 0 "rx.yaml: ok for" "check accepts a dose inside it" -- "$FC" check fai --prescription "$T/rx.yaml"
if tail -n 1 "$T/a.jsonl" | grep -q '"event":"end",.*"reason":"completed"'; then
  ok "the log ends with end completed"
else
  bad "the log does not end with end completed"; tail -n 2 "$T/a.jsonl"
fi

# Calibration: bad input is refused; a saved calibration is used by run
# (and recorded in the log), unless --no-calibration; a broken one is named.
expect 2 "give a number from 1 to 10" "calibrate refuses --takes 0" -- "$FC" calibrate --takes 0 --no-save
expect 2 "give the answers with --mic" "calibrate --out needs --mic" -- "$FC" calibrate --out "$T/c.wav" --no-save
expect 2 "notaudio.wav: cannot read audio file" "calibrate names an unreadable microphone file" -- "$FC" calibrate --mic "$T/notaudio.wav" --out "$T/c.wav" --no-save
mkdir -p "$T/config/floorcoach"
printf 'bias.stop = 10\nbias.pain = 5\n' >"$T/config/floorcoach/calibration.conf"
"$FC" run "$SRC/tests/routines/tiny.yaml" --mic "$T/say.wav" --out "$T/c1.wav" --events "$T/c1.jsonl" --no-keys
if head -n 1 "$T/c1.jsonl" | grep -q "\"calibration\":\"$T/config/floorcoach/calibration.conf\""; then
  ok "run uses the saved calibration"
else
  bad "run did not use the saved calibration: $(head -n 1 "$T/c1.jsonl")"
fi
"$FC" run "$SRC/tests/routines/tiny.yaml" --mic "$T/say.wav" --out "$T/c2.wav" --events "$T/c2.jsonl" --no-keys --no-calibration
if head -n 1 "$T/c2.jsonl" | grep -q '"calibration":null'; then
  ok "--no-calibration ignores it"
else
  bad "--no-calibration still used it: $(head -n 1 "$T/c2.jsonl")"
fi
printf 'bias.stop = 10\nbias.stop = loud\n' >"$T/config/floorcoach/calibration.conf"
expect 2 "calibration.conf:2: not a valid" "run names a broken calibration by file and line" -- "$FC" run "$SRC/tests/routines/tiny.yaml" --mic "$T/say.wav" --out "$T/c3.wav" --no-keys
expect 2 "other.conf: cannot open" "run names a missing --calibration file" -- "$FC" run "$SRC/tests/routines/tiny.yaml" --mic "$T/say.wav" --out "$T/c3.wav" --no-keys --calibration "$T/other.conf"
rm -f "$T/config/floorcoach/calibration.conf"

# The keyword models: missing or damaged, listening refuses to start
# (nothing is heard with half a recogniser), naming the file and the
# command that installs it; without listening they are not needed.
mkdir -p "$T/data/grammars/kws"
for d in scripts voices; do ln -s "$SRC/$d" "$T/data/$d"; done
for f in "$SRC"/grammars/*; do [ -f "$f" ] && ln -s "$f" "$T/data/grammars/"; done
cp "$SRC/grammars/kws/head.bin" "$T/data/grammars/kws/"
expect 2 "grammars/kws/kws-frontend.bin.*make deps" "run names a missing keyword front end" -- env FLOORCOACH_DATA="$T/data" "$FC" run "$SRC/tests/routines/tiny.yaml" --mic "$T/say.wav" --out "$T/m.wav" --no-keys
expect 2 "grammars/kws/kws-frontend.bin.*make deps" "listen names a missing keyword front end" -- env FLOORCOACH_DATA="$T/data" "$FC" listen --mic "$T/say.wav"
head -c 5000 "$SRC/grammars/kws/kws-frontend.bin" >"$T/data/grammars/kws/kws-frontend.bin"
expect 2 "kws-frontend.bin: .*make deps" "run names a damaged keyword front end" -- env FLOORCOACH_DATA="$T/data" "$FC" run "$SRC/tests/routines/tiny.yaml" --mic "$T/say.wav" --out "$T/m.wav" --no-keys
cp "$SRC/grammars/kws/kws-frontend.bin" "$T/data/grammars/kws/"
rm "$T/data/grammars/kws/head.bin"
expect 2 "grammars/kws/head.bin.*reinstall" "run names a missing keyword head" -- env FLOORCOACH_DATA="$T/data" "$FC" run "$SRC/tests/routines/tiny.yaml" --mic "$T/say.wav" --out "$T/m.wav" --no-keys
expect 0 "" "without listening the keyword models are not needed" -- env FLOORCOACH_DATA="$T/data" "$FC" run "$SRC/tests/routines/tiny.yaml" --out "$T/m.wav" --no-keys
expect 0 "" "nor with --no-listen" -- env FLOORCOACH_DATA="$T/data" "$FC" run "$SRC/tests/routines/tiny.yaml" --mic "$T/say.wav" --no-listen --out "$T/m.wav" --no-keys

# Keys stand in for the voice: "s" typed into stdin stops the session.
printf 's' | "$FC" run "$SRC/tests/routines/tiny.yaml" --out "$T/k.wav" --events "$T/k.jsonl" --keys
if tail -n 1 "$T/k.jsonl" | grep -q '"event":"end",.*"reason":"stopped"' &&
   grep -q '"text":"Stopping here."' "$T/k.jsonl"; then
  ok "the s key stops the session"
else
  bad "the s key did not stop the session: $(tail -n 2 "$T/k.jsonl" | tr '\n' ' ')"
fi

finish
