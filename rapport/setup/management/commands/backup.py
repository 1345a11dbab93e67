"""rapport backup FILE"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from rapport.core.management.base import RapportCommand
from rapport.setup.backup import create_backup


class Command(RapportCommand):
    help = (
        "Back up the database and the attachment files stored on disk into FILE (a tar.gz with "
        "a manifest of checksums), consistent while Rapport runs. SQLite: SQLite's online "
        "backup; PostgreSQL: pg_dump (the PostgreSQL client programs must be installed). FILE "
        "is replaced only once the new backup is complete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file to write, e.g. rapport-2026-12-06.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        result = create_backup(options["file"])
        self.stdout.write(
            _(
                "Backup written to %(file)s: the %(vendor)s database and %(count)s attachment "
                "files, %(size)s bytes, in %(seconds).1f s."
            )
            % {
                "file": result.path,
                "vendor": result.vendor,
                "count": result.attachment_files,
                "size": result.size,
                "seconds": result.seconds,
            }
        )
