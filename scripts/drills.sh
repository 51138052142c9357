#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
#
# The long reliability drills (pytest marker `slow`), kept out of scripts/test.sh:
#   bootstrap .venv -> throwaway PostgreSQL and Redis -> pytest -m slow (tests/drills/)
#   (Redis too: the test configuration insists on both when CI is set)
#
#   load   5 minutes of mixed traffic against `petstore serve --workers 2` on PostgreSQL
#          (PETSTORE_DRILL_SECONDS changes the length)
#   scale  100,000 pets and 1,000,000 orders: latency against 1,000 pets, query plans
#
# Extra arguments go to pytest, e.g.  bash scripts/drills.sh -k scale
# The drills print their figures (-s), so run this in a terminal or tee it to a file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/bootstrap.sh
source scripts/postgres.sh
source scripts/redis.sh
trap 'pg_stop; redis_stop' EXIT
# Forward TERM/HUP to pytest (running in the background so bash can take the signal), then let
# the EXIT trap stop PostgreSQL. Ctrl-C reaches pytest through the terminal by itself.
_CHILD=""
_on_signal() {
    if [[ -n $_CHILD ]]; then
        [[ $1 == INT ]] || kill -"$1" "$_CHILD" 2>/dev/null || true
        wait "$_CHILD" 2>/dev/null || true
    fi
    exit "$2"
}
trap '_on_signal INT 130' INT
trap '_on_signal TERM 143' TERM
trap '_on_signal HUP 129' HUP

pg_start
redis_start

rc=0
(
    trap - INT
    exec .venv/bin/python -m pytest -m slow -s -v -p no:cacheprovider "$@"
) <&0 &
_CHILD=$!
wait "$_CHILD" || rc=$?
_CHILD=""
if [[ $rc -eq 5 ]]; then
    printf '\npytest collected no drills: treating that as a failure.\n' >&2
fi
exit "$rc"
