#!/bin/sh
# One real-time session through PortAudio, with no sound card: a private
# PulseAudio daemon with a null sink stands in for the speaker, and its
# monitor is recorded to check that the coach's speech arrived, paced by the
# device clock (counts one second apart); listening is off for that part,
# which is about playback and the clock. Then a barge-in through the device.
# usage: test_portaudio.sh FLOORCOACH WAV_ONSETS SOURCE_DIR
set -u
FC=$1
ONSETS=$2
SRC=$3
T=$(mktemp -d)
. "$(dirname "$0")/../checks.sh"
. "$(dirname "$0")/../pulse.sh"
cleanup() {
  [ -n "${rec:-}" ] && kill "$rec" 2>/dev/null
  pulse_stop
  rm -rf "$T"
}
trap cleanup EXIT

if ! command -v pulseaudio >/dev/null || ! command -v parecord >/dev/null; then
  bad "pulseaudio and pulseaudio-utils are needed (make test installs them)"
  finish
  exit 1
fi
pulse_start

if "$FC" devices | grep -q "default output"; then ok "PortAudio sees the PulseAudio output"; else bad "no default output device"; "$FC" devices; fi

parecord --device=fc_null.monitor --file-format=wav --channels=1 --rate=48000 "$T/rec.wav" &
rec=$!
sleep 0.3
start=$(date +%s)
"$FC" run "$SRC/tests/routines/tiny.yaml" --events "$T/s.jsonl" --no-keys --no-listen --output default 2>"$T/err"
code=$?
end=$(date +%s)
sleep 0.5
kill "$rec"; wait "$rec" 2>/dev/null; rec=""

if [ $code -eq 0 ]; then ok "session through PortAudio exits 0"; else bad "exit $code: $(cat "$T/err")"; fi
if tail -n 1 "$T/s.jsonl" | grep -q '"reason":"completed"'; then ok "log ends completed"; else bad "log: $(tail -n 1 "$T/s.jsonl")"; fi
# ALSA's underrun complaints are counted into the log ("xrun"), never printed.
if grep -q "ALSA lib" "$T/err"; then bad "ALSA lines reached the terminal: $(grep -c 'ALSA lib' "$T/err")"; else ok "no ALSA lines on the terminal"; fi
if grep '"event":"xrun"' "$T/s.jsonl" | grep -qv '"underruns":[0-9]*,"overflows":[0-9]*,"driver_messages":[0-9]*'; then bad "an xrun event without its counts"; else ok "xrun events, if any, carry their counts ($(grep -c '"xrun"' "$T/s.jsonl"))"; fi
# Real time: the session's audio length, not as fast as the CPU allows.
length=$(tail -n 1 "$T/s.jsonl" | sed 's/.*"t":\([0-9.]*\).*/\1/')
wall=$((end - start))
if awk -v l="$length" -v w="$wall" 'BEGIN { exit !(w >= l - 1.5) }'; then
  ok "paced by the device ($wall s wall for $length s of session)"
else
  bad "ran in $wall s for a $length s session: not paced by the device"
fi

"$ONSETS" "$T/rec.wav" >"$T/onsets"
peak=$(sed -n 's/^peak //p' "$T/onsets")
active=$(sed -n 's/^active //p' "$T/onsets")
if awk -v p="$peak" -v a="$active" 'BEGIN { exit !(p > 0.1 && a > 1.0) }'; then
  ok "speech arrived at the sink (peak $peak, $active s active)"
else
  bad "no speech at the sink (peak $peak, $active s active)"
fi
# The counts must be heard as far apart as the log puts them (one second,
# within 30 ms): the device clock is the session clock.
grep -o '"t":[0-9.]*,"event":"count"' "$T/s.jsonl" | sed 's/"t":\([0-9.]*\).*/\1/' >"$T/counts"
grep -v ' ' "$T/onsets" >"$T/bursts"
if awk 'NR == FNR { c[++n] = $1; next }
        { b[++m] = $1 }
        END {
          if (n != 3 || m < 3) exit 1
          for (j = 1; j <= m; j++) {       # burst j taken as count 1
            all = 1
            for (i = 2; i <= n; i++) {
              found = 0
              for (k = j + 1; k <= m; k++) {
                d = (b[k] - b[j]) - (c[i] - c[1])
                if (d > -0.03 && d < 0.03) found = 1
              }
              if (!found) all = 0
            }
            if (all) exit 0
          }
          exit 1
        }' "$T/counts" "$T/bursts"; then
  ok "counts heard at their logged times: $(tr '\n' ' ' <"$T/counts")"
else
  bad "counts $(tr '\n' ' ' <"$T/counts") not found among bursts $(tr '\n' ' ' <"$T/bursts")"
fi

# SIGTERM mid-session: clean end, record says interrupted.
"$FC" run "$SRC/tests/routines/mini.yaml" --events "$T/int.jsonl" --no-keys --no-listen --output default 2>/dev/null &
pid=$!
sleep 3
kill -TERM $pid
wait $pid
code=$?
if tail -n 1 "$T/int.jsonl" | grep -q '"event":"end",.*"reason":"interrupted"'; then
  ok "SIGTERM ends the session with end interrupted (exit $code)"
else
  bad "after SIGTERM the log ends: $(tail -n 1 "$T/int.jsonl")"
fi
if [ $code -eq 130 ]; then ok "interrupted exit code 130"; else bad "exit code $code after SIGTERM"; fi

# Barge-in on the real device path: the sink's monitor is the microphone, so
# the coach hears all of itself (total echo). Once the echo delay has been
# measured (from the first seconds of narration), a user's "stop" is played
# into the same sink in the middle of a line; the coach must go quiet,
# without ever having heard itself: either the stop is heard and the
# session ends stopped, or (the detector less sure of a word said over the
# coach's voice) it pauses on it and counts no further.
# FLOORCOACH_DEBUG explains a failure (its lines go to b.err).
"$FC" say stop --voice "$SRC/tests/voices/user.yaml" --out "$T/stop.wav"
FLOORCOACH_DEBUG=1 "$FC" run "$SRC/tests/routines/mini.yaml" --events "$T/b.jsonl" --no-keys --output default \
  --input default 2>"$T/b.err" &
pid=$!
i=0
until grep -q '"text":"Exercises both sides' "$T/b.jsonl" 2>/dev/null || [ $i -ge 150 ]; do sleep 0.1; i=$((i + 1)); done
# When the line was logged (the log's last write, nothing else being due
# before its end), so that a failure can say how late a loaded machine
# played the stop, polling included.
logged=$(date -r "$T/b.jsonl" +%s.%N)
sleep 0.5
played=$(date +%s.%N)
paplay "$T/stop.wav"
# Until the session ends, or it has paused and 3 s have passed (a paused
# coach must stay quiet: time for a count to come) without a sure stop,
# which would end it after its closing lines.
i=0
paused_at=-1
while ! grep -q '"event":"end"' "$T/b.jsonl" && [ $i -lt 200 ]; do
  if [ $paused_at -lt 0 ] && grep -q '"event":"pause"' "$T/b.jsonl"; then paused_at=$i; fi
  if [ $paused_at -ge 0 ] && [ $((i - paused_at)) -ge 30 ] &&
     ! grep -q '"event":"heard","word":"stop"' "$T/b.jsonl"; then break; fi
  sleep 0.1
  i=$((i + 1))
done
kill -TERM $pid 2>/dev/null
wait $pid
if grep -q '"event":"heard","word":"stop"' "$T/b.jsonl" && tail -n 1 "$T/b.jsonl" | grep -q '"reason":"stopped"'; then
  ok "stop over the coach's own voice (total echo) ends the session: $(grep '"heard"' "$T/b.jsonl" | head -n 1)"
elif grep -q '"event":"unsure","word":"stop"' "$T/b.jsonl" &&
     sed -n '/"event":"pause"/,$p' "$T/b.jsonl" | grep -q '"event":"pause","word":"stop"' &&
     ! sed -n '/"event":"pause"/,$p' "$T/b.jsonl" | grep -qE '"event":"(count|hold|heard)"'; then
  ok "stop over the coach's own voice (total echo) pauses the session: $(grep '"unsure"' "$T/b.jsonl" | head -n 1)"
else
  # What a failure needs explained: when the stop was played against the
  # line (meant: 0.5 s in), the device's xruns, and what the listener made
  # of it (FLOORCOACH_DEBUG).
  line=$(grep '"text":"Exercises both sides' "$T/b.jsonl" | sed 's/^{"t":\([0-9.]*\),.*/\1/')
  late=$(awk -v a="$played" -v b="$logged" 'BEGIN { printf "%.2f", a - b }')
  bad "barge-in through PulseAudio: the stop played $late s into the line logged at t=$line; $(grep -E '"heard"|"unsure"|"pause"|"xrun"|"end"' "$T/b.jsonl" | tr '\n' ' ') $(grep -v ALSA "$T/b.err")"
fi
# Written in real time, each record is still in time order.
for f in s int b; do
  if sed 's/^{"t":\([0-9.]*\),.*/\1/' "$T/$f.jsonl" | awk 'NR > 1 && $1 < prev { exit 1 } { prev = $1 }'; then
    ok "$f.jsonl is in time order"
  else
    bad "$f.jsonl is out of time order: $(cut -c1-60 "$T/$f.jsonl" | tr '\n' ' ')"
  fi
done
if grep -E '"event":"(heard|unsure)"' "$T/b.jsonl" | grep -qv '"word":"stop"'; then
  bad "the coach heard itself: $(grep -E '"event":"(heard|unsure)"' "$T/b.jsonl" | tr '\n' ' ')"
else
  ok "no self-trigger on the real device path"
fi

finish
