#!/usr/bin/env bash
# Runs one step of `make test` between banners that say what runs and how long it took.
#
#   scripts/step.sh "NAME" CMD [ARG...]
#
# Exits with CMD's status. pytest's status 5 ("no tests were collected") is reported as the
# failure it is: a test run that ran nothing proves nothing.
set -uo pipefail
name="$1"
shift
bold=$'\033[1m' red=$'\033[1;31m' green=$'\033[1;32m' off=$'\033[0m'
printf '\n%s==> %s%s\n' "$bold" "$name" "$off"
start=$(date +%s)
"$@"
status=$?
seconds=$(( $(date +%s) - start ))
duration="$((seconds / 60))m$((seconds % 60))s"
if [[ $status -eq 0 ]]; then
    printf '%s<== %s: passed in %s%s\n' "$green" "$name" "$duration" "$off"
else
    if [[ $status -eq 5 && " $* " == *pytest* ]]; then
        printf '%s*** pytest collected no test (exit status 5): that counts as a failure%s\n' \
            "$red" "$off"
    fi
    printf '%s<== %s: FAILED (exit status %s) after %s%s\n' "$red" "$name" "$status" "$duration" "$off"
fi
# Timings of the steps, for the summary at the end of `make test`.
if [[ -n "${STEP_TIMINGS:-}" ]]; then
    printf '%-48s %8s  %s\n' "$name" "$duration" "$([[ $status -eq 0 ]] && echo ok || echo "FAILED ($status)")" \
        >>"$STEP_TIMINGS"
fi
exit "$status"
