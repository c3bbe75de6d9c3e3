#!/bin/sh
# Bad input, signals and full disks (issue 13): each gets a clear error and
# its exit code, and nothing recorded is lost or damaged.
# usage: test_hardening.sh FLOORCOACH SOURCE_DIR
set -u
FC=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/../checks.sh"
TINY="$SRC/tests/routines/tiny.yaml"
MINI="$SRC/tests/routines/mini.yaml"


# wav_frames FILE: the data frames its header claims, or -1 when the header
# does not match the file (a killed writer's 0-frame or wrapped header).
wav_frames() {
  python3 - "$1" <<'EOF'
import struct, sys, os
d = open(sys.argv[1], "rb").read()
if d[:4] != b"RIFF" or d[8:12] != b"WAVE":
    print(-1); sys.exit()
i = 12
while i + 8 <= len(d):
    cid, size = d[i:i+4], struct.unpack("<I", d[i+4:i+8])[0]
    if cid == b"data":
        print(size // 2 if size > 0 and i + 8 + size <= len(d) else -1); sys.exit()
    i += 8 + size + (size & 1)
print(-1)
EOF
}

# Every line of a JSON Lines file is a whole object.
whole_lines() {
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)
' "$1"
}

# --- 3. Float WAV files are heard, not read as silence
"$FC" say stop --out "$T/stop16.wav" >/dev/null 2>&1
python3 - "$T/stop16.wav" "$T/stopf.wav" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
i = 12
while d[i:i+4] != b"data":
    i += 8 + struct.unpack("<I", d[i+4:i+8])[0]
n = struct.unpack("<I", d[i+4:i+8])[0] // 2
pcm = struct.unpack("<%dh" % n, d[i+8:i+8+2*n])
pad = [0] * 16000  # a second of silence each side
x = pad + list(pcm) + pad
data = struct.pack("<%df" % len(x), *[v / 32768.0 for v in x])
fmt = struct.pack("<HHIIHH", 3, 1, 16000, 64000, 4, 32)
body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data
open(sys.argv[2], "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
EOF
expect 0 '"word":"stop"' "listen hears a command in a float WAV" -- "$FC" listen --mic "$T/stopf.wav" --no-calibration

# --- 4, 5. Text too long to say, or holding control characters
python3 -c 'print("title: " + "a" * 1000000 + "\nintro: [a]\nexercises: []")' >"$T/huge.yaml"
expect 1 "huge.yaml:1:8: 'title' is 1000000 characters long" "check bounds a 1 MB title, with file:line" -- timeout 20 "$FC" check "$T/huge.yaml"
expect 2 "huge.yaml:1:8: 'title' is 1000000 characters long" "run refuses it at once" -- timeout 20 "$FC" run "$T/huge.yaml" --out "$T/huge.wav"
sed 's/^title: .*/title: "Tiny\\e]0;owned\\a"/' "$TINY" >"$T/esc.yaml"
expect 1 "esc.yaml:[0-9]+:8: 'title' holds a control character \(byte 0x1b" "check refuses an escape sequence in a title" -- "$FC" check "$T/esc.yaml"
if grep -q "$(printf '\033')" "$T/out" "$T/err"; then bad "the escape reached the terminal"; else ok "the escape did not reach the terminal"; fi
expect 2 "1001 characters long; say at most 1000" "say bounds its text" -- "$FC" say "$(python3 -c 'print("a" * 1001)')" --out "$T/say.wav"

# --- 8. NaN and loose numbers
expect 2 "--echo nan: give GAIN_DB" "--echo nan is refused" -- "$FC" run "$TINY" --out "$T/n.wav" --echo nan
expect 2 "--noise .*@nan: give FILE" "--noise F@nan is refused" -- "$FC" run "$TINY" --out "$T/n.wav" --noise "$T/stop16.wav@nan"
sed 's/rep_seconds: .*/rep_seconds: nan/' "$MINI" >"$T/nan.yaml"
if grep -q "rep_seconds: nan" "$T/nan.yaml"; then
  expect 1 "nan.yaml:[0-9]+:[0-9]+: 'rep_seconds' must be a number" "check refuses rep_seconds: nan" -- "$FC" check "$T/nan.yaml"
else
  bad "mini.yaml has no rep_seconds to break"
fi
printf 'espeak_voice: en-us\nvolume: 0\n' >"$T/mute.yaml"
expect 2 "mute.yaml:2:9: 'volume' must be a whole number from 1" "a silent voice is refused" -- "$FC" run "$TINY" --voice "$T/mute.yaml" --out "$T/mute.wav"
if [ -e "$T/mute.wav" ]; then bad "the refused run left a WAV"; else ok "the refused run left no WAV"; fi

# --- 2. calibrate --save writes only regular files
echo "keep me" >"$T/target"
ln -s "$T/target" "$T/link.conf"
expect 2 "link.conf: is a symbolic link" "calibrate refuses to save over a symlink" -- "$FC" calibrate --mic "$T/stop16.wav" --out "$T/c.wav" --save "$T/link.conf"
if [ -L "$T/link.conf" ] && [ "$(cat "$T/target")" = "keep me" ]; then ok "the symlink and its target are untouched"; else bad "the symlink or its target changed"; fi
expect 2 "/dev/full: is a device" "calibrate refuses to save over a device" -- "$FC" calibrate --mic "$T/stop16.wav" --out "$T/c.wav" --save /dev/full
if [ -c /dev/full ]; then ok "/dev/full is still a device"; else bad "/dev/full was replaced"; fi
expect 2 "nodir/x.conf: cannot save there.*create the folder" "calibrate does not create a folder it was not asked for" -- "$FC" calibrate --mic "$T/stop16.wav" --out "$T/c.wav" --save "$T/nodir/x.conf"
if [ -e "$T/nodir" ]; then bad "calibrate created a folder"; else ok "no folder was created"; fi

# --- 7. Files: one file for two uses, a failed run, a full disk
expect 2 "--out and --events are both" "the same file for --out and --events is refused" -- "$FC" run "$TINY" --out "$T/same" --events "$T/same"
if [ -e "$T/same" ]; then bad "the refused run created the file"; else ok "nothing was written"; fi
expect 2 "--out needs a value, but the next word is the option --events" "a missing option value is named" -- "$FC" run --out --events "$T/f"
expect 2 "nodir/e.jsonl: cannot write the event log" "a run whose log cannot open fails" -- "$FC" run "$TINY" --out "$T/failed.wav" --events "$T/nodir/e.jsonl"
if [ -e "$T/failed.wav" ]; then bad "the failed run left a WAV"; else ok "the failed run left no WAV"; fi
# A full disk, as a file size limit (SIGXFSZ ignored, so writes fail EFBIG).
(trap '' XFSZ; ulimit -f 2; exec "$FC" run "$MINI" --out /dev/null --events "$T/full.jsonl" --no-listen) >"$T/out" 2>"$T/err"
got=$?
if [ "$got" -eq 2 ] && grep -q "full.jsonl: cannot write the event log" "$T/err"; then ok "a full disk is named with the log's file"; else bad "full disk: exit $got"; cat "$T/err"; fi
if whole_lines "$T/full.jsonl"; then ok "the log on a full disk holds only whole lines ($(wc -l <"$T/full.jsonl") of them)"; else bad "the log on a full disk ends inside a line"; fi
expect 2 "/dev/full: cannot write the event log: No space left on device" "listen --events /dev/full fails" -- "$FC" listen --mic "$T/stop16.wav" --no-calibration --events /dev/full

# --- 6. Signals: an end event, a readable WAV, exit 130
# Half an hour of a silent microphone: the runs below are cut long before.
python3 - "$T/quiet.wav" <<'EOF'
import struct, sys
n = 16000 * 1800
body = (b"WAVE" + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16) +
        b"data" + struct.pack("<I", 2 * n))
with open(sys.argv[1], "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", len(body) + 2 * n) + body)
    f.write(bytes(2 * n))
EOF
for sig in HUP TERM INT; do
  "$FC" run "$SRC/scripts/fai.yaml" --cleared --mic "$T/quiet.wav" --out "$T/sig.wav" --events "$T/sig.jsonl" --no-keys >/dev/null 2>"$T/err" &
  pid=$!
  sleep 3
  kill -s "$sig" "$pid"
  wait "$pid"
  got=$?
  if [ "$got" -eq 130 ]; then ok "SIG$sig: exit 130"; else bad "SIG$sig: exit $got"; cat "$T/err"; fi
  if tail -n 1 "$T/sig.jsonl" | grep -q '"event":"end".*"reason":"interrupted"'; then ok "SIG$sig: the log ends interrupted"; else bad "SIG$sig: no end event"; fi
  if [ "$(wav_frames "$T/sig.wav")" -gt 0 ]; then ok "SIG$sig: the WAV is whole"; else bad "SIG$sig: the WAV header is wrong"; fi
  rm -f "$T/sig.wav" "$T/sig.jsonl"
done
"$FC" run "$SRC/scripts/fai.yaml" --cleared --mic "$T/quiet.wav" --out "$T/kill.wav" --events "$T/kill.jsonl" --no-keys >/dev/null 2>&1 &
pid=$!
sleep 4
kill -9 "$pid"
wait "$pid" 2>/dev/null
frames=$(wav_frames "$T/kill.wav")
if [ "$frames" -ge 16000 ]; then ok "SIGKILL: the WAV's header says $frames frames"; else bad "SIGKILL: the WAV's header says $frames frames"; fi
if whole_lines "$T/kill.jsonl" && [ -s "$T/kill.jsonl" ]; then ok "SIGKILL: the log holds whole lines"; else bad "SIGKILL: the log is damaged"; fi
for sig in INT TERM; do
  "$FC" listen --mic "$T/quiet.wav" --no-calibration --events "$T/l.jsonl" >/dev/null 2>&1 &
  pid=$!
  sleep 3
  kill -s "$sig" "$pid"
  wait "$pid"
  got=$?
  if [ "$got" -eq 130 ] && tail -n 1 "$T/l.jsonl" | grep -q '"reason":"interrupted"'; then ok "listen on SIG$sig: exit 130 and an end event"; else bad "listen on SIG$sig: exit $got"; cat "$T/l.jsonl"; fi
  rm -f "$T/l.jsonl"
done

# --- 9. Messages that say what is wrong
mkdir "$T/adir"
expect 1 "adir: is a folder" "a folder given as a routine is named as one" -- "$FC" check "$T/adir"
expect 2 "adir: is a folder" "a folder given as a calibration is named as one" -- "$FC" run "$TINY" --out "$T/x.wav" --calibration "$T/adir"
expect 2 "there is no folder /nowhere/voices \(FLOORCOACH_DATA points there" "a wrong FLOORCOACH_DATA is named" -- env FLOORCOACH_DATA=/nowhere "$FC" say hi --out "$T/x.wav"
expect 2 "no voice profile 'x.yaml'.*voices has:.*default" "a missing voice file is not looked for as x.yaml.yaml" -- "$FC" say hi --voice x.yaml --out "$T/x.wav"
if grep -q "yaml.yaml" "$T/err"; then bad "the message says x.yaml.yaml"; else ok "no x.yaml.yaml"; fi
printf 'dict = nothere.dict\n' >"$T/dict.conf"
expect 2 "dict.conf:1: the file it names, .*nothere.dict: cannot open" "a calibration's dict is blamed on its own line" -- "$FC" run "$TINY" --out "$T/x.wav" --mic "$T/stop16.wav" --calibration "$T/dict.conf"
expect 0 "^floorcoach [0-9]+\.[0-9]+\.[0-9]+$" "--version" -- "$FC" --version
expect 0 "wrote .*ok.wav \(0:[0-9][0-9] of audio\)" "run --out says what it wrote" -- "$FC" run "$TINY" --out "$T/ok.wav" --no-listen

finish
