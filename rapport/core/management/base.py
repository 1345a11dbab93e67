"""Base for Rapport's management commands: a DomainError ends the command with its message
and a non-zero exit; long work shows a progress bar and ends with a one-line summary."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TextIO, TypeVar

from django.core.management.base import BaseCommand, CommandError

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


class RapportCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def progress(self, total: int, label: str) -> ProgressBar:
        return ProgressBar(total, label, stream=self.stderr._out)  # type: ignore[attr-defined,arg-type]
