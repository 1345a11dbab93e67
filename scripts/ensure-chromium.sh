#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests.
#
# Present: prints its version. Missing and root: installs it with apt-get. Missing and not root:
# says so loudly and exits 0; the browser tests then skip themselves with the same reason
# (conftest.py), so the rest of the suite still runs. Set REQUIRE_CHROMIUM=1 to fail instead.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
say() { printf '\033[1m[chromium]\033[0m %s\n' "$*" >&2; }

if [[ -x $CHROMIUM ]]; then
    say "$($CHROMIUM --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi

if [[ $EUID -eq 0 && $CHROMIUM == /usr/bin/chromium ]] && command -v apt-get >/dev/null 2>&1; then
    say "$CHROMIUM is missing: installing Debian's chromium with apt-get (a minute or two)"
    log="$(mktemp "${TMPDIR:-/tmp}/apt-chromium.XXXXXX.log")"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -q && apt-get install -y -q chromium; } >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        say "apt-get could not install chromium (full log: $log)"
        exit 1
    fi
    rm -f "$log"
    say "installed: $($CHROMIUM --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi

say "************************************************************************"
if [[ $EUID -ne 0 ]]; then
    say "$CHROMIUM is missing and this is not root, so it cannot be installed here:"
else
    say "$CHROMIUM is missing (CHROMIUM_PATH is set, so apt-get is not used):"
fi
say "the browser tests will be SKIPPED. Install it with:"
say "    sudo apt-get update && sudo apt-get install -y chromium"
say "************************************************************************"
if [[ "${REQUIRE_CHROMIUM:-0}" == 1 ]]; then
    exit 1
fi
