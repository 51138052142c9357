#!/usr/bin/env bash
# shellcheck shell=bash
#
# The npm tools the contract tests run over the served OpenAPI document: Redocly CLI and
# Spectral (linters), openapi-typescript and TypeScript (proof that the TypeScript ecosystem
# can consume it). Source this file, then:
#
#   npmtools_ensure   # installs Debian's nodejs + npm when node is missing, then the pinned
#                     # versions of scripts/npm/package.json into $PETSTORE_NPM_TOOLS
#                     # (default: var/npm-tools), once per change of that file
#
# The tests find the tools through PETSTORE_NPM_TOOLS. Outside CI a machine without them
# skips those tests; with CI set they fail.

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PETSTORE_NPM_TOOLS=${PETSTORE_NPM_TOOLS:-$PWD/var/npm-tools}
export PETSTORE_NPM_TOOLS

npmtools_ensure() {
    local manifest stamp want
    manifest="$(dirname "${BASH_SOURCE[0]}")/npm/package.json"
    stamp="$PETSTORE_NPM_TOOLS/.installed"
    want=$(sha256sum "$manifest" | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
        return 0
    fi
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        petstore_apt_install nodejs npm || return 1
    fi
    mkdir -p "$PETSTORE_NPM_TOOLS"
    cp "$manifest" "$PETSTORE_NPM_TOOLS/package.json"
    printf 'npmtools.sh: npm install into %s (one-time) ...\n' "$PETSTORE_NPM_TOOLS" >&2
    (cd "$PETSTORE_NPM_TOOLS" && npm install --no-audit --no-fund --loglevel=error) || {
        printf 'npmtools.sh: npm install failed; the document lint tests will not run\n' >&2
        return 1
    }
    printf '%s' "$want" >"$stamp"
}
