"""The interaction log pages (reference 2.7): Interaction log entries (filters, search, sort,
per-row cancel / un-cancel), the entry's card, cancel / un-cancel, evaluate, comments, Delete
Interaction log entries, and the "Interactions this month" tile."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.core.services import user_update_preferences
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry, InteractionLogEntryComment
from rapport.interactions.services import campaign_entry_cancel

from .conftest import log_snapshot

pytestmark = pytest.mark.django_db

WORK_DATE = datetime.date(2026, 3, 16)
LOG = "/interactions/"


@pytest.fixture
def w(world):
    for user in (world.admin, world.mila, world.sven, world.reader):
        user_update_preferences(user=user, work_date=WORK_DATE)
    return world


def log(w, **kwargs):
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.company)
    kwargs.setdefault("template", w.call)
    if kwargs["template"] == w.call:
        kwargs.setdefault("correspondence_type", "")  # a phone call: no e-mail to send
    return services.interaction_create(**kwargs)


def entry_nos(response) -> list[int]:
    """The entry numbers of the rows of a list page, in order."""
    return [int(no) for no in re.findall(r'<tr data-entry="(\d+)"', response.content.decode())]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- The list ----------------------------------------------------------------------------------


def test_log_lists_logged_entries_newest_first_never_postponed(w, client_for) -> None:
    first = log(w, description="First call")
    second = log(w, contact=w.p3, description="Second call")
    draft = log(w, description="Draft call", postpone=True)
    response = client_for(w.reader).get(LOG)
    assert response.status_code == 200
    assert entry_nos(response) == [second.entry_no, first.entry_no]
    content = response.content.decode()
    assert "Interaction log entries" in content
    assert "Draft call" not in content
    assert draft.entry_no not in entry_nos(response)
    # A read-only user sees no change buttons and no batch delete.
    assert "entry-cancel" not in content and "/cancel/" not in content
    assert "delete-canceled" not in content


def test_filters_use_the_api_names(w, admin_client) -> None:
    a = log(w, contact=w.p1, description="Anna call")
    b = log(w, contact=w.p3, description="Carla call", salesperson="MV")
    c = log(w, contact=w.p2, template=w.news, description="News to Bram")
    d = log(w, contact=w.p3, description="Old call", date=datetime.date(2026, 1, 5))
    services.interaction_cancel(actor=w.admin, entry=d)

    def nos(**params):
        response = admin_client.get(LOG, params)
        assert response.status_code == 200
        return entry_nos(response)

    assert nos(contact_no="p1") == [a.entry_no]
    assert nos(company_no="CO1") == [c.entry_no, a.entry_no]
    assert nos(salesperson_code="MV") == [b.entry_no]
    assert nos(template_code="NEWS") == [c.entry_no]
    assert nos(group_code="PHONE") == [d.entry_no, b.entry_no, a.entry_no]
    assert nos(campaign_no="CP1") == [c.entry_no]
    assert nos(date_to="2026-02-01") == [d.entry_no]
    assert nos(date_from="2026-02-01") == [c.entry_no, b.entry_no, a.entry_no]
    assert nos(canceled="yes") == [d.entry_no]
    assert nos(canceled="no") == [c.entry_no, b.entry_no, a.entry_no]
    assert nos(canceled="") == [d.entry_no, c.entry_no, b.entry_no, a.entry_no]
    assert nos(q="carla") == [d.entry_no, b.entry_no]  # search: the contact's name
    assert nos(q="news") == [c.entry_no]  # and the description
    assert nos(sort="entry_no") == [a.entry_no, b.entry_no, c.entry_no, d.entry_no]
    assert nos(sort="-date")[-1] == d.entry_no


def test_unknown_codes_and_bad_dates_are_field_errors(w, admin_client) -> None:
    log(w)
    response = admin_client.get(LOG, {"contact_no": "NOPE", "date_from": "soon"})
    assert response.status_code == 200
    form = response.context["filter_form"]
    assert form.errors["contact_no"] == ["There is no contact NOPE."]
    assert "date_from" in form.errors
    assert entry_nos(response) == []
    assert "There is no contact NOPE." in response.content.decode()
    response = admin_client.get(LOG, {"date_from": "2026-03-20", "date_to": "2026-03-01"})
    assert response.context["filter_form"].errors["date_to"]


def test_a_canceled_entry_has_a_badge_and_an_uncancel_button(w, admin_client) -> None:
    entry = log(w, successful=False)
    services.interaction_cancel(actor=w.admin, entry=entry)
    content = admin_client.get(LOG).content.decode()
    assert "badge text-bg-secondary" in content and "Canceled" in content
    assert "Attempt failed" in content
    assert f'action="/interactions/{entry.entry_no}/uncancel/"' in content
    assert f'action="/interactions/{entry.entry_no}/cancel/"' not in content


def test_action_bar_passes_the_filters_on(w, admin_client) -> None:
    log(w, contact=w.p1)
    response = admin_client.get(LOG, {"contact_no": "P1", "salesperson_code": "PB"})
    context = response.context
    assert context["postponed_url"] == "/interactions/postponed/?contact_no=P1&salesperson_code=PB"
    assert context["delete_canceled_url"] == (
        "/interactions/delete-canceled/?contact_no=P1&salesperson_code=PB"
    )
    create = reverse("interactions:interaction-create")
    assert context["create_url"] == (
        create + "?contact_no=P1&salesperson_code=PB&next=%2Finteractions%2F%3Fcontact_no%3DP1"
        "%26salesperson_code%3DPB"
    )


def test_the_list_query_count_does_not_grow_with_the_rows(w, admin_client, client_for) -> None:
    for _ in range(3):
        log(w)
    sven = client_for(w.sven)

    def count(client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LOG).status_code == 200
        return len(queries)

    few_admin, few_sven = count(admin_client), count(sven)
    for index in range(22):
        entry = log(
            w, contact=w.p3 if index % 2 else w.p1, template=w.news if index % 3 else w.call
        )
        if index % 4 == 0:
            services.interaction_cancel(actor=w.admin, entry=entry)
    assert InteractionLogEntry.objects.count() == 25
    assert count(admin_client) == few_admin
    assert count(sven) == few_sven


def test_the_list_refreshes_its_table_with_htmx(w, admin_client) -> None:
    entry = log(w, description="Htmx call")
    response = admin_client.get(
        LOG, {"q": "htmx"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table"
    )
    content = response.content.decode()
    assert "<html" not in content
    assert f'data-entry="{entry.entry_no}"' in content
    assert "csrfmiddlewaretoken" in content  # the row buttons still post


def test_user_text_is_escaped(w, admin_client) -> None:
    log(w, description="<script>alert(1)</script>")
    content = admin_client.get(LOG).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# --- The card ----------------------------------------------------------------------------------


def test_the_card_shows_the_entry(w, client_for) -> None:
    entry = log(w, contact=w.p1, template=w.news, evaluation="positive", comments=["Called back"])
    response = client_for(w.reader).get(f"/interactions/{entry.entry_no}/")
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Newsletter", "Anna", "Acme", "CP1", "Positive", "Called back", "General"):
        assert text in content, text
    assert 'id="section-campaign"' in content
    assert "Cancel interaction" not in content  # read-only: no actions


def test_the_card_of_a_postponed_entry_is_not_found(w, admin_client) -> None:
    draft = log(w, postpone=True)
    assert admin_client.get(f"/interactions/{draft.entry_no}/").status_code == 404
    assert admin_client.get("/interactions/999/").status_code == 404


def test_the_card_offers_cancel_then_uncancel(w, admin_client) -> None:
    entry = log(w)
    content = admin_client.get(f"/interactions/{entry.entry_no}/").content.decode()
    assert f'action="/interactions/{entry.entry_no}/cancel/"' in content
    assert "data-confirm" in content
    services.interaction_cancel(actor=w.admin, entry=entry)
    content = admin_client.get(f"/interactions/{entry.entry_no}/").content.decode()
    assert f'action="/interactions/{entry.entry_no}/uncancel/"' in content
    assert "badge fs-6 text-bg-secondary" in content


# --- Cancel and un-cancel ----------------------------------------------------------------------


def test_cancel_and_uncancel(w, admin_client) -> None:
    entry = log(w)
    other = log(w)
    response = admin_client.post(f"/interactions/{entry.entry_no}/cancel/", follow=True)
    assert response.redirect_chain[0][0] == f"/interactions/{entry.entry_no}/"
    assert f"Interaction {entry.entry_no} was canceled." in messages_of(response)
    assert list(InteractionLogEntry.objects.filter(canceled=True)) == [entry]
    back = f"{LOG}?canceled=yes"
    response = admin_client.post(f"/interactions/{entry.entry_no}/uncancel/", {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert not InteractionLogEntry.objects.filter(canceled=True).exists()
    other.refresh_from_db()
    assert other.canceled is False


def test_next_must_stay_on_the_site(w, admin_client) -> None:
    entry = log(w)
    response = admin_client.post(
        f"/interactions/{entry.entry_no}/cancel/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/interactions/{entry.entry_no}/"


def test_uncancel_refused_while_the_campaign_entry_is_canceled(w, admin_client) -> None:
    entry = log(w, contact=w.p1, template=w.news)
    campaign_entry_cancel(actor=w.mila, entry=entry.campaign_entry)
    before = log_snapshot()
    response = admin_client.post(f"/interactions/{entry.entry_no}/uncancel/", follow=True)
    assert response.status_code == 200
    assert any("cannot be un-canceled" in message for message in messages_of(response))
    assert log_snapshot() == before


def test_a_postponed_entry_cannot_be_canceled(w, admin_client) -> None:
    draft = log(w, postpone=True)
    before = log_snapshot()
    response = admin_client.post(f"/interactions/{draft.entry_no}/cancel/", follow=True)
    assert response.redirect_chain[0][0] == "/interactions/postponed/"
    assert any("postponed" in message for message in messages_of(response))
    assert log_snapshot() == before


def test_read_only_users_may_not_change(w, client_for) -> None:
    entry = log(w, comments=["Hello"])
    client = client_for(w.reader)
    before = log_snapshot()
    for url in (
        f"/interactions/{entry.entry_no}/cancel/",
        f"/interactions/{entry.entry_no}/uncancel/",
        f"/interactions/{entry.entry_no}/evaluate/",
        f"/interactions/{entry.entry_no}/comments/",
        f"/interactions/{entry.entry_no}/comments/1/edit/",
        f"/interactions/{entry.entry_no}/comments/1/delete/",
        "/interactions/delete-canceled/",
    ):
        assert client.post(url, {"evaluation": "negative", "comment": "x"}).status_code == 403
    assert log_snapshot() == before


def test_a_salesperson_is_refused_another_salespersons_entry(w, client_for) -> None:
    theirs = log(w, salesperson="MV")
    own = log(w, salesperson="SJ")
    sven = client_for(w.sven)
    content = sven.get(LOG).content.decode()
    assert f'action="/interactions/{own.entry_no}/cancel/"' in content
    assert f'action="/interactions/{theirs.entry_no}/cancel/"' not in content
    before = log_snapshot()
    response = sven.post(f"/interactions/{theirs.entry_no}/cancel/", follow=True)
    assert response.status_code == 200
    assert f"Interaction {theirs.entry_no} belongs to another salesperson" in "".join(
        messages_of(response)
    )
    assert log_snapshot() == before
    sven.post(f"/interactions/{own.entry_no}/cancel/")
    own.refresh_from_db()
    assert own.canceled is True


# --- Evaluate ----------------------------------------------------------------------------------


def test_evaluate(w, admin_client) -> None:
    entry = log(w)
    url = f"/interactions/{entry.entry_no}/evaluate/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Very positive" in response.content.decode() or "Very Positive" in (
        response.content.decode()
    )
    response = admin_client.post(url, {"evaluation": "negative"})
    assert (
        response.status_code == 302 and response["Location"] == f"/interactions/{entry.entry_no}/"
    )
    entry.refresh_from_db()
    assert entry.evaluation == "negative"
    admin_client.post(url + f"?next={LOG}", {"evaluation": ""})
    entry.refresh_from_db()
    assert entry.evaluation == ""


def test_evaluate_refuses_a_bad_value_and_a_postponed_entry(w, admin_client) -> None:
    entry = log(w)
    draft = log(w, postpone=True)
    before = log_snapshot()
    response = admin_client.post(f"/interactions/{entry.entry_no}/evaluate/", {"evaluation": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["evaluation"]
    assert admin_client.get(f"/interactions/{draft.entry_no}/evaluate/").status_code == 404
    assert log_snapshot() == before


# --- Comments ----------------------------------------------------------------------------------


def test_comments_add_edit_delete(w, client_for) -> None:
    admin_client = client_for(w.admin)  # working on WORK_DATE
    entry = log(w)
    url = f"/interactions/{entry.entry_no}/comments/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"comment": "First line", "date": ""})
    assert response.status_code == 302 and response["Location"] == url
    admin_client.post(url, {"comment": "Second line", "date": "2026-03-01"})
    lines = list(InteractionLogEntryComment.objects.filter(entry=entry).order_by("line_no"))
    assert [(line.line_no, line.date, line.comment) for line in lines] == [
        (1, WORK_DATE, "First line"),
        (2, datetime.date(2026, 3, 1), "Second line"),
    ]
    content = admin_client.get(url).content.decode()
    assert "First line" in content and "Second line" in content

    edit = f"{url}2/edit/"
    assert admin_client.get(edit).status_code == 200
    response = admin_client.post(edit, {"comment": "Changed", "date": "2026-03-02"})
    assert response["Location"] == url
    lines[1].refresh_from_db()
    assert (lines[1].date, lines[1].comment) == (datetime.date(2026, 3, 2), "Changed")

    delete = f"{url}1/delete/"
    assert "Delete comment line 1 of interaction" in admin_client.get(delete).content.decode()
    response = admin_client.post(delete)
    assert response["Location"] == url
    remaining = InteractionLogEntryComment.objects.filter(entry=entry)
    assert [(line.line_no, line.comment) for line in remaining] == [(2, "Changed")]
    assert admin_client.get(f"{url}1/edit/").status_code == 404


def test_a_blank_comment_is_a_field_error(w, admin_client) -> None:
    entry = log(w)
    before = log_snapshot()
    response = admin_client.post(f"/interactions/{entry.entry_no}/comments/", {"comment": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    assert log_snapshot() == before


# --- Delete canceled entries -------------------------------------------------------------------


def test_delete_canceled_previews_then_deletes_only_canceled(w, admin_client) -> None:
    keep = log(w, contact=w.p1)
    gone = log(w, contact=w.p1, comments=["bye"])
    other = log(w, contact=w.p3)
    draft = log(w, contact=w.p1, postpone=True)
    for entry in (gone, other):
        services.interaction_cancel(actor=w.admin, entry=entry)
    url = "/interactions/delete-canceled/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["count"] == 2
    assert "never deleted" in response.content.decode()
    response = admin_client.post(url, {"contact_no": "P1", "preview": "1"})
    assert response.context["count"] == 1
    assert "1 canceled entry matches; it will be deleted." in response.content.decode()
    signature = response.context["signature"]
    assert InteractionLogEntry.objects.count() == 4  # a preview deletes nothing
    response = admin_client.post(
        url, {"contact_no": "P1", "confirm": "1", "previewed": signature}, follow=True
    )
    assert response.redirect_chain[0][0] == LOG
    assert "1 interaction log entry was deleted." in messages_of(response)
    assert set(InteractionLogEntry.objects.values_list("entry_no", flat=True)) == {
        keep.entry_no,
        other.entry_no,
        draft.entry_no,
    }
    assert not InteractionLogEntryComment.objects.filter(entry_id=gone.pk).exists()


def test_delete_canceled_with_changed_filters_previews_again(w, admin_client) -> None:
    services.interaction_cancel(actor=w.admin, entry=log(w, contact=w.p1))
    services.interaction_cancel(actor=w.admin, entry=log(w, contact=w.p3))
    before = log_snapshot()
    response = admin_client.post(
        "/interactions/delete-canceled/",
        {"contact_no": "", "confirm": "1", "previewed": "contact_no=P1"},
    )
    assert response.status_code == 200
    assert response.context["count"] == 2
    assert log_snapshot() == before


def test_delete_canceled_on_nothing_deletes_nothing(w, admin_client) -> None:
    log(w)
    log(w, postpone=True)
    before = log_snapshot()
    url = "/interactions/delete-canceled/"
    response = admin_client.get(url)
    assert response.context["count"] == 0
    assert "nothing to delete" in response.content.decode()
    response = admin_client.post(url, {"confirm": "1", "previewed": ""}, follow=True)
    assert "0 interaction log entries were deleted." in messages_of(response)
    assert log_snapshot() == before


def test_delete_canceled_refuses_unknown_codes(w, admin_client) -> None:
    services.interaction_cancel(actor=w.admin, entry=log(w))
    before = log_snapshot()
    response = admin_client.post(
        "/interactions/delete-canceled/",
        {"template_code": "nope", "confirm": "1", "previewed": "template_code=NOPE"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["template_code"] == [
        "There is no interaction template NOPE."
    ]
    assert log_snapshot() == before


def test_a_salesperson_deletes_only_their_own_canceled_entries(w, client_for) -> None:
    own = log(w, salesperson="SJ")
    theirs = log(w, salesperson="MV")
    for entry in (own, theirs):
        services.interaction_cancel(actor=w.admin, entry=entry)
    sven = client_for(w.sven)
    response = sven.get("/interactions/delete-canceled/")
    assert response.context["count"] == 1
    sven.post(
        "/interactions/delete-canceled/",
        {"confirm": "1", "previewed": response.context["signature"]},
    )
    assert list(InteractionLogEntry.objects.values_list("entry_no", flat=True)) == [theirs.entry_no]


# --- The Role Center ---------------------------------------------------------------------------


def test_the_interactions_this_month_tile(w, client_for) -> None:
    log(w, date=WORK_DATE)
    log(w, date=datetime.date(2026, 3, 1))
    log(w, date=datetime.date(2026, 2, 28))
    services.interaction_cancel(actor=w.admin, entry=log(w, date=WORK_DATE))
    log(w, postpone=True)
    client = client_for(w.reader)
    tiles = {tile["label"]: tile for tile in client.get("/").context["tiles"]}
    tile = tiles["Interactions this month"]
    assert tile["count"] == 2
    response = client.get(tile["url"])
    assert response.status_code == 302
    assert response["Location"] == (
        "/interactions/?date_from=2026-03-01&date_to=2026-03-31&canceled=no"
    )
    assert len(entry_nos(client.get(response["Location"]))) == 2


def test_blank_options_show_blank_not_a_placeholder(w, admin_client) -> None:
    entry = log(w, evaluation="very_positive")
    plain = log(w)
    content = admin_client.get(LOG).content.decode()
    assert "Very positive" in content or "Very Positive" in content
    assert "(blank)" not in content
    card = admin_client.get(f"/interactions/{plain.entry_no}/").content.decode()
    assert "(blank)" not in card
    assert entry.entry_no != plain.entry_no
