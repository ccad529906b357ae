# Shared helpers for the toolchain scripts. Sourced, not run.
set -euo pipefail

PARLEY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export NODE_PATH=/usr/share/nodejs
BUILD_DIR=${PARLEY_BUILD_DIR:-$PARLEY_ROOT/build}
WASM_BUILD_DIR=${PARLEY_WASM_BUILD_DIR:-$PARLEY_ROOT/build-wasm}
FUZZ_BUILD_DIR=${PARLEY_FUZZ_BUILD_DIR:-$PARLEY_ROOT/build-fuzz}
JOBS=${PARLEY_JOBS:-$(nproc)}
# Tests run two per core: most of a test's time is spent waiting (for a relay, a browser,
# a timer), so on 2 cores -j4 took the sanitizer suite from 295 s to 217 s.
TEST_JOBS=${PARLEY_TEST_JOBS:-$((2 * $(nproc)))}

# Each step with the seconds since the script started, so a slow phase shows in CI logs.
say() { printf '\033[1m==> %s\033[0m (%ss)\n' "$*" "$SECONDS" >&2; }

# The CMake generator for build dir $1: Ninja (faster than make, and .ninja_log holds
# each file's compile time), unless the dir was already configured with another one.
cmake_generator() {
  local cache="$1/CMakeCache.txt"
  if [ -f "$cache" ]; then
    sed -n 's/^CMAKE_GENERATOR:INTERNAL=\(.*\)$/-G\n\1/p' "$cache"
  elif command -v ninja >/dev/null; then
    printf '%s\n' -G Ninja
  fi
}
