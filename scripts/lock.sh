#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
#
# Regenerate both locks from pyproject.toml:
#
#   requirements-dev.lock  runtime + the `dev` extra (what scripts/test.sh installs)
#   requirements.lock      runtime only (what scripts/serve.sh installs), resolved with the
#                          dev lock as constraints, so every runtime pin equals its dev pin
#
# Versions already in requirements-dev.lock are kept where they still fit (uv prefers the
# pins of the file it rewrites); only new or conflicting requirements get fresh versions.
# Extra arguments go to both `uv pip compile` runs, e.g.
#   bash scripts/lock.sh --upgrade-package fastapi      # move one package
#   bash scripts/lock.sh --upgrade                      # move everything
#
# uv comes from PyPI, pinned, into a throwaway virtualenv (nothing is installed globally).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

UV_VERSION=0.13.9

python=""
for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1 &&
        "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        python=$(command -v "$cand")
        break
    fi
done
[[ -n $python ]] || { printf 'lock.sh: Python 3.11 is required\n' >&2; exit 1; }

tools=$(mktemp -d "${TMPDIR:-/tmp}/petstore-lock.XXXXXX")
trap 'rm -rf "$tools"' EXIT
"$python" -m venv "$tools/venv"
"$tools/venv/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
uv=("$tools/venv/bin/uv" pip compile pyproject.toml --python "$python" --no-header --no-annotate -q)

printf 'lock.sh: resolving requirements-dev.lock\n' >&2
"${uv[@]}" --extra dev -o requirements-dev.lock "$@"
printf 'lock.sh: resolving requirements.lock (runtime only)\n' >&2
"${uv[@]}" --constraint requirements-dev.lock -o requirements.lock "$@"
printf 'lock.sh: %d runtime and %d dev pins written\n' \
    "$(grep -c '==' requirements.lock)" "$(grep -c '==' requirements-dev.lock)" >&2
