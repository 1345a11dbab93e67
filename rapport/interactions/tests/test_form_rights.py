"""One visibility rule on the pages (issue 8, point 5): a form about an interaction (resume,
comments, comment edit/delete, evaluate, delete postponed) opens only for a user who may change
the entry (`may_change_entry`), on GET as on POST. Another salesperson's postponed draft, which
the postponed list hides (`postponed_visible_to`), answers 404; another salesperson's logged
entry, which the log shows, answers 403. The owner, marketing and the administrator still get
the forms, and no link or button to a refused form is shown."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from rapport.core.services import user_update_preferences
from rapport.interactions import services
from rapport.interactions.tests.conftest import log_snapshot

pytestmark = pytest.mark.django_db

WORK_DATE = datetime.date(2026, 3, 16)


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
    kwargs.setdefault("comments", ["First line"])
    return services.interaction_create(**kwargs)


def logged_forms(no: int) -> list[str]:
    return [
        f"/interactions/{no}/evaluate/",
        f"/interactions/{no}/comments/",
        f"/interactions/{no}/comments/1/edit/",
        f"/interactions/{no}/comments/1/delete/",
    ]


def postponed_forms(no: int) -> list[str]:
    return [
        f"/interactions/postponed/{no}/resume/",
        f"/interactions/postponed/{no}/delete/",
        f"/interactions/{no}/comments/",
        f"/interactions/{no}/comments/1/edit/",
        f"/interactions/{no}/comments/1/delete/",
    ]


def test_another_salespersons_logged_entry_forms_answer_403(w: Any, client_for: Any) -> None:
    theirs = create(w, salesperson="MV")
    sven = client_for(w.sven)
    before = log_snapshot()
    for url in logged_forms(theirs.entry_no):
        response = sven.get(url)
        assert response.status_code == 403, url
        assert "belongs to another salesperson" in response.content.decode(), url
        assert sven.post(url, {"evaluation": "negative", "comment": "x"}).status_code == 403, url
    assert log_snapshot() == before


def test_another_salespersons_draft_forms_answer_404(w: Any, client_for: Any) -> None:
    theirs = create(w, salesperson="MV", postpone=True)
    own_without_salesperson = create(w, actor=w.mila, salesperson="", postpone=True)
    sven = client_for(w.sven)
    before = log_snapshot()
    for entry in (theirs, own_without_salesperson):
        for url in postponed_forms(entry.entry_no):
            assert sven.get(url).status_code == 404, url
            assert sven.post(url, {"comment": "x", "action": "postpone"}).status_code == 404, url
    assert log_snapshot() == before


def test_the_owner_marketing_and_the_administrator_get_the_forms(w: Any, client_for: Any) -> None:
    own = create(w, actor=w.sven, salesperson="SJ")
    own_draft = create(w, actor=w.sven, salesperson="SJ", postpone=True)
    own_draft_without_salesperson = create(w, actor=w.sven, salesperson="", postpone=True)
    for user in (w.sven, w.mila, w.admin):
        client = client_for(user)
        for url in logged_forms(own.entry_no):
            assert client.get(url).status_code == 200, (user.username, url)
        for draft in (own_draft, own_draft_without_salesperson):
            if user is w.mila and draft is own_draft_without_salesperson:
                continue  # marketing sees it too, checked below
            for url in postponed_forms(draft.entry_no):
                assert client.get(url).status_code == 200, (user.username, url)
    mila = client_for(w.mila)
    for url in postponed_forms(own_draft_without_salesperson.entry_no):
        assert mila.get(url).status_code == 200, url


def test_the_owner_can_still_submit(w: Any, client_for: Any) -> None:
    own = create(w, actor=w.sven, salesperson="SJ")
    sven = client_for(w.sven)
    response = sven.post(f"/interactions/{own.entry_no}/evaluate/", {"evaluation": "positive"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.evaluation == "positive"
    draft = create(w, actor=w.sven, salesperson="SJ", postpone=True)
    assert sven.post(f"/interactions/postponed/{draft.entry_no}/delete/").status_code == 302
    assert not type(draft).objects.filter(pk=draft.pk).exists()


def test_no_link_to_a_refused_form_is_shown(w: Any, client_for: Any) -> None:
    theirs = create(w, salesperson="MV")
    theirs_draft = create(w, salesperson="MV", postpone=True)
    own = create(w, actor=w.sven, salesperson="SJ")
    sven = client_for(w.sven)
    card = sven.get(f"/interactions/{theirs.entry_no}/").content.decode()
    assert f"/interactions/{theirs.entry_no}/evaluate/" not in card
    assert f"/interactions/{theirs.entry_no}/comments/" not in card
    assert f"/interactions/{theirs.entry_no}/cancel/" not in card
    own_card = sven.get(f"/interactions/{own.entry_no}/").content.decode()
    assert f"/interactions/{own.entry_no}/evaluate/" in own_card
    assert f"/interactions/{own.entry_no}/comments/" in own_card
    postponed = sven.get("/interactions/postponed/").content.decode()
    assert f"/interactions/postponed/{theirs_draft.entry_no}/" not in postponed
    admin_postponed = client_for(w.admin).get("/interactions/postponed/").content.decode()
    assert f"/interactions/postponed/{theirs_draft.entry_no}/resume/" in admin_postponed
    assert f"/interactions/postponed/{theirs_draft.entry_no}/delete/" in admin_postponed
    # A read-only user sees the card without any change action.
    reader_card = client_for(w.reader).get(f"/interactions/{own.entry_no}/").content.decode()
    assert f"/interactions/{own.entry_no}/evaluate/" not in reader_card


def test_cancel_and_uncancel_have_no_form_to_open(w: Any, client_for: Any) -> None:
    theirs = create(w, salesperson="MV")
    sven = client_for(w.sven)
    for url in (
        f"/interactions/{theirs.entry_no}/cancel/",
        f"/interactions/{theirs.entry_no}/uncancel/",
    ):
        assert sven.get(url).status_code == 405, url
