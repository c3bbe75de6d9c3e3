#!/bin/sh
# `cmake --install` into a fresh prefix: the installed program must find its
# own scripts, voices and grammars there, from any working directory.
# usage: test_install.sh CMAKE BUILD_DIR
set -u
CMAKE=$1
BUILD=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/../checks.sh"

if "$CMAKE" --install "$BUILD" --prefix "$T/prefix" >"$T/install.log" 2>&1; then
  ok "cmake --install"
else
  bad "cmake --install failed: $(tail -n 3 "$T/install.log")"
fi
FC="$T/prefix/bin/floorcoach"
for d in scripts/fai.yaml voices/calm.yaml grammars/asr.conf grammars/commands.gram \
         grammars/kws/kws-frontend.bin grammars/kws/head.bin; do
  if [ -f "$T/prefix/share/floorcoach/$d" ]; then ok "installed $d"; else bad "missing $d"; fi
done
cd "$T"
if "$FC" check fai | grep -q "^$T/prefix/share/floorcoach/scripts/fai.yaml: ok"; then
  ok "the installed program finds its own routines"
else
  bad "check fai: $("$FC" check fai 2>&1)"
fi
"$FC" run fai-stretches --voice calm --out "$T/s.wav" --events "$T/s.jsonl" --no-keys 2>"$T/err"
if tail -n 1 "$T/s.jsonl" | grep -q '"reason":"completed"'; then
  ok "the installed program runs a routine with an installed voice"
else
  bad "installed run: $(cat "$T/err")"
fi
"$FC" say stop --voice calm --out "$T/stop.wav"
if "$FC" listen --mic "$T/stop.wav" >"$T/h.jsonl" 2>"$T/err"; then
  ok "the installed program loads its grammars and keyword models"
else
  bad "installed listen: $(cat "$T/err")"
fi
if ls "$T/prefix/share/floorcoach/grammars/kws/"*.onnx >/dev/null 2>&1; then
  bad "the ONNX originals were installed (only the converted file is used)"
else
  ok "only the converted keyword front end is installed"
fi
finish
