#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
# shellcheck disable=SC2317 # functions below are invoked indirectly (traps, run_phase)
#
# Set up (if needed) and run the whole check suite:
#   bootstrap .venv -> ruff check -> ruff format --check -> mypy (src, tests, bench, the SDK)
#   -> throwaway PostgreSQL and Redis -> mosquitto, Chromium, npm contract tools, web assets
#   -> pytest "$@"
#
# Extra arguments go to pytest, e.g.  bash scripts/test.sh -x -k pets
# Exit code: 1 if a lint step fails (pytest is then not run), otherwise
# pytest's exit code (5 = "no tests collected" is a failure too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

_us() { printf '%s' "${EPOCHREALTIME//[!0-9]/}"; } # microseconds (locale-proof)
_secs() { printf '%d.%02ds' $(($1 / 1000000)) $((($1 % 1000000) / 10000)); }

_T_START=$(_us)
_TIMINGS=()

# run_phase NAME CMD...: run CMD in this shell, print and record its duration.
# Returns CMD's exit status (never trips `set -e` itself).
run_phase() {
    local name=$1 start rc=0 dur status
    shift
    printf '\n==> %s\n' "$name" >&2
    start=$(_us)
    "$@" || rc=$?
    dur=$(($(_us) - start))
    if [[ $rc -eq 0 ]]; then status=ok; else status="FAILED (exit $rc)"; fi
    _TIMINGS+=("$(printf '  %-22s %9s  %s' "$name" "$(_secs "$dur")" "$status")")
    printf '==> %s: %s in %s\n' "$name" "$status" "$(_secs "$dur")" >&2
    return "$rc"
}

_on_exit() {
    local rc=$?
    if declare -F pg_stop >/dev/null; then
        pg_stop
    fi
    if declare -F redis_stop >/dev/null; then
        redis_stop
    fi
    {
        printf '\n==> timings\n'
        if [[ ${#_TIMINGS[@]} -gt 0 ]]; then printf '%s\n' "${_TIMINGS[@]}"; fi
        printf '  %-22s %9s  exit %d\n' total "$(_secs $(($(_us) - _T_START)))" "$rc"
    } >&2
    return 0
}
trap _on_exit EXIT

# Signals: bash defers traps until a foreground child exits, so long-running
# steps run via run_child (background + wait) and TERM/HUP are forwarded to
# them; Ctrl-C already reaches the child through the terminal, so on INT we
# just wait for it to finish its own shutdown.  Then exit -> EXIT trap.
_CHILD=""
_on_signal() {
    local sig=$1 code=$2
    if [[ -n $_CHILD ]]; then
        [[ $sig == INT ]] || kill -"$sig" "$_CHILD" 2>/dev/null || true
        wait "$_CHILD" 2>/dev/null || true
    fi
    exit "$code"
}
trap '_on_signal INT 130' INT
trap '_on_signal TERM 143' TERM
trap '_on_signal HUP 129' HUP

# run_child CMD...: run CMD as a child we can signal.  Keeps stdin (for --pdb)
# and SIGINT (which bash would otherwise ignore in background children).
run_child() {
    local rc=0
    (
        trap - INT
        exec "$@"
    ) <&0 &
    _CHILD=$!
    wait "$_CHILD" || rc=$?
    _CHILD=""
    return "$rc"
}

run_phase bootstrap source scripts/bootstrap.sh

lint_rc=0
run_phase "ruff check" .venv/bin/ruff check . || lint_rc=1
run_phase "ruff format --check" .venv/bin/ruff format --check . || lint_rc=1
run_phase "mypy" run_child .venv/bin/mypy src tests bench clients/python/petstore_client || lint_rc=1
if [[ $lint_rc -ne 0 ]]; then
    printf '\nLint failed; not running the tests.\n' >&2
    exit 1
fi

source scripts/postgres.sh
source scripts/redis.sh
# pg_stop and redis_stop run from the EXIT trap (also after a half-finished start).
run_phase "postgres start" pg_start
run_phase "redis start" redis_start

# Debian's mosquitto for the MQTT tests, which start throwaway brokers with scripts/mosquitto.sh
# (each test module its own: they stop and restart them); in CI a failed install fails the run.
source scripts/mosquitto.sh
if ! run_phase "mosquitto" mqtt_install && [[ -n ${CI:-} ]]; then
    printf '\nCI needs mosquitto for the MQTT tests.\n' >&2
    exit 1
fi

# Headless Chromium for the browser tests; in CI a failed install fails the run.
source scripts/chromium.sh
if ! run_phase "chromium" chromium_ensure && [[ -n ${CI:-} ]]; then
    printf '\nCI needs Chromium for the browser tests.\n' >&2
    exit 1
fi

# The npm contract linters (Redocly, Spectral, openapi-typescript + tsc); in CI a failed
# install fails the run.
source scripts/node_tools.sh
if ! run_phase "npm tools" node_tools_ensure && [[ -n ${CI:-} ]]; then
    printf '\nCI needs the npm contract tools.\n' >&2
    exit 1
fi

# GraphiQL's browser assets from the npm registry (pinned, integrity-checked) into
# var/web-assets, where the app serves them from.
if ! run_phase "web assets" .venv/bin/python scripts/web_assets.py && [[ -n ${CI:-} ]]; then
    printf '\nCI needs the web assets for the GraphiQL browser test.\n' >&2
    exit 1
fi

pytest_rc=0
run_phase pytest run_child .venv/bin/python -m pytest "$@" || pytest_rc=$?
if [[ $pytest_rc -eq 5 ]]; then
    printf '\npytest collected no tests: treating that as a failure.\n' >&2
fi
exit "$pytest_rc"
