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

# The user's saved calibration must not leak into the tests: no file is
# ever found here (a test that wants one sets XDG_CONFIG_HOME itself).
unset FLOORCOACH_CALIBRATION
export XDG_CONFIG_HOME=/nonexistent/floorcoach-tests
