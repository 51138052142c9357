#!/usr/bin/env bash
# shellcheck shell=bash
#
# An MQTT 5 broker (Debian's mosquitto) on loopback, for the tests and for serve.sh.
# Source this file, then:
#
#   mqtt_install             # installs mosquitto (and mosquitto_sub/_pub) via apt-get if needed
#   mqtt_start [PORT [DIR]]  # installs it, starts a broker on 127.0.0.1:PORT (default: a
#                            # free port) with its files in DIR (default: a temp dir, deleted
#                            # by mqtt_stop) and exports PETSTORE_TEST_MQTT_URL
#                            # (mqtt://petstore:<password>@127.0.0.1:PORT); the password is new
#                            # each start
#   mqtt_stop                # stops it (idempotent, never fails)
#   mqtt_running DIR         # a broker started in DIR still runs (its URL: DIR/url)
#   mqtt_configure DIR PORT  # only write DIR/mosquitto.conf and DIR/passwd (new password,
#                            # printed as the URL): what a test's own broker uses
#
# The rules are scripts/mosquitto.acl: anonymous clients may subscribe, not publish; the
# server's user "petstore" may publish. Any broker the Debian package starts (port 1883) is
# left alone: ours has its own port, directory and pid file.

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_PETSTORE_MQTT_DIR=""
_PETSTORE_MQTT_OWN_DIR=0
_PETSTORE_MQTT_ACL="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/mosquitto.acl"

_mqtt_log() { printf 'mosquitto.sh: %s\n' "$*" >&2; }

mqtt_install() {
    if [[ -x /usr/sbin/mosquitto ]] && command -v mosquitto_sub >/dev/null 2>&1; then
        return 0
    fi
    _mqtt_log "mosquitto or its clients not found; installing them with apt-get (one-time) ..."
    petstore_apt_install mosquitto mosquitto-clients
    # The package starts a broker on 1883 where an init system runs; ours do not need it.
}

_mqtt_bin() { command -v mosquitto 2>/dev/null || printf '/usr/sbin/mosquitto'; }

mqtt_configure() {
    local dir=$1 port=$2 password
    mkdir -p "$dir" || return 1
    password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
    : >"$dir/passwd"
    chmod 600 "$dir/passwd"
    mosquitto_passwd -b "$dir/passwd" petstore "$password" || return 1
    cat >"$dir/mosquitto.conf" <<CONF
# Written by scripts/mosquitto.sh: a broker for local use, on loopback only.
per_listener_settings false
# Run as whoever started it (as root it would switch to "mosquitto", who cannot write here).
user $(id -un)
listener $port 127.0.0.1
protocol mqtt
allow_anonymous true
password_file $dir/passwd
acl_file $_PETSTORE_MQTT_ACL
persistence true
persistence_location $dir/
pid_file $dir/mosquitto.pid
log_dest file $dir/mosquitto.log
max_packet_size 1048576
CONF
    printf 'mqtt://petstore:%s@127.0.0.1:%s\n' "$password" "$port" | tee "$dir/url"
    chmod 600 "$dir/url"
}

# mqtt_running DIR: a broker started in DIR is still running (its URL is in DIR/url).
mqtt_running() {
    local dir=$1 pid
    [[ -f $dir/mosquitto.pid && -f $dir/url ]] || return 1
    pid=$(<"$dir/mosquitto.pid")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

mqtt_start() {
    if [[ -n $_PETSTORE_MQTT_DIR ]]; then
        _mqtt_log "mqtt_start: already running in $_PETSTORE_MQTT_DIR"
        return 0
    fi
    _mqtt_start_inner "$@" || {
        _mqtt_log "mqtt_start failed"
        mqtt_stop
        return 1
    }
}

_mqtt_start_inner() {
    local port=${1:-} dir=${2:-} url i
    mqtt_install || return 1
    if [[ -z $dir ]]; then
        dir=$(mktemp -d /tmp/petstore-mqtt.XXXXXXXX) || return 1
        _PETSTORE_MQTT_OWN_DIR=1
    fi
    _PETSTORE_MQTT_DIR=$dir
    [[ -n $port ]] || port=$(petstore_free_port) || return 1
    url=$(mqtt_configure "$dir" "$port") || return 1
    "$(_mqtt_bin)" -c "$dir/mosquitto.conf" -d || return 1
    for ((i = 0; i < 100; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            export PETSTORE_TEST_MQTT_URL=$url
            _mqtt_log "mosquitto ready on 127.0.0.1:$port"
            return 0
        fi
        sleep 0.1
    done
    tail -n 30 "$dir/mosquitto.log" >&2 2>/dev/null || true
    return 1
}

mqtt_stop() {
    local dir=$_PETSTORE_MQTT_DIR pid i
    [[ -n $dir ]] || return 0
    if [[ -f $dir/mosquitto.pid ]]; then
        pid=$(<"$dir/mosquitto.pid")
        if [[ $pid =~ ^[0-9]+$ ]] && kill "$pid" 2>/dev/null; then
            for ((i = 0; i < 50; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    [[ $_PETSTORE_MQTT_OWN_DIR -eq 1 ]] && rm -rf -- "$dir"
    _PETSTORE_MQTT_DIR=""
    _PETSTORE_MQTT_OWN_DIR=0
    unset PETSTORE_TEST_MQTT_URL
    return 0
}
