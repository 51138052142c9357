#!/usr/bin/env bash
# shellcheck shell=bash
#
# Helpers shared by the scripts that set up a fresh machine and throwaway
# services (bootstrap.sh, postgres.sh, redis.sh, chromium.sh).  Source it.
#
#   petstore_apt_install PKG...   # Debian packages, as root or with passwordless sudo
#   petstore_free_port            # prints a free TCP port on 127.0.0.1
#
# apt-get's output goes to a log that is printed only on failure, so a normal
# run stays quiet and a failing one shows why.

petstore_apt_install() {
    local sudo=() log
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            printf 'common.sh: need root to run: apt-get install %s\n' "$*" >&2
            return 1
        fi
    fi
    command -v apt-get >/dev/null 2>&1 || {
        printf 'common.sh: apt-get not available; please install: %s\n' "$*" >&2
        return 1
    }
    log=$(mktemp "${TMPDIR:-/tmp}/petstore-apt.XXXXXX")
    printf 'common.sh: apt-get install %s ...\n' "$*" >&2
    if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 \
            install -y --no-install-recommends "$@"; } >"$log" 2>&1 </dev/null; then
        cat "$log" >&2
        rm -f "$log"
        printf 'common.sh: apt-get install %s failed\n' "$*" >&2
        return 1
    fi
    rm -f "$log"
}

# Binding then releasing is racy by nature; callers retry when the port is
# taken before their server binds it.
petstore_free_port() {
    local py
    for py in "${PETSTORE_PYTHON:-}" .venv/bin/python python3 python; do
        [[ -n $py ]] && command -v "$py" >/dev/null 2>&1 && break
        py=""
    done
    [[ -n $py ]] || { printf 'common.sh: python is needed to pick a free port\n' >&2; return 1; }
    "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}
