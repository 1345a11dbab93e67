"""Segment and logged-segment actions refuse unknown keys (400 unknown_field) and null filters
through the platform's one rule (rapport.core.api.serializers), changing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.segments import services
from rapport.segments.models import LoggedSegment, Segment, SegmentLine
from rapport.segments.tests import test_log, test_log_api
from tests.support import assert_error_shape

make_series = test_log.make_series
segment_nos = test_log.segment_nos
s1 = test_log.s1
snapshot = test_log.snapshot
logged = test_log_api.logged

pytestmark = pytest.mark.django_db

LOGGED = "/api/v1/logged-segments/"


@pytest.fixture
def client(api_client: Any, world: Any) -> Any:
    return api_client(world.mila)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"segmentno": "S1", "dry_run": True}, "segmentno"),
        ({"segment_no": "X", "dryrun": True}, "dryrun"),
    ],
)
def test_logged_segments_delete_canceled_refuses_unknown_keys(
    client: Any, world: Any, logged: LoggedSegment, body: dict, field: str
) -> None:
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    response = client.post(f"{LOGGED}delete-canceled/", body, format="json")
    error = assert_error_shape(response, 400, "unknown_field")
    assert error["fields"] == {field: ["Unknown field."]}
    assert LoggedSegment.objects.count() == 1
    for name in ("segment_no", "entry_no"):
        response = client.post(f"{LOGGED}delete-canceled/", {name: None}, format="json")
        assert_error_shape(response, 400, "invalid")
    assert LoggedSegment.objects.count() == 1


def test_logged_segment_cancel_refuses_a_body(client: Any, logged: LoggedSegment) -> None:
    for action in ("cancel", "uncancel"):
        response = client.post(f"{LOGGED}{logged.entry_no}/{action}/", {"all": True}, format="json")
        error = assert_error_shape(response, 400, "unknown_field")
        assert error["fields"] == {"all": ["Unknown field."]}
    assert not LoggedSegment.objects.get().canceled


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("add-contacts", {"filters": {}, "dryrun": True}),
        ("reduce-contacts", {"filters": {}, "dryrun": True}),
        ("refine-contacts", {"filters": {}, "dryrun": True}),
        ("go-back", {"dryrun": True}),
        ("save-criteria", {"code": "C1", "dryrun": True}),
        ("reuse-criteria", {"code": "C1", "dryrun": True}),
        ("reuse-logged-segment", {"entry_no": 1, "dryrun": True}),
        ("log", {"dryrun": True}),
        ("lines", {"contact_no": "P1", "dryrun": True}),
    ],
)
def test_segment_actions_refuse_unknown_keys(
    client: Any, s1: Segment, action: str, body: dict
) -> None:
    before = snapshot()
    lines = SegmentLine.objects.count()
    response = client.post(f"/api/v1/segments/S1/{action}/", body, format="json")
    error = assert_error_shape(response, 400, "unknown_field")
    assert error["fields"] == {"dryrun": ["Unknown field."]}
    assert error["message"] == "dryrun: Unknown field."
    assert snapshot() == before
    assert SegmentLine.objects.count() == lines


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"contact": {"no": None}}, "filters.contact.no"),
        ({"contact": None}, "filters.contact"),
        (None, "filters"),
    ],
)
@pytest.mark.parametrize("action", ["reduce-contacts", "refine-contacts", "add-contacts"])
def test_a_null_filter_is_refused_not_read_as_no_filter(
    client: Any, s1: Segment, action: str, filters: Any, field: str
) -> None:
    before = snapshot()
    body = {"filters": filters}
    response = client.post(f"/api/v1/segments/S1/{action}/", body, format="json")
    error = assert_error_shape(response, 400, "invalid" if field == "filters" else "invalid_filter")
    assert list(error["fields"]) == [field]
    assert snapshot() == before
