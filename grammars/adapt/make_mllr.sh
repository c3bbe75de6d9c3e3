#!/bin/sh
# Rebuilds grammars/en-us-rooms.mllr: one global MLLR transform that moves the
# en-us acoustic model toward real rooms and microphones, estimated from the
# isolated words (commands and distractors) of the corpus's dev split only.
#
# usage: grammars/adapt/make_mllr.sh CORPUS_DIR [OUT]
# needs: apt-get install sphinxtrain sphinxbase-utils pocketsphinx
# (tools for rebuilding only; floorcoach itself does not use them).
set -eu
CORPUS=${1:?usage: make_mllr.sh CORPUS_DIR [OUT]}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${2:-$HERE/../en-us-rooms.mllr}
MODEL=/usr/share/pocketsphinx/model/en-us/en-us
DICT=/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict
ST=/usr/lib/sphinxtrain
for tool in sphinx_fe pocketsphinx_mdef_convert "$ST/bw" "$ST/mllr_solve"; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install sphinxtrain sphinxbase-utils pocketsphinx" >&2; exit 2; }
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

cp -r "$MODEL" "$W/model"
python3 "$HERE/sendump_to_mixw.py" "$W/model/sendump" "$W/model/mixture_weights"
pocketsphinx_mdef_convert -text "$W/model/mdef" "$W/model/mdef.txt" >/dev/null 2>&1

# Word lists from the manifest: dev split, one isolated word per clip (the
# folder name), words the dictionary knows.  The audio is linked, not copied.
mkdir -p "$W/wav" "$W/mfc"
python3 - "$CORPUS" "$DICT" "$W" <<'PY'
import csv, os, sys
corpus, dictionary, w = sys.argv[1:4]
known = {line.split()[0] for line in open(dictionary, errors="replace") if line.strip()}
ids, lines = [], []
with open(os.path.join(corpus, "MANIFEST.tsv"), newline="") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        kind, _, word = row["category"].partition("/")
        if row["split"] != "dev" or kind not in ("commands", "distractors") or word not in known:
            continue
        fid = row["file"][:-len(".wav")].replace("/", "__")
        os.symlink(os.path.abspath(os.path.join(corpus, row["file"])), f"{w}/wav/{fid}.wav")
        ids.append(fid)
        lines.append(f"<s> {word} </s> ({fid})")
open(f"{w}/adapt.fileids", "w").write("\n".join(ids) + "\n")
open(f"{w}/adapt.transcription", "w").write("\n".join(lines) + "\n")
print(f"{len(ids)} dev clips")
PY

# Features exactly as the model expects them (its own feat.params).
sphinx_fe -argfile "$W/model/feat.params" -samprate 16000 -c "$W/adapt.fileids" \
  -di "$W/wav" -do "$W/mfc" -ei wav -eo mfc -mswav yes >"$W/fe.log" 2>&1
mkdir -p "$W/accum"
"$ST/bw" -hmmdir "$W/model" -moddeffn "$W/model/mdef.txt" -ts2cbfn .ptm. \
  -feat 1s_c_d_dd -svspec 0-12/13-25/26-38 -cmn current -agc none -varnorm no \
  -dictfn "$DICT" -fdictfn "$W/model/noisedict" \
  -ctlfn "$W/adapt.fileids" -lsnfn "$W/adapt.transcription" \
  -cepdir "$W/mfc" -cepext mfc -accumdir "$W/accum" >"$W/bw.log" 2>&1
"$ST/mllr_solve" -meanfn "$W/model/means" -varfn "$W/model/variances" \
  -outmllrfn "$OUT" -accumdir "$W/accum" >"$W/solve.log" 2>&1
echo "wrote $OUT"
