"""The Create interaction dialog: entry points and locks, filling from a template, finishing,
the Cancel question (postpone or discard), resuming a postponed interaction."""

from __future__ import annotations

import datetime
import decimal
import re
from typing import Any

import pytest
from django.urls import reverse

from rapport.interactions import selectors, services
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.tests.conftest import log_snapshot

CREATE = reverse("interactions:interaction-create")
FILL = reverse("interactions:interaction-fill")
WORK_DATE = datetime.date(2026, 3, 2)


@pytest.fixture
def w(world: Any) -> Any:
    for user in (world.mila, world.sven, world.admin):
        user.work_date = WORK_DATE
        user.save(update_fields=["work_date"])
    return world


@pytest.fixture
def mila(w: Any, client_for: Any) -> Any:
    return client_for(w.mila)


def form_data(**values: Any) -> dict[str, Any]:
    """A posted dialog: the values the page would send after filling from the template."""
    data = {
        "contact": "",
        "template": "",
        "filled_template": values.get("template", ""),
        "description": "",
        "salesperson": "",
        "language": "",
        "correspondence_type": "",
        "date": "2026-03-02",
        "time": "10:15",
        "information_flow": "",
        "initiated_by": "",
        "evaluation": "",
        "successful": "on",
        "cost": "0",
        "duration": "0",
        "campaign": "",
        "comments": "",
        "action": "finish",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def field_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def selected(html: str, name: str) -> str:
    block = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert block, f"no select {name}"
    option = re.search(r'<option value="([^"]*)"[^>]*selected', block.group(1))
    return option.group(1) if option else ""


def checked(html: str, name: str) -> bool:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match
    return "checked" in match.group(0)


# --- Opening the dialog ------------------------------------------------------------------


def test_from_a_contact_the_contact_is_fixed_and_the_start_values_are_set(mila: Any) -> None:
    response = mila.get(CREATE, {"contact_no": "P3"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Create interaction" in html
    contact_input = re.search(r'<input[^>]*name="contact"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert "disabled" in contact_input
    assert 'value="P3 – Carla"' in contact_input
    assert field_value(html, "date") == "2026-03-02"
    assert re.fullmatch(r"\d\d:\d\d", field_value(html, "time"))
    assert selected(html, "salesperson") == "MV"  # the user's own salesperson first
    assert checked(html, "successful")


def test_without_a_salesperson_of_their_own_the_contacts_salesperson_is_proposed(
    w: Any, client_for: Any
) -> None:
    html = client_for(w.admin).get(CREATE, {"contact_no": "P3"}).content.decode()
    assert selected(html, "salesperson") == "PB"


def test_from_a_salesperson_the_salesperson_is_fixed(mila: Any) -> None:
    html = mila.get(CREATE, {"salesperson_code": "mv"}).content.decode()
    select = re.search(r'<select[^>]*name="salesperson"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert "disabled" in select
    assert selected(html, "salesperson") == "MV"
    assert "disabled" not in re.search(r'<input[^>]*name="contact"[^>]*>', html).group(0)  # type: ignore[union-attr]


def test_an_unknown_entry_point_key_is_a_404(mila: Any) -> None:
    assert mila.get(CREATE, {"contact_no": "NOPE"}).status_code == 404
    assert mila.get(CREATE, {"salesperson_code": "NOPE"}).status_code == 404


def test_a_read_only_user_may_not_open_or_post_the_dialog(w: Any, client_for: Any) -> None:
    client = client_for(w.reader)
    before = log_snapshot()
    assert client.get(CREATE, {"contact_no": "P3"}).status_code == 403
    response = client.post(
        CREATE + "?contact_no=P3", form_data(template="CALL", description="x", salesperson="PB")
    )
    assert response.status_code == 403
    assert log_snapshot() == before


# --- Filling from the template -----------------------------------------------------------


def test_choosing_a_template_fills_the_details_from_it(mila: Any) -> None:
    response = mila.post(
        FILL + "?contact_no=P2",
        form_data(template="NEWS", filled_template="", description="", cost="", duration=""),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="id_template",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert field_value(html, "description") == "Newsletter"
    assert selected(html, "language") == "NL"  # the contact's language, the template has it
    assert selected(html, "correspondence_type") == "email"
    assert field_value(html, "cost") == "0.10"
    assert field_value(html, "duration") == "2"
    assert selected(html, "information_flow") == "outbound"
    assert selected(html, "initiated_by") == "us"
    assert selected(html, "campaign") == "CP1"
    assert checked(html, "campaign_target")
    assert field_value(html, "filled_template") == "NEWS"


def test_a_typed_description_is_kept_when_a_template_is_chosen(mila: Any) -> None:
    html = mila.post(
        FILL + "?contact_no=P2",
        form_data(template="NEWS", filled_template="", description="My own words"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="id_template",
    ).content.decode()
    assert field_value(html, "description") == "My own words"


def test_choosing_another_contact_keeps_the_users_overrides(mila: Any) -> None:
    html = mila.post(
        FILL,
        form_data(contact="Anna", template="NEWS", filled_template="NEWS", cost="9.99"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="id_contact",
    ).content.decode()
    assert field_value(html, "contact") == "P1 – Anna"
    assert field_value(html, "cost") == "9.99"
    assert selected(html, "language") == "EN"


def test_contact_suggestions(mila: Any) -> None:
    response = mila.get(reverse("interactions:interaction-contact-options"), {"contact": "acme"})
    html = response.content.decode()
    assert '<option value="CO1 – Acme">' in html
    assert mila.get(reverse("interactions:interaction-contact-options")).content.strip() == b""


# --- Finishing -----------------------------------------------------------------------------


def test_finish_logs_the_interaction_with_the_overrides(w: Any, mila: Any) -> None:
    contact_url = reverse("contacts:contact-detail", kwargs={"no": "P3"})
    response = mila.post(
        CREATE + f"?contact_no=P3&next={contact_url}",
        form_data(
            template="CALL",
            description="Called about the fair",
            salesperson="MV",
            information_flow="inbound",
            initiated_by="them",
            cost="2.75",
            duration="15",
            evaluation="positive",
            comments="Wants a quote\n\nCall back in May",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == contact_url
    entry = InteractionLogEntry.objects.get()
    assert (entry.contact.no, entry.template.code, entry.group.code) == ("P3", "CALL", "PHONE")
    assert entry.description == entry.subject == "Called about the fair"
    assert entry.salesperson.code == "MV"
    assert entry.user == w.mila
    assert (entry.information_flow, entry.initiated_by) == ("inbound", "them")
    assert (entry.cost, entry.duration) == (decimal.Decimal("2.75"), decimal.Decimal("15"))
    assert entry.evaluation == "positive"
    assert entry.attempt_failed is False
    assert entry.postponed is False
    assert (entry.date, entry.time) == (WORK_DATE, datetime.time(10, 15))
    assert [c.comment for c in entry.comments.order_by("line_no")] == [
        "Wants a quote",
        "Call back in May",
    ]
    messages = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert messages == [f"Interaction {entry.entry_no} with Carla was logged."]


def test_not_successful_means_attempt_failed(mila: Any) -> None:
    mila.post(
        CREATE + "?contact_no=P3",
        form_data(template="CALL", description="No answer", salesperson="MV", successful=None),
    )
    assert InteractionLogEntry.objects.get().attempt_failed is True


def test_finish_without_a_template_is_refused_next_to_the_field(mila: Any) -> None:
    before = log_snapshot()
    response = mila.post(
        CREATE + "?contact_no=P3", form_data(description="Something", salesperson="MV")
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Choose an interaction template." in html
    assert 'id="id_template_error"' in html
    assert field_value(html, "description") == "Something"  # what was typed is kept
    assert log_snapshot() == before


def test_an_ambiguous_contact_is_refused(mila: Any) -> None:
    before = log_snapshot()
    response = mila.post(
        CREATE, form_data(contact="acme.example", template="CALL", description="x")
    )
    assert "More than one contact matches" in response.content.decode()
    assert log_snapshot() == before


def test_a_contact_typed_by_a_unique_part_of_its_name_is_found(mila: Any) -> None:
    mila.post(
        CREATE, form_data(contact="carla", template="CALL", description="x", salesperson="MV")
    )
    assert InteractionLogEntry.objects.get().contact.no == "P3"


def test_a_salesperson_may_only_log_for_themselves(w: Any, client_for: Any) -> None:
    before = log_snapshot()
    response = client_for(w.sven).post(
        CREATE + "?contact_no=P3", form_data(template="CALL", description="x", salesperson="PB")
    )
    assert "You can only record interactions for your own salesperson SJ" in (
        response.content.decode()
    )
    assert log_snapshot() == before


def test_with_a_company_fixed_the_contact_must_belong_to_it(mila: Any) -> None:
    before = log_snapshot()
    response = mila.post(
        CREATE + "?company_no=CO1",
        form_data(contact="P3", template="CALL", description="x", salesperson="MV"),
    )
    assert "Choose company CO1 or one of its persons." in response.content.decode()
    assert log_snapshot() == before
    mila.post(
        CREATE + "?company_no=CO1",
        form_data(contact="P1", template="CALL", description="x", salesperson="MV"),
    )
    assert InteractionLogEntry.objects.get().contact.no == "P1"


def test_a_template_chosen_without_the_script_is_filled_in_before_anything_is_logged(
    mila: Any,
) -> None:
    before = log_snapshot()
    response = mila.post(
        CREATE + "?contact_no=P3",
        form_data(template="CALL", filled_template="", salesperson="MV"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The details were filled in from interaction template CALL." in html
    assert field_value(html, "description") == "Phone call"
    assert field_value(html, "cost") == "1.50"
    assert log_snapshot() == before
    mila.post(CREATE + "?contact_no=P3", form_data(**_values_of(html), action="finish"))
    entry = InteractionLogEntry.objects.get()
    assert (entry.description, entry.cost) == ("Phone call", decimal.Decimal("1.50"))


def _values_of(html: str) -> dict[str, Any]:
    values = {name: field_value(html, name) for name in ("description", "cost", "duration", "time")}
    values["filled_template"] = field_value(html, "filled_template")
    values["template"] = selected(html, "template")
    values["salesperson"] = selected(html, "salesperson")
    return values


def test_the_e_mail_downgrade_is_told(w: Any, mila: Any) -> None:
    response = mila.post(
        CREATE + "?contact_no=P2",
        form_data(
            template="NEWS",
            description="Newsletter",
            salesperson="MV",
            language="NL",
            correspondence_type="email",
            campaign="CP1",
        ),
        follow=True,
    )
    entry = InteractionLogEntry.objects.get()
    assert entry.correspondence_type == ""
    assert "Contact P2 has no e-mail address" in response.content.decode()


# --- Cancel: finish later? -----------------------------------------------------------------


def test_cancel_asks_whether_to_finish_later_and_keeps_what_was_typed(mila: Any) -> None:
    before = log_snapshot()
    response = mila.post(
        CREATE + "?contact_no=P3",
        form_data(template="CALL", description="Half typed", action="cancel"),
    )
    html = response.content.decode()
    assert "Do you want to finish this interaction later?" in html
    assert field_value(html, "description") == "Half typed"
    assert "is-invalid" not in html
    assert log_snapshot() == before


def test_yes_saves_a_postponed_draft_with_what_was_typed(w: Any, mila: Any) -> None:
    response = mila.post(
        CREATE + "?contact_no=P3",
        form_data(description="Half typed", action="postpone", cost="3"),
    )
    assert response.status_code == 302
    entry = InteractionLogEntry.objects.get()
    assert entry.postponed is True
    assert (entry.contact.no, entry.template, entry.description) == ("P3", None, "Half typed")
    assert entry.cost == decimal.Decimal("3")
    assert selectors.interaction_log().count() == 0


def test_a_draft_needs_a_contact(mila: Any) -> None:
    before = log_snapshot()
    response = mila.post(CREATE, form_data(description="Who?", action="postpone"))
    assert response.status_code == 422
    assert 'id="id_contact_error"' in response.content.decode()
    assert log_snapshot() == before


def test_no_discards_and_back_returns_to_the_form(mila: Any) -> None:
    before = log_snapshot()
    response = mila.post(CREATE + "?contact_no=P3", form_data(action="discard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:contact-detail", kwargs={"no": "P3"})
    html = mila.post(
        CREATE + "?contact_no=P3", form_data(description="Again", action="back")
    ).content.decode()
    assert "finish this interaction later" not in html
    assert field_value(html, "description") == "Again"
    assert log_snapshot() == before


def test_an_unsafe_next_is_ignored(mila: Any) -> None:
    response = mila.post(
        CREATE + "?contact_no=P3&next=https://evil.example/", form_data(action="discard")
    )
    assert response["Location"] == reverse("contacts:contact-detail", kwargs={"no": "P3"})


# --- htmx: the dialog over the page --------------------------------------------------------


def test_opened_from_a_dialog_link_it_comes_in_a_modal(mila: Any) -> None:
    html = mila.get(
        CREATE, {"contact_no": "P3"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="dialog-host"
    ).content.decode()
    assert html.lstrip().startswith('<div class="modal fade" id="interaction-modal"')
    assert "<html" not in html


def test_in_the_modal_errors_come_back_as_the_form_and_success_redirects(mila: Any) -> None:
    url = CREATE + "?contact_no=P3"
    response = mila.post(
        url, form_data(description="x"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="interaction-dialog"
    )
    assert response.status_code == 200
    assert response.content.decode().startswith('<form id="interaction-dialog"')
    response = mila.post(
        url,
        form_data(template="CALL", description="x", salesperson="MV"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="interaction-dialog",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("contacts:contact-detail", kwargs={"no": "P3"})


# --- Resume ---------------------------------------------------------------------------------


@pytest.fixture
def draft(w: Any) -> InteractionLogEntry:
    return services.interaction_create(
        actor=w.mila,
        contact=w.p3,
        template=w.call,
        description="Call about the offer",
        cost="4.00",
        date=datetime.date(2026, 1, 10),
        time=datetime.time(9, 30),
        postpone=True,
    )


def resume_url(entry: InteractionLogEntry) -> str:
    return reverse("interactions:interaction-resume", kwargs={"entry_no": entry.entry_no})


def test_resume_shows_the_stored_values_with_the_work_date(mila: Any, draft: Any) -> None:
    html = mila.get(resume_url(draft)).content.decode()
    assert f"Resume Interaction {draft.entry_no}" in html
    assert field_value(html, "contact") == "P3 – Carla"
    assert selected(html, "template") == "CALL"
    assert field_value(html, "description") == "Call about the offer"
    assert field_value(html, "cost") == "4.00"
    assert field_value(html, "date") == "2026-03-02"
    assert field_value(html, "time") == "09:30"


def test_finishing_a_resumed_interaction_logs_the_same_entry(mila: Any, draft: Any) -> None:
    html = mila.get(resume_url(draft)).content.decode()
    values = _values_of(html)
    values.update(contact=field_value(html, "contact"), salesperson="MV")
    response = mila.post(resume_url(draft), form_data(**values))
    assert response.status_code == 302
    entry = InteractionLogEntry.objects.get()
    assert entry.entry_no == draft.entry_no
    assert entry.postponed is False
    assert (entry.date, entry.cost) == (WORK_DATE, decimal.Decimal("4.00"))


def test_cancel_on_resume_yes_keeps_it_postponed_with_the_changes_no_keeps_it_unchanged(
    mila: Any, draft: Any
) -> None:
    before = log_snapshot()
    mila.post(resume_url(draft), form_data(contact="P3", action="discard"))
    assert log_snapshot() == before
    html = mila.post(
        resume_url(draft), form_data(contact="P3", description="Changed", action="cancel")
    ).content.decode()
    assert "Do you want to keep this interaction postponed with your changes?" in html
    mila.post(
        resume_url(draft),
        form_data(contact="P3", template="CALL", description="Changed", action="postpone"),
    )
    entry = InteractionLogEntry.objects.get()
    assert (entry.postponed, entry.description) == (True, "Changed")


def test_only_a_postponed_interaction_can_be_resumed(w: Any, mila: Any) -> None:
    logged = services.interaction_create(
        actor=w.mila, contact=w.p3, template=w.call, salesperson=w.mv
    )
    assert mila.get(resume_url(logged)).status_code == 404
