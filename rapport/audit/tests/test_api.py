"""The `audit-entries` resource: read-only, administrators only, filtered and paginated."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.audit.models import AuditEntry
from tests.support import assert_error_shape

URL = "/api/v1/audit-entries/"
pytestmark = pytest.mark.django_db


def _keys(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["object_key"] for row in response.json()["results"]]


def test_the_list_is_newest_first_with_every_field(api_client: Any, trail: Any) -> None:
    response = api_client().get(URL, {"object_type": "contact"})
    body = response.json()
    assert body["count"] == 2
    assert body["previous"] is None and body["next"] is None
    assert body["results"] == [
        {
            "id": trail["create"].pk,
            "at": "2026-03-02T23:30:00+01:00",
            "user": "bob",
            "source": "api",
            "operation": "contact_create",
            "object_type": "contact",
            "object_key": "CT000002",
            "changes": {"name": {"before": None, "after": "Bob BV"}},
            "details": {},
        },
        {
            "id": trail["update"].pk,
            "at": "2026-03-01T09:00:00+01:00",
            "user": "anne",
            "source": "web",
            "operation": "contact_update",
            "object_type": "contact",
            "object_key": "CT000001",
            "changes": {
                "name": {"before": "Old Name", "after": "New Name"},
                "exclude_from_segment": {"before": False, "after": True},
                "date_of_birth": {"before": None, "after": "1980-05-17"},
            },
            "details": {},
        },
    ]


def test_one_entry_by_its_id(api_client: Any, trail: Any) -> None:
    entry = trail["log"]
    body = api_client().get(f"{URL}{entry.pk}/").json()
    assert body["id"] == entry.pk
    assert (body["user"], body["source"], body["operation"]) == (
        "worker:w1",
        "worker",
        "segment_log",
    )
    assert body["details"] == {"no_of_interactions": 5, "no_of_lines": 5, "follow_up": True}
    assert body["changes"] == {}
    missing = AuditEntry.objects.order_by("-id").first().pk + 1  # type: ignore[union-attr]
    assert_error_shape(api_client().get(f"{URL}{missing}/"), 404, "not_found")
    assert_error_shape(api_client().get(f"{URL}0{entry.pk}/"), 404, "not_found")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "anne"}, ["CT000001"]),
        ({"user": "Anne"}, []),  # user names are exact
        ({"operation": "contact_create"}, ["CT000002"]),
        ({"operation": "CONTACT_CREATE"}, ["CT000002"]),
        ({"object_type": "segment"}, ["SEG00001"]),
        ({"object_type": "contact", "object_key": "ct000001"}, ["CT000001"]),
        ({"object_key": "CT00000"}, []),  # no partial keys
        # whole days in the server's time zone: 00:30 on the 3rd is the 3rd's (23:30 UTC)
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, ["CT000002"]),
        ({"date_from": "2026-03-03"}, ["SEG00001"]),
        ({"date_to": "2026-03-01"}, ["CT000001"]),
        (
            {"date_from": "2026-03-01", "date_to": "2026-03-03"},
            ["SEG00001", "CT000002", "CT000001"],
        ),
        ({"user": "bob", "object_type": "segment"}, []),
    ],
)
def test_filters(api_client: Any, trail: Any, query: dict[str, str], expected: list[str]) -> None:
    client = api_client()
    own = {"date_from": "2026-03-01", "date_to": "2026-03-03"}  # leave out the fixtures' users
    assert _keys(client.get(URL, {**own, **query})) == expected


@pytest.mark.parametrize(
    "query",
    [{"date_from": "2026-02-30"}, {"date_to": "yesterday"}, {"date_from": "1700-01-01"}],
)
def test_a_bad_date_is_refused(api_client: Any, trail: Any, query: dict[str, str]) -> None:
    error = assert_error_shape(api_client().get(URL, query), 400, "invalid")
    assert set(error["fields"]) == set(query)


def test_the_list_is_paginated(api_client: Any, trail: Any) -> None:
    client = api_client()
    query = {"date_from": "2026-03-01", "date_to": "2026-03-03", "page_size": 2}
    first = client.get(URL, query).json()
    assert first["count"] == 3
    assert [row["object_key"] for row in first["results"]] == ["SEG00001", "CT000002"]
    second = client.get(URL, {**query, "page": 2}).json()
    assert [row["object_key"] for row in second["results"]] == ["CT000001"]


@pytest.mark.parametrize("role", ["marketing", "salesperson", "read_only"])
def test_other_roles_get_403(api_client: Any, make_user: Any, trail: Any, role: str) -> None:
    client = api_client(make_user(role=role))
    assert_error_shape(client.get(URL), 403, "permission_denied")
    assert_error_shape(client.get(f"{URL}{trail['log'].pk}/"), 403, "permission_denied")


def test_anonymous_gets_401(api_client: Any, trail: Any) -> None:
    client = api_client(None)
    assert_error_shape(client.get(URL), 401, "not_authenticated")
    assert_error_shape(client.get(f"{URL}{trail['log'].pk}/"), 401, "not_authenticated")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_answer_405_and_change_nothing(api_client: Any, trail: Any, method: str) -> None:
    client = api_client()
    before = list(AuditEntry.objects.order_by("id").values())
    entry = trail["update"].pk
    body = {"operation": "forged", "object_key": "X", "changes": {}}
    for path in (URL, f"{URL}{entry}/"):
        response = getattr(client, method)(path, body, format="json")
        assert_error_shape(response, 405, "method_not_allowed")
    assert list(AuditEntry.objects.order_by("id").values()) == before


def test_the_schema_documents_the_resource(api_client: Any) -> None:
    schema = api_client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert set(schema["paths"][URL]) == {"get"}
    detail = schema["paths"]["/api/v1/audit-entries/{id}/"]
    assert set(detail) == {"get"}
    names = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"user", "operation", "object_type", "object_key", "date_from", "date_to"} <= names
    assert {"page", "page_size"} <= names
    component = schema["components"]["schemas"]["AuditEntry"]
    assert set(component["properties"]) == {
        "id",
        "at",
        "user",
        "source",
        "operation",
        "object_type",
        "object_key",
        "changes",
        "details",
    }


def test_the_api_index_lists_the_resource_for_administrators_only(
    api_client: Any, read_only_user: Any
) -> None:
    assert api_client().get("/api/v1/").json()["audit-entries"] == (
        "http://testserver/api/v1/audit-entries/"
    )
    assert "audit-entries" not in api_client(read_only_user).get("/api/v1/").json()
