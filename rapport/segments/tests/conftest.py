"""Fixtures for the segments tests: the interaction log's small world (salespeople SJ/MV/PB,
company CO1 with persons P1 and P2, person P3, templates CALL and NEWS, campaign CP1; see
`rapport.interactions.tests.conftest.world`) and `make_segment`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rapport.interactions.tests.conftest import (  # noqa: F401 - fixtures
    attachments,
    group,
    languages,
    make_template,
    world,
)
from rapport.segments import services
from rapport.segments.models import Segment


@pytest.fixture
def make_segment(world: Any) -> Callable[..., Segment]:  # noqa: F811
    counter = iter(range(1, 1000))

    def make(no: str | None = None, **fields: Any) -> Segment:
        fields.setdefault("description", "Spring mailing")
        return services.segment_create(
            actor=world.mila, no=no or f"SEG{next(counter):05d}", **fields
        )

    return make
