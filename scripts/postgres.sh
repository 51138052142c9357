#!/usr/bin/env bash
# shellcheck shell=bash
#
# Throwaway PostgreSQL cluster for tests.  Source this file, then:
#
#   pg_start   # installs PostgreSQL via apt-get if needed, starts a private
#              # cluster on 127.0.0.1:<free port>, creates petstore_test and
#              # exports PETSTORE_TEST_POSTGRES_URL / PETSTORE_TEST_POSTGRES_ADMIN_URL
#   pg_stop    # stops the cluster and deletes its directory (idempotent, never fails)
#
# The cluster lives in a fresh `mktemp -d` directory, uses trust auth for user
# "postgres", and is tuned for speed, not durability (fsync=off, ...).  Any
# cluster the Debian package creates (/etc/postgresql/*/main, port 5432) is
# ignored: we use our own data dir, a free port and a private socket dir.
# When running as root the server runs as the `postgres` OS user (created if
# missing), because PostgreSQL refuses to run as root.

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_PETSTORE_PG_DIR=""
_PETSTORE_PG_BIN=""
_PETSTORE_PG_RUN_AS=""

_pg_log() { printf 'postgres.sh: %s\n' "$*" >&2; }

# Directory holding initdb + pg_ctl (newest /usr/lib/postgresql/N/bin first).
_pg_find_bindir() {
    local d found
    found=$(for d in /usr/lib/postgresql/*/bin; do
        [[ -x $d/initdb && -x $d/pg_ctl ]] && printf '%s\n' "$d"
    done | sort -V | tail -n 1) || true
    if [[ -z $found ]] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        # resolve symlinks so the sibling tools (postgres, pg_isready, psql) are found
        found=$(dirname "$(readlink -f "$(command -v initdb)")")
    fi
    [[ -n $found ]] || return 1
    printf '%s\n' "$found"
}

_pg_install() {
    _pg_log "PostgreSQL server not found; installing it with apt-get (one-time) ..."
    # policy-rc.d-style "could not start service" messages from the package's
    # own cluster are harmless; only a failing apt-get matters.
    petstore_apt_install postgresql
}

# Run a command as the cluster owner, from inside the cluster dir (the
# caller's cwd may not be readable by that user).
_pg_as_owner() {
    if [[ -z $_PETSTORE_PG_RUN_AS ]]; then
        (cd "$_PETSTORE_PG_DIR" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$_PETSTORE_PG_DIR" && runuser -u "$_PETSTORE_PG_RUN_AS" -- "$@")
    else
        (cd "$_PETSTORE_PG_DIR" && su -s /bin/sh "$_PETSTORE_PG_RUN_AS" -c "$(printf '%q ' "$@")")
    fi
}

pg_start() {
    if [[ -n $_PETSTORE_PG_DIR ]]; then
        _pg_log "pg_start: already running in $_PETSTORE_PG_DIR"
        return 0
    fi
    _pg_start_inner || {
        _pg_log "pg_start failed"
        pg_stop
        return 1
    }
}

_pg_start_inner() {
    local bindir dir data port attempt started=0 i

    if ! bindir=$(_pg_find_bindir); then
        _pg_install || return 1
        bindir=$(_pg_find_bindir) || { _pg_log "initdb/pg_ctl still not found after install"; return 1; }
    fi
    _PETSTORE_PG_BIN=$bindir

    dir=$(mktemp -d /tmp/petstore-pg.XXXXXXXX) || return 1
    _PETSTORE_PG_DIR=$dir
    data=$dir/data

    if [[ $(id -u) -eq 0 ]]; then
        _PETSTORE_PG_RUN_AS=postgres
        if ! id -u postgres >/dev/null 2>&1; then
            _pg_log "creating OS user postgres"
            local group_opt=(--user-group)
            getent group postgres >/dev/null 2>&1 && group_opt=(--gid postgres)
            useradd --system "${group_opt[@]}" --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin postgres || return 1
        fi
        chmod 755 "$dir" || return 1
        chown postgres: "$dir" || return 1
    else
        _PETSTORE_PG_RUN_AS=""
    fi

    # --locale=C: works even when the machine's LANG names an ungenerated locale.
    if ! _pg_as_owner "$bindir/initdb" -D "$data" -A trust -U postgres --no-sync \
        -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        _pg_log "initdb failed"
        return 1
    fi

    _pg_as_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF

# --- petstore throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF

    # Picking a port then binding it is racy; retry a few times.
    for attempt in 1 2 3 4 5; do
        port=$(petstore_free_port) || return 1
        if _pg_as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -o "-p $port" \
            -w -t 60 -s start >/dev/null 2>&1; then
            started=1
            break
        fi
        _pg_log "server did not start on port $port (attempt $attempt)"
        # make sure a half-started postmaster is gone before retrying
        _pg_as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w -s stop >/dev/null 2>&1 || true
    done
    if [[ $started -ne 1 ]]; then
        tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
        return 1
    fi

    # pg_ctl -w already waited for "ready"; double-check over TCP.
    for ((i = 0; i < 300; i++)); do
        "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres && break
        sleep 0.1
    done
    if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
        tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
        _pg_log "server not ready after 30s"
        return 1
    fi

    if ! "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
        -U postgres -d postgres -c 'CREATE DATABASE petstore_test' >/dev/null </dev/null; then
        _pg_log "could not create database petstore_test"
        return 1
    fi

    export PETSTORE_TEST_POSTGRES_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/petstore_test"
    export PETSTORE_TEST_POSTGRES_ADMIN_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/postgres"
    _pg_log "PostgreSQL $("$bindir/postgres" -V | awk '{print $3}') ready on 127.0.0.1:$port (data in $dir)"
}

# Stop the cluster and remove its directory.  Safe to call repeatedly and from
# an EXIT trap: always returns 0 so it never changes the script's exit code.
pg_stop() {
    local dir=$_PETSTORE_PG_DIR
    [[ -n $dir ]] || return 0
    if [[ -f $dir/data/postmaster.pid && -n $_PETSTORE_PG_BIN ]]; then
        _pg_as_owner "$_PETSTORE_PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 -s stop \
            >/dev/null 2>&1 ||
            _pg_as_owner "$_PETSTORE_PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 -s stop \
                >/dev/null 2>&1 || _pg_log "warning: could not stop the server in $dir"
    fi
    rm -rf -- "$dir" || true
    _PETSTORE_PG_DIR=""
    unset PETSTORE_TEST_POSTGRES_URL PETSTORE_TEST_POSTGRES_ADMIN_URL
    return 0
}
