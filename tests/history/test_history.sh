#!/bin/sh
# The history (issue 14): sessions recorded as they happen, listed back,
# kept whole through a SIGKILL, and a session that goes on when the
# history cannot be written (full disk, read-only, locked).
# usage: test_history.sh FLOORCOACH SOURCE_DIR
set -u
FC=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/../checks.sh"
MINI="$SRC/tests/routines/mini.yaml"
DB="$T/h.sqlite3"

# sql DB QUERY: the rows, one a line, columns joined by "|".
sql() {
  python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for row in db.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
}

# mic_with LENGTH_S OUT WORD AT_S [WORD AT_S]: silence with each WORD, said
# by the test user's voice, starting AT_S seconds in.
mic_with() {
  length=$1 out=$2
  shift 2
  words=""
  while [ $# -ge 2 ]; do
    "$FC" say "$1" --voice "$SRC/tests/voices/user.yaml" --out "$T/word_$1.wav" >/dev/null 2>&1
    words="$words $T/word_$1.wav $2"
    shift 2
  done
  python3 - "$length" "$out" $words <<'EOF'
import struct, sys, wave
def pcm_of(path): # say writes WAVE_FORMAT_EXTENSIBLE, which wave cannot read
    d = open(path, "rb").read(); i = 12; rate = 16000; data = b""
    while i + 8 <= len(d):
        cid, size = d[i:i+4], struct.unpack("<I", d[i+4:i+8])[0]
        if cid == b"fmt ":
            rate = struct.unpack("<I", d[i+12:i+16])[0]
        if cid == b"data":
            data = d[i+8:i+8+size]
        i += 8 + size + (size & 1)
    return rate, data
rate = 16000
pcm = bytearray(2 * rate * int(sys.argv[1]))
for path, at in zip(sys.argv[3::2], sys.argv[4::2]):
    rate, word = pcm_of(path)
    start = 2 * int(float(at) * rate)
    pcm[start:start + len(word)] = word
o = wave.open(sys.argv[2], "wb"); o.setnchannels(1); o.setsampwidth(2); o.setframerate(rate)
o.writeframes(bytes(pcm)); o.close()
EOF
}

# --- 1. Two sessions: one completed, one cut by "pain", rated by voice
expect 0 "" "a completed session with --history" -- "$FC" run "$MINI" --out "$T/a.wav" --history "$DB" --no-listen --no-keys
# The first hold of mini.yaml runs from 17.6 s to 22.6 s; after pain at
# 19 s, its guidance and the rating question end at 26.5 s.
mic_with 40 "$T/pain.wav" pain 19
mic_with 40 "$T/rated.wav" pain 19 four 28
expect 0 "" "a session with pain" -- "$FC" run "$MINI" --mic "$T/rated.wav" --out "$T/b.wav" --events "$T/b.jsonl" --history "$DB" --no-calibration --no-keys
if grep -q '"event":"pain"' "$T/b.jsonl"; then ok "the coach heard the pain"; else bad "no pain in the log"; fi
if grep -q '"event":"rating","exercise":"Test stretch","rating":4,"by":"voice"' "$T/b.jsonl" &&
   grep -q '"text":"Noted: 4 out of 10."' "$T/b.jsonl" &&
   grep -q 'pain during: Test stretch (4 out of 10)' "$T/b.jsonl"; then
  ok "it took the spoken rating, said it back and named it in the summary"
else
  bad "no rating 4 by voice"; grep '"rating"\|Noted\|completed' "$T/b.jsonl"
fi

expect 0 "" "history lists the sessions" -- "$FC" history --history "$DB"
cp "$T/out" "$T/table"
rows=$(grep -c "^20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]  Test routine" "$T/table")
if [ "$rows" -eq 2 ]; then ok "both sessions are listed with their dates"; else bad "$rows sessions listed"; cat "$T/table"; fi
if grep -q "100%     0  completed" "$T/table"; then ok "the first did all its work, without pain"; else bad "first row"; cat "$T/table"; fi
if grep -qE "  1  stopped$" "$T/table"; then ok "the second ended after its pain event"; else bad "second row"; cat "$T/table"; fi

expect 0 "" "history --json" -- "$FC" history --history "$DB" --json
python3 - "$T/out" <<'EOF' && ok "--json gives both sessions, the pain on the stretch's left side" || bad "--json"
import json, sys
s = json.load(open(sys.argv[1]))
assert len(s) == 2, s
a, b = s
assert a["end_reason"] == "completed" and a["done"] == a["prescribed"] == 9, a
# After pain the coach waits for the user's word; none came.
assert b["end_reason"] == "stopped" and b["pain_events"] == 1, b
p = b["pain"][0]
assert p["exercise"] == "Test stretch" and p["side"] == "left" and p["rep"] == 1, p
assert p["rating"] == 4, p
assert b["done"] < b["prescribed"], b
assert b["exercises"][0]["done"] == 0, b["exercises"]
EOF
if [ "$(sql "$DB" 'PRAGMA integrity_check')" = ok ]; then ok "integrity_check is ok"; else bad "integrity_check"; fi
mode=$(stat -c %a "$DB")
if [ "$mode" = 600 ]; then ok "the file is 0600"; else bad "the file is $mode"; fi
n_db=$(sql "$DB" "SELECT count(*) FROM events WHERE session = 2")
n_log=$(wc -l <"$T/b.jsonl")
if [ "$n_db" -eq "$n_log" ]; then ok "the history holds each of the $n_log events the log does"; else bad "history $n_db events, log $n_log"; fi
expect 0 "^No sessions recorded yet" "--since a later day lists nothing, and says so" -- "$FC" history --history "$DB" --since 2999-01-01
expect 0 "" "--since the first session's day lists both" -- "$FC" history --history "$DB" --since "$(date +%Y-%m-%d)"
if [ "$(grep -c "Test routine" "$T/out")" -eq 2 ]; then ok "both"; else bad "--since today"; cat "$T/out"; fi
expect 2 "give a date as YYYY-MM-DD" "a bad --since is refused" -- "$FC" history --history "$DB" --since yesterday

# The report: the page draws both sessions, the painful exercise and its
# rating; the CSV has every event; neither overwrites what is not a report.
expect 0 "wrote .*r.html" "report --html and --csv" -- "$FC" report --history "$DB" --html "$T/r.html" --csv "$T/r.csv"
python3 "$SRC/tests/history/page_check.py" text "$T/r.html" >"$T/r.txt"
if grep -q "^2 sessions$" "$T/r.txt" && grep -q "Test stretch" "$T/r.txt" && grep -q "rated 4 of 10" "$T/r.txt"; then
  ok "the page has both sessions, the painful exercise and its rating"
else
  bad "the page's text"; head -40 "$T/r.txt"
fi
if ! grep -qiE 'http|src=|<script|@import|url\(' "$T/r.html"; then ok "the page loads nothing"; else bad "the page refers outside"; fi
CHROMIUM=$(command -v chromium || true)
if [ -n "$CHROMIUM" ]; then
  mkdir -p "$T/home"
  HOME="$T/home" timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --user-data-dir="$T/profile" --no-first-run --disable-extensions --disable-background-networking \
    --host-resolver-rules="MAP * ~NOTFOUND" --dump-dom "file://$T/r.html" >"$T/dom.html" 2>/dev/null
  python3 "$SRC/tests/history/page_check.py" text "$T/dom.html" >"$T/dom.txt"
  if grep -q "rated 4 of 10" "$T/dom.txt" && [ "$(grep -c '<svg' "$T/dom.html")" -ge 3 ]; then
    ok "chromium draws it: the rating, and three charts"
  else
    bad "chromium's page"
  fi
else
  bad "chromium is missing: run 'sh packaging/install-deps.sh test'"
fi
if [ "$(grep -c ',"rating",' "$T/r.csv")" -eq 1 ] && head -n 1 "$T/r.csv" | grep -q "^session,date,routine,t,event" &&
   [ "$(($(wc -l <"$T/r.csv") - 1))" -eq "$(sql "$DB" 'SELECT count(*) FROM events')" ]; then
  ok "the CSV has a row for every event, the rating among them"
else
  bad "the CSV"; head -3 "$T/r.csv"
fi
if [ "$(stat -c %a "$T/r.html")" = 600 ] && [ "$(stat -c %a "$T/r.csv")" = 600 ]; then ok "both files are 0600"; else bad "report files are $(stat -c %a "$T/r.html") and $(stat -c %a "$T/r.csv")"; fi
expect 0 "" "a report replaces an earlier report" -- "$FC" report --history "$DB" --html "$T/r.html"
printf 'my notes\n' >"$T/notes.html"
expect 2 "notes.html already holds something that is not a floorcoach report" "a report never overwrites the user's file" -- "$FC" report --history "$DB" --html "$T/notes.html"
if [ "$(cat "$T/notes.html")" = "my notes" ]; then ok "which is left as it was"; else bad "the user's file was changed"; fi

# --- 2. The default file, and --no-history
expect 0 "" "a session keeps its history in XDG_DATA_HOME by default" -- "$FC" run "$MINI" --out "$T/a.wav" --no-listen --no-keys
if [ -f "$XDG_DATA_HOME/floorcoach/history.sqlite3" ] && [ "$(stat -c %a "$XDG_DATA_HOME/floorcoach")" = 700 ]; then ok "in a folder of mode 0700"; else bad "no default history"; ls -laR "$XDG_DATA_HOME"; fi
rm -rf "$XDG_DATA_HOME"
expect 0 "" "--no-history keeps none" -- "$FC" run "$MINI" --out "$T/a.wav" --no-listen --no-keys --no-history
if [ ! -e "$XDG_DATA_HOME" ]; then ok "nothing was written"; else bad "--no-history wrote $XDG_DATA_HOME"; fi
expect 2 "nowhere/h.sqlite3: its folder .* does not exist" "--history in a missing folder is refused" -- "$FC" run "$MINI" --out "$T/a.wav" --no-listen --history "$T/nowhere/h.sqlite3"
expect 2 "no history there yet" "history on a missing file says so" -- "$FC" history --history "$T/none.sqlite3"

# --- 3. SIGKILL in mid-session
python3 - "$T/quiet.wav" <<'EOF'
import sys, wave
o = wave.open(sys.argv[1], "wb"); o.setnchannels(1); o.setsampwidth(2); o.setframerate(16000)
o.writeframes(bytes(2 * 16000 * 1800)); o.close()
EOF
"$FC" run "$SRC/scripts/fai.yaml" --cleared --mic "$T/quiet.wav" --out "$T/kill.wav" --events "$T/kill.jsonl" --history "$T/kill.sqlite3" --no-keys >/dev/null 2>&1 &
pid=$!
# Killed once it has logged a few dozen events, however slow the machine
# (a sanitizer build takes seconds to start the recognisers).
tries=0
while [ "$(wc -l <"$T/kill.jsonl" 2>/dev/null || echo 0)" -lt 40 ] && [ "$tries" -lt 1200 ]; do
  sleep 0.1
  tries=$((tries + 1))
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
if [ "$(sql "$T/kill.sqlite3" 'PRAGMA integrity_check')" = ok ]; then ok "SIGKILL: the history opens and is intact"; else bad "SIGKILL: integrity_check"; fi
sql "$T/kill.sqlite3" "SELECT event, printf('%.3f', t) FROM events ORDER BY id" >"$T/kill.db"
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line); print("%s|%.3f" % (e["event"], e["t"]))' "$T/kill.jsonl" >"$T/kill.log"
n_log=$(wc -l <"$T/kill.log")
n_db=$(wc -l <"$T/kill.db")
# The history commits each event before the log writes it: it holds every
# logged one, and perhaps the one after.
if [ "$n_log" -gt 20 ] && head -n "$n_log" "$T/kill.db" | cmp -s - "$T/kill.log" && [ "$n_db" -le $((n_log + 1)) ]; then
  ok "SIGKILL: the history holds all $n_log events logged before the kill"
else
  bad "SIGKILL: log $n_log events, history $n_db"
fi
expect 0 "no end recorded" "SIGKILL: history lists the session without an end" -- "$FC" history --history "$T/kill.sqlite3"

# --- 4. A history that cannot be written: the session goes on
done_ok() { # LOG WHAT
  if tail -n 1 "$1" | grep -q '"reason":"completed"' && grep -q '"event":"history","state":"lost"' "$1"; then
    ok "$2: the session completed, and its log says the history was lost"
  else
    bad "$2: the session's log"; tail -n 3 "$1"
  fi
}
# A full disk, as a file size limit (SIGXFSZ ignored, so writes fail
# EFBIG) that the history's write-ahead log soon reaches.
cp "$DB" "$T/full.sqlite3"
(trap '' XFSZ; ulimit -f 400; exec "$FC" run "$MINI" --out /dev/null --events "$T/full.jsonl" --history "$T/full.sqlite3" --no-listen --no-keys) >"$T/out" 2>"$T/err"
got=$?
if [ "$got" -eq 0 ] && grep -q "full.sqlite3: cannot record the session: .*free some space" "$T/err"; then ok "a full disk is named, with what to do"; else bad "full disk: exit $got"; cat "$T/err"; fi
done_ok "$T/full.jsonl" "full disk"
if [ "$(sql "$T/full.sqlite3" 'PRAGMA integrity_check')" = ok ]; then ok "the full history is intact"; else bad "the full history is damaged"; fi

# Read-only: root writes any file, so as root the coach runs as nobody.
mkdir "$T/ro" && chmod 755 "$T" "$T/ro" && chmod 1777 "$T/ro"
cp "$DB" "$T/ro/h.sqlite3" && chmod 444 "$T/ro/h.sqlite3"
AS=""
[ "$(id -u)" -eq 0 ] && AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
$AS "$FC" run "$MINI" --out "$T/ro/ro.wav" --events "$T/ro/ro.jsonl" --history "$T/ro/h.sqlite3" --no-listen --no-keys >"$T/out" 2>"$T/err"
got=$?
if [ "$got" -eq 0 ] && grep -q "h.sqlite3: cannot write: the file or its folder is read-only" "$T/err"; then ok "a read-only history is named, with what to do"; else bad "read-only: exit $got"; cat "$T/err"; fi
done_ok "$T/ro/ro.jsonl" "read-only"

# Locked: another program holds a write transaction for the whole session.
cp "$DB" "$T/lock.sqlite3"
python3 - "$T/lock.sqlite3" "$T/locked" <<'EOF' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(30)
EOF
locker=$!
while [ ! -e "$T/locked" ]; do sleep 0.1; done
"$FC" run "$MINI" --out /dev/null --events "$T/lock.jsonl" --history "$T/lock.sqlite3" --no-listen --no-keys >"$T/out" 2>"$T/err"
got=$?
kill "$locker"; wait "$locker" 2>/dev/null
if [ "$got" -eq 0 ] && grep -q "lock.sqlite3: cannot .*: another program is writing it" "$T/err"; then ok "a locked history is named"; else bad "locked: exit $got"; cat "$T/err"; fi
done_ok "$T/lock.jsonl" "locked"

# --- 5. Not ours, too new, damaged: refused, never written
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE notes(x)")' "$T/other.sqlite3"
cp "$T/other.sqlite3" "$T/other.before"
expect 0 "other.sqlite3 is not a floorcoach history" "another program's database is refused" -- "$FC" run "$MINI" --out /dev/null --history "$T/other.sqlite3" --no-listen --no-keys
if cmp -s "$T/other.sqlite3" "$T/other.before"; then ok "and left as it was"; else bad "another program's database was changed"; fi
cp "$DB" "$T/new.sqlite3"
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version = 99")' "$T/new.sqlite3"
expect 2 "written by a newer floorcoach \(history schema 99" "a newer schema is refused" -- "$FC" history --history "$T/new.sqlite3"
printf 'not a database at all, but long enough to be taken for one by a careless reader......\n' >"$T/junk.sqlite3"
expect 2 "junk.sqlite3: cannot .*damaged or not a database" "a damaged file is named" -- "$FC" history --history "$T/junk.sqlite3"

# --- 6. Forgetting
printf 'forget\n' | "$FC" history --forget --history "$T/none.sqlite3" >"$T/out" 2>"$T/err"
got=$?
if [ "$got" -eq 2 ] && [ ! -e "$T/none.sqlite3" ] && grep -q "none.sqlite3: no history there" "$T/err"; then ok "forgetting a history that is not there makes none"; else bad "forget on a missing file: exit $got"; fi
cp "$DB" "$T/forget.sqlite3"
expect 2 "it takes neither --json nor --since" "--forget with --since is refused" -- "$FC" history --forget --since 2026-01-01 --history "$T/forget.sqlite3"
printf 'no\n' | "$FC" history --forget --history "$T/forget.sqlite3" >"$T/out" 2>"$T/err"
got=$?
if [ "$got" -eq 2 ] && [ "$(sql "$T/forget.sqlite3" 'SELECT count(*) FROM sessions')" -eq 2 ]; then ok "forget without the word deletes nothing"; else bad "forget refused: exit $got"; fi
printf 'forget\n' | "$FC" history --forget --history "$T/forget.sqlite3" >"$T/out" 2>"$T/err"
got=$?
left=$(sql "$T/forget.sqlite3" 'SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM events) + (SELECT count(*) FROM pain)')
if [ "$got" -eq 0 ] && [ "$left" -eq 0 ] && grep -q "forgot 2 sessions" "$T/err"; then ok "forget deletes every session"; else bad "forget: exit $got, $left rows left"; cat "$T/err"; fi
if ! grep -qa "Test stretch" "$T/forget.sqlite3"*; then ok "and nothing of them is left in the file"; else bad "forgotten text is still in the file"; fi

# --- 7. Progression: doses step within the prescription's ranges
printf 'routine: Test routine\nexercises:\n  - name: Test stretch\n    hold_seconds: 5-15\n  - name: Test reps\n    repetitions: 4-6\n' >"$T/rx.yaml"
DAY=86400
day() { # N MIC|- : a session N days on, with the microphone MIC (- none)
  mic="--no-listen"
  [ "$2" != - ] && mic="--mic $2 --no-calibration"
  SOURCE_DATE_EPOCH=$((1764000000 + $1 * DAY)) "$FC" run "$MINI" --prescription "$T/rx.yaml" \
    --out "$T/d.wav" --events "$T/d$1.jsonl" --history "$T/p.sqlite3" --no-keys $mic >/dev/null 2>&1
}
decision() { # N QUANTITY: "dose reason" of that day's decision
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "progression" and e["quantity"] == sys.argv[2]:
        print(e["dose"], e["reason"])' "$T/d$1.jsonl" "$2"
}
day 1 -; day 2 -; day 3 -
if [ "$(decision 1 hold_seconds)" = "5 start" ] && [ "$(decision 2 hold_seconds)" = "5 steady" ] &&
   [ "$(decision 3 hold_seconds)" = "10 progress" ] && [ "$(decision 3 repetitions)" = "5 progress" ]; then
  ok "two good sessions step the hold and the reps up by one step"
else
  bad "step up: $(decision 1 hold_seconds), $(decision 2 hold_seconds), $(decision 3 hold_seconds), $(decision 3 repetitions)"
fi
if grep -q '"text":"The test stretch went well the last two times, so we.ll hold for 10 seconds today."' "$T/d3.jsonl" &&
   [ "$(grep -c '"text":"Hold for 10 seconds."' "$T/d3.jsonl")" -eq 2 ]; then
  ok "the coach says why, and holds for 10 seconds"
else
  bad "no sentence, or not 10 seconds"
fi
day 4 "$T/pain.wav"
day 5 -
if [ "$(decision 5 hold_seconds)" = "5 pain" ] && grep -q '"text":"Last time the test stretch hurt, so we.ll hold for 5 seconds today."' "$T/d5.jsonl"; then
  ok "after pain it steps back, and says so"
else
  bad "step back: $(decision 5 hold_seconds)"
fi
SOURCE_DATE_EPOCH=$((1764000000 + 6 * DAY)) "$FC" run "$MINI" --prescription "$T/rx.yaml" --out "$T/d.wav" --events "$T/d6.jsonl" --history "$T/p.sqlite3" --no-keys --no-listen --no-progression >/dev/null 2>&1
if ! grep -q '"event":"progression"' "$T/d6.jsonl" && grep -q '"hold_seconds":5,' "$T/d6.jsonl"; then ok "--no-progression keeps the prescribed doses"; else bad "--no-progression"; fi

finish
