# Sourced by the shell tests: TAP-style "ok"/"not ok" lines and the closing
# "N passed, N failed" line that CTest output is read by.
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }
# Prints the tally; the script's exit status is then that of `finish`.
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}

# expect CODE PATTERN DESCRIPTION -- COMMAND...: the command's exit code,
# and a line of its stdout or stderr matching PATTERN (none: any). Uses the
# caller's temporary folder $T; stdin is empty, so no command waits on it.
expect() {
  code=$1 pattern=$2 what=$3
  shift 4
  "$@" >"$T/out" 2>"$T/err" </dev/null
  got=$?
  if [ "$got" -ne "$code" ]; then
    bad "$what: exit $got, wanted $code"; cat "$T/out" "$T/err"; return
  fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$T/out" "$T/err"; then
    bad "$what: no line matching '$pattern'"; cat "$T/out" "$T/err"; return
  fi
  ok "$what"
}

# The user's saved calibration must not leak into the tests: no file is
# ever found here (a test that wants one sets XDG_CONFIG_HOME itself).
unset FLOORCOACH_CALIBRATION
export XDG_CONFIG_HOME=/nonexistent/floorcoach-tests

# Nor into the user's history: each test's sessions go to its own
# folder (a test that reads one gives --history itself).
if [ -n "${T:-}" ]; then
  export XDG_DATA_HOME="$T/xdg-data"
else
  export XDG_DATA_HOME=/nonexistent/floorcoach-tests
fi
