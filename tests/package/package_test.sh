#!/usr/bin/env bash
# The SDK as app teams get it (issue 17, P2), end to end:
#   1. `cmake --install BUILD --component sdk` into a scratch prefix installs the two C
#      headers, libparley.so (exporting the C API only), libparley.a and parley.pc;
#   2. examples/c-client is built with its own Makefile against those installed files
#      only (pkg-config), once linked to the shared library and once to the static one;
#   3. both programs, run against a real relay, get their message acknowledged (stored);
#   4. a bad URL is refused with a clear message and exit status 2.
#
#   package_test.sh BUILD_DIR SOURCE_DIR RELAY_BIN
set -euo pipefail
build=$1 src=$2 relay=$3
tmp=$(mktemp -d)
relay_pid=
cleanup() {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/relay.log" ] && sed 's/^/relay: /' "$tmp/relay.log" >&2; exit 1; }

echo "== install (component sdk) into $tmp/prefix"
cmake --install "$build" --component sdk --prefix "$tmp/prefix" >/dev/null
pc=$(find "$tmp/prefix" -name parley.pc)
[ -n "$pc" ] || fail "parley.pc was not installed"
for f in include/parley/c_api.h include/parley/native_c_api.h; do
  [ -f "$tmp/prefix/$f" ] || fail "$f was not installed"
done
libdir=$(dirname "$(dirname "$pc")")
for f in libparley.so libparley.so.0 libparley.a; do
  [ -e "$libdir/$f" ] || fail "$f was not installed in $libdir"
done
# The shared library's interface is the C API and nothing else.
exported=$(nm -D --defined-only "$libdir/libparley.so.0" | awk '{print $3}')
others=$(grep -v -E '^parley_(client|connection)_' <<<"$exported" || true)
[ -z "$others" ] || fail "libparley.so exports more than the C API: $(head -3 <<<"$others")"
grep -qx parley_connection_new <<<"$exported" || fail "libparley.so does not export parley_connection_new"
# Nothing of the build tree may be needed: the example sees the prefix only.
export PKG_CONFIG_PATH=$(dirname "$pc")
# parley.pc is relocatable: its paths follow the prefix it was installed into.
cflags=$(pkg-config --cflags parley)
grep -q -- "-I$tmp/prefix/" <<<"$cflags" || fail "parley.pc's Cflags do not point into the prefix: $(pkg-config --cflags parley)"

echo "== build examples/c-client against the installed files (shared and static)"
make -s -C "$tmp" -f "$src/examples/c-client/Makefile" SRC="$src/examples/c-client" \
  CFLAGS="-O2 -Wall -Wextra -Werror ${PARLEY_EXAMPLE_CFLAGS:-}" \
  LDFLAGS="-Wl,-rpath,$libdir ${PARLEY_EXAMPLE_LDFLAGS:-}" parley-c-client parley-c-client-static
# Read whole before matching: under pipefail, `ldd | grep -q` fails whenever grep has
# matched and exited before ldd finished writing (SIGPIPE), a flake under load.
shared_libs=$(ldd "$tmp/parley-c-client")
static_libs=$(ldd "$tmp/parley-c-client-static")
grep -q "$libdir/libparley.so.0" <<<"$shared_libs" || fail "parley-c-client is not linked to the installed libparley.so.0"
if grep -q libparley <<<"$static_libs"; then fail "parley-c-client-static loads libparley.so"; fi

echo "== run both against a real relay"
# The log exists before the relay starts: a background job's redirection is made in the
# child, which the polling below can outrun on a busy machine.
: >"$tmp/relay.log"
"$relay" --port 0 --data-dir "$tmp/data" >"$tmp/relay.log" 2>&1 &
relay_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*parley-relay listening on http:\/\/[^ ]*:\([0-9][0-9]*\).*/\1/p' "$tmp/relay.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$relay_pid" 2>/dev/null || fail "the relay exited"
  sleep 0.1
done
[ -n "$port" ] || fail "the relay did not listen within 10 s"
for program in parley-c-client parley-c-client-static; do
  out=$("$tmp/$program" --seconds 30 "ws://127.0.0.1:$port/" "Hello from $program") || fail "$program: no acknowledgement"
  grep -q '"event":"welcome"' <<<"$out" || fail "$program: no welcome in its events: $out"
  grep -q '"event":"ack"' <<<"$out" || fail "$program: no ack in its events: $out"
  echo "$program: message acknowledged"
done

echo "== a bad URL is refused clearly"
set +e
err=$("$tmp/parley-c-client" "http://127.0.0.1:$port/" "hi" 2>&1 >/dev/null)
status=$?
set -e
[ "$status" = 2 ] || fail "a bad URL exited with $status, not 2"
grep -q "url: " <<<"$err" || fail "a bad URL's message does not name the URL: $err"
echo "bad URL: $err"
echo "PASS"
