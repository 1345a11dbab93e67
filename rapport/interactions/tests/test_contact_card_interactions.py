"""What interactions shows on the contact card (registered by `rapport.interactions.cards`):
the statistics panel, the timeline (a company's includes its persons'), the interaction
actions; and on the salesperson card. The contact page with 10,000 interactions renders with
the same number of queries as with 10."""

from __future__ import annotations

import datetime
import re
import time
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.interactions import services
from rapport.interactions.tests import conftest as interaction_fixtures
from rapport.interactions.tests.bulk import bulk_log_entries
from rapport.interactions.views.statistics import url_with_query

pytestmark = pytest.mark.django_db

# The interaction tests' world (salespeople, company CO1 with persons P1 and P2, person P3,
# templates CALL and NEWS, campaign CP1) and the fixtures it needs.
world = interaction_fixtures.world
languages = interaction_fixtures.languages
group = interaction_fixtures.group
make_template = interaction_fixtures.make_template
attachments = interaction_fixtures.attachments

D = datetime.date


def log(w, **kwargs):
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.company)
    kwargs.setdefault("template", w.call)
    return services.interaction_create(**kwargs)


def timeline_rows(html: str) -> list[str]:
    return re.findall(r'<tr data-entry="(\d+)"', html.split('data-testid="timeline"', 1)[-1])


def test_the_timeline_is_newest_first_and_a_company_shows_its_persons(admin_client, world):
    w = world
    first = log(w, date=D(2026, 1, 10), description="Kick-off")
    second = log(
        w, contact=w.p2, date=D(2026, 2, 1), description="Follow <up>", evaluation="positive"
    )
    canceled = log(w, contact=w.p2, date=D(2026, 3, 1), description="Oops")
    services.interaction_cancel(actor=w.admin, entry=canceled)
    log(w, contact=w.p2, date=D(2026, 4, 1), postpone=True)  # never on the timeline
    failed = log(w, contact=w.p3, date=D(2026, 2, 2), successful=False)

    html = admin_client.get("/contacts/CO1/").content.decode()
    rows = timeline_rows(html)
    assert rows == [str(canceled.entry_no), str(second.entry_no), str(first.entry_no)]
    assert "Follow &lt;up&gt;" in html and "Follow <up>" not in html
    assert '<a href="/contacts/P2/">Bram</a>' in html  # which person
    assert "<s>Oops</s>" in html and "Canceled</span>" in html
    entry_url = url_with_query("interactions:entry-detail", args=[second.entry_no])
    if entry_url:
        assert f'href="{entry_url}"' in html
    log_url = url_with_query("interactions:log-list", query={"company_no": "CO1"})
    if log_url:
        assert f'href="{escape(log_url)}" data-testid="timeline-log"' in html
        assert "Show all in the interaction log" in html
    assert "Positive" in html

    person = admin_client.get("/contacts/P3/").content.decode()
    assert timeline_rows(person) == [str(failed.entry_no)]
    assert "Attempt failed</span>" in person
    assert ">Person</th>" not in person  # a person's own timeline has no person column
    log_url = url_with_query("interactions:log-list", query={"contact_no": "P3"})
    if log_url:
        assert escape(log_url) in person


def test_the_timeline_shows_the_latest_25(admin_client, world):
    bulk_log_entries(world, 30)
    html = admin_client.get("/contacts/CO1/").content.decode()
    assert len(timeline_rows(html)) == 25
    assert 'data-testid="timeline-more"' in html


def test_an_empty_timeline_says_so(admin_client, world):
    html = admin_client.get("/contacts/P1/").content.decode()
    assert 'data-testid="timeline-empty"' in html


def test_the_contact_actions(admin_client, client_for, world):
    html = admin_client.get("/contacts/CO1/").content.decode()
    expected = [
        url_with_query(
            "interactions:interaction-create",
            query={"contact_no": "CO1", "next": "/contacts/CO1/"},
        ),
        url_with_query("interactions:postponed-list", query={"contact_no": "CO1"}),
        url_with_query("interactions:log-list", query={"company_no": "CO1"}),
        "/interactions/statistics/contact/CO1/",
    ]
    for url in filter(None, expected):
        assert f'href="{escape(url)}"' in html, url
    # A read-only user sees the lists but cannot create an interaction.
    reader = client_for(world.reader).get("/contacts/CO1/").content.decode()
    assert "Create interaction" not in reader
    assert "/interactions/statistics/contact/CO1/" in reader


def test_the_salesperson_card(admin_client, client_for, world):
    w = world
    log(w, date=D(2026, 1, 10), salesperson=w.pb, cost="4.00")
    response = admin_client.get("/salespeople/PB/")
    html = response.content.decode()
    assert '<dd class="col-5 text-end" data-figure="cost">4.00</dd>' in html
    expected = [
        url_with_query(
            "interactions:interaction-create",
            query={"salesperson_code": "PB", "next": "/salespeople/PB/"},
        ),
        url_with_query("interactions:postponed-list", query={"salesperson_code": "PB"}),
        url_with_query("interactions:log-list", query={"salesperson_code": "PB"}),
        "/interactions/statistics/salesperson/PB/",
    ]
    for url in filter(None, expected):
        assert f'href="{escape(url)}"' in html, url
    reader = client_for(w.reader).get("/salespeople/PB/").content.decode()
    assert "Create interaction" not in reader and "/salespeople/PB/edit/" not in reader


def _render(client) -> tuple[int, float, str]:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/contacts/CO1/")
    assert response.status_code == 200
    return len(queries), time.perf_counter() - started, response.content.decode()


def test_the_contact_page_with_10000_interactions_takes_as_many_queries_as_with_10(
    admin_client, world
):
    bulk_log_entries(world, 10)
    few, _few_time, html = _render(admin_client)
    assert len(timeline_rows(html)) == 10
    bulk_log_entries(world, 9_990)
    many, many_time, html = _render(admin_client)
    assert len(timeline_rows(html)) == 25
    print(f"queries: {few} with 10 interactions, {many} with 10,000 ({many_time:.2f}s)")
    assert many == few
    # 9,000 counted (one in ten canceled) at 1.50 each.
    assert 'data-figure="no_of_interactions">9,000<' in html
    assert 'data-figure="cost">13,500.00<' in html
    assert many_time < 5, f"the page took {many_time:.2f}s"


def toolbar(html: str) -> list[tuple[str, str]]:
    """The card's action bar: (label, URL) of each button, in order."""
    bar = html.split('role="toolbar"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="([^"]+)"[^>]*>(?:<i [^>]*></i> )?([^<]+)</a>', bar)


def test_the_cards_actions_and_panels_in_order(admin_client, client_for, world):
    html = admin_client.get("/contacts/CO1/").content.decode()
    assert [label for _url, label in toolbar(html)] == [
        "Edit",
        "New person",
        "Create interaction",
        "Postponed interactions",
        "Interaction log",
        "Statistics",
        "Changes",  # the audit trail's action (administrators)
        "Delete",
    ]
    assert (
        'href="/interactions/new/?contact_no=CO1&amp;next=%2Fcontacts%2FCO1%2F" data-dialog' in html
    )
    positions = [
        html.index(marker)
        for marker in (
            'data-testid="contact-subtitle"',
            'id="statistics"',
            'class="card-section" open>',
            'id="interactions"',
            'id="profile"',
        )
    ]
    assert positions == sorted(positions)
    assert html.count("interactions/statistics-chart.js") == 1
    reader = client_for(world.reader).get("/contacts/CO1/").content.decode()
    assert [label for _url, label in toolbar(reader)] == [
        "Postponed interactions",
        "Interaction log",
        "Statistics",
    ]
    salesperson = admin_client.get("/salespeople/PB/").content.decode()
    assert toolbar(salesperson) == [
        ("/salespeople/PB/edit/", "Edit"),
        (
            "/interactions/new/?salesperson_code=PB&amp;next=%2Fsalespeople%2FPB%2F",
            "Create interaction",
        ),
        ("/interactions/postponed/?salesperson_code=PB", "Postponed interactions"),
        ("/interactions/?salesperson_code=PB", "Interaction log"),
        ("/interactions/statistics/salesperson/PB/", "Statistics"),
        ("/audit-trail/?object_type=salesperson&amp;object_key=PB", "Changes"),
        ("/salespeople/PB/delete/", "Delete"),
    ]
    assert salesperson.index('class="card-section"') < salesperson.index('id="statistics"')
    assert salesperson.count("interactions/statistics-chart.js") == 1
