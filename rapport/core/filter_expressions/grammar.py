"""The grammar's words and limits, and the error a malformed filter raises."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.errors import ValidationFailed

MAX_LENGTH = 250
KINDS = ("text", "code", "date", "decimal", "integer", "bool", "choice")
TEXT_KINDS = ("text", "code")
ORDERED_KINDS = ("text", "code", "date", "decimal", "integer")
COMPARISON_OPERATORS = ("<>", "<=", ">=", "<", ">", "=")
RANGE = ".."
KIND_LABELS: dict[str, Any] = {
    "date": gettext_lazy("a date (YYYY-MM-DD)"),
    "decimal": gettext_lazy("a number"),
    "integer": gettext_lazy("a whole number"),
    "bool": gettext_lazy("yes or no"),
    "choice": gettext_lazy("a choice"),
}
KIND_NAMES: dict[str, Any] = {
    "text": gettext_lazy("text"),
    "code": gettext_lazy("a code"),
    "date": gettext_lazy("a date"),
    "decimal": gettext_lazy("a number"),
    "integer": gettext_lazy("a whole number"),
    "bool": gettext_lazy("yes/no"),
    "choice": gettext_lazy("a choice"),
}
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DECIMAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
INTEGER_RE = re.compile(r"[+-]?\d+")
# Characters that end an unquoted literal or cannot appear in one.
STOP_CHARS = "|&"
WILDCARDS = "*?"
FORBIDDEN_IN_VALUE = "<>=()"
NEEDS_QUOTES = set("|&'*?<>=()")
ANY = "any"
ONE = "one"
LIT = "lit"


class FilterExpressionError(ValidationFailed):
    """A malformed filter expression; ``field`` names the filtered field, ``position`` is the
    1-based character position of the problem (None when it concerns the whole expression)."""

    def __init__(
        self,
        expression: str,
        detail: str,
        *,
        position: int | None,
        field: str | None,
        label: Any = None,
    ) -> None:
        self.expression = expression
        self.position = position
        self.detail = detail
        values = {
            "filter": _shown(expression),
            "field": str(label or field),
            "problem": detail,
            "position": position,
        }
        # The position belongs to the filter, not to the problem's last word: 'Filter "robot"
        # for Type, at position 1: "robot" is not one of: Company, Person.'
        if position is not None and (field or label):
            message = (
                _('Filter "%(filter)s" for %(field)s, at position %(position)s: %(problem)s.')
                % values
            )
        elif position is not None:
            message = _('Filter "%(filter)s", at position %(position)s: %(problem)s.') % values
        elif field or label:
            message = _('Filter "%(filter)s" for %(field)s: %(problem)s.') % values
        else:
            message = _('Filter "%(filter)s": %(problem)s.') % values
        super().__init__({field or "": [message]}, code="invalid_filter")


def _shown(expression: str) -> str:
    text = "".join(
        f"\\x{ord(char):02x}" if ord(char) < 32 or ord(char) == 127 else char for char in expression
    )
    return text if len(text) <= 60 else text[:57] + "..."
