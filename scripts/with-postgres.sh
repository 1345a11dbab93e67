#!/usr/bin/env bash
# Runs CMD... against a throw-away PostgreSQL server and removes the server afterwards.
#
#   scripts/with-postgres.sh CMD [ARG...]
#
# initdb's a data folder in a new temporary folder, starts the server on a free port of
# 127.0.0.1 (trust authentication, its unix socket inside the temporary folder), exports
# DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres and runs CMD. Whatever happens (CMD
# fails, Ctrl-C, TERM) the server is stopped and the folder removed. Exits with CMD's status.
#
# initdb refuses to run as root: as root the server runs as the user `postgres` (runuser), and
# the temporary folder belongs to that user. The binaries are taken from $PG_BIN, else the
# newest /usr/lib/postgresql/*/bin, else PATH. Without binaries it says so and exits 0 without
# running CMD, so that `make test` carries on with the SQLite run alone. Set
# REQUIRE_POSTGRES=1 to make that an error instead.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARG...]" >&2
    exit 2
fi

say() { printf '\033[1m[with-postgres]\033[0m %s\n' "$*" >&2; }

find_pg_bin() {
    if [[ -n "${PG_BIN:-}" && -x "${PG_BIN}/pg_ctl" ]]; then
        echo "$PG_BIN"
        return
    fi
    local dir best=""
    # Newest major version first (sort -V), so PostgreSQL 16 beats 15 when both exist.
    while IFS= read -r dir; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            best="$dir"
        fi
    done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V)
    if [[ -n "$best" ]]; then
        echo "$best"
        return
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
    fi
}

PG_BIN="$(find_pg_bin)"
if [[ -z "$PG_BIN" ]]; then
    say "PostgreSQL binaries not found: the PostgreSQL run is skipped"
    say "(looked in \$PG_BIN, /usr/lib/postgresql/*/bin and PATH; apt-get install postgresql brings them)"
    if [[ "${REQUIRE_POSTGRES:-0}" == 1 ]]; then
        exit 1
    fi
    exit 0
fi

# As root, everything the server touches belongs to `postgres`.
if [[ $EUID -eq 0 ]]; then
    if ! id -u postgres >/dev/null 2>&1; then
        say "running as root but there is no user 'postgres' to run the server as" >&2
        exit 1
    fi
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/rapport-pg.XXXXXX")"
DATA="$TMP/data"
SOCK="$TMP/sock"
LOG="$TMP/server.log"
mkdir -p "$SOCK"
if [[ $EUID -eq 0 ]]; then
    chown -R postgres: "$TMP"
fi
chmod 700 "$TMP"

started=0
cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    if [[ $started -eq 1 ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -t 30 stop >/dev/null 2>&1 \
            || as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 \
            || true
    fi
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

say "initdb with $PG_BIN ($("$PG_BIN/postgres" --version 2>/dev/null || echo '?')) in $DATA"
if ! as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --no-locale \
    >"$TMP/initdb.log" 2>&1; then
    cat "$TMP/initdb.log" >&2
    say "initdb failed"
    exit 1
fi

# A port nobody listens on. Another process may take it between the check and the start, so a
# failed start is retried on another port.
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for attempt in 1 2 3 4 5; do
    PORT=$((20000 + RANDOM % 40000))
    port_is_free "$PORT" || continue
    # Settings for a throw-away test server: durability off (it is deleted afterwards).
    opts="-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    opts+=" -c max_connections=200 -c shared_buffers=128MB"
    if as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "$opts" -w -t 60 start >/dev/null; then
        started=1
        break
    fi
    say "the server did not start on port $PORT (attempt $attempt):"
    tail -n 5 "$LOG" >&2 || true
done
if [[ $started -ne 1 ]]; then
    say "could not start PostgreSQL"
    exit 1
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres
say "PostgreSQL is up: DATABASE_URL=$DATABASE_URL"

# Not `exec`: the trap must still stop the server when CMD ends.
set +e
"$@"
status=$?
set -e
if [[ $status -ne 0 ]] && grep -qE "(ERROR|FATAL|PANIC):" "$LOG" 2>/dev/null; then
    say "command failed with status $status; the server's last errors:"
    grep -E "(ERROR|FATAL|PANIC):" "$LOG" | tail -n 15 >&2 || true
fi
exit "$status"
