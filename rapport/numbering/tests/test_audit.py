"""Audit entries of the number-series operations (drawing a number is part of another
operation and writes none of its own)."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from rapport.audit.testing import audit_count, audited
from rapport.core.errors import ValidationFailed
from rapport.numbering import services
from rapport.numbering.models import NumberSeries

pytestmark = pytest.mark.django_db

LINE = {
    "line_no": 10000,
    "starting_date": None,
    "starting_no": "SEG00001",
    "ending_no": "SEG00009",
    "warning_no": "",
    "increment_by": 1,
    "last_no_used": "",
    "last_date_used": None,
    "open": True,
}


def test_create_through_the_api_writes_one_entry_with_the_lines(api: APIClient) -> None:
    response = api.post(
        "/api/v1/number-series/",
        {
            "code": "seg",
            "description": "Segments",
            "lines": [{"starting_no": "SEG00001", "ending_no": "SEG00009"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    entry = audited("number_series_create", object_key="SEG")
    assert (entry.object_type, entry.username, entry.source) == ("number_series", "ada", "api")
    assert entry.changes == {
        "code": {"before": None, "after": "SEG"},
        "description": {"before": None, "after": "Segments"},
        "default_nos": {"before": None, "after": True},
        "manual_nos": {"before": None, "after": False},
        "date_order": {"before": None, "after": False},
        "lines": {"before": None, "after": [LINE]},
    }


def test_update_writes_what_changed_and_a_draw_writes_nothing(make_series) -> None:
    series = make_series("SEG", ending_no="SEG00009")
    before = audit_count()
    services.number_series_next(code="SEG", date=datetime.date(2026, 11, 26))
    assert audit_count() == before
    services.number_series_update(
        series=series,
        description="Segment numbers",
        manual_nos=True,
        lines=[{"line_no": 10000, "ending_no": "SEG00099"}],
    )
    entry = audited("number_series_update", object_key="SEG")
    drawn = {**LINE, "last_no_used": "SEG00001", "last_date_used": "2026-11-26"}
    assert entry.object_type == "number_series"
    assert entry.changes == {
        "description": {"before": "SEG numbers", "after": "Segment numbers"},
        "manual_nos": {"before": False, "after": True},
        "lines": {"before": [drawn], "after": [{**drawn, "ending_no": "SEG00099"}]},
    }


def test_delete_writes_the_series_as_it_was(make_series) -> None:
    series = make_series("SEG", ending_no="SEG00009")
    services.number_series_delete(series=series)
    entry = audited("number_series_delete", object_key="SEG")
    assert entry.object_type == "number_series"
    assert entry.changes["code"] == {"before": "SEG", "after": None}
    assert entry.changes["lines"] == {"before": [LINE], "after": None}
    assert not NumberSeries.objects.exists()


def test_refused_creates_and_updates_write_no_entry(make_series) -> None:
    series = make_series("SEG")
    before = audit_count()
    with pytest.raises(ValidationFailed):
        services.number_series_create(code="SEG", lines=[{"starting_no": "X1"}])
    with pytest.raises(ValidationFailed):
        services.number_series_create(code="NEW", default_nos=False, manual_nos=False)
    with pytest.raises(ValidationFailed):
        services.number_series_update(series=series, default_nos=False, manual_nos=False)
    with pytest.raises(ValidationFailed):
        services.number_series_update(series=series, lines=[{"starting_no": ""}])
    assert audit_count() == before
