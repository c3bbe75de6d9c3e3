#!/bin/sh
# Builds the Debian package build-deb/floorcoach_VERSION_ARCH.deb (make deb,
# after make deps) and checks it with lintian.
#
# No debian/ source package: the binary is built by CMake and staged by
# `cmake --install` with DESTDIR, the one install path the project has
# (tests/app/test_install.sh checks it), and dpkg-deb packs that tree with
# hand-written maintainer scripts from packaging/deb/. Only what a .deb
# needs beyond it is done here: the unit, the docs, stripping, the control
# file with dpkg-shlibdeps's dependencies.
#
# usage: sh packaging/make-deb.sh        (from anywhere; BUILD_DEB=DIR to
#        build elsewhere, JOBS=N for the compile, LINTIAN=0 to skip it)
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
out=${BUILD_DEB:-$src/build-deb}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
cd "$src"

# dpkg-dev and lintian only for this target, so that `make deps` (and CI's
# `make test`) do not grow.
sh packaging/install-deps.sh deb

version=$(sed -n 's/^project(floorcoach VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "make-deb: no project(floorcoach VERSION ...) in CMakeLists.txt" >&2; exit 1; }
arch=$(dpkg --print-architecture)
deb="$out/floorcoach_${version}_${arch}.deb"
# The maintainer named in the package; DEBFULLNAME/DEBEMAIL as for dch.
maintainer="${DEBFULLNAME:-floorcoach maintainers} <${DEBEMAIL:-maintainers@users.noreply.r-seed-e4890555.example}>"
# One timestamp for the changelog, the manual page and the archive (dpkg-deb
# clamps file times to it): the commit's own date, else now, so that a
# rebuild of one commit does not date the package anew.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

# Debian's compiler and linker flags (hardening: stack protector, fortify,
# relro and bind-now, PIE), which lintian's hardening checks look for. Not
# FC_WERROR: a distribution build must not fail on a new compiler's warning.
# -ffile-prefix-map (in CFLAGS) keeps this tree's path out of the binary.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)

# /etc, not /usr/etc: what the program reads (SERVE_CONF_SYSTEM) and where
# dh_auto_configure would point CMake too. No tests in this tree: `make test`
# builds and runs them in build/ and build-asan/.
cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_SYSCONFDIR=/etc \
  -DBUILD_TESTING=OFF -DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
  >/dev/null
cmake --build "$out" -j "$jobs" --target floorcoach

# A fresh stage each time, so nothing from an older build is packed.
root="$out/pkg"
rm -rf "$root"
DESTDIR="$root" cmake --install "$out" >/dev/null

# What dh_strip does: the debug information stays in the build tree's
# binary (RelWithDebInfo), not in the package.
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
  "$root/usr/bin/floorcoach"

# Debian 12 keeps packaged units in /lib/systemd/system.
install -D -m 644 packaging/floorcoach.service "$root/lib/systemd/system/floorcoach.service"

# Docs: copyright (the third-party models' licences, grammars/README.md) and
# the changelog lintian asks for. The version is native (no Debian
# revision: this tree is its own upstream), so the changelog is changelog.gz.
# README.md stays uncompressed: the unit's Documentation= names that path.
doc="$root/usr/share/doc/floorcoach"
install -D -m 644 README.md "$doc/README.md"
install -m 644 packaging/deb/copyright "$doc/copyright"
date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
printf '%s\n' "floorcoach ($version) unstable; urgency=medium" "" \
  "  * Built from the floorcoach source tree by packaging/make-deb.sh." "" \
  " -- $maintainer  $date" > "$doc/changelog"
gzip -9nf "$doc/changelog"

# A manual page from the program's own --help texts (no help2man: one more
# package for a page this simple). roff: backslashes escaped, and a line
# starting with . or ' protected.
man="$root/usr/share/man/man1/floorcoach.1"
mkdir -p "${man%/*}"
fc="$root/usr/bin/floorcoach"
{
  printf '.TH FLOORCOACH 1 "%s" "floorcoach %s" "User Commands"\n' \
    "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)" "$version"
  printf '.SH NAME\nfloorcoach \\- offline voice coach for physical-therapy exercise routines\n'
  printf '.SH DESCRIPTION\n.nf\n'
  {
    "$fc" --help
    for cmd in run serve check say listen calibrate devices; do
      printf '\n'
      "$fc" "$cmd" --help
    done
  } | sed -e 's/\\/\\e/g' -e "s/^[.']/\\\\\\&&/"
  printf '.fi\n.SH FILES\n'
  printf '/etc/floorcoach/floorcoach.conf, /usr/share/floorcoach, /var/lib/floorcoach\n'
  printf '.SH SEE ALSO\n/usr/share/doc/floorcoach/README.md\n'
} > "$man"
gzip -9nf "$man"

# Plain modes whatever the umask or the checkout's modes were; dpkg-deb
# --root-owner-group makes every file root's, so no fakeroot is needed.
chmod -R u=rwX,go=rX "$root"
chmod 755 "$root/usr/bin/floorcoach"

# Control area: maintainer scripts, the conffile, checksums, control.
mkdir -p "$root/DEBIAN"
for s in postinst prerm postrm; do
  install -m 755 "packaging/deb/$s" "$root/DEBIAN/$s"
done
# The settings file, installed by CMake, is the admin's to edit: dpkg keeps
# their changes on upgrade.
( cd "$root" && find etc -type f | sort | sed 's|^|/|' ) > "$root/DEBIAN/conffiles"
# md5sums lists every file but the conffiles (dpkg keeps theirs itself).
( cd "$root" && find usr lib -type f | LC_ALL=C sort | xargs md5sum ) > "$root/DEBIAN/md5sums"

# The shared libraries' packages, from the binary itself. dpkg-shlibdeps
# wants a debian/control to read, so a minimal one in a scratch directory.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/debian"
printf 'Source: floorcoach\n\nPackage: floorcoach\nArchitecture: any\n' > "$tmp/debian/control"
shlibs=$(cd "$tmp" && dpkg-shlibdeps -O "$root/usr/bin/floorcoach" | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "make-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# Data the program loads at run time (PocketSphinx's model, eSpeak NG's
# voices), and adduser for postinst.
depends="$shlibs, adduser, espeak-ng-data, pocketsphinx-en-us"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: floorcoach
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: misc
Priority: optional
Description: offline voice coach for physical-therapy exercise routines
 floorcoach speaks a physical therapist's home exercise routine aloud,
 counting holds and repetitions, and listens for spoken commands (next,
 repeat, pain, stop) so that the exercises can be done without a screen.
 Recognition and speech run on the device; nothing is sent anywhere.
 .
 The floorcoach service waits for a spoken start phrase and then runs the
 routine; it is installed enabled, runs as the system user floorcoach, and
 reads /etc/floorcoach/floorcoach.conf.
EOF

rm -f "$deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "make-deb: $deb"

# Errors fail the build; warnings and informational tags are printed.
if [ "${LINTIAN:-1}" != 0 ]; then
  lintian --fail-on error "$deb"
fi
