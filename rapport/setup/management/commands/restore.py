"""rapport restore FILE [--noinput]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from rapport.core.management.base import RapportCommand
from rapport.setup.backup import pending_migrations, prepared_restore, restore
from rapport.setup.backup.databases import describe


class Command(RapportCommand):
    help = (
        "Restore a backup made by `rapport backup`: checks the whole file first (checksums, "
        "database vendor, version) and refuses a damaged or foreign file without changing "
        "anything; then writes the attachment files and replaces ALL data in the database, in "
        "one transaction. Stop `rapport serve` and `rapport worker` first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file made by `rapport backup`.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            "--yes",
            action="store_false",
            dest="interactive",
            help="Do not ask before replacing the data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with prepared_restore(options["file"]) as backup:
            manifest = backup.manifest
            if options["interactive"]:
                question = _(
                    "This replaces ALL data in %(database)s by the backup %(file)s (made "
                    "%(created)s by Rapport %(version)s). Type 'yes' to continue: "
                ) % {
                    "database": describe(),
                    "file": backup.path,
                    "created": manifest.get("created_at", "?"),
                    "version": manifest.get("rapport_version", "?"),
                }
                if input(question).strip().lower() not in {"yes", _("yes")}:
                    raise CommandError(_("Restore canceled: nothing was changed."))
            details = restore(backup)
        self.stdout.write(
            _("Restored %(file)s (made %(created)s): the database and %(count)s attachment files.")
            % {
                "file": details["file"],
                "created": details["created_at"],
                "count": details["attachment_files"],
            }
        )
        pending = pending_migrations()
        if pending:
            self.stdout.write(
                _(
                    "The backup is from an older Rapport: run `rapport migrate` now (%(count)s "
                    "migrations to apply)."
                )
                % {"count": len(pending)}
            )
