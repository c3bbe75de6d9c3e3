#!/bin/sh
# The service unit as systemd reads it: systemd-analyze verify finds no
# problem (it needs the binary the unit names, so a stand-in is made), and
# the settings that keep health data on the device are there.
set -eu
unit=$1
command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing: run 'make deps'"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# verify resolves ExecStart: point it at a stand-in in the temporary root.
sed "s|/usr/bin/floorcoach|$dir/floorcoach|" "$unit" > "$dir/floorcoach.service"
printf '#!/bin/sh\n' > "$dir/floorcoach"
chmod +x "$dir/floorcoach"
out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$dir/floorcoach.service" 2>&1 || true)
# Outside a booted systemd (CI containers) verify may only say so; any line
# naming the unit is a problem in it.
if printf '%s\n' "$out" | grep -i "floorcoach.service" ; then
  echo "FAIL: systemd-analyze verify found problems in $unit"; exit 1
fi
for want in "Type=notify" "WatchdogSec=" "Restart=on-failure" "ProtectSystem=strict" \
            "ProtectHome=yes" "PrivateTmp=yes" "NoNewPrivileges=yes" "IPAddressDeny=any" \
            "RestrictAddressFamilies=AF_UNIX" "SupplementaryGroups=audio" "UMask=0077"; do
  grep -q "^$want" "$unit" || { echo "FAIL: $unit lacks $want"; exit 1; }
done
echo "ok: $unit"
