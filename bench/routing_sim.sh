#!/usr/bin/env bash
# Routing simulation benchmark (issue: routing and handoff, PRODUCT.md P4).
# Builds bench/routing into its own build directory, then runs a seeded day of traffic
# through the Parley router and two baselines (FIFO one-at-a-time, round-robin), and the
# router's cost per event at 10k open conversations / 1k agents. Prints a table; the last
# line is one JSON object with every figure. Extra arguments go to routing_sim
# (--seed S --agents N --load X --perf-events E ...). Takes a few seconds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="${PARLEY_BENCH_BUILD:-$repo/build/bench-routing}"
jobs="${PARLEY_JOBS:-2}"

cmake -S "$here/routing" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$jobs" >/dev/null
exec timeout 110 "$build/routing_sim" "$@"
