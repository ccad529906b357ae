#!/usr/bin/env bash
# Fuzzes each libFuzzer target for a bounded time and prints how many inputs ran.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60; all targets)
#
# Needs the clang build (PARLEY_FUZZ_BUILD=1 toolchain/build → build-fuzz/, or
# $PARLEY_FUZZ_BUILD_DIR).
# Starts from the seed corpus in tests/fuzz/corpus/<name>/ plus what earlier runs found
# (kept in the build dir, not in the repo); runs at low priority (nice 10) so that it can
# share a machine. A crash leaves its input in the build dir as crash-* and exits non-zero:
# add the input to the seed corpus once it is fixed, so ./toolchain/check replays it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${PARLEY_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(decode hub)

total=0
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/${t}_fuzz
  [ -x "$bin" ] || { echo "no $bin: run PARLEY_FUZZ_BUILD=1 toolchain/build first" >&2; exit 2; }
  found=$build/fuzz-corpus/$t
  mkdir -p "$found"
  log=$build/fuzz-$t.log
  echo "==> $t: fuzzing for ${seconds}s (log: $log)" >&2
  # -max_total_time bounds the run; -timeout flags an input that hangs; -rss_limit_mb
  # flags runaway memory. Findings go to $build (artifact_prefix).
  # hub links the whole relay core, so it has tens of thousands of coverage features;
  # libFuzzer's entropic scheduler then spent over half the time on its own bookkeeping
  # (perf: InputCorpus::UpdateFeatureFrequency). Without it hub runs 3x more inputs.
  extra=()
  [ "$t" = hub ] && extra=(-entropic=0)
  (cd "$build" && nice -n 10 "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
     "${extra[@]}" -print_final_stats=1 -artifact_prefix="$build/" "$found" "$here/corpus/$t") >"$log" 2>&1 || {
    echo "!! $t failed; see $log" >&2
    tail -40 "$log" >&2
    exit 1
  }
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  echo "$t: $runs executions in ${seconds}s" >&2
  total=$((total + runs))
done
echo "total: $total executions" >&2
