"""The number-series API: CRUD with nested lines, the draw action, errors and permissions."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rapport.numbering.models import NumberSeries, NumberSeriesLine

pytestmark = pytest.mark.django_db

URL = "/api/v1/number-series/"


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


SEG = {
    "code": "seg",
    "description": "Segments",
    "default_nos": True,
    "manual_nos": False,
    "date_order": False,
    "lines": [{"starting_no": "SEG00001", "ending_no": "SEG00003", "warning_no": "SEG00002"}],
}


def test_create_read_and_list(api: APIClient) -> None:
    response = api.post(URL, SEG, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "SEG"
    assert body["next_no"] == "SEG00001"
    assert body["next_no_problem"] is None
    assert body["lines"] == [
        {
            "line_no": 10000,
            "starting_date": None,
            "starting_no": "SEG00001",
            "ending_no": "SEG00003",
            "warning_no": "SEG00002",
            "increment_by": 1,
            "last_no_used": "",
            "last_date_used": None,
            "open": True,
        }
    ]
    assert api.get(f"{URL}SEG/").json() == body
    assert api.get(f"{URL}seg/").json()["code"] == "SEG"
    listing = api.get(URL).json()
    assert listing["count"] == 1
    assert listing["results"][0]["code"] == "SEG"


def test_filter_and_search(api: APIClient, make_series) -> None:
    make_series("CONT", description="Contacts", manual_nos=True)
    make_series("SEG", description="Segments")
    make_series("CAMP", description="Campaigns", date_order=True)
    codes = lambda response: [row["code"] for row in response.json()["results"]]  # noqa: E731
    assert codes(api.get(URL, {"manual_nos": "true"})) == ["CONT"]
    assert codes(api.get(URL, {"date_order": "false"})) == ["CONT", "SEG"]
    assert codes(api.get(URL, {"search": "campaign"})) == ["CAMP"]
    assert codes(api.get(URL, {"code": "SEG"})) == ["SEG"]
    assert codes(api.get(URL, {"ordering": "-code"})) == ["SEG", "CONT", "CAMP"]


def test_list_query_count_does_not_grow(
    api: APIClient, make_series, django_assert_max_num_queries
) -> None:
    for index in range(5):
        make_series(f"S{index}")
    with django_assert_max_num_queries(6):
        assert api.get(URL).json()["count"] == 5


def test_put_replaces_lines_and_patch_changes_fields(api: APIClient, make_series) -> None:
    make_series("SEG", starting_no="SEG00001", ending_no="SEG00009")
    api.post(f"{URL}SEG/draw/", {}, format="json")
    body = api.get(f"{URL}SEG/").json()
    body["description"] = "New text"
    body["lines"][0]["warning_no"] = "SEG00008"
    body["lines"].append({"starting_no": "SEG00010", "starting_date": "2030-01-01"})
    response = api.put(f"{URL}SEG/", body, format="json")
    assert response.status_code == 200, response.content
    lines = response.json()["lines"]
    assert [line["line_no"] for line in lines] == [10000, 20000]
    assert lines[0]["last_no_used"] == "SEG00001"
    assert lines[0]["warning_no"] == "SEG00008"

    response = api.patch(f"{URL}SEG/", {"date_order": True}, format="json")
    assert response.status_code == 200
    assert response.json()["date_order"] is True
    assert response.json()["description"] == "New text"
    assert len(response.json()["lines"]) == 2

    # PATCH a line by its line_no: fields left out keep their value.
    response = api.patch(
        f"{URL}SEG/", {"lines": [{"line_no": 10000, "ending_no": "SEG00099"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    lines = response.json()["lines"]
    assert len(lines) == 1
    assert lines[0]["ending_no"] == "SEG00099"
    assert lines[0]["last_no_used"] == "SEG00001"


def test_delete(api: APIClient, make_series) -> None:
    make_series("SEG")
    assert api.delete(f"{URL}SEG/").status_code == 204
    assert not NumberSeries.objects.exists()


def test_draw_with_warnings(api: APIClient, make_series) -> None:
    make_series("SEG", starting_no="SEG00001", ending_no="SEG00003", warning_no="SEG00002")
    response = api.post(f"{URL}SEG/draw/", {"date": "2026-11-26"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"number": "SEG00001", "warnings": []}
    response = api.post(f"{URL}SEG/draw/", {}, format="json")
    assert response.json()["number"] == "SEG00002"
    assert len(response.json()["warnings"]) == 1
    assert "nearly used up" in response.json()["warnings"][0]
    assert api.post(f"{URL}SEG/draw/").json()["number"] == "SEG00003"
    error = assert_error_shape(api.post(f"{URL}SEG/draw/", {}, format="json"), 409)
    assert error["code"] == "series_used_up"
    assert "used up" in error["message"]
    line = NumberSeriesLine.objects.get()
    assert line.last_no_used == "SEG00003"
    assert line.open is False


def test_draw_uses_the_work_date(api: APIClient, admin_person, make_series) -> None:
    import datetime

    admin_person.work_date = datetime.date(2030, 2, 3)
    admin_person.save()
    make_series("SEG")
    api.post(f"{URL}SEG/draw/", {}, format="json")
    assert NumberSeriesLine.objects.get().last_date_used == datetime.date(2030, 2, 3)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**SEG, "code": "A\x00B"}, "code"),
        ({**SEG, "code": "X" * 21}, "code"),
        ({**SEG, "code": "A B"}, "code"),
        ({**SEG, "description": "d" * 101}, "description"),
        ({**SEG, "description": "bad\x00"}, "description"),
        ({**SEG, "default_nos": "perhaps"}, "default_nos"),
        ({**SEG, "default_nos": False, "manual_nos": False}, "default_nos"),
        ({**SEG, "lines": "nope"}, "lines.non_field_errors"),
        ({**SEG, "lines": [{"starting_no": "SEG"}]}, "lines.0.starting_no"),
        ({**SEG, "lines": [{"starting_no": "S" * 21}]}, "lines.0.starting_no"),
        ({**SEG, "lines": [{"starting_no": "S1", "increment_by": "x"}]}, "lines.0.increment_by"),
        ({**SEG, "lines": [{"starting_no": "S1", "increment_by": 0}]}, "lines.0.increment_by"),
        (
            {**SEG, "lines": [{"starting_no": "S1", "starting_date": "tomorrow"}]},
            "lines.0.starting_date",
        ),
        ({**SEG, "lines": [{"starting_no": "S1", "ending_no": "T9"}]}, "lines.0.ending_no"),
        ({**SEG, "lines": [{"ending_no": "S9"}]}, "lines.0.starting_no"),
        ({"description": "no code"}, "code"),
    ],
)
def test_bad_input_is_a_400_with_the_uniform_shape(
    api: APIClient, payload: dict, field: str
) -> None:
    error = assert_error_shape(api.post(URL, payload, format="json"), 400)
    assert field in error["fields"], error
    assert not NumberSeries.objects.exists()


def test_not_json_object(api: APIClient) -> None:
    assert_error_shape(api.post(URL, [1, 2], format="json"), 400)
    assert_error_shape(api.post(URL, "garbage", content_type="application/json"), 400)


def test_duplicate_code(api: APIClient, make_series) -> None:
    make_series("SEG")
    error = assert_error_shape(api.post(URL, SEG, format="json"), 400)
    assert "already exists" in error["fields"]["code"][0]


def test_draw_bad_date(api: APIClient, make_series) -> None:
    make_series("SEG")
    assert_error_shape(api.post(f"{URL}SEG/draw/", {"date": "26-11-2026"}, format="json"), 400)
    assert NumberSeriesLine.objects.get().last_no_used == ""


def test_unknown_code_is_404(api: APIClient) -> None:
    assert_error_shape(api.get(f"{URL}NOPE/"), 404)
    assert_error_shape(api.post(f"{URL}NOPE/draw/", {}, format="json"), 404)
    assert_error_shape(api.delete(f"{URL}NOPE/"), 404)


def test_read_only_user_reads_but_may_not_write(reader_api: APIClient, make_series) -> None:
    make_series("SEG")
    assert reader_api.get(URL).status_code == 200
    assert reader_api.get(f"{URL}SEG/").status_code == 200
    assert_error_shape(reader_api.post(URL, {**SEG, "code": "NEW"}, format="json"), 403)
    assert_error_shape(reader_api.patch(f"{URL}SEG/", {"description": "x"}, format="json"), 403)
    assert_error_shape(reader_api.delete(f"{URL}SEG/"), 403)
    assert_error_shape(reader_api.post(f"{URL}SEG/draw/", {}, format="json"), 403)
    assert NumberSeriesLine.objects.get().last_no_used == ""


def test_anonymous_is_401(make_series) -> None:
    make_series("SEG")
    client = APIClient()
    assert_error_shape(client.get(URL), 401)
    assert_error_shape(client.post(f"{URL}SEG/draw/", {}, format="json"), 401)


def test_schema_describes_the_resource(api: APIClient) -> None:
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/number-series/{code}/draw/" in paths
    assert "/api/v1/number-series/" in paths
