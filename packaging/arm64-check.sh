#!/bin/sh
# make arm64-check: floorcoach as a Raspberry Pi (arm64, Debian 12 /
# Raspberry Pi OS 64-bit) runs it, checked on this amd64 Debian 12 machine:
#
#  1. Cross-builds build-arm64/ (packaging/arm64-toolchain.cmake) with
#     crossbuild-essential-arm64 and Debian's arm64 libraries, installed
#     beside the amd64 ones (multiarch), except XNNPACK and pthreadpool:
#     their packages are not Multi-Arch: same, and apt would remove the
#     amd64 ones (and python3-torch with them) to install the arm64 ones,
#     breaking the native build and training. Those are downloaded
#     (apt-get download) and unpacked (dpkg -x) into build-arm64/sysroot.
#     Before installing anything the script asks apt what it would do
#     (apt-get install -s) and stops if that removes any package.
#  2. Runs the unit tests under qemu-user (qemu-aarch64, as ctest's
#     CMAKE_CROSSCOMPILING_EMULATOR; no binfmt_misc registration needed).
#  3. Runs a session from files under qemu: tests/routines/mini.yaml with a
#     microphone in which the test user says "stop" 4 s in; the log must
#     end with an `end` event and hear what the native build hears.
#  4. Counts the listening pipeline's instructions per second of audio
#     (bench/instructions.sh) on a mic file made from the shared corpus
#     (read speech over a running tap), or from eSpeak NG without it.
#
# Under qemu every floating-point operation is emulated in software
# (softfloat): eSpeak NG runs ~150 times slower than natively, the keyword
# detector's XNNPACK network 200-400 times, PocketSphinx less. Whatever
# synthesizes a session or pushes more than a few seconds of audio through
# the listener takes minutes to hours, so only the unit tests that do
# neither run here. Measured on this 2-core machine: these 25 take 28 s
# (ctest -j 2); test_listener (1.4 s natively) had not ended after 1200 s,
# test_kws, test_render, test_therapist and test_serve (1-5 s natively)
# after 400 s each; the others left out take 4-215 s natively, more work
# of the same kind.
#
#   run under qemu-aarch64 (ctest -R, TESTS below):
#     base: test_queue test_fc_error test_energy
#     engine: test_routine test_session test_voice test_plan
#     audio: test_audio test_resampler   sim: test_room
#     echo: test_echo_delay test_aec test_echo_gate
#     recog: test_asr_conf test_kws_frontend test_kws_embed test_kws_head
#     speech: test_tts test_mixer
#     app: test_runner test_events test_eventlog test_setup test_status
#     service: test_serve_conf
#   left to the native `make test`:
#     whole sessions or tens of seconds of audio through the detectors:
#       test_listener test_asr test_kws test_hearing (with make_unseen and
#       test_hearing_lookalikes) test_calibrate test_render test_listen
#       test_echo test_therapist test_device_loss test_calibrate_session
#       test_serve; step 3 runs one short session through all of it;
#     test_portaudio, test_serve_pulse (their own PulseAudio daemon),
#       test_install (installs);
#     test_cli (runs floorcoach from a shell script, not through the
#       emulator, and a dozen sessions), test_layout and test_unit (read
#       sources and the unit file only: nothing arm64 about them).
#
# Idempotent: installs only what is missing (with sudo when not root, as
# install-deps.sh does), reconfigures and rebuilds incrementally. Needs the
# native build (build/) for the comparison and the amd64 count; builds it
# with `make build` only when it is missing.
# Environment: ARM64_BUILD (default build-arm64), NATIVE_BUILD (build),
# BENCH_SECONDS (how much of the mic file is counted, default 5, which took
# 8.5 minutes here: see bench/instructions.sh; the first 5 s are one long
# utterance, the idle spotter's worst case; bench/README.md's figures count
# more), CORPUS (default ../shared/corpus).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${ARM64_BUILD:-$SRC/build-arm64}
NATIVE=${NATIVE_BUILD:-$SRC/build}
CORPUS=${CORPUS:-$SRC/../shared/corpus}
BENCH_SECONDS=${BENCH_SECONDS:-5}
JOBS=$(nproc 2>/dev/null || echo 2)
QEMU="qemu-aarch64 -cpu cortex-a72 -L /"

say() { echo "arm64-check: $*"; }
die() { echo "arm64-check: $*" >&2; exit 1; }
# A Pi itself runs make test; this is the cross check from a PC.
[ "$(dpkg --print-architecture)" = amd64 ] || die "run on an amd64 Debian 12 machine (on arm64: make test)"
T0=$(date +%s)
TIMES=""
lap() { now=$(date +%s); TIMES="$TIMES$1 $((now - T0)) s; "; T0=$now; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "run as root, or install sudo"
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# --- 1. packages -----------------------------------------------------------
# On this (amd64) machine: the cross compiler, the emulator, the counter,
# sox for the mic files.
HOST_PACKAGES="crossbuild-essential-arm64 qemu-user valgrind sox espeak-ng"
# The arm64 twins of install-deps.sh's libraries (what floorcoach and its
# tests link), all Multi-Arch: same; espeak-ng-data too, because Debian 12
# puts eSpeak NG's data under /usr/lib/<arch>/espeak-ng-data, where the
# arm64 library looks (pocketsphinx-en-us is arch-independent: the amd64
# install serves). libcpuinfo0 is XNNPACK's dependency that is Multi-Arch.
ARM64_PACKAGES="portaudio19-dev libespeak-ng-dev espeak-ng-data libpocketsphinx-dev
  libspeexdsp-dev libsndfile1-dev libyaml-dev libjansson-dev libcmocka-dev
  nettle-dev libsystemd-dev libcpuinfo0"
# Not Multi-Arch: same (installing them removes the amd64 ones): the sysroot.
SYSROOT_PACKAGES="libxnnpack0 libxnnpack-dev libpthreadpool0 libpthreadpool-dev"

updated=""
apt_update() { [ -n "$updated" ] || { $SUDO apt-get update -qq; updated=1; }; }

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  say "adding the arm64 architecture (multiarch)"
  $SUDO dpkg --add-architecture arm64
  apt_update
fi

missing=""
for p in $HOST_PACKAGES; do installed "$p" || missing="$missing $p"; done
for p in $ARM64_PACKAGES; do installed "$p:arm64" || missing="$missing $p:arm64"; done
if [ -n "$missing" ]; then
  apt_update
  # What apt would do: never remove an installed package for this.
  # shellcheck disable=SC2086
  plan=$(apt-get install -s --no-install-recommends $missing)
  if echo "$plan" | grep -q '^Remv'; then
    echo "$plan" | grep '^Remv' >&2
    die "installing$missing would remove the packages above; not installing"
  fi
  say "installing:$missing"
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# The sysroot, unpacked again when a package's version changes.
SYSROOT=$B/sysroot
mkdir -p "$B"
want=""
for p in $SYSROOT_PACKAGES; do
  v=$(apt-cache show --no-all-versions "$p:arm64" 2>/dev/null | awk '/^Version:/ {print $2; exit}')
  if [ -z "$v" ]; then apt_update; v=$(apt-cache show --no-all-versions "$p:arm64" | awk '/^Version:/ {print $2; exit}'); fi
  want="$want $p=$v"
done
if [ "$(cat "$SYSROOT/.packages" 2>/dev/null)" != "$want" ]; then
  say "unpacking into $SYSROOT:$want"
  rm -rf "$SYSROOT" "$B/debs"
  mkdir -p "$B/debs"
  # Not a package install: no root needed, and apt's sandbox user need
  # not be able to write build-arm64/.
  # shellcheck disable=SC2046
  (cd "$B/debs" && apt-get download -o APT::Sandbox::User=root \
     $(for p in $SYSROOT_PACKAGES; do printf '%s:arm64 ' "$p"; done))
  for deb in "$B"/debs/*.deb; do dpkg -x "$deb" "$SYSROOT"; done
  echo "$want" >"$SYSROOT/.packages"
fi
[ -x "$NATIVE/floorcoach" ] || make -C "$SRC" build
lap packages

# --- build -----------------------------------------------------------------
cmake -S "$SRC" -B "$B" -DCMAKE_TOOLCHAIN_FILE="$SRC/packaging/arm64-toolchain.cmake" \
  -DFC_ARM64_SYSROOT="$SYSROOT" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFC_WERROR=ON >/dev/null
cmake --build "$B" -j "$JOBS"
aarch64-linux-gnu-readelf -h "$B/floorcoach" | grep -q AArch64 || die "$B/floorcoach is not an arm64 binary"
lap build

# --- 2. unit tests under qemu-user ------------------------------------------
TESTS="test_queue test_fc_error test_energy test_routine test_session test_voice test_plan
  test_audio test_resampler test_room test_echo_delay test_aec test_echo_gate
  test_asr_conf test_kws_frontend test_kws_embed test_kws_head test_tts test_mixer
  test_runner test_events test_eventlog test_setup test_status test_serve_conf"
# shellcheck disable=SC2086
regex="^($(echo $TESTS | tr ' ' '|'))\$"
(cd "$B" && ctest --output-on-failure -j "$JOBS" --timeout 600 -R "$regex")
lap tests

# --- 3. a session from files under qemu -------------------------------------
W=$B/check
rm -rf "$W"
mkdir -p "$W"
export XDG_CONFIG_HOME="$W/config" # no user calibration or settings
unset FLOORCOACH_CALIBRATION FLOORCOACH_DATA 2>/dev/null || true
# The test user's voice (tests/voices/user.yaml) says "stop", synthesized
# by the arm64 eSpeak NG, 4 s into 12 s of silence.
$QEMU "$B/floorcoach" say stop --voice "$SRC/tests/voices/user.yaml" --out "$W/stop.wav"
sox -n -r 16000 -c 1 -b 16 "$W/silence.wav" trim 0 4
sox "$W/silence.wav" "$W/stop.wav" "$W/silence.wav" "$W/silence.wav" "$W/mic.wav"
session() { # session NAME COMMAND...: mini.yaml on the mic file
  name=$1
  shift
  "$@" run "$SRC/tests/routines/mini.yaml" --mic "$W/mic.wav" --out "$W/$name.wav" \
    --events "$W/$name.jsonl" --no-keys
}
# shellcheck disable=SC2086
session arm64 $QEMU "$B/floorcoach"
session amd64 "$NATIVE/floorcoach"
last=$(tail -n 1 "$W/arm64.jsonl")
echo "$last" | grep -q '"event":"end"' || die "the arm64 session's log does not end with end: $last"
# What was heard and how it ended, without times and scores (the arm64
# XNNPACK kernels and libm round differently: scores may differ a little).
outcome() { grep -o -E '"event":"(heard|unsure|pause|pain|end)"(,"word":"[a-z]+"|,"reason":"[a-z_]+")?' "$1"; }
outcome "$W/arm64.jsonl" >"$W/arm64.outcome"
outcome "$W/amd64.jsonl" >"$W/amd64.outcome"
if ! grep -q '"event":"heard","word":"stop"' "$W/arm64.outcome" ||
   ! cmp -s "$W/arm64.outcome" "$W/amd64.outcome"; then
  echo "arm64:" >&2; cat "$W/arm64.jsonl" >&2
  echo "amd64:" >&2; cat "$W/amd64.jsonl" >&2
  die "the arm64 session did not hear the stop, or heard or ended otherwise than the amd64 one"
fi
SESSION="$(tr '\n' ' ' <"$W/arm64.outcome")($(grep -c . "$W/arm64.jsonl") events, as amd64"
# Times and scores too, most of the time: said when they differ.
if [ "$(tail -n +2 "$W/arm64.jsonl")" = "$(tail -n +2 "$W/amd64.jsonl")" ]; then
  SESSION="$SESSION, every event after start identical)"
else
  SESSION="$SESSION; times or scores differ: diff $W/arm64.jsonl $W/amd64.jsonl)"
fi
lap session

# --- 4. instructions per second of audio ------------------------------------
# 60 s of read speech (one clip after another, 1.5 s apart) over a running
# tap 17 dB below it: speech most of the time, which is what the decoders'
# cost grows with; from the corpus when it is there. Its first
# BENCH_SECONDS are counted here; bench/README.md counts all of it
# (sh bench/instructions.sh build-arm64/check/bench-mic.wav).
MIC=$W/bench-mic.wav
if [ -f "$CORPUS/MANIFEST.tsv" ] && [ -f "$CORPUS/noise/sc_bg_running_tap.wav" ]; then
  src="the corpus's speech/ over noise/sc_bg_running_tap.wav"
  sox -n -r 16000 -c 1 -b 16 "$W/gap.wav" trim 0 1.5
  set --
  # shellcheck disable=SC2013 # the corpus's paths have no spaces
  for f in $(awk -F'\t' '$2 == "speech" {print $1}' "$CORPUS/MANIFEST.tsv"); do
    set -- "$@" "$CORPUS/$f" "$W/gap.wav"
  done
  sox "$@" "$W/speech.wav" trim 0 60
  sox "$CORPUS/noise/sc_bg_running_tap.wav" -r 16000 -c 1 "$W/noise.wav" trim 0 60
  sox -m -v 1 "$W/speech.wav" -v 4 "$W/noise.wav" "$MIC"
else
  src="eSpeak NG sentences (no corpus at $CORPUS)"
  espeak-ng -w "$W/speech.wav" "Good morning. The weather today is mild with some sun in the
    afternoon. I went to the market and bought apples, bread and cheese. My neighbour's dog
    barks at the postman every day. We talked about the news, the trains and the garden."
  sox "$W/speech.wav" -r 16000 -c 1 -b 16 "$MIC" repeat 10 trim 0 60
fi
ARM64_BUILD=$B NATIVE_BUILD=$NATIVE sh "$SRC/bench/instructions.sh" "$MIC" "$BENCH_SECONDS" \
  >"$W/instructions.txt"
cat "$W/instructions.txt"
lap instructions

echo
say "arm64 build: $B/floorcoach ($(aarch64-linux-gnu-gcc -dumpversion), sysroot:$(cat "$SYSROOT/.packages"))"
say "unit tests under qemu-aarch64: $(echo "$TESTS" | wc -w) passed"
say "session from files under qemu: $SESSION"
say "mic for the counts: $src, first $BENCH_SECONDS of $(soxi -D "$MIC") s"
sed 's/^/arm64-check: /' "$W/instructions.txt"
say "times: $TIMES"
