"""A small audit trail to read: three entries around midnight of 2 March 2026 (server time,
Europe/Amsterdam), written as the trail's writer writes them."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rapport.audit.models import AuditEntry

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.fixture
def trail(db: Any, settings: Any) -> dict[str, AuditEntry]:
    settings.TIME_ZONE = "Europe/Amsterdam"
    return {
        "update": AuditEntry.objects.create(
            at=at(1, 9),
            user_id=None,
            username="anne",
            source="web",
            operation="contact_update",
            object_type="contact",
            object_key="CT000001",
            changes={
                "name": {"before": "Old Name", "after": "New Name"},
                "exclude_from_segment": {"before": False, "after": True},
                "date_of_birth": {"before": None, "after": "1980-05-17"},
            },
        ),
        "create": AuditEntry.objects.create(
            at=at(2, 23, 30),
            username="bob",
            source="api",
            operation="contact_create",
            object_type="contact",
            object_key="CT000002",
            changes={"name": {"before": None, "after": "Bob BV"}},
        ),
        "log": AuditEntry.objects.create(
            at=at(3, 0, 30),  # 23:30 UTC on 2 March: the 3rd in the server's time zone
            username="worker:w1",
            source="worker",
            operation="segment_log",
            object_type="segment",
            object_key="SEG00001",
            details={"no_of_interactions": 5, "no_of_lines": 5, "follow_up": True},
        ),
    }
