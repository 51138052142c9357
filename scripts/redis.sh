#!/usr/bin/env bash
# shellcheck shell=bash
#
# Throwaway Redis server for tests.  Source this file, then:
#
#   redis_start   # installs redis-server via apt-get if needed, starts a private
#                 # server on 127.0.0.1:<free port> in a temp dir (no persistence)
#                 # and exports PETSTORE_TEST_REDIS_URL
#   redis_stop    # stops it and deletes its directory (idempotent, never fails)
#
# Any server the Debian package starts (port 6379) is ignored: ours has its own
# port, directory and pid file.

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_PETSTORE_REDIS_DIR=""
_PETSTORE_REDIS_PORT=""

_redis_log() { printf 'redis.sh: %s\n' "$*" >&2; }

_redis_install() {
    _redis_log "redis-server not found; installing it with apt-get (one-time) ..."
    petstore_apt_install redis-server
}

_redis_cli() { redis-cli -h 127.0.0.1 -p "$_PETSTORE_REDIS_PORT" "$@"; }

redis_start() {
    if [[ -n $_PETSTORE_REDIS_DIR ]]; then
        _redis_log "redis_start: already running in $_PETSTORE_REDIS_DIR"
        return 0
    fi
    _redis_start_inner || {
        _redis_log "redis_start failed"
        redis_stop
        return 1
    }
}

_redis_start_inner() {
    local dir port attempt i started=0
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        _redis_install || return 1
        command -v redis-server >/dev/null 2>&1 || { _redis_log "redis-server still not found"; return 1; }
    fi
    dir=$(mktemp -d /tmp/petstore-redis.XXXXXXXX) || return 1
    _PETSTORE_REDIS_DIR=$dir

    # Picking a port then binding it is racy; retry a few times.
    for attempt in 1 2 3 4 5; do
        port=$(petstore_free_port) || return 1
        _PETSTORE_REDIS_PORT=$port
        # No persistence (no RDB snapshots, no AOF): test data lives only in memory.
        if redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes \
            --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' \
            --appendonly no --protected-mode yes >/dev/null 2>&1; then
            for ((i = 0; i < 100; i++)); do
                if [[ $(_redis_cli ping 2>/dev/null) == PONG ]]; then
                    started=1
                    break
                fi
                sleep 0.1
            done
        fi
        [[ $started -eq 1 ]] && break
        _redis_log "server did not start on port $port (attempt $attempt)"
        _redis_kill
    done
    if [[ $started -ne 1 ]]; then
        tail -n 30 "$dir/redis.log" >&2 2>/dev/null || true
        return 1
    fi
    export PETSTORE_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
    _redis_log "Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') ready on 127.0.0.1:$port"
}

# Stop the server this file started (by its pid file, never by name).
_redis_kill() {
    local dir=$_PETSTORE_REDIS_DIR pid i
    [[ -n $dir && -f $dir/redis.pid ]] || return 0
    pid=$(<"$dir/redis.pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    kill "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}

# Stop the server and remove its directory.  Safe to call repeatedly and from
# an EXIT trap: always returns 0 so it never changes the script's exit code.
redis_stop() {
    [[ -n $_PETSTORE_REDIS_DIR ]] || return 0
    _redis_kill
    rm -rf -- "$_PETSTORE_REDIS_DIR" || true
    _PETSTORE_REDIS_DIR=""
    _PETSTORE_REDIS_PORT=""
    unset PETSTORE_TEST_REDIS_URL
    return 0
}
