#!/bin/bash
# The Parley relay image's entry point (deploy/Dockerfile).
#
#   docker-entrypoint.sh [OPTION...]     parley-relay with these options (none: the
#                                        settings of PARLEY_* and /etc/parley/relay.toml)
#   docker-entrypoint.sh healthcheck     exit 0 when GET /healthz answers 200
#   docker-entrypoint.sh COMMAND [ARG…]  any other program (a shell, to debug)
#
# The relay replaces this script (exec), so `docker stop`'s SIGTERM reaches it directly
# and it drains and exits 0. Settings come from the environment the image sets
# (PARLEY_HOST=0.0.0.0, PARLEY_PORT, PARLEY_DATA_DIR=/var/lib/parley) and, when it
# exists, the file named by PARLEY_CONFIG (default /etc/parley/relay.toml).
set -euo pipefail

relay=parley-relay  # found on PATH: /usr/local/bin in the image
config=${PARLEY_CONFIG:-/etc/parley/relay.toml}
if [ -f "$config" ]; then export PARLEY_CONFIG="$config"; else unset PARLEY_CONFIG; fi

# GET /healthz on the port the settings name (the file, then the environment), over
# bash's /dev/tcp: the image needs no HTTP client.
healthcheck() {
    local port
    port=$("$relay" --print-config | sed -n 's/^port = \([0-9]*\).*/\1/p')
    [ -n "$port" ] && [ "$port" != 0 ] || { echo "healthcheck: no port in the settings" >&2; return 1; }
    timeout 4 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" >&3
        IFS= read -r status <&3
        case "$status" in "HTTP/1.1 200"*) exit 0 ;; *) echo "healthcheck: $status" >&2; exit 1 ;; esac
    ' healthcheck "$port"
}

case "${1:-}" in
    healthcheck)
        healthcheck
        ;;
    "" | -*)
        data=${PARLEY_DATA_DIR:-/var/lib/parley}
        if ! [ -d "$data" ] || ! [ -w "$data" ]; then
            echo "docker-entrypoint: the data directory $data is missing or not writable by $(id -un) (uid $(id -u)):" \
                 "mount a volume there (-v parley-data:$data) owned by uid $(id -u)" >&2
            exit 1
        fi
        exec "$relay" "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
