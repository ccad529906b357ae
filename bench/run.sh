#!/usr/bin/env bash
# Relay load benchmark (issue 6, "Fast by measurement"): builds the relay (Release, the
# root project's parley-relay target) and parley-load (bench/load) into their own build
# directory, then runs every scenario: fan-out against Parley and against mosquitto's
# WebSocket listener (when installed), chat, idle and storm. Prints the tables; the
# last line is ONE JSON object with every figure (bench/README.md, "Relay load").
#
#   bench/run.sh                 default sizes, a few minutes in total
#   bench/run.sh --smoke         every scenario tiny (seconds); exits non-zero unless
#                                every message was delivered and every client
#                                connected and resumed. Asserts completeness, never speed.
#   bench/run.sh [options]       extra options go to `parley-load all` (see --help)
#
# PARLEY_BENCH_BUILD: the build directory (default build/bench-load).
# PARLEY_RELAY / PARLEY_LOAD: use these binaries instead of building.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="${PARLEY_BENCH_BUILD:-$repo/build/bench-load}"
jobs="${PARLEY_JOBS:-2}"

relay="${PARLEY_RELAY:-}"
load="${PARLEY_LOAD:-}"
if [[ -z "$relay" ]]; then
  cmake -S "$repo" -B "$build/relay" -DCMAKE_BUILD_TYPE=Release >/dev/null
  nice -n 5 cmake --build "$build/relay" -j "$jobs" --target parley-relay >/dev/null
  relay="$build/relay/relay/parley-relay"
fi
if [[ -z "$load" ]]; then
  cmake -S "$here/load" -B "$build/load" -DCMAKE_BUILD_TYPE=Release >/dev/null
  nice -n 5 cmake --build "$build/load" -j "$jobs" >/dev/null
  load="$build/load/parley-load"
fi

limit=900
for a in "$@"; do [[ "$a" == --smoke ]] && limit=120; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
exec timeout "$limit" "$load" all --relay "$relay" "$@"
