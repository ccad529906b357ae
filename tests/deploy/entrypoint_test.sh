#!/usr/bin/env bash
# deploy/docker-entrypoint.sh run as the image runs it, against the built relay: the
# image's environment (PARLEY_HOST, PARLEY_PORT, PARLEY_DATA_DIR, a mounted config
# file), parley-relay found on PATH. The relay replaces the script (same pid), makes its
# database in the data dir, answers `healthcheck` (GET /healthz), and on SIGTERM stops
# cleanly with status 0; a data dir it cannot write is refused with the fix.
#   entrypoint_test.sh RELAY_BIN SOURCE_DIR
set -euo pipefail
relay=$1 src=$2
entry=$src/deploy/docker-entrypoint.sh
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "--- entry script output ---"; cat "$tmp/log" 2>/dev/null || true; exit 1; }

mkdir "$tmp/bin" "$tmp/data"
chmod 0700 "$tmp/data"
ln -s "$relay" "$tmp/bin/parley-relay"
printf 'conn_rate = 30\nno_triage = true\n' > "$tmp/relay.toml"
export PATH="$tmp/bin:$PATH" PARLEY_HOST=127.0.0.1 PARLEY_PORT=0 PARLEY_DATA_DIR="$tmp/data" \
       PARLEY_CONFIG="$tmp/relay.toml"

# The log exists before the script starts: a background job's redirection is made in the
# child, which the polling below can outrun on a busy machine.
: >"$tmp/log"
"$entry" > "$tmp/log" 2>&1 &
pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/^parley-relay listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$tmp/log")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the relay exited before listening"
  sleep 0.1
done
[ -n "$port" ] || fail "the relay did not listen within 10 s"

[ "$(readlink -f "/proc/$pid/exe")" = "$(readlink -f "$relay")" ] || fail "the script did not exec the relay"
grep -q "triage is OFF" "$tmp/log" || fail "the mounted config file was not read"
[ -f "$tmp/data/parley.db" ] || fail "no database in PARLEY_DATA_DIR"
PARLEY_PORT=$port "$entry" healthcheck || fail "healthcheck failed against a running relay"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" -eq 0 ] || fail "the relay exited with $status after SIGTERM"
grep -q "^parley-relay stopped$" "$tmp/log" || fail "no clean stop"
if PARLEY_PORT=$port "$entry" healthcheck 2>/dev/null; then fail "healthcheck passed with the relay stopped"; fi

# A volume the relay's user cannot use is refused at once, naming the fix.
: > "$tmp/file"
status=0
PARLEY_DATA_DIR="$tmp/file" "$entry" > "$tmp/log" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "an unusable data dir gave status $status"
grep -q "mount a volume there" "$tmp/log" || fail "no advice for an unusable data dir"
echo "PASS"
