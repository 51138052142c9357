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
# An MQTT 5 broker (Debian's mosquitto, on 127.0.0.1:1883, its files in var/mqtt) that the
# server publishes its events to, unless PETSTORE_MQTT_URL names one already or the port is
# taken. It keeps running after the server stops: `kill "$(cat var/mqtt/mosquitto.pid)"`.
if [[ -z ${PETSTORE_MQTT_URL:-} ]]; then
    source scripts/mosquitto.sh
    if mqtt_running var/mqtt; then # the one an earlier serve.sh started
        PETSTORE_MQTT_URL=$(<var/mqtt/url)
        export PETSTORE_MQTT_URL
    elif (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
        printf 'serve.sh: port 1883 is taken and PETSTORE_MQTT_URL is unset: MQTT stays off\n' >&2
    elif mqtt_start 1883 "$PWD/var/mqtt"; then
        export PETSTORE_MQTT_URL=$PETSTORE_TEST_MQTT_URL
        printf 'serve.sh: events are published to mqtt://127.0.0.1:1883 (subscribe: mosquitto_sub -t "#" -v)\n' >&2
    fi
fi
# Readable logs in a terminal; deployments keep the default JSON lines.
export PETSTORE_LOG_JSON="${PETSTORE_LOG_JSON:-false}"
exec .venv/bin/petstore serve --demo "$@"
