#!/bin/sh
# The history over five years of daily sessions (issue 14): the live cost
# of an event, the years built, what `history` and `report` take, and the
# database's size (history_bench.c says how). Prints figures.
# usage: bench/history_bench.sh [BUILD_DIR] [DIR]   (DIR: where the
# databases go, on the disk the history would live on; default a new
# folder under /var/tmp, removed after)
set -eu
BUILD=${1:-build}
DIR=${2:-}
KEEP=1
if [ -z "$DIR" ]; then
  DIR=$(mktemp -d /var/tmp/floorcoach-history-bench.XXXXXX)
  KEEP=0
fi
FC="$BUILD/floorcoach"
# The default routine, rendered as fast as the CPU allows: one real
# session's events (about 34 minutes of it).
rm -f "$DIR/session.jsonl"
SOURCE_DATE_EPOCH=1798790400 "$FC" run fai --cleared --no-listen --no-keys --no-history \
  --out /dev/null --events "$DIR/session.jsonl" 2>/dev/null
"$BUILD/bench/history_bench" "$DIR/session.jsonl" "$DIR"
t0=$(date +%s.%N)
"$FC" history --history "$DIR/years.sqlite3" >/dev/null
t1=$(date +%s.%N)
"$FC" report --history "$DIR/years.sqlite3" --html "$DIR/report.html" 2>/dev/null
t2=$(date +%s.%N)
"$FC" report --history "$DIR/years.sqlite3" --csv "$DIR/report.csv" 2>/dev/null
t3=$(date +%s.%N)
secs() { awk "BEGIN { printf \"%.2f\", $2 - $1 }"; }
echo "commands: history $(secs "$t0" "$t1") s, report --html $(secs "$t1" "$t2") s" \
  "($(($(stat -c %s "$DIR/report.html") / 1024)) kB), report --csv $(secs "$t2" "$t3") s" \
  "($(($(stat -c %s "$DIR/report.csv") / 1048576)) MB)"
[ "$KEEP" -eq 1 ] || rm -rf "$DIR"
