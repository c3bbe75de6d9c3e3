#!/bin/sh
# The report page as a browser draws it: report_fixture writes the page of a
# fixed summary, headless Chromium loads it from the file, dumps its DOM and
# takes a screenshot, and what was drawn is checked: the text a reader sees
# (the exercises, a rating, why a session ended early) and the picture (a
# real PNG of the window's size, not blank, with the charts' colours in it).
# Chromium is required: without it the test fails, saying how to install it.
# usage: test_report_page.sh REPORT_FIXTURE
set -u
FIXTURE=$1
HERE=$(dirname "$0")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$HERE/../checks.sh"

WIDTH=1200
HEIGHT=2000
# A cold start takes 2-5 s here; a browser that hangs is killed.
BROWSER_SECONDS=60

CHROMIUM=$(command -v chromium || true)
if [ -z "$CHROMIUM" ]; then
  bad "chromium is missing: run 'sh packaging/install-deps.sh test' (Debian package chromium)"
  finish
  exit 1
fi

"$FIXTURE" "$T/report.html"
if [ -s "$T/report.html" ]; then ok "the fixture wrote a page"; else bad "no page written"; finish; exit 1; fi
if grep -qiE 'http|src=|<script|@import|url\(' "$T/report.html"; then
  bad "the page refers to something outside it: $(grep -oiE 'http|src=|<script|@import|url\(' "$T/report.html" | sort -u | tr '\n' ' ')"
else
  ok "the page refers to nothing outside it"
fi

# A private profile and HOME, nothing fetched in the background, and no
# name resolves: the page can only show what it holds.
browse() {
  HOME="$T/home" timeout -k 5 "$BROWSER_SECONDS" "$CHROMIUM" --headless --no-sandbox \
    --disable-gpu --user-data-dir="$T/profile" --no-first-run --no-default-browser-check \
    --disable-extensions --disable-background-networking --disable-sync \
    --host-resolver-rules="MAP * ~NOTFOUND" --hide-scrollbars \
    --window-size="$WIDTH,$HEIGHT" "$@" "file://$T/report.html"
}
mkdir -p "$T/home"

browse --dump-dom >"$T/dom.html" 2>"$T/dom.err"
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$T/dom.html" ]; then
  ok "chromium loaded the page"
else
  bad "chromium --dump-dom: exit $rc"; tail -5 "$T/dom.err"
fi
python3 "$HERE/page_check.py" text "$T/dom.html" >"$T/text" 2>"$T/text.err" || cat "$T/text.err"
seen() { # WHAT PATTERN: a line of the page's text matches
  if grep -qE -- "$2" "$T/text"; then ok "the page shows $1"; else bad "the page does not show $1 ('$2')"; fi
}
seen "the title" "^Exercise report: A\. Patient$"
seen "the number of sessions" "^12 sessions$"
for name in "Piriformis stretch" "Bridge" "Cat-cow" "Hip flexor stretch"; do
  seen "exercise $name" "^$name$"
done
seen "the work done" "^34 of 36 holds$"
seen "the rating 7" "^7$"
seen "the pain event's detail" "Piriformis stretch, left, repetition 2, second 14: rated 7 of 10"
seen "a pain without an answer" "^no answer$"
seen "why a session ended early" "^pain$"
seen "its detail" "^sharp pain in the left buttock$"
seen "a session without an end" "no end recorded \(the coach was killed or lost power\)"
seen "a share done" "^5% \(1 of 19\)$"
svgs=$(grep -o '<svg' "$T/dom.html" | wc -l)
if [ "$svgs" -eq 3 ]; then ok "three charts in the DOM"; else bad "$svgs charts in the DOM, wanted 3"; fi

browse --screenshot="$T/shot.png" >"$T/shot.out" 2>"$T/shot.err"
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$T/shot.png" ]; then
  ok "chromium took a screenshot"
else
  bad "chromium --screenshot: exit $rc"; tail -5 "$T/shot.err"
fi
stats=$(python3 "$HERE/page_check.py" png "$T/shot.png" 2>&1)
echo "# screenshot: $stats"
set -- $stats
if [ "${1:-}" = "$WIDTH" ] && [ "${2:-}" = "$HEIGHT" ]; then
  ok "the screenshot is a PNG of ${WIDTH}x$HEIGHT"
else
  bad "the screenshot is not a ${WIDTH}x$HEIGHT PNG: $stats"
fi
# The fixture's page covers about 9% of the window (text, bars, lines).
if [ "${3:-0}" -ge 40 ] 2>/dev/null; then
  ok "the screenshot is not blank (${3:-0} per mille drawn)"
else
  bad "the screenshot is nearly blank: $stats"
fi
colour() { # NAME MINIMUM WHAT
  n=$(echo "$stats" | tr ' ' '\n' | sed -n "s/^$1=//p")
  if [ "${n:-0}" -ge "$2" ]; then ok "$3 drawn ($n pixels)"; else bad "$3 not drawn: ${n:-0} pixels of $1, wanted $2"; fi
}
colour sessions 20000 "the weekly bars"
colour done 3000 "the work done bars"
colour prescribed_line 200 "the prescribed frequency's dashed line"
colour pain_severe 100 "the pain marker rated 7"
colour pain_mild 100 "the pain marker rated 3"

finish
