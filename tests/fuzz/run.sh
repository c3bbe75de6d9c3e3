#!/bin/sh
# Runs every fuzz target for SECONDS, FUZZ_JOBS (2) at a time, and fails
# when any of them finds a crash, a leak, a hang or runs out of memory
# (make fuzz; README.md here). Nothing is written into the repository: each
# target grows a corpus of its own in a temporary directory, read before
# the committed seeds (corpus/TARGET/), and crash inputs go to a directory
# that is kept, and named, only when something failed.
# usage: run.sh BUILD_DIR SECONDS; FUZZ_TARGETS picks some of the targets.
set -eu

build=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$build/tests/fuzz" && pwd)

TARGETS=${FUZZ_TARGETS:-routine voice prescription asr_conf wav mic}
FUZZ_JOBS=${FUZZ_JOBS:-2}        # the build box and CI have two cores
TIMEOUT_S=${FUZZ_TIMEOUT:-5}     # one input longer than this is a hang
RSS_MB=${FUZZ_RSS_MB:-2048}      # more than this is a runaway allocation
ERROR_EXIT=77                    # libFuzzer's exit on a crash or a leak (UBSan
                                 # exits 1 itself; any exit but 0 fails)
TIMEOUT_EXIT=70                  # and on a hang

# Inputs are files (fuzz_input.h): on tmpfs when there is one, for speed.
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
work=$(mktemp -d "$base/floorcoach-fuzz.XXXXXX")
artifacts=$(mktemp -d "${TMPDIR:-/tmp}/floorcoach-fuzz-artifacts.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM # so that the EXIT trap cleans up

# The dictionary a target uses: the microphone reads WAV files too.
dict_of() {
  case $1 in
    mic) echo "$here/dict/wav.dict" ;;
    *) echo "$here/dict/$1.dict" ;;
  esac
}

# One target, in the background; its log is $work/TARGET.log.
start() { # target
  t=$1
  mkdir -p "$work/corpus/$t" "$work/tmp/$t" "$artifacts/$t"
  (cd "$work" &&
    TMPDIR="$work/tmp/$t" \
    ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    nice -n 10 "$bin/fuzz_$t" -max_total_time="$seconds" -timeout="$TIMEOUT_S" \
      -rss_limit_mb="$RSS_MB" -detect_leaks=1 -error_exitcode="$ERROR_EXIT" \
      -timeout_exitcode="$TIMEOUT_EXIT" -print_final_stats=1 -dict="$(dict_of "$t")" \
      -artifact_prefix="$artifacts/$t/" "$work/corpus/$t" "$here/corpus/$t" \
      >"$work/$t.log" 2>&1)
}

# What a finished target says: its last status line, or why it failed.
report() { # target status
  t=$1
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")
  if [ "$2" -eq 0 ]; then
    echo "fuzz_$t: ok, ${runs:-?} runs, ${rate:-?}/s"
    return 0
  fi
  echo "fuzz_$t: FAILED (exit $2) after ${runs:-?} runs; its log ends:"
  grep -v '^#[0-9]' "$work/$t.log" | tail -n 40
  echo "fuzz_$t: reproducer(s): $(find "$artifacts/$t" -type f | tr '\n' ' ')"
  echo "fuzz_$t: rerun one: $bin/fuzz_$t FILE"
  return 1
}

failed=0
# shellcheck disable=SC2086 # one argument per target
set -- $TARGETS
echo "fuzz: $# targets, ${seconds}s each, $FUZZ_JOBS at a time"
while [ $# -gt 0 ]; do
  batch="" n=0
  while [ $# -gt 0 ] && [ "$n" -lt "$FUZZ_JOBS" ]; do
    start "$1" &
    echo $! >"$work/$1.pid"
    batch="$batch $1" n=$((n + 1))
    shift
  done
  for t in $batch; do
    status=0
    wait "$(cat "$work/$t.pid")" || status=$?
    report "$t" "$status" || failed=1
  done
done

if [ "$failed" -ne 0 ]; then
  echo "fuzz: FAILED; reproducers are kept in $artifacts"
  exit 1
fi
rm -rf "$artifacts"
echo "fuzz: every target ran clean"
