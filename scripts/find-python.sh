#!/usr/bin/env bash
# Prints the path of a Python interpreter for the project's venv, or fails with a message.
#
#   scripts/find-python.sh [VERSION]      # VERSION defaults to the contents of .python-version
#
# pyenv's installed versions come first and are used by their real path: pyenv's shims error out
# for a version that is not selected (`python3.13` on PATH may be such a shim). Then plain
# pythonX.Y / python3 from PATH. Every candidate is run once to check that it works and is at
# least Python 3.12 (Django 6.1's minimum).
set -uo pipefail

cd "$(dirname "$0")/.."
want="${1:-$(cat .python-version 2>/dev/null || echo 3.13)}"
want="${want//[[:space:]]/}"

works() { [[ -x "$1" ]] && "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

candidates=()
for root in "${PYENV_ROOT:-}" "${HOME:-/nonexistent}/.pyenv" /root/.pyenv /opt/pyenv; do
    [[ -n "$root" && -d "$root/versions" ]] || continue
    # Newest patch release of the wanted version first (3.13.10 before 3.13.2).
    while IFS= read -r dir; do
        candidates+=("$dir/bin/python$want" "$dir/bin/python3")
    done < <(ls -d "$root/versions/$want" "$root/versions/$want".* 2>/dev/null | sort -rV)
done
for name in "python$want" python3.14 python3.13 python3.12 python3; do
    path="$(command -v "$name" 2>/dev/null)" && candidates+=("$path")
done

for candidate in "${candidates[@]}"; do
    if works "$candidate"; then
        echo "$candidate"
        exit 0
    fi
done
echo "find-python: no working Python >= 3.12 found (wanted $want; looked in pyenv's versions" \
    "folders and on PATH). Install Python $want or set PYTHON=/path/to/python." >&2
exit 1
