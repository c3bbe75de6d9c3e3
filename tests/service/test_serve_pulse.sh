#!/bin/sh
# serve on real devices, PortAudio over a private PulseAudio daemon with a
# null sink (the speaker; its monitor is the microphone):
# - started before there is any sound server, it waits and retries, then
#   goes idle once the server is up (a device busy or late at boot);
# - the null sink unloaded while idle: the speaker and the microphone are
#   logged lost; loaded again, both are logged back without any help;
# - the same as soon as a session started by the spoken phrase has begun:
#   the session pauses at once and counts nothing until the devices are
#   back, and says they are;
# - SIGTERM then ends it, exit 130.
# usage: test_serve_pulse.sh FLOORCOACH SOURCE_DIR
set -u
FC=$1
SRC=$2
T=$(mktemp -d)
. "$(dirname "$0")/../checks.sh"
. "$(dirname "$0")/../pulse.sh"
cleanup() {
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
  pulse_stop
  [ -n "${FC_TEST_KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT

# wait_for PATTERN FILE TENTHS: until a line of FILE matches, or the time is up.
wait_for() {
  i=0
  until grep -q "$1" "$2" 2>/dev/null || [ $i -ge "$3" ]; do sleep 0.1; i=$((i + 1)); done
  grep -q "$1" "$2" 2>/dev/null
}
count() { grep -c "$1" "$T/e.jsonl"; }

if ! command -v pulseaudio >/dev/null || ! command -v flite >/dev/null; then
  bad "pulseaudio and flite are needed (make test installs them)"
  finish
  exit 1
fi

"$FC" serve --events "$T/e.jsonl" --routine "$SRC/tests/routines/mini.yaml" \
  --output default --input default --no-calibration 2>"$T/err" &
pid=$!
if wait_for "trying again" "$T/err" 600; then
  ok "no sound server yet: serve waits ($(grep -m1 'trying again' "$T/err"))"
else
  bad "serve did not wait for the devices: $(grep -v '^ALSA\|^Expression' "$T/err")"
fi
pulse_start
if wait_for '"event":"idle"' "$T/e.jsonl" 600; then
  ok "once the server is up serve opens the devices and is idle"
else
  bad "serve never went idle: $(grep -v '^ALSA\|^Expression' "$T/err")"
fi
kill -0 "$pid" 2>/dev/null && ok "still running" || bad "serve exited"

# While idle.
sleep 1
pactl unload-module module-null-sink
if wait_for '"device":"microphone","state":"lost"' "$T/e.jsonl" 100 &&
   wait_for '"device":"speaker","state":"lost"' "$T/e.jsonl" 100; then
  ok "sink unloaded while idle: both devices logged lost"
else
  bad "no loss logged: $(grep device "$T/e.jsonl" | tr '\n' ' ')"
fi
sleep 1
pulse_sink_up
i=0
while [ $i -lt 600 ] && { [ "$(grep '"device":"microphone"' "$T/e.jsonl" | tail -n 1 | grep -c back)" = 0 ] ||
                         [ "$(grep '"device":"speaker"' "$T/e.jsonl" | tail -n 1 | grep -c back)" = 0 ]; }; do
  sleep 0.1
  i=$((i + 1))
done
if [ $i -lt 600 ]; then
  ok "sink loaded again: both back by themselves ($(grep -c '"state":"back"' "$T/e.jsonl") reopens)"
else
  bad "not back: $(grep device "$T/e.jsonl" | tr '\n' ' ')"
fi

# A session, started by the phrase played into the sink.
flite -voice slt -t "start my exercises" -o "$T/start.wav"
sleep 2
paplay "$T/start.wav"
# Lost as soon as the session has begun: its narration is cut, and its
# first hold must not come (test_portaudio is the test of what it hears).
if wait_for '"event":"start"' "$T/e.jsonl" 600; then
  ok "the spoken phrase started a session"
else
  bad "no session: $(grep -E 'wake|start|device' "$T/e.jsonl" | tr '\n' ' ')"
fi
lost_before=$(count '"state":"lost"')
pactl unload-module module-null-sink
wait_for '"event":"pause","word":"\(speaker\|microphone\)"' "$T/e.jsonl" 100
paused=$(grep -n '"event":"pause"' "$T/e.jsonl" | tail -n 1 | cut -d: -f1)
if [ -n "$paused" ] && [ "$(count '"state":"lost"')" -gt "$lost_before" ]; then
  ok "sink unloaded in the session: logged, and it paused: $(sed -n "${paused}p" "$T/e.jsonl")"
else
  bad "no pause in the session: $(tail -n 5 "$T/e.jsonl" | tr '\n' ' ')"
fi
sleep 3
pulse_sink_up
sleep 8
if [ -n "$paused" ] && sed -n "$((paused + 1)),\$p" "$T/e.jsonl" | grep -qE '"event":"(count|hold)"'; then
  bad "counted on after the loss: $(sed -n "$((paused + 1)),\$p" "$T/e.jsonl" | tr '\n' ' ')"
else
  ok "nothing counted after the loss (waits for next)"
fi
grep -q '"event":"say",.*"text":"[^"]*\(hear you again\|working again\)' "$T/e.jsonl" &&
  ok "told the user the devices are back" || bad "no word that the devices are back"

kill -TERM "$pid"
wait "$pid"
code=$?
pid=""
if [ $code -eq 130 ]; then ok "SIGTERM: exit 130"; else bad "exit $code after SIGTERM"; fi
if tail -n 1 "$T/e.jsonl" | grep -q '"event":"end",.*"reason":"interrupted"'; then
  ok "the session's record ends interrupted"
else
  bad "the log ends: $(tail -n 1 "$T/e.jsonl")"
fi
finish
