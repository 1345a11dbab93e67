"""What the OpenAPI schema says, point by point, and the server doing the same (the broad check
is `test_api_schemathesis.py`)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.apischema import PATH_PARAMETER, schema
from tests.support import assert_error_shape

METHODS = ("get", "post", "put", "patch", "delete")


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema()["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _component(name: str) -> dict[str, Any]:
    return schema()["components"]["schemas"][name]


def _response_schema(path: str, method: str, status: str = "200") -> dict[str, Any]:
    response = schema()["paths"][path][method]["responses"][status]
    return response["content"]["application/json"]["schema"]


def test_path_parameters_are_those_of_the_path() -> None:
    wrong = []
    for path, method, operation in _operations():
        documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        if documented != set(PATH_PARAMETER.findall(path)):
            wrong.append(f"{method.upper()} {path}: {sorted(documented)}")
    assert wrong == []
    interactions = schema()["paths"]["/api/v1/interactions/"]
    assert "parameters" not in interactions["get"] or all(
        p["in"] != "path" for p in interactions["get"]["parameters"]
    )


def test_every_operation_documents_its_errors_in_the_error_shape() -> None:
    error = {"$ref": "#/components/schemas/Error"}
    missing = []
    for path, method, operation in _operations():
        expected = {"400", "404"}
        if path != "/api/v1/auth/token/":
            expected |= {"401", "403"}
            if method != "get":
                expected.add("409")
        for code in expected:
            response = operation["responses"].get(code)
            if response is None or response["content"]["application/json"]["schema"] != error:
                missing.append(f"{method.upper()} {path} {code}")
    assert missing == []
    assert _component("Error")["required"] == ["error"]
    assert _component("Error")["properties"]["error"]["required"] == ["code", "message", "fields"]


def test_paginated_lists_are_documented_as_paginated_and_plain_lists_as_arrays() -> None:
    for path in ("/api/v1/segments/", "/api/v1/segments/{no}/lines/"):
        ref = _response_schema(path, "get")["$ref"]
        assert ref.startswith("#/components/schemas/Paginated"), (path, ref)
        names = {p["name"] for p in schema()["paths"][path]["get"]["parameters"]}
        assert {"page", "page_size"} <= names
    answers = _response_schema("/api/v1/contacts/{no}/profile-answers/", "get")
    assert answers["type"] == "array"
    operation = schema()["paths"]["/api/v1/contacts/{no}/profile-answers/"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["no"]  # no list filters, no page
    comments = _response_schema("/api/v1/interactions/{entry_no}/comments/", "get")
    assert comments["type"] == "array"


def test_segment_relations_are_nullable_and_read_only() -> None:
    for name, fields in (
        (
            "Segment",
            [
                "salesperson_code",
                "campaign_no",
                "template_code",
                "group_code",
                "language_code_default",
            ],
        ),
        ("SegmentLine", ["contact_no", "contact_company_no", "salesperson_code", "campaign_no"]),
    ):
        properties = _component(name)["properties"]
        for field in fields:
            assert properties[field].get("nullable") is True, (name, field)
            assert properties[field].get("readOnly") is True, (name, field)


def test_apply_to_lines_is_documented_only_where_it_is_accepted() -> None:
    post_body = schema()["paths"]["/api/v1/segments/"]["post"]["requestBody"]
    patch_body = schema()["paths"]["/api/v1/segments/{no}/"]["patch"]["requestBody"]
    post_name = post_body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    patch_name = patch_body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "apply_to_lines" not in _component(post_name)["properties"]
    assert "no" in _component(post_name)["properties"]
    assert "apply_to_lines" in _component(patch_name)["properties"]
    assert "no" not in _component(patch_name)["properties"]


def test_a_code_relation_that_may_be_empty_documents_the_empty_text() -> None:
    for name in ("ContactRequest", "CampaignRequest", "PatchedContactRequest"):
        node = _component(name)["properties"]["salesperson_code"]
        assert "minLength" not in node, (name, node)
        assert node.get("nullable") is True


def test_put_takes_the_key_from_the_path() -> None:
    body = schema()["paths"]["/api/v1/territories/{code}/"]["put"]["requestBody"]
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "code" not in _component(name)["properties"]
    assert "code" in _component("TerritoryRequest")["required"]


def test_times_are_documented_as_the_api_writes_them() -> None:
    node = _component("Interaction")["properties"]["time"]
    text = str(node)
    assert "'format': 'time'" not in text
    pattern = re.compile(
        next(item["pattern"] for item in [node, *node.get("anyOf", [])] if "pattern" in item)
    )
    assert pattern.match("16:30:00") and pattern.match("16:30")
    assert not pattern.match("24:00:00")


def test_descriptions_name_no_internal_documents() -> None:
    text = str(schema())
    assert re.search(r"reference \d", text) is None
    assert "API.md" not in text


@pytest.mark.django_db
def test_api_index_lists_every_resource(api_client: Any, read_only_user: Any) -> None:
    response = api_client(read_only_user).get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["contacts"] == "http://testserver/api/v1/contacts/"
    assert body["segments"] == "http://testserver/api/v1/segments/"
    assert body["me"] == "http://testserver/api/v1/me/"
    assert "auth" not in body
    for url in body.values():
        assert api_client(read_only_user).get(url).status_code == 200, url
    assert_error_shape(api_client(None).get("/api/v1/"), 401)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page_size=true", 400),
        ("page_size=0", 400),
        ("page_size=501", 400),
        ("page=abc", 400),
        ("page=0", 400),
        ("page=99", 404),
    ],
)
def test_bad_page_or_page_size_is_refused(api_client: Any, query: str, status: int) -> None:
    for url in ("/api/v1/salespeople/", "/api/v1/segments/"):
        error = assert_error_shape(api_client().get(f"{url}?{query}"), status)
        if status == 400:
            assert set(error["fields"]) == {query.split("=")[0]}
    response = api_client().get("/api/v1/salespeople/?page_size=500&page=1")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_yes_no_filter_with_another_value_is_refused(api_client: Any) -> None:
    error = assert_error_shape(api_client().get("/api/v1/contacts/?privacy_blocked=maybe"), 400)
    assert list(error["fields"]) == ["privacy_blocked"]
    assert api_client().get("/api/v1/contacts/?privacy_blocked=false").status_code == 200


@pytest.mark.django_db
def test_patch_of_a_contact_answers_its_company_name(api_client: Any) -> None:
    client = api_client()
    created = client.post(
        "/api/v1/contacts/", {"no": "CT1", "type": "person", "name": "Ann"}, format="json"
    )
    assert created.status_code == 201, created.content
    no = created.json()["no"]
    response = client.patch(f"/api/v1/contacts/{no}/", {"city": "Delft"}, format="json")
    assert response.status_code == 200
    assert response.json()["company_name"] == ""
    assert set(response.json()) == set(created.json())


@pytest.mark.django_db
def test_a_segment_without_lines_has_zero_totals(api_client: Any) -> None:
    response = api_client().post("/api/v1/segments/", {"no": "S1"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["cost"], response.json()["duration"]) == ("0.00", "0")
