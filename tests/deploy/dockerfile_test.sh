#!/usr/bin/env bash
# What can be checked of deploy/Dockerfile without building the image: every COPY
# source of the build context exists in the repository, the final stage runs as a
# non-root user, keeps its data in a VOLUME, checks /healthz, and its entry script is
# what it copies; the base images are Debian.
#   dockerfile_test.sh SOURCE_DIR
set -euo pipefail
src=$1
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
for lib in libwebsockets17 libev4 libssl3 libsqlite3-0 libsodium23 libtomlplusplus3; do
  grep -q "$lib" <<< "$final" || fail "the final stage lacks $lib"
done
echo "PASS"
