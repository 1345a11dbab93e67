"""One valid date range (rapport.core.dates: 1753-01-01 … 9998-12-31) for the segment's date
(moved here from the interactions' date-range tests: interactions sits below segments and may
not import it). The fixtures are the interaction log's small world (see `conftest.py`)."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import ValidationFailed
from rapport.segments.models import Segment
from rapport.segments.services import segment_create

pytestmark = pytest.mark.django_db

BAD_DATES = ["0045-05-29", "1752-12-31", "9999-12-31"]
RANGE_MESSAGE = "Enter a date between 1753-01-01 and 9998-12-31."


@pytest.mark.parametrize("bad", BAD_DATES)
def test_segment_dates_are_refused(world: Any, bad: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        segment_create(actor=world.admin, no="SX", date=bad)
    assert refused.value.errors == {"date": [RANGE_MESSAGE]}
    assert not Segment.objects.filter(no="SX").exists()
