#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
#
# Regenerate the generated part of the Python SDK: everything in clients/python/petstore_client
# except the hand-written sdk/ and py.typed, from the OpenAPI 3.1 rendition
# (openapi-python-client does not read 3.2 yet) with the committed clients/python/generator.yaml.
# Needs the dev tools (bash scripts/test.sh once).
#
#   bash scripts/sdk.sh                          # from `petstore openapi --rendition 3.1`
#   bash scripts/sdk.sh --document F --output D  # from document F into D (the staleness test)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

document="" output=clients/python/petstore_client
while [[ $# -gt 0 ]]; do
    case $1 in
        --document) document=$2; shift 2 ;;
        --output) output=$2; shift 2 ;;
        *) printf 'sdk.sh: unknown argument %s\n' "$1" >&2; exit 2 ;;
    esac
done

venv_bin=$PWD/.venv/bin
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [[ -z $document ]]; then
    document=$scratch/openapi-3.1.json
    # From an empty directory: a developer's .env must not change the document.
    (cd "$scratch" && env -u PETSTORE_AUTH_MODE "$venv_bin/petstore" openapi --rendition 3.1 >"$document")
fi
PATH="$venv_bin:$PATH" "$venv_bin/openapi-python-client" generate --path "$document" \
    --config clients/python/generator.yaml --meta none --output-path "$scratch/package" \
    --fail-on-warning
mkdir -p "$output"
for generated in "$scratch"/package/*; do
    rm -rf "${output:?}/$(basename "$generated")"
    cp -r "$generated" "$output/"
done
