#!/bin/sh
# Instructions per second of audio of the listening pipeline, counted, not
# timed: a count does not depend on how busy the machine is, nor on its
# clock, so it can be made here and turned into a Raspberry Pi's CPU share
# with the Pi's core's instructions per cycle (bench/README.md).
#
# usage: bench/instructions.sh MIC.wav [SECONDS]
#   counts the first SECONDS of MIC.wav (default: all of it).
#
# Two ways of listening, each fed the file as its microphone:
#   idle    floorcoach serve, waiting for a start phrase: the PocketSphinx
#           phrase spotter only (nothing in the file may start a session;
#           a wake event in the log stops the script).
#   listen  floorcoach listen: what a session listens with: PocketSphinx's
#           command grammar and the learned keyword detector (XNNPACK).
# With a file, both run on one thread. MODES (default "idle listen")
# chooses.
#
# Counted, both at once (one core each):
#   amd64   valgrind's callgrind (Ir: instructions executed in user space)
#           on the native build, NATIVE_BUILD (default build/). Under
#           valgrind XNNPACK runs its AVX2/FMA kernels (8 floats a vector).
#   arm64   qemu-aarch64, Cortex-A72 model (a Pi 4; QEMU_CPU), running the
#           cross build, ARM64_BUILD (default build-arm64/: make
#           arm64-check), with a small TCG plugin, compiled here from the
#           source below (Debian's qemu-user takes -plugin but ships no
#           plugins), that adds up the guest instructions of every block
#           executed: user space only too. NEON: 4 floats a vector.
#           Skipped without qemu-aarch64 or that build.
# Both are slow on the keyword detector's vector float arithmetic (qemu
# runs each float operation through softfloat: perf shows float32_muladd
# taking most of its time). On this 2-core machine (shared), both modes on
# 10 s took 16 minutes (12 of CPU; callgrind's listen the longest, ~45 s
# of CPU per second of audio); idle alone on 60 s of speech 7 minutes, on
# 60 s of noise 1.5.
#
# Start-up (loading the models and grammars) is not per second: each mode
# also runs on an empty file, and the figure is
#   (count(file) - count(empty file)) / seconds.
# listen appends a second of silence to any file: in both runs, so it
# cancels (and is in the empty file's count printed beside, with the
# start-up).
#
# Needs valgrind, sox (soxi) and, for arm64, a C compiler for the plugin.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 MIC.wav [SECONDS]" >&2; exit 2; }
MIC=$1
SECONDS_WANTED=${2:-}
SRC=$(cd "$(dirname "$0")/.." && pwd)
NATIVE_BUILD=${NATIVE_BUILD:-$SRC/build}
ARM64_BUILD=${ARM64_BUILD:-$SRC/build-arm64}
QEMU_CPU=${QEMU_CPU:-cortex-a72}
MODES=${MODES:-idle listen}

[ -f "$MIC" ] || { echo "$0: $MIC: no such file" >&2; exit 2; }
for tool in valgrind sox soxi; do
  command -v $tool >/dev/null 2>&1 || { echo "$0: needs $tool (apt-get install $tool)" >&2; exit 2; }
done
[ -x "$NATIVE_BUILD/floorcoach" ] || { echo "$0: no $NATIVE_BUILD/floorcoach: make build" >&2; exit 2; }
ARM64=yes
if ! command -v qemu-aarch64 >/dev/null 2>&1 || [ ! -x "$ARM64_BUILD/floorcoach" ]; then
  ARM64=""
fi

T=$(mktemp -d)
arm64_job=""
trap '[ -z "$arm64_job" ] || kill "$arm64_job" 2>/dev/null; rm -rf "$T"' EXIT
# No user settings or calibration: the shipped tuning, as on a new device.
export XDG_CONFIG_HOME="$T/config"
unset FLOORCOACH_CALIBRATION FLOORCOACH_DATA 2>/dev/null || true

# The counted file at 16 kHz mono (the pipeline resamples any rate itself;
# this keeps the count to the pipeline's own work), and an empty one.
if [ -n "$SECONDS_WANTED" ]; then
  sox "$MIC" -r 16000 -c 1 -b 16 "$T/mic.wav" trim 0 "$SECONDS_WANTED"
else
  sox "$MIC" -r 16000 -c 1 -b 16 "$T/mic.wav"
fi
sox "$T/mic.wav" "$T/empty.wav" trim 0 0
DUR=$(soxi -D "$T/mic.wav")

# run_mode DIR MODE WAV RUNNER BINARY: MODE on WAV; RUNNER leaves the
# count in DIR/count; prints it.
run_mode() {
  d=$1 mode=$2 wav=$3 runner=$4 bin=$5
  rm -f "$d/ev.jsonl" "$d/out.wav" "$d/count"
  case $mode in
    listen) set -- listen --mic "$wav" --events "$d/ev.jsonl" --no-calibration ;;
    idle) set -- serve --mic "$wav" --out "$d/out.wav" --events "$d/ev.jsonl" \
            --config /dev/null --no-calibration ;;
  esac
  if ! $runner "$d" "$bin" "$@" >"$d/run.log" 2>&1; then
    echo "$0: failed: $runner $bin $*" >&2; cat "$d/run.log" >&2; return 1
  fi
  if grep -qs '"event":"wake"' "$d/ev.jsonl"; then
    echo "$0: $MIC started a session: not idle; use a file without a start phrase" >&2
    return 1
  fi
  cat "$d/count"
}

# Runners: RUNNER DIR BINARY ARGS...
callgrind() {
  d=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$d/cg.out" "$@" || return 1
  awk '/^summary:/ {print $2}' "$d/cg.out" >"$d/count"
  rm -f "$d/cg.out"
}
qemu_count() {
  d=$1
  shift
  qemu-aarch64 -cpu "$QEMU_CPU" -L / -plugin "$T/insn.so" -d plugin -D "$d/qemu.log" "$@" || return 1
  awk '/^insns:/ {print $2}' "$d/qemu.log" >"$d/count"
}

# count_all NAME RUNNER BINARY: NAME's line of figures into $T/NAME.txt.
count_all() {
  name=$1 runner=$2 bin=$3
  d=$T/$name
  mkdir -p "$d"
  line=""
  for mode in $MODES; do
    full=$(run_mode "$d" "$mode" "$T/mic.wav" "$runner" "$bin") || return 1
    empty=$(run_mode "$d" "$mode" "$T/empty.wav" "$runner" "$bin") || return 1
    line="$line$(awk -v a="$full" -v b="$empty" -v s="$DUR" -v m="$mode" \
      'BEGIN {printf "  %s %.1f M/s (empty file %.0f M)", m, (a - b) / s / 1e6, b / 1e6}')"
  done
  echo "$line" >"$T/$name.txt"
}

if [ -n "$ARM64" ]; then
  # The plugin: QEMU 7.2's plugin API (version 1), declared here for the
  # five calls it makes. An inline add per executed block: exact for a
  # program on one thread, as both modes are with a file.
  cat >"$T/insn.c" <<'EOF'
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*tb_trans_cb)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*udata_cb)(qemu_plugin_id_t, void *);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, enum qemu_plugin_op,
                                              void *, uint64_t);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, udata_cb, void *);
void qemu_plugin_outs(const char *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;
static uint64_t insns;

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insns,
                                             qemu_plugin_tb_n_insns(tb));
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
    char line[64];
    (void)id, (void)p;
    snprintf(line, sizeof line, "insns: %" PRIu64 "\n", insns);
    qemu_plugin_outs(line);
}

__attribute__((visibility("default"))) int
qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv)
{
    (void)info, (void)argc, (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
EOF
  cc -O2 -shared -fPIC -o "$T/insn.so" "$T/insn.c"
  count_all arm64 qemu_count "$ARM64_BUILD/floorcoach" &
  arm64_job=$!
fi
count_all amd64 callgrind "$NATIVE_BUILD/floorcoach"
if [ -n "$ARM64" ]; then
  wait "$arm64_job" || { echo "$0: the arm64 count failed" >&2; exit 1; }
  arm64_job=""
fi

echo "instructions per second of audio, start-up subtracted ($MIC, first $DUR s):"
echo "  amd64 (callgrind, $NATIVE_BUILD):$(cat "$T/amd64.txt")"
if [ -n "$ARM64" ]; then
  echo "  arm64 (qemu-aarch64 -cpu $QEMU_CPU, $ARM64_BUILD):$(cat "$T/arm64.txt")"
else
  echo "  arm64: not counted (needs qemu-aarch64 and $ARM64_BUILD/floorcoach: make arm64-check)"
fi
