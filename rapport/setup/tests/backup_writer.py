"""Processes of the backup tests.

    python -m rapport.setup.tests.backup_writer write LOCATION STOP_FILE
    python -m rapport.setup.tests.backup_writer when GO_FILE COMMAND [ARG...]

`write`: each transaction creates a file stored on disk under LOCATION and an e-mail (in the
row) carrying the same number, until STOP_FILE exists: a consistent copy holds as many files as
e-mails, and every file it points at. `write_pairs` is also run in a thread (PostgreSQL).

`when`: starts Django, waits until GO_FILE exists, then runs `rapport COMMAND ARG...` (started
early, so that the test does not wait for Python and Django to start at that moment).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path


def write_pair(number: int) -> None:
    from django.db import transaction

    from rapport.attachments.services import attachment_create

    with transaction.atomic():
        attachment_create(
            kind="file", file_name=f"note-{number}.txt", content=f"note {number}\n".encode() * 50
        )
        attachment_create(kind="email", subject=f"note {number}", body_html=f"<p>{number}</p>")


def write_pairs(location: str, stop: Callable[[], bool], pause: float = 0.02) -> int:
    from rapport.setup import services

    services.marketing_setup_update(
        attachment_storage_type="disk_file", attachment_storage_location=location
    )
    number = 0
    while not stop():
        number += 1
        write_pair(number)
        time.sleep(pause)
    return number


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if sys.argv[1] == "write":
        print(write_pairs(sys.argv[2], Path(sys.argv[3]).exists))
    else:
        from rapport.cli import main

        while not Path(sys.argv[2]).exists():
            time.sleep(0.02)
        sys.exit(main(["rapport", *sys.argv[3:]]))
