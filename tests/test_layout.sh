#!/bin/sh
# The shape of src/ (README, "Architecture"): one folder per stage, short
# files and functions, and each outside library behind the one file that
# wraps it. usage: test_layout.sh SOURCE_DIR
set -u
SRC=$1/src
. "$(dirname "$0")/checks.sh"

loose=$(find "$SRC" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \))
if [ -z "$loose" ]; then ok "no source file directly in src/"; else bad "directly in src/: $loose"; fi

stages=$(find "$SRC" -mindepth 2 -maxdepth 2 -name CMakeLists.txt | wc -l)
if [ "$stages" -ge 6 ]; then ok "$stages stage folders"; else bad "only $stages stage folders"; fi

long=$(find "$SRC" -name '*.[ch]' -exec wc -l {} + | awk '$2 != "total" && $1 > 700 { print $2 " (" $1 ")" }')
if [ -z "$long" ]; then ok "no source file over 700 lines"; else bad "over 700 lines: $long"; fi

# In this code base a function body opens with "{" alone at column 0 and
# closes with "}" at column 0.
longfn=$(find "$SRC" -name '*.c' -exec awk '
  /^\{$/ { start = FNR; name = prev }
  /^\}$/ && start { if (FNR - start > 120) print FILENAME ": " name " (" FNR - start " lines)"; start = 0 }
  { prev = $0 }' {} +)
if [ -z "$longfn" ]; then ok "no function over 120 lines"; else bad "functions over 120 lines: $longfn"; fi

# Each outside library is included by exactly one file.
only() { # header file
  users=$(grep -rl "#include <$1" "$SRC" | sed "s|^$SRC/||" | sort | tr '\n' ' ')
  if [ "$users" = "$2 " ]; then ok "<$1> only in $2"; else bad "<$1> included by: $users"; fi
}
only pocketsphinx.h recog/asr.c
only espeak-ng/speak_lib.h speech/tts.c
only portaudio.h audio/audio_pa.c
only sndfile.h audio/audio_file.c
only jansson.h app/eventlog.c
only xnnpack.h recog/kws_embed.c
only sqlite3.h history/internal/history_db.h

# A stage reaches another only through its public headers.
reach=$(grep -rn '#include "\.\./' "$SRC")
if [ -z "$reach" ]; then ok "no include reaches into another stage's folder"; else bad "$reach"; fi

finish
