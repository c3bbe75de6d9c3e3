#!/bin/sh
# The PortAudio path's threads: the engine, PortAudio's callbacks and the
# listener, through a private PulseAudio null sink. Run in every build and
# labelled `threads`, so that the ThreadSanitizer build runs it too: a race
# TSan sees makes the process exit non-zero (66), and the test fails.
# usage: test_pa_threads.sh FLOORCOACH SOURCE_DIR
set -u
FC=$1
SRC=$2
T=$(mktemp -d)
. "$(dirname "$0")/../checks.sh"
. "$(dirname "$0")/../pulse.sh"
cleanup() {
  pulse_stop
  rm -rf "$T"
}
trap cleanup EXIT
if ! command -v pulseaudio >/dev/null; then
  bad "pulseaudio is needed (make test installs it)"
  finish
  exit 1
fi
pulse_start

# Playback: the engine fills the ring the output callback drains.
"$FC" run "$SRC/tests/routines/tiny.yaml" --events "$T/run.jsonl" --no-keys --no-listen \
  --output default >/dev/null 2>"$T/run.err"
code=$?
if [ $code -eq 0 ] && tail -n 1 "$T/run.jsonl" | grep -q '"reason":"completed"'; then
  ok "playback through PortAudio: completed, exit 0"
else
  bad "playback: exit $code"; grep -v "^ALSA" "$T/run.err" | head -40
fi

# Capture and the listener's thread, stopped by a signal.
"$FC" listen --input default --no-calibration --events "$T/listen.jsonl" >/dev/null 2>"$T/listen.err" &
pid=$!
sleep 4
kill -INT $pid
wait $pid
code=$?
if [ $code -eq 130 ] && tail -n 1 "$T/listen.jsonl" | grep -q '"reason":"interrupted"'; then
  ok "capture and the listener through PortAudio: interrupted, exit 130"
else
  bad "capture: exit $code"; grep -v "^ALSA" "$T/listen.err" | head -40
fi
if grep -q "ThreadSanitizer" "$T/run.err" "$T/listen.err"; then bad "ThreadSanitizer reported a race"; else ok "no race reported"; fi
finish
