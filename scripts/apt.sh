#!/usr/bin/env bash
# shellcheck shell=bash
#
# Sourced by the scripts that may need a Debian package on a fresh machine
# (bootstrap: python3.11-venv; postgres.sh, redis.sh, chromium.sh).
#
#   petstore_apt_install PKG...   # as root or with passwordless sudo
#
# apt-get's output goes to a log that is printed only on failure, so a normal
# run stays quiet and a failing one shows why.

petstore_apt_install() {
    local sudo=() log
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            printf 'apt.sh: need root to run: apt-get install %s\n' "$*" >&2
            return 1
        fi
    fi
    command -v apt-get >/dev/null 2>&1 || {
        printf 'apt.sh: apt-get not available; please install: %s\n' "$*" >&2
        return 1
    }
    log=$(mktemp "${TMPDIR:-/tmp}/petstore-apt.XXXXXX")
    printf 'apt.sh: apt-get install %s ...\n' "$*" >&2
    if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 \
            install -y --no-install-recommends "$@"; } >"$log" 2>&1 </dev/null; then
        cat "$log" >&2
        rm -f "$log"
        printf 'apt.sh: apt-get install %s failed\n' "$*" >&2
        return 1
    fi
    rm -f "$log"
}
