#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
#
# Set up (if needed) and run the server with demo data
# (`petstore serve --demo`: migrate + seed + serve, default 127.0.0.1:8000).
# Extra arguments go to `petstore serve`, e.g.  bash scripts/serve.sh --port 9000
# Installs only what serving needs (requirements.lock); scripts/test.sh adds the tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PETSTORE_BOOTSTRAP=runtime
source scripts/bootstrap.sh
# GraphiQL's assets (from the npm registry, pinned): /v1/graphql then works offline.
.venv/bin/python scripts/web_assets.py
# Readable logs in a terminal; deployments keep the default JSON lines.
export PETSTORE_LOG_JSON="${PETSTORE_LOG_JSON:-false}"
exec .venv/bin/petstore serve --demo "$@"
