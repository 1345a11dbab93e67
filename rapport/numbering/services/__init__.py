"""Business operations on number series (NAV's No. Series, No. Series Line and codeunit 396).

Every write with a rule lives in this package, by subject: `drawing` (drawing and assigning
numbers), `series` (creating, changing and deleting a series) and `lines` (the checks of a
series' lines). Each operation is one transaction and raises a DomainError subclass with a
user-facing message; the pure counting rules are in `rules`.

Where Rapport differs from NAV on purpose (for docs/differences.md):

* `increment_number("INV-55")` is `INV-56`: a dash before the counter is text, not a minus sign
  (NAV's INCSTR special-cases it as a negative number; see `rules`).
* Numbers of one format compare by counter value, not as text (see `rules`).
* Default Nos. and Manual Nos. may not both be off: Rapport refuses the save with a message
  instead of silently switching the other flag on as NAV/BC do.
* Drawing a number is gap-free, as in NAV 2018: the line row is locked and the number is only
  consumed when the caller's transaction commits.
* Rapport checks more when a series is saved: codes hold no spaces; ending, warning and last
  no. used must have the starting no.'s format (NAV only checks this against last no. used);
  warning no. must lie between starting and ending no.; last no. used must lie between starting
  and ending no.; lines with the same starting date may not have overlapping ranges (their
  numbers would be handed out twice).
* Refusals of a draw (no line for the date, used up, date order) are conflicts (HTTP 409):
  the request is fine, the state of the series refuses it.
"""

from __future__ import annotations

from rapport.numbering.rules import increment_number
from rapport.numbering.services.drawing import (
    number_series_assign,
    number_series_check_default,
    number_series_check_manual,
    number_series_next,
    number_series_next_many,
)
from rapport.numbering.services.lines import LINE_LABELS, MAX_LINE_NO, MAX_LINES
from rapport.numbering.services.series import (
    DESCRIPTION_LENGTH,
    number_series_create,
    number_series_delete,
    number_series_update,
)

__all__ = [
    "DESCRIPTION_LENGTH",
    "LINE_LABELS",
    "MAX_LINES",
    "MAX_LINE_NO",
    "increment_number",
    "number_series_assign",
    "number_series_check_default",
    "number_series_check_manual",
    "number_series_create",
    "number_series_delete",
    "number_series_next",
    "number_series_next_many",
    "number_series_update",
]
