#!/usr/bin/env bash
# shellcheck shell=bash
#
# Headless Chromium for the browser tests (tests/browser). Source this file, then:
#
#   chromium_ensure   # installs Debian's chromium + chromium-driver with apt-get when
#                     # /usr/bin/chromium is missing (root or passwordless sudo)
#
# The tests drive it with Playwright's Python package and this system browser; they never
# download a browser (no `playwright install`). Outside CI a machine without Chromium (and
# without the rights to install it) skips the browser tests; with CI set they fail.

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PETSTORE_CHROMIUM=${PETSTORE_CHROMIUM:-/usr/bin/chromium}

chromium_ensure() {
    if [[ -x $PETSTORE_CHROMIUM ]]; then
        return 0
    fi
    printf 'chromium.sh: %s not found; installing chromium with apt-get (one-time) ...\n' \
        "$PETSTORE_CHROMIUM" >&2
    petstore_apt_install chromium chromium-driver || {
        printf 'chromium.sh: could not install chromium; the browser tests will not run\n' >&2
        return 1
    }
}
