"""Forms that fill like the dialog (issue 8, point 12), the interaction part:

* a resumed interaction shows its existing comment lines (read-only, with a link to edit them);
* Create interaction on the interaction log takes the contact of the selected entry (the log's
  row selection, NAV's current record), the list's filters otherwise;
* the entry's card has Create interaction, locked to the entry's contact."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from rapport.core.services import user_update_preferences
from rapport.interactions import services

pytestmark = pytest.mark.django_db

WORK_DATE = datetime.date(2026, 3, 16)
LOG = "/interactions/"


@pytest.fixture
def w(world: Any) -> Any:
    for user in (world.admin, world.mila, world.sven, world.reader):
        user_update_preferences(user=user, work_date=WORK_DATE)
    return world


def create(w: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.company)
    kwargs.setdefault("template", w.call)
    kwargs.setdefault("correspondence_type", "")
    return services.interaction_create(**kwargs)


def attributes(tag: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def selection_form(content: str) -> tuple[str, list[tuple[str, str]]]:
    """The log's row selection form: its action and hidden fields."""
    match = re.search(r'<form id="log-selection"([^>]*)>(.*?)</form>', content, re.S)
    assert match, "no row selection form"
    action = attributes(match.group(1))["action"]
    hidden = [
        (attributes(tag)["name"], attributes(tag)["value"])
        for tag in re.findall(r"<input[^>]*>", match.group(2))
    ]
    return action, hidden


def row_radios(content: str) -> dict[int, dict[str, str]]:
    """entry no. → the attributes of its row's selection radio."""
    radios = {}
    for entry_no, row in re.findall(r'<tr data-entry="(\d+)"[^>]*>(.*?)</tr>', content, re.S):
        tag = re.search(r"<input[^>]*data-row-select[^>]*>", row)
        assert tag, f"row {entry_no} has no selection radio"
        radios[int(entry_no)] = attributes(tag.group(0)) | (
            {"disabled": "1"} if " disabled" in tag.group(0) else {}
        )
    return radios


# --- The resume dialog shows the comment lines ---------------------------------------------------


def test_the_resume_dialog_lists_the_comment_lines_read_only(w: Any, client_for: Any) -> None:
    draft = create(w, postpone=True, comments=["Called twice, no answer", "Try on Monday"])
    url = f"/interactions/postponed/{draft.entry_no}/resume/"
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "dialog-host"}):
        content = client_for(w.mila).get(url, **headers).content.decode()
        section = re.search(
            r'<section[^>]*data-testid="dialog-comments".*?</section>', content, re.S
        )
        assert section, headers
        text = section.group(0)
        assert re.findall(r'<tr data-line="(\d+)">', text) == ["1", "2"]
        assert "Called twice, no answer" in text and "Try on Monday" in text
        assert "<input" not in text and "<textarea" not in text  # read-only
        assert f'href="/interactions/{draft.entry_no}/comments/"' in text
        assert "Edit comments" in text


def test_the_resume_dialog_without_comments_offers_to_add_one(w: Any, client_for: Any) -> None:
    draft = create(w, postpone=True)
    content = (
        client_for(w.mila).get(f"/interactions/postponed/{draft.entry_no}/resume/").content
    ).decode()
    assert "No comments." in content
    assert re.search(
        rf'<a href="/interactions/{draft.entry_no}/comments/"[^>]*>Add a comment</a>', content
    )


def test_create_interaction_shows_no_comment_list(w: Any, client_for: Any) -> None:
    content = client_for(w.mila).get("/interactions/new/").content.decode()
    assert 'data-testid="dialog-comments"' not in content


# --- Create interaction from the log takes the selected entry's contact --------------------------


def test_every_log_row_can_be_selected_with_its_contact(w: Any, client_for: Any) -> None:
    first = create(w, contact=w.p1)
    second = create(w, contact=w.p3)
    content = client_for(w.mila).get(LOG).content.decode()
    radios = row_radios(content)
    assert {no: radio["value"] for no, radio in radios.items()} == {
        second.entry_no: "P3",
        first.entry_no: "P1",
    }
    for radio in radios.values():
        assert radio["type"] == "radio" and radio["name"] == "contact_no"
        assert radio["form"] == "log-selection"
        assert radio["aria-label"].startswith("Select entry ")
    assert 'form="log-selection"' in content.split("<table")[0]  # the toolbar's button


def test_create_interaction_takes_the_selected_entrys_contact(w: Any, client_for: Any) -> None:
    create(w, contact=w.p1)
    chosen = create(w, contact=w.p3)
    mila = client_for(w.mila)
    content = mila.get(LOG, {"salesperson_code": "MV"}).content.decode()
    content = mila.get(LOG).content.decode()
    action, hidden = selection_form(content)
    assert action == "/interactions/new/"
    assert hidden == [("next", LOG)]
    # What the browser sends: the hidden fields, then the selected row's radio.
    selected = row_radios(content)[chosen.entry_no]["value"]
    dialog = mila.get(f"{action}?{urlencode([*hidden, ('contact_no', selected)])}")
    assert dialog.status_code == 200
    form = dialog.context["form"]
    assert form.fields["contact"].disabled
    assert form["contact"].value() == "P3 – Carla"
    # Nothing selected: the dialog opens without a contact, as before.
    dialog = mila.get(f"{action}?{urlencode(hidden)}")
    assert not dialog.context["form"].fields["contact"].disabled


def test_the_selected_row_wins_over_the_contact_filter(w: Any, client_for: Any) -> None:
    entry = create(w, contact=w.p1)
    mila = client_for(w.mila)
    content = mila.get(LOG, {"company_no": "CO1"}).content.decode()
    action, hidden = selection_form(content)
    assert ("company_no", "CO1") in hidden
    selected = row_radios(content)[entry.entry_no]["value"]
    dialog = mila.get(f"{action}?{urlencode([*hidden, ('contact_no', selected)])}")
    assert dialog.context["form"]["contact"].value() == "P1 – Anna"


def test_an_entry_without_contact_cannot_be_selected(w: Any, client_for: Any) -> None:
    from rapport.interactions.models import InteractionLogEntry

    entry = create(w, contact=w.p3)
    InteractionLogEntry.objects.filter(pk=entry.pk).update(contact=None)
    radio = row_radios(client_for(w.mila).get(LOG).content.decode())[entry.entry_no]
    assert radio["value"] == "" and radio.get("disabled") == "1"


def test_read_only_users_get_no_selection_and_no_create(w: Any, client_for: Any) -> None:
    create(w, contact=w.p3)
    content = client_for(w.reader).get(LOG).content.decode()
    assert "data-row-select" not in content
    assert 'id="log-selection"' not in content
    assert 'data-testid="create-interaction"' not in content


# --- The entry's card has Create interaction for its contact -------------------------------------


def card_actions(response: Any) -> dict[str, Any]:
    return {str(action.label): action for action in response.context["actions"]}


def test_the_entry_card_creates_an_interaction_for_its_contact(w: Any, client_for: Any) -> None:
    entry = create(w, contact=w.p3, salesperson="MV")
    card = f"/interactions/{entry.entry_no}/"
    response = client_for(w.mila).get(card)
    action = card_actions(response)["Create interaction"]
    assert (
        action.url
        == "/interactions/new/?contact_no=P3&next=%2Finteractions%2F" + str(entry.entry_no) + "%2F"
    )
    assert action.dialog is True
    assert f'href="{html.escape(action.url)}" data-dialog' in response.content.decode()
    dialog = client_for(w.mila).get(action.url)
    assert dialog.context["form"].fields["contact"].disabled
    assert dialog.context["form"]["contact"].value() == "P3 – Carla"
    assert dialog.context["cancel_url"] == card
    # A salesperson may create their own interaction with that contact from another's entry,
    # but gets none of the change actions.
    sven_actions = card_actions(client_for(w.sven).get(card))
    assert list(sven_actions) == ["Create interaction"]
    # A read-only user: no actions at all.
    assert card_actions(client_for(w.reader).get(card)) == {}


def test_an_entry_without_contact_has_no_create_interaction(w: Any, client_for: Any) -> None:
    from rapport.interactions.models import InteractionLogEntry

    entry = create(w, contact=w.p3)
    InteractionLogEntry.objects.filter(pk=entry.pk).update(contact=None, contact_company=None)
    actions = card_actions(client_for(w.mila).get(f"/interactions/{entry.entry_no}/"))
    assert "Create interaction" not in actions
    assert "Evaluate" in actions
