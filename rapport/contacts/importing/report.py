"""What an import reports: the problems of a refused file (ImportFailed, by line) or what it
wrote (ImportResult)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.core.errors import DomainError


class ImportFailed(DomainError):
    """The file has problems, so nothing was imported. `errors` lists every problem as
    (line number, reason); line 1 is the header, the first data row is line 2."""

    code = "import_failed"

    def __init__(self, errors: Sequence[tuple[int, str]], *, rows: int) -> None:
        self.errors: list[tuple[int, str]] = sorted(errors, key=lambda error: error[0])
        self.rows = rows
        bad = len({line for line, _reason in self.errors if line > 1})
        header = any(line <= 1 for line, _reason in self.errors)
        if header and not bad:
            message = _("Nothing was imported: the header has errors.")
        elif header:
            message = ngettext(
                "Nothing was imported: the header and %(bad)s of %(rows)s rows have errors.",
                "Nothing was imported: the header and %(bad)s of %(rows)s rows have errors.",
                bad,
            ) % {"bad": bad, "rows": rows}
        else:
            message = ngettext(
                "Nothing was imported: %(bad)s of %(rows)s rows has errors.",
                "Nothing was imported: %(bad)s of %(rows)s rows have errors.",
                bad,
            ) % {"bad": bad, "rows": rows}
        super().__init__(
            message,
            details={"errors": [{"line": line, "message": reason} for line, reason in self.errors]},
        )
        self.bad_rows = bad


@dataclass
class ImportResult:
    """What an import wrote (or, in a dry run, would have written)."""

    companies: int = 0
    persons: int = 0
    numbers: list[str] = field(default_factory=list)
    """The contacts' numbers (typed or drawn), in the order of the rows."""
    numbers_drawn: int = 0
    links: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.companies + self.persons


class RowErrors:
    """The problems found in a file, as (line number, "column: reason")."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, column: str, message: str) -> None:
        self.items.append((line, f"{column}: {message}" if column else message))

    def __bool__(self) -> bool:
        return bool(self.items)
