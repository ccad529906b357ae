#!/usr/bin/env bash
# What can be checked of deploy/Dockerfile without building the image: every COPY
# source of the build context exists in the repository, the final stage runs as a
# non-root user, keeps its data in a VOLUME, checks /healthz, and its entry script is
# what it copies; the base images are Debian.
# With the built relay (RELAY_BIN), the packages of the libraries it links are derived
# from the binary, not listed by hand: each library it needs (ELF NEEDED) comes from a
# package the final stage installs (or the base image holds), and its unversioned .so,
# which the link used, from a -dev package the build stage installs.
#   dockerfile_test.sh SOURCE_DIR [RELAY_BIN]
set -euo pipefail
src=$1
relay=${2:-}
df=$src/deploy/Dockerfile
fail() { echo "FAIL: $*"; exit 1; }

# COPY sources (not --from=stage copies) exist in the context, the repository root.
while read -r line; do
  args=${line#COPY }
  [[ $args == --from=* ]] && continue
  read -ra words <<< "$args"
  for source in "${words[@]:0:${#words[@]}-1}"; do
    [ -e "$src/$source" ] || fail "COPY $source: no such file in the repository"
    git -C "$src" ls-files --error-unmatch "$source" >/dev/null 2>&1 || fail "COPY $source: not tracked by git"
  done
done < <(grep -E '^COPY ' "$df")

# The files the build stage installs from deploy/ are there and the script runs.
for f in deploy/docker-entrypoint.sh deploy/relay.toml; do
  grep -q "$f" "$df" || fail "the image does not install $f"
  [ -f "$src/$f" ] || fail "$f is missing"
done
[ -x "$src/deploy/docker-entrypoint.sh" ] || fail "deploy/docker-entrypoint.sh is not executable"
bash -n "$src/deploy/docker-entrypoint.sh" || fail "deploy/docker-entrypoint.sh has a syntax error"

# The final stage: from the last FROM on.
final=$(awk '/^FROM /{stage=""} {stage=stage $0 "\n"} END{printf "%s", stage}' "$df")
grep -q '^FROM debian:bookworm-slim' <<< "$final" || fail "the final stage is not debian:bookworm-slim"
grep -c '^FROM ' "$df" | grep -qx 2 || fail "not a two-stage build"
user=$(grep -E '^USER ' <<< "$final" | tail -1 | awk '{print $2}')
[ -n "$user" ] || fail "the final stage sets no USER (it would run as root)"
case "${user%%:*}" in root|0) fail "the final stage runs as root";; esac
grep -q "useradd .*--uid 10001 .*${user%%:*}" <<< "$final" || fail "the USER is not created in the image"
grep -q '^VOLUME \["/var/lib/parley"\]' <<< "$final" || fail "no VOLUME for /var/lib/parley"
grep -q 'PARLEY_DATA_DIR=/var/lib/parley' <<< "$final" || fail "the data dir is not the volume"
grep -q '^HEALTHCHECK ' <<< "$final" || fail "no HEALTHCHECK"
grep -q 'docker-entrypoint.sh", "healthcheck"' <<< "$final" || fail "the HEALTHCHECK does not ask /healthz"
grep -q '^ENTRYPOINT \["/usr/local/bin/docker-entrypoint.sh"\]' <<< "$final" || fail "no exec-form ENTRYPOINT"
# Every library the relay links at run time is installed in the final stage.
for lib in libwebsockets17 libev4 libssl3 libsqlite3-0 libsodium23 libtomlplusplus3 libutf8proc2; do
  grep -q "$lib" <<< "$final" || fail "the final stage lacks $lib"
done

# The package owning a library file of this machine's multiarch directory (usrmerge:
# dpkg knows it under /usr/lib or /lib; a versioned name may be a link to the real file).
arch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
package_of() {
  local name=$1 dir path real
  for dir in /usr/lib/$arch /lib/$arch; do
    [ -e "$dir/$name" ] || continue
    path=$(dpkg -S "$dir/$name" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$path" ] && { echo "$path"; return; }
  done
  for dir in /usr/lib/$arch /lib/$arch; do
    [ -e "$dir/$name" ] || continue
    real=$(basename "$(readlink -f "$dir/$name")")
    for d in /usr/lib/$arch /lib/$arch; do
      path=$(dpkg -S "$d/$real" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$path" ] && { echo "$path"; return; }
    done
  done
}
if [ -n "$relay" ]; then
  build=$(awk '/^FROM /{n++} n==1' "$df")
  # In debian:bookworm-slim already (essential or needed by apt and dpkg).
  base="libc6 libstdc++6 libgcc-s1 zlib1g"
  while read -r needed; do
    runtime=$(package_of "$needed")
    [ -n "$runtime" ] || fail "no package owns $needed (needed by the relay)"
    if ! grep -qw "$runtime" <<< "$base"; then
      grep -qw -- "$runtime" <<< "$final" || fail "the final stage lacks $runtime (the relay needs $needed)"
    fi
    case $needed in libc.so*|libm.so*|libstdc++.so*|libgcc_s.so*) continue ;; esac
    dev=$(package_of "${needed%%.so*}.so")
    [ -n "$dev" ] || fail "no -dev package owns ${needed%%.so*}.so"
    grep -qw -- "$dev" <<< "$build" || fail "the build stage lacks $dev (the relay links ${needed%%.so*}.so)"
  done < <(readelf -d "$relay" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
fi
echo "PASS"
