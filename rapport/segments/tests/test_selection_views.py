"""The selection pages: request pages with Preview and OK, Go back with its confirmation, the
criteria actions page, Save/Reuse criteria, Reuse a logged segment, the saved criteria list;
and the `rapport segment-add-contacts` command."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from rapport.cli import main
from rapport.segments import services
from rapport.segments.models import LoggedSegment, SavedSegmentCriteria, SegmentCriteriaAction
from rapport.segments.tests.test_selection import contacts_on, log_entry, snapshot
from rapport.segments.tests.test_selection import w as w

pytestmark = [
    pytest.mark.django_db,
]


@pytest.fixture
def client(client_for: Any, w: Any) -> Any:
    return client_for(w.mila)


@pytest.fixture
def s1(make_segment: Any) -> Any:
    return make_segment("S1")


def test_add_contacts_page_previews_then_runs(client: Any, w: Any, s1: Any) -> None:
    page = client.get("/segments/S1/add-contacts/")
    assert page.status_code == 200
    html = page.content.decode()
    for section in services.SECTIONS:
        assert f'data-section="{section}"' in html
    assert 'name="contact__country_code"' in html and 'name="ignore_exclusion"' in html
    assert "NL|BE" in html  # the syntax help
    data = {"contact__country_code": "NL|BE", "mailing_group__code": "NEWS"}
    before = snapshot()
    preview = client.post("/segments/S1/add-contacts/", {**data, "preview": "1"})
    assert preview.status_code == 200
    assert "2 contacts would be added." in preview.content.decode()
    assert snapshot() == before
    done = client.post("/segments/S1/add-contacts/", {**data, "ok": "1"})
    assert done.status_code == 302
    assert done["Location"] == "/segments/S1/"
    assert contacts_on(s1) == ["P1", "P3"]
    again = client.post("/segments/S1/add-contacts/", {**data, "preview": "1"}, follow=False)
    html = again.content.decode()
    assert "0 contacts would be added." in html
    assert 'data-reason="already_on_segment"' in html and "already on the segment" in html


def test_ok_shows_the_summary_on_the_segment_card(client: Any, s1: Any) -> None:
    response = client.post("/segments/S1/add-contacts/", {"contact__no": "P1|P3"}, follow=True)
    assert response.status_code == 200
    assert "2 contacts added." in response.content.decode()


def test_a_bad_filter_is_shown_next_to_its_field(client: Any, s1: Any) -> None:
    before = snapshot()
    response = client.post("/segments/S1/add-contacts/", {"contact__no": "A..B..C", "ok": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_contact__no_error"' in html
    assert "position" in html
    assert snapshot() == before


def test_reduce_and_refine_pages(client: Any, w: Any, s1: Any) -> None:
    services.segment_add_contacts(actor=w.mila, segment=s1, filters={})
    page = client.get("/segments/S1/reduce-contacts/")
    assert 'name="entire_companies"' in page.content.decode()
    assert 'name="allow_existing"' not in page.content.decode()
    preview = client.post(
        "/segments/S1/reduce-contacts/",
        {"contact__no": "P1", "entire_companies": "on", "preview": "1"},
    )
    assert "3 lines would be removed." in preview.content.decode()
    client.post("/segments/S1/refine-contacts/", {"mailing_group__code": "NEWS"})
    assert contacts_on(s1) == ["P1", "P3"]


def test_go_back_asks_naming_the_action_and_undoes_it(client: Any, w: Any, s1: Any) -> None:
    page = client.get("/segments/S1/go-back/")
    assert "no criteria action to undo" in page.content.decode()
    services.segment_add_contacts(actor=w.mila, segment=s1, filters={})
    page = client.get("/segments/S1/go-back/")
    assert (
        "This will undo the last criteria action (Add contacts: 4 lines added). Continue?"
        in page.content.decode()
    )
    response = client.post("/segments/S1/go-back/", follow=True)
    assert "Undone: Add contacts: 4 lines added" in response.content.decode()
    assert not s1.lines.exists()
    response = client.post("/segments/S1/go-back/", follow=True)
    assert "no criteria action to undo" in response.content.decode()


def test_criteria_actions_page(client: Any, w: Any, s1: Any) -> None:
    services.segment_add_contacts(
        actor=w.mila, segment=s1, filters={"contact": {"no": "P1"}}, expand_companies=True
    )
    html = client.get("/segments/S1/criteria-actions/").content.decode()
    assert 'data-action-no="1"' in html
    assert "Contact: No. = P1" in html and "Expand companies" in html
    assert "/segments/S1/go-back/" in html


def test_save_criteria_page(client: Any, w: Any, s1: Any) -> None:
    response = client.post("/segments/S1/save-criteria/", {"code": "x"})
    assert "no criteria actions to save" in response.content.decode()
    services.segment_add_contacts(actor=w.mila, segment=s1, filters={})
    response = client.post("/segments/S1/save-criteria/", {"code": "all", "description": "All"})
    assert response.status_code == 302
    assert SavedSegmentCriteria.objects.get().code == "ALL"
    listing = client.get("/saved-segment-criteria/").content.decode()
    assert "ALL" in listing


def test_reuse_criteria_asks_when_the_segment_has_actions(
    client: Any, w: Any, s1: Any, make_segment: Any
) -> None:
    services.segment_add_contacts(actor=w.mila, segment=s1, filters={"contact": {"no": "P3"}})
    services.segment_save_criteria(actor=w.mila, segment=s1, code="P3")
    make_segment("S2")
    response = client.post("/segments/S2/reuse-criteria/", {"criteria": "P3"})
    assert response.status_code == 302
    response = client.post("/segments/S1/reuse-criteria/", {"criteria": "P3"})
    assert response.status_code == 200
    assert "already contains 1 criteria actions" in response.content.decode()
    assert SegmentCriteriaAction.objects.filter(segment=s1).count() == 1
    response = client.post("/segments/S1/reuse-criteria/", {"criteria": "P3", "confirm": "on"})
    assert response.status_code == 302
    assert contacts_on(s1) == ["P3"]  # not added twice: allow existing was off


def test_reuse_logged_segment_page(client: Any, w: Any, s1: Any) -> None:
    LoggedSegment.objects.create(
        entry_no=5, segment_no="OLD", creation_date=datetime.date(2026, 1, 1)
    )
    log_entry(w, w.p1, 1, logged_segment_entry_no=5)
    assert "OLD" in client.get("/segments/S1/reuse-logged-segment/").content.decode()
    response = client.post("/segments/S1/reuse-logged-segment/", {"logged_segment": "5"})
    assert response.status_code == 302
    assert contacts_on(s1) == ["P1"]


def test_readers_may_not_open_the_request_pages(client_for: Any, w: Any, s1: Any) -> None:
    reader = client_for(w.reader)
    for suffix in ("add-contacts", "reduce-contacts", "go-back", "save-criteria", "reuse-criteria"):
        assert reader.get(f"/segments/S1/{suffix}/").status_code == 403
    assert reader.get("/segments/S1/criteria-actions/").status_code == 200
    assert reader.post("/segments/S1/go-back/").status_code == 403


def test_unknown_segment_is_404(client: Any) -> None:
    assert client.get("/segments/NOPE/add-contacts/").status_code == 404


# --- rapport segment-add-contacts -------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("segment_add_contacts", *args, stdout=out)
    return out.getvalue().strip()


def test_cli_adds_with_filters_and_options(w: Any, s1: Any) -> None:
    assert run("S1", "--filter", "contact.country_code=NL", "--dry-run") == (
        "Segment S1: 3 contacts would be added. (dry run)"
    )
    assert not s1.lines.exists()
    assert run("s1", "--filter", "mailing_group.code=NEWS", "--filter", "contact.no=P1") == (
        "Segment S1: 1 contacts added."
    )
    assert run("S1", "--filter", "contact.no=P1", "--expand-companies") == (
        "Segment S1: 2 contacts added; 1 skipped: 1 already on the segment."
    )
    action = SegmentCriteriaAction.objects.get(segment=s1, action_no=2)
    assert action.expand_companies and action.created_by is None


def test_cli_refusals_exit_non_zero(w: Any, s1: Any) -> None:
    with pytest.raises(CommandError, match="position"):
        run("S1", "--filter", "contact.no=A..B..C")
    with pytest.raises(CommandError, match=r"SECTION\.FIELD=EXPRESSION"):
        run("S1", "--filter", "country=NL")
    with pytest.raises(CommandError, match="no segment NOPE"):
        run("NOPE")
    with pytest.raises(CommandError, match="does not allow"):
        run("S1", "--user", "sven")
    assert not s1.lines.exists()


def test_cli_dashed_name(w: Any, s1: Any, capsys: Any) -> None:
    assert main(["rapport", "segment-add-contacts", "S1", "--filter", "contact.no=P3"]) == 0
    assert "1 contacts added." in capsys.readouterr().out
