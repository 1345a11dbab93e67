"""Run one scenario in this process, on the database the environment names (set up by
`python -m bench`, which gives every scenario a fresh, migrated database):
`python -m bench.one SCENARIO`."""

from __future__ import annotations

import importlib
import os
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bench.one SCENARIO", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    module = importlib.import_module(f"bench.{argv[0]}")
    module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
