"""The interaction group and template pages: lists, cards, forms, errors, permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.campaigns.services import campaign_create
from rapport.interactions import services
from rapport.interactions.models import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)

from .conftest import snapshot

pytestmark = pytest.mark.django_db


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def url(name: str, *args: str) -> str:
    return reverse(f"interactions:{name}", args=args)


TEMPLATE_FORM = {
    "code": "memo",
    "description": "A memo",
    "unit_cost": "12.5",
    "unit_duration": "15",
    "information_flow": "outbound",
    "initiated_by": "us",
    "wizard_action": "",
    "campaign": "",
    "correspondence_type_default": "email",
    "language_default": "",
}


@pytest.fixture
def form_data(group) -> dict[str, str]:
    return {**TEMPLATE_FORM, "group": str(group.pk)}


# --- Groups ------------------------------------------------------------------------------------


def test_group_list_and_card(admin_client, group, make_template) -> None:
    services.interaction_group_create(code="PHONE", description="Phone calls")
    make_template("ABSTRACT", unit_cost="1234.5")
    html = page(admin_client.get(url("group-list")))
    assert "Letters" in html and "Phone calls" in html
    assert url("group-create") in html
    html = page(admin_client.get(url("group-list"), {"q": "phone"}))
    assert "Phone calls" in html and "Letters" not in html
    html = page(admin_client.get(url("group-detail", "letter")))
    assert 'data-testid="templates"' in html
    assert url("template-detail", "ABSTRACT") in html
    assert "1,234.50" in html
    for name in ("group-edit", "group-delete"):
        assert url(name, "LETTER") in html
    assert url("template-create") + "?group=LETTER" in html
    assert admin_client.get(url("group-detail", "NOPE")).status_code == 404


def test_group_create_edit_delete(admin_client) -> None:
    response = admin_client.post(url("group-create"), {"code": "meeting", "description": "Meet"})
    assert response.status_code == 302
    assert response["Location"] == url("group-detail", "MEETING")
    response = admin_client.post(url("group-edit", "MEETING"), {"description": "Meetings"})
    assert response.status_code == 302
    assert InteractionGroup.objects.get().description == "Meetings"
    html = page(admin_client.get(url("group-delete", "MEETING")))
    assert "Delete interaction group MEETING" in html
    response = admin_client.post(url("group-delete", "MEETING"))
    assert response.status_code == 302
    assert not InteractionGroup.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "a b"}, "code", "no spaces"),
        ({"code": "LETTER"}, "code", "already exists"),
        ({"code": "X", "description": "d" * 101}, "description", "at most 100"),
        ({"code": "X\x00"}, "code", "Null characters"),
    ],
)
def test_group_errors_stand_next_to_their_field(admin_client, group, data, field, message) -> None:
    before = snapshot()
    html = page(admin_client.post(url("group-create"), data))
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert 'aria-invalid="true"' in html
    assert snapshot() == before


def test_group_with_templates_is_not_deleted(admin_client, group, make_template) -> None:
    make_template("MEMO")
    html = page(admin_client.get(url("group-delete", "LETTER")))
    assert "still has 1 interaction template" in html
    response = admin_client.post(url("group-delete", "LETTER"), follow=True)
    assert any("still has 1 interaction template (MEMO)" in m for m in messages_of(response))
    assert InteractionGroup.objects.exists()


# --- Templates ---------------------------------------------------------------------------------


def test_template_list_search_filter_sort(
    admin_client, group, make_template, django_assert_max_num_queries
) -> None:
    phone = services.interaction_group_create(code="PHONE")
    make_template("ABSTRACT", description="Abstract", unit_cost=2)
    make_template("CALL", group=phone, description="Outgoing call", unit_cost=1)
    make_template("FAIR", description="Fair invitation", correspondence_type_default="hard_copy")
    with django_assert_max_num_queries(10):
        html = page(admin_client.get(url("template-list")))
    assert all(code in html for code in ("ABSTRACT", "CALL", "FAIR"))
    assert url("group-list") in html  # the way to the groups
    html = page(admin_client.get(url("template-list"), {"group": "PHONE"}))
    assert "Outgoing call" in html and "Abstract" not in html
    html = page(
        admin_client.get(url("template-list"), {"correspondence_type_default": "hard_copy"})
    )
    assert "Fair invitation" in html and "Outgoing call" not in html
    html = page(admin_client.get(url("template-list"), {"q": "invitation"}))
    assert "Fair invitation" in html and "Abstract" not in html
    html = page(admin_client.get(url("template-list"), {"sort": "unit_cost"}))
    assert html.index("Outgoing call") < html.index("Abstract")
    # htmx refreshes the table only.
    html = page(
        admin_client.get(
            url("template-list"),
            {"q": "call"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="object-table",
        )
    )
    assert "<html" not in html and "Outgoing call" in html


def test_template_list_empty_state(admin_client) -> None:
    html = page(admin_client.get(url("template-list")))
    assert 'data-testid="empty-state"' in html


def test_template_card(admin_client, make_template, languages, attachments) -> None:
    template = make_template("NEWS", unit_cost="1234.5", language_default="EN")
    row = template.languages.get()
    services.interaction_template_language_update(
        template_language=row, attachment=attachments["email"]
    )
    services.interaction_template_language_create(template=template, language="NL")
    html = page(admin_client.get(url("template-detail", "news")))
    for section in ("General", "Interaction", "Communication", "Languages"):
        assert f"<summary>{section}</summary>" in html
    assert "1,234.50" in html
    assert 'data-testid="languages"' in html
    assert "Default</span>" in html
    assert "E-mail (HTML)" in html
    # Campaign target and response do not apply without a campaign.
    assert 'data-field="campaign_target"' not in html
    for name in ("template-edit", "template-delete", "template-language-create"):
        assert url(name, "NEWS") in html
    assert url("template-language-edit", "NEWS", "NL") in html
    assert url("template-language-delete", "NEWS", "EN") in html
    assert admin_client.get(url("template-detail", "NOPE")).status_code == 404


def test_template_card_shows_campaign_fields_with_a_campaign(admin_client, make_template) -> None:
    campaign = campaign_create(no="CP1", description="Fair")
    make_template("FAIR", campaign=campaign, campaign_target=True)
    html = page(admin_client.get(url("template-detail", "FAIR")))
    assert 'data-field="campaign_target"' in html
    assert "CP1 – Fair" in html


def test_template_card_in_dutch_formats_money(client_for, make_user, make_template) -> None:
    make_template("MEMO", unit_cost="1234.5", unit_duration=1500)
    client = client_for(make_user(role="administrator", username="anne", language="nl"))
    html = page(client.get(url("template-detail", "MEMO")))
    assert "1.234,50" in html
    assert "1.500" in html


def test_template_create(admin_client, form_data, languages) -> None:
    html = page(admin_client.get(url("template-create")))
    assert 'name="campaign_target"' in html and 'data-needs="id_campaign"' in html
    assert "interactions/template_form.js" in html
    response = admin_client.post(
        url("template-create"), {**form_data, "language_default": str(languages["NL"].pk)}
    )
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"] == url("template-detail", "MEMO")
    template = InteractionTemplate.objects.get()
    assert (template.code, str(template.unit_cost), template.language_default.code) == (
        "MEMO",
        "12.50",
        "NL",
    )
    response = admin_client.get(response["Location"])
    assert any("Language NL was added" in m for m in messages_of(response))


def test_template_create_preselects_the_group(admin_client, group) -> None:
    html = page(admin_client.get(url("template-create"), {"group": "letter"}))
    assert f'<option value="{group.pk}" selected>' in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": "a b"}, "code", "no spaces"),
        ({"unit_cost": "-1"}, "unit_cost", "greater than or equal to 0"),
        ({"unit_duration": "1.5"}, "unit_duration", "no more than 0 decimal places"),
        ({"campaign_target": "on"}, "campaign_target", "only be set when the template has a"),
        ({"wizard_action": "merge"}, "wizard_action", "Wizard Action Merge cannot be used"),
        ({"group": ""}, "group", "This field is required"),
        ({"description": "a\x00b"}, "description", "Null characters"),
    ],
)
def test_template_errors_stand_next_to_their_field(
    admin_client, form_data, change, field, message
) -> None:
    before = snapshot()
    html = page(admin_client.post(url("template-create"), {**form_data, **change}))
    assert f'id="id_{field}_error"' in html, html
    error = html[html.index(f'id="id_{field}_error"') :][:400]
    assert message in error
    assert snapshot() == before


def test_template_edit(admin_client, make_template, form_data) -> None:
    campaign = campaign_create(no="CP1", description="Fair")
    make_template("MEMO")
    html = page(admin_client.get(url("template-edit", "MEMO")))
    assert 'name="code"' in html and "disabled" in html
    data = {
        **form_data,
        "code": "IGNORED",
        "unit_cost": "3",
        "campaign": str(campaign.pk),
        "campaign_response": "on",
    }
    response = admin_client.post(url("template-edit", "MEMO"), data)
    assert response.status_code == 302
    template = InteractionTemplate.objects.get()
    assert (template.code, template.unit_cost, template.campaign_response) == ("MEMO", 3, True)
    assert admin_client.get(url("template-edit", "NOPE")).status_code == 404


def test_template_delete(admin_client, make_template, languages) -> None:
    make_template("MEMO", language_default="EN")
    html = page(admin_client.get(url("template-delete", "MEMO")))
    assert "Its 1 language row is deleted with it" in html
    response = admin_client.post(url("template-delete", "MEMO"))
    assert response.status_code == 302
    assert response["Location"] == url("template-list")
    assert not InteractionTemplate.objects.exists()


# --- Template languages ------------------------------------------------------------------------


def test_add_edit_and_remove_a_language(admin_client, make_template, languages, attachments):
    make_template("MEMO", language_default="EN")
    html = page(admin_client.get(url("template-language-create", "MEMO")))
    assert f'value="{languages["EN"].pk}"' not in html  # EN has a row already
    response = admin_client.post(
        url("template-language-create", "MEMO"),
        {
            "language": languages["NL"].pk,
            "description": "Brief",
            "attachment": attachments["pdf"].no,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("template-detail", "MEMO") + "#languages"
    row = InteractionTemplateLanguage.objects.get(language__code="NL")
    assert (row.description, row.attachment) == ("Brief", attachments["pdf"])

    html = page(admin_client.get(url("template-language-edit", "MEMO", "nl")))
    assert 'value="Brief"' in html
    response = admin_client.post(
        url("template-language-edit", "MEMO", "NL"),
        {"language": languages["NL"].pk, "description": "Letter", "attachment": ""},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.description, row.attachment) == ("Letter", None)

    html = page(admin_client.get(url("template-language-delete", "MEMO", "EN")))
    assert "It is the template&#x27;s default language" in html
    response = admin_client.post(url("template-language-delete", "MEMO", "EN"), follow=True)
    texts = messages_of(response)
    assert any("Language EN was removed" in m for m in texts)
    assert any("has no default language any more" in m for m in texts)
    assert InteractionTemplate.objects.get().language_default is None


def test_language_errors_stand_next_to_their_field(admin_client, make_template, languages) -> None:
    make_template("MEMO")
    before = snapshot()
    html = page(
        admin_client.post(
            url("template-language-create", "MEMO"),
            {"language": languages["NL"].pk, "attachment": "999"},
        )
    )
    assert 'id="id_attachment_error"' in html
    assert "There is no attachment 999." in html
    assert snapshot() == before


def test_refused_language_removal_is_reported(admin_client, make_template, languages, attachments):
    template = make_template("NEWS", language_default="EN")
    services.interaction_template_language_update(
        template_language=template.languages.get(), attachment=attachments["email"]
    )
    services.interaction_template_update(template=template, wizard_action="merge")
    response = admin_client.post(url("template-language-delete", "NEWS", "EN"), follow=True)
    assert any("Wizard Action Merge" in m for m in messages_of(response))
    assert InteractionTemplateLanguage.objects.exists()


# --- Permissions -------------------------------------------------------------------------------


def test_read_only_users_see_no_write_actions(client_for, read_only_user, make_template, languages):
    make_template("MEMO", language_default="EN")
    client = client_for(read_only_user)
    html = page(client.get(url("template-list")))
    assert url("template-create") not in html
    html = page(client.get(url("template-detail", "MEMO")))
    for link in (
        url("template-edit", "MEMO"),
        url("template-delete", "MEMO"),
        url("template-language-create", "MEMO"),
        url("template-language-edit", "MEMO", "EN"),
    ):
        assert link not in html
    html = page(client.get(url("group-detail", "LETTER")))
    assert url("group-edit", "LETTER") not in html
    assert url("template-create") not in html
    html = page(client.get(url("group-list")))
    assert url("group-create") not in html
    before = snapshot()
    for path in (
        url("group-create"),
        url("group-edit", "LETTER"),
        url("group-delete", "LETTER"),
        url("template-create"),
        url("template-edit", "MEMO"),
        url("template-delete", "MEMO"),
        url("template-language-create", "MEMO"),
        url("template-language-edit", "MEMO", "EN"),
        url("template-language-delete", "MEMO", "EN"),
    ):
        assert client.get(path).status_code == 403, path
        assert client.post(path, {"description": "x"}).status_code == 403, path
    assert snapshot() == before


def test_the_home_page_has_a_template_tile(admin_client, make_template) -> None:
    make_template("MEMO")
    html = page(admin_client.get("/"))
    assert "Interaction templates" in html
    assert url("template-list") in html


def test_cards_need_few_queries(admin_client, make_template, languages, attachments) -> None:
    """No query per language row or per template (N+1)."""
    template = make_template("A", language_default="EN")
    with CaptureQueriesContext(connection) as one_row:
        page(admin_client.get(url("template-detail", "A")))
    with CaptureQueriesContext(connection) as one_template:
        page(admin_client.get(url("group-detail", "LETTER")))
    for language in ("NL", "DE"):
        services.interaction_template_language_create(
            template=template, language=language, attachment=attachments["pdf"]
        )
    for code in ("B", "C"):
        make_template(code, language_default="NL")
    with CaptureQueriesContext(connection) as three_rows:
        page(admin_client.get(url("template-detail", "A")))
    with CaptureQueriesContext(connection) as three_templates:
        page(admin_client.get(url("group-detail", "LETTER")))
    assert len(three_rows) == len(one_row) <= 10, [query["sql"] for query in three_rows]
    assert len(three_templates) == len(one_template) <= 10
