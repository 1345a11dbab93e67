#!/usr/bin/env bash
# Makes sure the system libraries WeasyPrint needs to print letters as PDF are present:
# Pango (with its FreeType backend), HarfBuzz's subsetter and a font.
#
# Present: says nothing. Missing and root with apt-get: installs them (a minute). Missing and not
# root: says so loudly and exits 0; Rapport still serves, and printing letters answers with a
# clear error naming these packages. Set REQUIRE_PDF_LIBS=1 to fail instead.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
say() { printf '\033[1m[pdf]\033[0m %s\n' "$*" >&2; }

present() {
    command -v ldconfig >/dev/null 2>&1 || return 1
    local libs
    libs="$(ldconfig -p)"
    for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0 libfontconfig.so.1; do
        grep -q "$lib" <<<"$libs" || return 1
    done
    command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list 2>/dev/null | head -n 1)" ]]
}

if present; then
    exit 0
fi

if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "the PDF libraries are missing: installing ${PACKAGES[*]} with apt-get"
    log="$(mktemp "${TMPDIR:-/tmp}/apt-pdf.XXXXXX.log")"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get install -y -q "${PACKAGES[@]}" || { apt-get update -q && apt-get install -y -q "${PACKAGES[@]}"; }; } >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        say "apt-get could not install them (full log: $log)"
        exit 1
    fi
    rm -f "$log"
    say "installed"
    exit 0
fi

say "************************************************************************"
say "The system libraries for printing letters as PDF are missing. Install them with:"
say "    sudo apt-get update && sudo apt-get install -y ${PACKAGES[*]}"
say "Until then Rapport runs, but printing letters (PDF) answers with an error."
say "************************************************************************"
if [[ "${REQUIRE_PDF_LIBS:-0}" == 1 ]]; then
    exit 1
fi
