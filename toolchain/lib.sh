# Shared helpers for the toolchain scripts. Sourced, not run.
set -euo pipefail

PARLEY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export NODE_PATH=/usr/share/nodejs
BUILD_DIR=${PARLEY_BUILD_DIR:-$PARLEY_ROOT/build}
WASM_BUILD_DIR=${PARLEY_WASM_BUILD_DIR:-$PARLEY_ROOT/build-wasm}
FUZZ_BUILD_DIR=${PARLEY_FUZZ_BUILD_DIR:-$PARLEY_ROOT/build-fuzz}
JOBS=${PARLEY_JOBS:-$(nproc)}

# Each step with the seconds since the script started, so a slow phase shows in CI logs.
say() { printf '\033[1m==> %s\033[0m (%ss)\n' "$*" "$SECONDS" >&2; }
