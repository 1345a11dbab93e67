"""Base for Rapport's management commands: a DomainError ends the command with its message
and a non-zero exit; long work shows a progress bar and ends with a one-line summary."""

from __future__ import annotations

import getpass
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TextIO, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from rapport.core.acting import Source, acting_as
from rapport.core.busy import BUSY_EXIT_STATUS, busy_message, is_busy
from rapport.core.errors import DomainError

T = TypeVar("T")


class ProgressBar:
    """A terminal progress bar on stderr (only when stderr is a terminal)."""

    def __init__(
        self, total: int, label: str, stream: TextIO | None = None, width: int = 30
    ) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0
        self.started = time.monotonic()
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()

    def advance(self, step: int = 1) -> None:
        self.done += step
        if self.enabled:
            fraction = self.done / self.total if self.total else 1.0
            filled = int(self.width * min(fraction, 1.0))
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> float:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
        return time.monotonic() - self.started

    def iterate(self, items: Iterable[T]) -> Iterator[T]:
        for item in items:
            yield item
            self.advance()


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class RapportCommand(BaseCommand):
    # Domain commands skip Django's system checks: they import every view and URL and cost
    # about 1 s per command (measured on `rapport log-segment`); `rapport serve`, `migrate`,
    # `check` and the test suite still run them.
    requires_system_checks: list[str] = []  # type: ignore[assignment]

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            # Audited as the command line's (OS) user unless the command acts as a user.
            with acting_as(source=Source.CLI, name=f"cli:{os_user()}"):
                return super().execute(*args, **options)
        except DomainError as error:
            raise CommandError(error.message) from error
        except OperationalError as error:
            if not is_busy(error):
                raise
            raise CommandError(busy_message(), returncode=BUSY_EXIT_STATUS) from error

    def progress(self, total: int, label: str) -> ProgressBar:
        return ProgressBar(total, label, stream=self.stderr._out)  # type: ignore[attr-defined,arg-type]


class DeleteCanceledCommand(RapportCommand):
    """The shape of NAV's "Delete canceled …" batch jobs on the command line: one option per
    filter of the operation, `--user` to act under a user's role (default: the command line,
    which may delete everything that qualifies), `--dry-run` to count, and one line saying how
    many were (or would be) deleted. A subclass names its filters, its nouns and its operation."""

    filters: dict[str, str] = {}
    noun_singular = ""
    noun_plural = ""

    def delete_canceled(self, *, actor: Any, filters: dict[str, str], dry_run: bool) -> int:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        for name, text in self.filters.items():
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None, help=text)
        parser.add_argument(
            "--user",
            default=None,
            help="Act as this user (their role's rules apply: a salesperson deletes only their "
            "own). Default: the command line, which may delete every canceled "
            f"{self.noun_singular}.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=f"Count the {self.noun_plural}; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from rapport.core.models import User

        actor = None
        if options["user"] is not None:
            actor = User.objects.filter(username__iexact=options["user"].strip()).first()
            if actor is None or not actor.is_active:
                raise CommandError(f"There is no active user {options['user']!r}.")
        filters = {name: options[name] for name in self.filters if options[name] not in (None, "")}
        count = self.delete_canceled(actor=actor, filters=filters, dry_run=options["dry_run"])
        noun = self.noun_singular if count == 1 else self.noun_plural
        if options["dry_run"]:
            self.stdout.write(f"{count} canceled {noun} would be deleted (dry run).")
        else:
            self.stdout.write(f"{count} canceled {noun} deleted.")
