#!/bin/sh
# The Debian package that `make deb` built, looked at without installing it
# (installing makes a system user: README, "The service"): the files it must
# hold, the conffile, the dependencies, a stripped binary, settings that
# parse and change nothing, maintainer scripts, and lintian without errors.
# About 10 s, most of it lintian. Not in ctest: `make test` runs it after
# building the package.
# usage: test_deb.sh build-deb/floorcoach_VERSION_ARCH.deb [SOURCE_DIR]
set -u
DEB=$1
SRC=${2:-$(dirname "$0")/../..}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/../checks.sh"

[ -f "$DEB" ] || { echo "no package $DEB: run 'make deb' first"; exit 1; }
dpkg-deb -c "$DEB" | awk '{ print $NF }' > "$T/list"
dpkg-deb -x "$DEB" "$T/root"
dpkg-deb -e "$DEB" "$T/control"

for f in usr/bin/floorcoach lib/systemd/system/floorcoach.service \
         etc/floorcoach/floorcoach.conf usr/share/doc/floorcoach/copyright \
         usr/share/doc/floorcoach/changelog.gz usr/share/doc/floorcoach/README.md \
         usr/share/man/man1/floorcoach.1.gz usr/share/floorcoach/scripts/fai.yaml \
         usr/share/floorcoach/voices/calm.yaml usr/share/floorcoach/grammars/asr.conf \
         usr/share/floorcoach/grammars/kws/kws-frontend.bin \
         usr/share/floorcoach/grammars/kws/head.bin; do
  if grep -qx "\./$f" "$T/list"; then ok "holds /$f"; else bad "lacks /$f"; fi
done
if grep -q '\.onnx$' "$T/list"; then bad "holds ONNX originals"; else ok "no ONNX originals"; fi
if cmp -s "$SRC/packaging/floorcoach.service" "$T/root/lib/systemd/system/floorcoach.service"; then
  ok "the unit is packaging/floorcoach.service"
else
  bad "the unit differs from packaging/floorcoach.service"
fi

if grep -qx /etc/floorcoach/floorcoach.conf "$T/control/conffiles" 2>/dev/null; then
  ok "the settings file is a conffile"
else
  bad "conffiles: $(cat "$T/control/conffiles" 2>&1)"
fi

field() { dpkg-deb -f "$DEB" "$1"; }
version=$(sed -n 's/^project(floorcoach VERSION \([0-9][0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
if [ "$(field Version)" = "$version" ]; then ok "version $version"; else bad "version $(field Version), not $version"; fi
if [ "$(field Architecture)" = "$(dpkg --print-architecture)" ]; then
  ok "architecture $(field Architecture)"
else
  bad "architecture $(field Architecture)"
fi
depends=$(field Depends)
for d in libc6 libpocketsphinx3 libespeak-ng1 libportaudio2 adduser espeak-ng-data \
         pocketsphinx-en-us; do
  if printf '%s\n' "$depends" | tr ',' '\n' | grep -q "^ *$d\( (\|$\)"; then
    ok "depends on $d"
  else
    bad "no $d in Depends: $depends"
  fi
done

FC="$T/root/usr/bin/floorcoach"
if readelf -S "$FC" | grep -q '\.debug_\|\.symtab'; then bad "the binary is not stripped"; else ok "stripped"; fi
if readelf -d "$FC" | grep -q 'RPATH\|RUNPATH'; then bad "the binary has an RPATH"; else ok "no RPATH"; fi

# Shipped settings: comments only, and they parse (serve reads them before
# it looks at its arguments, so a stray argument ends it right after) with
# every example uncommented too.
conf="$T/root/etc/floorcoach/floorcoach.conf"
if grep -v '^[[:space:]]*#' "$conf" | grep -q '[^[:space:]]'; then
  bad "the settings file sets something: $(grep -v '^[[:space:]]*#' "$conf" | grep '[^[:space:]]')"
else
  ok "the settings file is all comments"
fi
sed -n 's/^# \([a-z_]* = .*\)$/\1/p' "$conf" > "$T/examples.conf"
# Every key the program knows (its own list, in the message for an unknown
# one) has an example.
printf 'no_such_key = 1\n' > "$T/unknown.conf"
keys=$("$FC" serve --config "$T/unknown.conf" stray 2>&1 | sed -n 's/.*(known: \(.*\))$/\1/p' | tr -d ,)
[ -n "$keys" ] || bad "no key list in the message for an unknown key"
missing=""
for key in $keys; do
  grep -q "^$key = " "$T/examples.conf" || missing="$missing $key"
done
if [ -z "$missing" ]; then ok "an example for every key ($keys)"; else bad "no example for:$missing"; fi
for c in "$conf" "$T/examples.conf"; do
  if "$FC" serve --config "$c" stray 2>&1 | grep -q "unexpected 'stray'"; then
    ok "settings parse: ${c##*/}"
  else
    bad "settings ${c##*/}: $("$FC" serve --config "$c" stray 2>&1)"
  fi
done

for s in postinst prerm postrm; do
  if sh -n "$T/control/$s" && grep -q '^set -e' "$T/control/$s"; then
    ok "$s: sh, set -e"
  else
    bad "$s missing, not sh, or without set -e"
  fi
done
if grep -q 'adduser --system --group' "$T/control/postinst" &&
   grep -q 'adduser --quiet floorcoach audio' "$T/control/postinst"; then
  ok "postinst makes the user, in audio"
else
  bad "postinst does not make the user"
fi
if grep -q 'rm -rf /var/lib/floorcoach' "$T/control/postrm" && grep -q 'deluser' "$T/control/postrm"; then
  ok "postrm purges the state and the user"
else
  bad "postrm leaves the state or the user"
fi

if command -v lintian >/dev/null 2>&1; then
  lintian "$DEB" > "$T/lintian" 2>&1
  if grep -q '^E:' "$T/lintian"; then bad "lintian: $(grep '^E:' "$T/lintian")"; else ok "lintian: no errors"; fi
  grep '^W:' "$T/lintian"
else
  bad "no lintian: sh packaging/install-deps.sh deb"
fi
finish
