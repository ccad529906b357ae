#!/usr/bin/env bash
# deploy/parley-relay.service passes `systemd-analyze verify` (offline) with ExecStart
# naming the built relay and the example config, without a word of warning; its
# sandboxing scores at most 2.0 ("OK") in `systemd-analyze security`; and the config
# its ExecStart names passes --check-config.
#   systemd_unit_test.sh RELAY_BIN SOURCE_DIR
set -euo pipefail
relay=$1 src=$2
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unit=$tmp/parley-relay.service
sed -e "s|/usr/local/bin/parley-relay|$relay|" -e "s|/etc/parley/relay.toml|$src/deploy/relay.toml|" \
  "$src/deploy/parley-relay.service" > "$unit"
grep -q "^ExecStart=$relay --config $src/deploy/relay.toml\$" "$unit" || { echo "FAIL: ExecStart not substituted"; exit 1; }

out=$(systemd-analyze verify --man=no "$unit" 2>&1) || { echo "FAIL: systemd-analyze verify:"; echo "$out"; exit 1; }
[ -z "$out" ] || { echo "FAIL: systemd-analyze verify warns:"; echo "$out"; exit 1; }

for directive in DynamicUser=yes StateDirectory=parley ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
                 NoNewPrivileges=yes MemoryDenyWriteExecute=yes SystemCallFilter=@system-service \
                 "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" RestartPreventExitStatus=2; do
  grep -qx "$directive" "$unit" || { echo "FAIL: the unit lacks $directive"; exit 1; }
done

# 2.0 of 10: "OK" on systemd's exposure scale.
if ! systemd-analyze security --offline=yes --threshold=20 "$unit" > "$tmp/security.txt" 2>&1; then
  echo "FAIL: exposure above 2.0:"; tail -5 "$tmp/security.txt"; exit 1
fi
grep "Overall exposure" "$tmp/security.txt"

# The ExecStart line, run as --check-config: the relay reads the config it names.
"$relay" --check-config "$src/deploy/relay.toml"
echo "PASS"
