#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/..
#
# bench/servers.py on SQLite and on a throwaway PostgreSQL (scripts/postgres.sh):
#   bash bench/servers.sh [--duration 10] [--workers 1 2] [--json PATH]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
source scripts/postgres.sh
trap pg_stop EXIT
pg_start
.venv/bin/python bench/servers.py --postgres "$PETSTORE_TEST_POSTGRES_URL" "$@"
