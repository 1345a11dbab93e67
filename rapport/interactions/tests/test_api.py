"""The interaction-groups and interaction-templates resources and a template's languages."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.campaigns.services import campaign_create
from rapport.interactions import services
from rapport.interactions.models import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from tests.support import assert_error_shape

from .conftest import snapshot

pytestmark = pytest.mark.django_db

GROUPS = "/api/v1/interaction-groups/"
TEMPLATES = "/api/v1/interaction-templates/"


def languages_url(code: str, language: str = "") -> str:
    return f"{TEMPLATES}{code}/languages/" + (f"{language}/" if language else "")


def codes(response: Any, key: str = "code") -> list[str]:
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


@pytest.fixture
def client(api_client):
    return api_client()


# --- Groups ------------------------------------------------------------------------------------


def test_group_crud(client) -> None:
    response = client.post(GROUPS, {"code": "letter", "description": "Letters"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"code": "LETTER", "description": "Letters"}
    client.post(GROUPS, {"code": "PHONE", "description": "Phone calls"}, format="json")
    assert client.get(f"{GROUPS}letter/").json() == {"code": "LETTER", "description": "Letters"}
    assert codes(client.get(GROUPS)) == ["LETTER", "PHONE"]
    assert codes(client.get(GROUPS, {"search": "phone"})) == ["PHONE"]
    assert codes(client.get(GROUPS, {"code": "letter"})) == ["LETTER"]
    assert codes(client.get(GROUPS, {"ordering": "-code"})) == ["PHONE", "LETTER"]
    response = client.patch(f"{GROUPS}LETTER/", {"description": "Post"}, format="json")
    assert response.status_code == 200
    assert response.json()["description"] == "Post"
    # The code is the key: it is not changed by an update.
    response = client.put(f"{GROUPS}LETTER/", {"code": "OTHER", "description": "P"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"code": "LETTER", "description": "P"}
    assert client.delete(f"{GROUPS}PHONE/").status_code == 204
    assert list(InteractionGroup.objects.values_list("code", flat=True)) == ["LETTER"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "A\x00"}, "code"),
        ({"code": "A B"}, "code"),
        ({"code": "ABCDEFGHIJK"}, "code"),
        ({"code": "A", "description": "d" * 101}, "description"),
        ({"code": "A", "description": ["x"]}, "description"),
        ({"code": ["A"]}, "code"),
        ({"description": "no code"}, "code"),
    ],
)
def test_bad_group_input_gets_the_400_shape(client, body, field) -> None:
    error = assert_error_shape(client.post(GROUPS, body, format="json"), 400, "invalid")
    assert field in error["fields"], error
    assert not InteractionGroup.objects.exists()


def test_duplicate_group_is_refused(client, group) -> None:
    error = assert_error_shape(client.post(GROUPS, {"code": "Letter"}, format="json"), 400)
    assert error["code"] == "duplicate"
    assert error["fields"]["code"] == ["Interaction group LETTER already exists."]


def test_group_with_templates_is_a_conflict(client, make_template) -> None:
    make_template("MEMO")
    error = assert_error_shape(client.delete(f"{GROUPS}LETTER/"), 409, "in_use")
    assert "still has 1 interaction template (MEMO)" in error["message"]
    assert error["no_of_templates"] == 1
    assert InteractionGroup.objects.exists()


def test_unknown_group_is_404(client) -> None:
    assert_error_shape(client.get(f"{GROUPS}NOPE/"), 404, "not_found")
    assert_error_shape(client.patch(f"{GROUPS}NOPE/", {}, format="json"), 404, "not_found")


# --- Templates ---------------------------------------------------------------------------------

FULL = {
    "code": "letter1",
    "group_code": "letter",
    "description": "A letter",
    "unit_cost": "12.50",
    "unit_duration": 30,
    "information_flow": "outbound",
    "initiated_by": "us",
    "correspondence_type_default": "hard_copy",
    "ignore_contact_corres_type": True,
    "language_code_default": "nl",
    "wizard_action": "open",
    "campaign_no": "cp1",
    "campaign_target": True,
    "campaign_response": False,
}


@pytest.fixture
def campaign(db):
    return campaign_create(no="CP1", description="Spring fair")


def test_template_create_and_read(client, group, languages, campaign) -> None:
    response = client.post(TEMPLATES, FULL, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "code": "LETTER1",
        "group_code": "LETTER",
        "description": "A letter",
        "unit_cost": "12.50",
        "unit_duration": "30",
        "information_flow": "outbound",
        "initiated_by": "us",
        "correspondence_type_default": "hard_copy",
        "ignore_contact_corres_type": True,
        "language_code_default": "NL",
        "wizard_action": "open",
        "campaign_no": "CP1",
        "campaign_target": True,
        "campaign_response": False,
        "attachment_no": None,
        # The default language had no row: it was created, and the response says so.
        "warnings": [
            "Language NL was added to interaction template LETTER1, because it is the "
            "template's default language."
        ],
    }
    body.pop("warnings")
    assert client.get(f"{TEMPLATES}letter1/").json() == body
    assert list(InteractionTemplateLanguage.objects.values_list("language__code", flat=True)) == [
        "NL"
    ]


def test_template_minimal_create_has_the_defaults(client, group) -> None:
    response = client.post(TEMPLATES, {"code": "MEMO", "group_code": "LETTER"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert "warnings" not in body
    assert body["correspondence_type_default"] == "email"
    assert (body["unit_cost"], body["unit_duration"]) == ("0.00", "0")
    assert (body["language_code_default"], body["campaign_no"], body["wizard_action"]) == (
        "",
        "",
        "",
    )


def test_template_list_filter_search_and_order(
    client, make_template, languages, campaign, django_assert_max_num_queries
) -> None:
    phone = services.interaction_group_create(code="PHONE")
    make_template("ABSTRACT", description="Abstract", unit_cost=5, language_default="EN")
    make_template("CALL", group=phone, description="Outgoing call", unit_cost=1)
    make_template("FAIR", description="Fair invitation", unit_cost=3, campaign=campaign)
    with django_assert_max_num_queries(4):
        assert codes(client.get(TEMPLATES)) == ["ABSTRACT", "CALL", "FAIR"]
    assert codes(client.get(TEMPLATES, {"group_code": "phone"})) == ["CALL"]
    assert codes(client.get(TEMPLATES, {"group_code": "LETTER"})) == ["ABSTRACT", "FAIR"]
    assert codes(client.get(TEMPLATES, {"search": "invitation"})) == ["FAIR"]
    assert codes(client.get(TEMPLATES, {"search": "call"})) == ["CALL"]
    assert codes(client.get(TEMPLATES, {"campaign_no": "cp1"})) == ["FAIR"]
    assert codes(client.get(TEMPLATES, {"language_code_default": "EN"})) == ["ABSTRACT"]
    assert codes(client.get(TEMPLATES, {"ordering": "unit_cost"})) == ["CALL", "FAIR", "ABSTRACT"]
    assert codes(client.get(TEMPLATES, {"ordering": "-code"})) == ["FAIR", "CALL", "ABSTRACT"]
    body = client.get(TEMPLATES, {"page_size": 1}).json()
    assert (body["count"], len(body["results"])) == (3, 1)
    assert_error_shape(client.get(TEMPLATES, {"wizard_action": "print"}), 400, "invalid")


def test_template_update(client, make_template, languages, campaign) -> None:
    make_template("FAIR", campaign=campaign, campaign_target=True)
    response = client.patch(
        f"{TEMPLATES}fair/", {"unit_cost": 9.5, "language_code_default": "DE"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["unit_cost"], body["language_code_default"]) == ("9.50", "DE")
    assert body["warnings"] == [
        "Language DE was added to interaction template FAIR, because it is the template's "
        "default language."
    ]
    # Removing the campaign clears target and response.
    body = client.patch(f"{TEMPLATES}FAIR/", {"campaign_no": ""}, format="json").json()
    assert (body["campaign_no"], body["campaign_target"]) == ("", False)
    # PUT: the code stays.
    body = client.put(
        f"{TEMPLATES}FAIR/",
        {"code": "X", "group_code": "LETTER", "description": "Put"},
        format="json",
    ).json()
    assert (body["code"], body["description"], body["unit_cost"]) == ("FAIR", "Put", "9.50")
    body = client.patch(f"{TEMPLATES}FAIR/", {"language_code_default": None}, format="json").json()
    assert body["language_code_default"] == ""


def test_template_delete(client, make_template, languages) -> None:
    make_template("MEMO", language_default="EN")
    assert client.delete(f"{TEMPLATES}memo/").status_code == 204
    assert not InteractionTemplate.objects.exists()
    assert not InteractionTemplateLanguage.objects.exists()
    assert_error_shape(client.delete(f"{TEMPLATES}MEMO/"), 404, "not_found")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "A\x00B"}, "code"),
        ({"description": "bad\x00"}, "description"),
        ({"description": "d" * 101}, "description"),
        ({"code": "TOO-LONG-CODE"}, "code"),
        ({"code": "A B"}, "code"),
        ({"group_code": "NOPE"}, "group_code"),
        ({"group_code": ""}, "group_code"),
        ({"group_code": None}, "group_code"),
        ({"group_code": 12}, "group_code"),
        ({"language_code_default": "XX"}, "language_code_default"),
        ({"campaign_no": "CP404"}, "campaign_no"),
        ({"unit_cost": -1}, "unit_cost"),
        ({"unit_cost": "1.234"}, "unit_cost"),
        ({"unit_cost": "abc"}, "unit_cost"),
        ({"unit_cost": True}, "unit_cost"),
        ({"unit_cost": 10**30}, "unit_cost"),
        ({"unit_duration": "1.5"}, "unit_duration"),
        ({"unit_duration": -1}, "unit_duration"),
        ({"information_flow": "sideways"}, "information_flow"),
        ({"initiated_by": None}, "initiated_by"),
        ({"correspondence_type_default": "pigeon"}, "correspondence_type_default"),
        ({"wizard_action": "print"}, "wizard_action"),
        ({"ignore_contact_corres_type": "maybe"}, "ignore_contact_corres_type"),
        ({"campaign_target": True}, "campaign_target"),
        ({"wizard_action": "merge"}, "wizard_action"),
        ({"description": {"x": 1}}, "description"),
    ],
)
def test_bad_template_input_gets_the_400_shape(client, group, languages, change, field) -> None:
    body = {"code": "MEMO", "group_code": "LETTER", **change}
    before = snapshot()
    error = assert_error_shape(client.post(TEMPLATES, body, format="json"), 400)
    assert field in error["fields"], error
    assert snapshot() == before


def test_bad_template_update_changes_nothing(client, make_template) -> None:
    make_template("MEMO")
    before = snapshot()
    response = client.patch(
        f"{TEMPLATES}MEMO/", {"description": "New", "unit_cost": "-5"}, format="json"
    )
    assert "unit_cost" in assert_error_shape(response, 400)["fields"]
    response = client.patch(f"{TEMPLATES}MEMO/", {"campaign_response": True}, format="json")
    assert "campaign_response" in assert_error_shape(response, 400)["fields"]
    assert snapshot() == before


def test_template_bodies_that_are_not_objects(client, group) -> None:
    assert_error_shape(client.post(TEMPLATES, [1, 2], format="json"), 400)
    response = client.generic("POST", TEMPLATES, "{not json", content_type="application/json")
    assert_error_shape(response, 400)


def test_unknown_template_is_404(client) -> None:
    assert_error_shape(client.get(f"{TEMPLATES}NOPE/"), 404, "not_found")
    assert_error_shape(client.patch(f"{TEMPLATES}NOPE/", {}, format="json"), 404)


# --- Template languages ------------------------------------------------------------------------


def test_template_language_crud(client, make_template, languages, attachments) -> None:
    make_template("MEMO", language_default="EN")
    url = languages_url("memo")
    response = client.post(
        url,
        {"language_code": "nl", "description": "Brief", "attachment_no": attachments["pdf"].no},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "language_code": "NL",
        "description": "Brief",
        "attachment_no": attachments["pdf"].no,
        "default": False,
    }
    listing = client.get(url).json()
    assert listing["count"] == 2
    assert [(row["language_code"], row["default"]) for row in listing["results"]] == [
        ("EN", True),
        ("NL", False),
    ]
    assert codes(client.get(url, {"search": "brief"}), "language_code") == ["NL"]
    assert codes(client.get(url, {"search": "dutch"}), "language_code") == ["NL"]
    assert client.get(languages_url("MEMO", "nl")).json()["description"] == "Brief"
    response = client.patch(
        languages_url("MEMO", "NL"),
        {"description": "Letter", "attachment_no": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["attachment_no"] is None
    assert client.delete(languages_url("MEMO", "NL")).status_code == 204
    assert codes(client.get(url), "language_code") == ["EN"]


def test_the_template_shows_the_default_language_attachment(
    client, make_template, languages, attachments
) -> None:
    make_template("MEMO", language_default="EN")
    client.patch(
        languages_url("MEMO", "EN"), {"attachment_no": attachments["email"].no}, format="json"
    )
    assert client.get(f"{TEMPLATES}MEMO/").json()["attachment_no"] == attachments["email"].no


def test_renaming_a_language_row(client, make_template, languages) -> None:
    make_template("MEMO", language_default="EN")
    response = client.patch(languages_url("MEMO", "EN"), {"language_code": "DE"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["language_code"] == "DE"
    assert client.get(f"{TEMPLATES}MEMO/").json()["language_code_default"] == "DE"


def test_deleting_the_default_row_clears_the_default(client, make_template, languages) -> None:
    make_template("MEMO", language_default="EN")
    assert client.delete(languages_url("MEMO", "EN")).status_code == 204
    assert client.get(f"{TEMPLATES}MEMO/").json()["language_code_default"] == ""


def test_merge_rules_through_the_api(client, make_template, languages, attachments) -> None:
    make_template("NEWS", language_default="EN")
    client.patch(
        languages_url("NEWS", "EN"), {"attachment_no": attachments["email"].no}, format="json"
    )
    response = client.patch(f"{TEMPLATES}NEWS/", {"wizard_action": "merge"}, format="json")
    assert response.status_code == 200, response.content
    before = snapshot()
    response = client.patch(
        languages_url("NEWS", "EN"), {"attachment_no": attachments["word"].no}, format="json"
    )
    error = assert_error_shape(response, 400)
    assert "not an e-mail (HTML) attachment" in error["fields"]["attachment_no"][0]
    error = assert_error_shape(client.delete(languages_url("NEWS", "EN")), 409, "in_use")
    assert "Wizard Action Merge" in error["message"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"language_code": "XX"}, "language_code"),
        ({"language_code": ""}, "language_code"),
        ({"language_code": "EN\x00"}, "language_code"),
        ({}, "language_code"),
        ({"language_code": "EN", "description": "d" * 101}, "description"),
        ({"language_code": "EN", "attachment_no": 999}, "attachment_no"),
        ({"language_code": "EN", "attachment_no": "abc"}, "attachment_no"),
        ({"language_code": "EN", "attachment_no": 10**30}, "attachment_no"),
        ({"language_code": "EN", "attachment_no": True}, "attachment_no"),
        ({"language_code": "EN", "attachment_no": [1]}, "attachment_no"),
        ({"language_code": "NL"}, "language_code"),  # the template has NL already
    ],
)
def test_bad_template_language_input_gets_the_400_shape(
    client, make_template, languages, attachments, body, field
) -> None:
    make_template("MEMO", language_default="NL")
    before = snapshot()
    error = assert_error_shape(client.post(languages_url("MEMO"), body, format="json"), 400)
    assert field in error["fields"], error
    assert snapshot() == before


def test_unknown_template_or_language_is_404(client, make_template, languages) -> None:
    make_template("MEMO")
    assert_error_shape(client.get(languages_url("NOPE")), 404, "not_found")
    assert_error_shape(
        client.post(languages_url("NOPE"), {"language_code": "EN"}, format="json"), 404
    )
    assert_error_shape(client.get(languages_url("MEMO", "EN")), 404, "not_found")
    assert_error_shape(client.delete(languages_url("MEMO", "EN")), 404, "not_found")
    assert_error_shape(client.put(languages_url("MEMO", "EN"), {}, format="json"), 405)


# --- Permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["read_only", "marketing", "salesperson"])
def test_only_setup_may_write(api_client, make_user, make_template, languages, role) -> None:
    make_template("MEMO", language_default="EN")
    client = api_client(make_user(role=role))
    assert client.get(f"{TEMPLATES}MEMO/").status_code == 200
    assert client.get(GROUPS).status_code == 200
    assert client.get(languages_url("MEMO")).status_code == 200
    before = snapshot()
    for response in (
        client.post(GROUPS, {"code": "X"}, format="json"),
        client.patch(f"{GROUPS}LETTER/", {"description": "X"}, format="json"),
        client.delete(f"{GROUPS}LETTER/"),
        client.post(TEMPLATES, {"code": "X", "group_code": "LETTER"}, format="json"),
        client.patch(f"{TEMPLATES}MEMO/", {"description": "X"}, format="json"),
        client.delete(f"{TEMPLATES}MEMO/"),
        client.post(languages_url("MEMO"), {"language_code": "NL"}, format="json"),
        client.patch(languages_url("MEMO", "EN"), {"description": "X"}, format="json"),
        client.delete(languages_url("MEMO", "EN")),
    ):
        assert_error_shape(response, 403, "permission_denied")
    assert snapshot() == before


def test_anonymous_gets_401(api_client, make_template) -> None:
    client = api_client(None)
    assert_error_shape(client.get(TEMPLATES), 401, "not_authenticated")
    assert_error_shape(client.get(languages_url("ABSTRACT")), 401, "not_authenticated")
