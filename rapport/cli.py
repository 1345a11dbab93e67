"""The `rapport` console script: Django's management commands with Rapport's settings preset.

rapport serve [ADDR:PORT]     the web UI and API (default 127.0.0.1:8000; `rapport serve 8001`
                              or `rapport serve 0.0.0.0:8001` for another port or address)
rapport worker                runs background work: delivery (e-mail, letters; with heartbeat and
                              recovery) and the other Django tasks (database backend)
rapport resend-failed [--logged-segment N]   queues failed deliveries again
rapport demo [--if-empty]     loads the demo data
rapport create-user NAME --role ROLE [--password-stdin]
rapport backup FILE           the database and the attachment files on disk into one file
rapport restore FILE [--noinput]   puts a backup back (checks it first; replaces all data)
rapport <any Django or Rapport command>   (hyphens or underscores, as you like)
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "serve": "runserver",
    "worker": "worker",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print(__doc__.strip())
        if len(argv) >= 2:
            return 0
        return 2
    command = argv[1]
    name = ALIASES.get(command, command.replace("-", "_"))
    rest = argv[2:]
    if name == "runserver" and not any(not arg.startswith("-") for arg in rest):
        rest = [*rest, "127.0.0.1:8000"]
    if command in ALIASES:
        return _run_alias(argv[0], command, name, rest)
    from django.core.management import execute_from_command_line

    execute_from_command_line([argv[0], name, *rest])
    return 0


def _run_alias(program: str, alias: str, name: str, rest: list[str]) -> int:
    """Runs Django's command `name` under the name the user typed, so that `rapport serve --help`
    says `usage: rapport serve`, not `rapport runserver`."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    command = load_command_class(get_commands()[name], name)
    command.run_from_argv([os.path.basename(program), alias, *rest])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
