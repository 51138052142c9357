#!/usr/bin/env bash
# shellcheck shell=bash
#
# Sourced by scripts/serve.sh and scripts/test.sh (not meant to be executed).
#
# Makes sure <repo>/.venv exists, runs Python 3.11 and matches a lock +
# pyproject.toml.  A stamp file inside .venv records what was installed, so
# when nothing changed this is a few cheap checks.
#
#   PETSTORE_BOOTSTRAP=runtime  requirements.lock: what serving needs (serve.sh)
#   PETSTORE_BOOTSTRAP=dev      requirements-dev.lock: runtime + test tools (the default)
#
# Both use the one .venv (so `.venv/bin/petstore` is the command either way): the
# test command upgrades a runtime venv in place, and a venv set up for tests stays
# one (serve.sh then keeps the dev lock rather than uninstalling the tools).
#
#   - .venv missing/broken/not 3.11/moved  -> recreate it
#   - lock file or pyproject.toml changed   -> pip install -r lock,
#                                              drop packages no longer locked,
#                                              pip install --no-deps -e .
#
# pip shows what it collects and installs (a first install takes a minute or more).
# Concurrent runs (e.g. serve + test started at once) are serialised with flock.

_petstore_bootstrap_log() { printf 'bootstrap: %s\n' "$*" >&2; }

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_petstore_is_py311() {
    "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1
}

_petstore_find_python() {
    local cand
    for cand in python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 && _petstore_is_py311 "$cand"; then
            command -v "$cand"
            return 0
        fi
    done
    _petstore_bootstrap_log "Python 3.11 is required (tried python3.11, python3)."
    return 1
}

_petstore_hash() { sha256sum "$@" | cut -d' ' -f1 | tr '\n' ' '; }

_petstore_bootstrap() {
    local root venv lock stamp want lock_fd mode=${PETSTORE_BOOTSTRAP:-dev}
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P) || return 1
    venv="$root/.venv"
    stamp="$venv/.petstore-bootstrap-stamp"
    # A venv already set up for tests (or by an older bootstrap, whose stamp has no mode)
    # stays a dev venv: serving must not uninstall the tools.
    if [[ $mode == runtime && -f $stamp ]] && ! grep -qx 'mode=runtime' "$stamp"; then
        mode=dev
    fi
    case $mode in
        runtime) lock="$root/requirements.lock" ;;
        dev) lock="$root/requirements-dev.lock" ;;
        *) _petstore_bootstrap_log "PETSTORE_BOOTSTRAP must be runtime or dev, not '$mode'"; return 1 ;;
    esac

    [[ -f $lock ]] || { _petstore_bootstrap_log "missing $lock"; return 1; }

    # What the stamp must say for the venv to count as up to date.
    want="root=$venv
python=3.11
mode=$mode
inputs=$(_petstore_hash "$lock" "$root/requirements.lock" "$root/pyproject.toml")"

    # Fast path: nothing to do (checked again under the lock below).
    if [[ -f $stamp && "$(<"$stamp")" == "$want" && -x $venv/bin/python ]] &&
        _petstore_is_py311 "$venv/bin/python"; then
        return 0
    fi

    # Serialise concurrent bootstraps of the same checkout (lock the repo dir).
    if command -v flock >/dev/null 2>&1; then
        exec {lock_fd}<"$root"
        if ! flock -w 900 "$lock_fd"; then
            exec {lock_fd}<&-
            _petstore_bootstrap_log "timed out waiting for another bootstrap"
            return 1
        fi
    fi

    _petstore_bootstrap_locked "$root" "$venv" "$lock" "$stamp" "$want"
    local rc=$?
    if [[ -n ${lock_fd:-} ]]; then
        exec {lock_fd}<&-
    fi
    return "$rc"
}

_petstore_bootstrap_locked() {
    local root=$1 venv=$2 lock=$3 stamp=$4 want=$5 py old_root="" reqs
    local pip_env=(env PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_REQUIRE_VIRTUALENV=1)

    if [[ -f $stamp && "$(<"$stamp")" == "$want" && -x $venv/bin/python ]] &&
        _petstore_is_py311 "$venv/bin/python"; then
        return 0 # another process finished it while we waited
    fi

    if [[ -f $stamp ]]; then
        old_root=$(sed -n 's/^root=//p' "$stamp")
    fi
    # Recreate when missing, broken, wrong Python, or the checkout was moved
    # (venv entry-point scripts hard-code absolute paths).
    if [[ ! -x $venv/bin/python ]] || ! _petstore_is_py311 "$venv/bin/python" ||
        [[ -n $old_root && $old_root != "$venv" ]]; then
        py=$(_petstore_find_python) || return 1
        # Debian's python3.11 ships without ensurepip/venv (python3.11-venv).
        if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
            petstore_apt_install python3.11-venv || return 1
        fi
        _petstore_bootstrap_log "creating $venv with $py"
        rm -rf "$venv"
        "$py" -m venv "$venv" || { _petstore_bootstrap_log "venv creation failed"; return 1; }
    fi

    # A lock made by `pip freeze` in a dev checkout may contain the project
    # itself (`-e ...` / `petstore @ file://...`); that is installed below.
    reqs=$(mktemp "${TMPDIR:-/tmp}/petstore-reqs.XXXXXX")
    grep -viE '^[[:space:]]*(-e[[:space:]]|--editable|petstore[[:space:]]*(@|==|$))' "$lock" >"$reqs"

    # Remove distributions that are not in the lock (keeps the venv equal to
    # the lock when it changes, without a full rebuild).  Done before the
    # install so anything pip still needs as a dependency gets reinstalled.
    local extra
    extra=$("$venv/bin/python" - "$reqs" <<'PY'
import re, sys
from importlib import metadata

def norm(n: str) -> str:
    return re.sub(r"[-_.]+", "-", n).lower()

locked = {"pip", "setuptools", "wheel", "petstore"}
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
    if m and not line.lstrip().startswith("#"):
        locked.add(norm(m.group(1)))
installed = {norm(d.metadata["Name"]) for d in metadata.distributions() if d.metadata["Name"]}
if len(locked) > 4:  # never prune against an empty/unparsable lock
    print(" ".join(sorted(installed - locked)))
PY
    ) || extra=""
    if [[ -n $extra ]]; then
        _petstore_bootstrap_log "removing packages not in the lock: $extra"
        # shellcheck disable=SC2086 # word splitting intended
        "${pip_env[@]}" "$venv/bin/python" -m pip uninstall -q -y $extra ||
            _petstore_bootstrap_log "warning: could not uninstall: $extra"
    fi

    _petstore_bootstrap_log "installing the $(grep -c '==' "$reqs") packages of ${lock##*/}"
    # Progress, not silence: one line per package collected, then pip's summary.
    # (pip's errors go to stderr, unfiltered.)
    local pip_rc
    "${pip_env[@]}" "$venv/bin/python" -m pip install --progress-bar off -r "$reqs" |
        { grep --line-buffered -E '^(Collecting|Installing|Successfully)' >&2 || true; }
    pip_rc=${PIPESTATUS[0]}
    if [[ $pip_rc -ne 0 ]]; then
        rm -f "$reqs"
        _petstore_bootstrap_log "pip install -r ${lock##*/} failed"
        return 1
    fi
    rm -f "$reqs"

    # The build backend prints warnings that -q does not silence; show its
    # output only when the install fails.
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/petstore-pip.XXXXXX")
    if ! (cd "$root" && "${pip_env[@]}" "$venv/bin/python" -m pip install -q --no-deps -e .) \
        >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        _petstore_bootstrap_log "pip install --no-deps -e . failed"
        return 1
    fi
    rm -f "$log"

    # The lock must hold every dependency of the project: pip check names any that is missing.
    if ! "$venv/bin/python" -m pip check >&2; then
        _petstore_bootstrap_log "pip check failed: ${lock##*/} is incomplete"
        return 1
    fi

    printf '%s' "$want" >"$stamp"
    _petstore_bootstrap_log "done"
}

_petstore_bootstrap || {
    _petstore_bootstrap_log "FAILED"
    # shellcheck disable=SC2317 # `return` works when sourced, `exit` otherwise
    return 1 2>/dev/null || exit 1
}
