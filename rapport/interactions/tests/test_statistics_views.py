"""The statistics panel on the contact, salesperson, group, template and campaign cards, and
the full statistics page: exact figures, the date filter, the chart's data (reference 2.8;
canceled and postponed interactions are never counted)."""

from __future__ import annotations

import datetime
import json
import re
from html import unescape

import pytest
from django.utils.formats import date_format

from rapport.interactions import services

pytestmark = pytest.mark.django_db

D = datetime.date


def log(w, **kwargs):
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.company)
    kwargs.setdefault("template", w.call)
    return services.interaction_create(**kwargs)


@pytest.fixture
def history(world):
    """The company, its persons and P3 over three months; one canceled, one postponed."""
    w = world
    log(w, date=D(2026, 1, 10), cost="10.00", duration=30)  # company itself
    log(w, contact=w.p2, date=D(2026, 1, 20), successful=False)  # 1.50, 10 min, failed
    log(w, contact=w.p1, template=w.news, date=D(2026, 3, 5))  # 0.10, 2 min, campaign CP1
    log(w, contact=w.p2, date=D(2026, 3, 6), initiated_by="them", cost="2.00")
    canceled = log(w, contact=w.p2, date=D(2026, 4, 1), cost="99.00")
    services.interaction_cancel(actor=w.admin, entry=canceled)
    log(w, contact=w.p2, date=D(2026, 5, 1), cost="50.00", postpone=True)
    log(w, contact=w.p3, date=D(2026, 2, 1), salesperson=w.mv)  # 1.50, 10 min
    return w


def figures(response) -> dict[str, str]:
    assert response.status_code == 200
    html = response.content.decode()
    found = re.findall(r'data-figure="(\w+)">(.*?)</dd>', html, re.S)
    return {name: unescape(re.sub(r"<[^>]+>", "", value)).strip() for name, value in found}


def chart(response, kind: str) -> dict:
    html = response.content.decode()
    match = re.search(
        rf'<script id="statistics-chart-{kind}" type="application/json">(.*?)</script>', html
    )
    assert match, "no chart data"
    return json.loads(match.group(1))


def short(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def test_contact_figures(admin_client, history) -> None:
    assert figures(admin_client.get("/contacts/P2/")) == {
        "no_of_interactions": "2",
        "cost": "3.50",
        "duration": "20",
        "date_of_last_interaction": short(D(2026, 3, 6)),
        "last_date_attempted": short(D(2026, 1, 20)),  # a failed attempt is an attempt
    }


def test_company_figures_include_its_persons(admin_client, history) -> None:
    response = admin_client.get("/contacts/CO1/")
    assert figures(response) == {
        "no_of_interactions": "4",  # not the canceled 99.00 nor the postponed 50.00
        "cost": "13.60",
        "duration": "52",
        "date_of_last_interaction": short(D(2026, 3, 6)),
        "last_date_attempted": short(D(2026, 3, 5)),
    }
    content = response.content.decode()
    assert "Canceled and postponed interactions are not counted." in content
    assert "include its persons" in content


def test_salesperson_template_group_and_campaign_figures(admin_client, history) -> None:
    expected = {
        "/salespeople/PB/": ("4", "13.60", "52"),
        "/salespeople/MV/": ("1", "1.50", "10"),
        "/setup/interaction-templates/CALL/": ("4", "15.00", "60"),
        "/setup/interaction-templates/NEWS/": ("1", "0.10", "2"),
        "/setup/interaction-groups/PHONE/": ("4", "15.00", "60"),
        "/setup/interaction-groups/LETTER/": ("1", "0.10", "2"),
        "/campaigns/CP1/": ("1", "0.10", "2"),
    }
    for path, (count, cost, duration) in expected.items():
        shown = figures(admin_client.get(path))
        assert shown == {"no_of_interactions": count, "cost": cost, "duration": duration}, path


def test_date_filter(admin_client, history) -> None:
    response = admin_client.get("/contacts/CO1/?date_from=2026-03-01&date_to=2026-03-31")
    shown = figures(response)
    assert (shown["no_of_interactions"], shown["cost"], shown["duration"]) == ("2", "2.10", "12")
    # The last dates do not depend on the filter (as NAV).
    assert shown["date_of_last_interaction"] == short(D(2026, 3, 6))
    assert chart(response, "contact")["months"] == ["2026-03"]
    only_from = figures(admin_client.get("/salespeople/PB/?date_from=2026-03-01"))
    assert only_from["no_of_interactions"] == "2"
    only_to = figures(admin_client.get("/setup/interaction-groups/PHONE/?date_to=2026-01-31"))
    assert (only_to["no_of_interactions"], only_to["cost"]) == ("2", "11.50")
    empty = figures(admin_client.get("/campaigns/CP1/?date_from=2027-01-01"))
    assert (empty["no_of_interactions"], empty["cost"]) == ("0", "0.00")


@pytest.mark.parametrize(
    "query, message",
    [
        ("date_from=yesterday", "Enter a valid date."),
        ("date_to=2026-02-30", "Enter a valid date."),
        ("date_from=2026-03-01&date_to=2026-01-01", "The end date lies before the start date."),
        ("date_from=%00", "Enter a valid date."),
    ],
)
def test_a_bad_date_is_a_form_error(admin_client, history, query, message) -> None:
    response = admin_client.get(f"/contacts/CO1/?{query}")
    if "%00" in query:  # the platform refuses NUL bytes in any query string
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert figures(response)["no_of_interactions"] == "4"  # unfiltered


def test_the_chart_data_is_the_exact_monthly_series(admin_client, history) -> None:
    response = admin_client.get("/contacts/CO1/")
    data = chart(response, "contact")
    assert data["months"] == ["2026-01", "2026-02", "2026-03"]
    assert data["labels"] == ["January 2026", "February 2026", "March 2026"]
    assert data["count"] == [2, 0, 2]
    assert data["cost"] == ["11.50", "0.00", "2.10"]
    assert data["names"] == {"count": "No. of interactions", "cost": "Cost", "bucket": "Month"}
    assert data["bucket"] == "month"
    # Without JavaScript the months stay readable in a table.
    content = response.content.decode()
    assert '<tr data-month="2026-02">' in content
    assert "vendor/chartjs/chart.umd.js" in content
    assert "interactions/statistics-chart.js" in content
    padded = chart(
        admin_client.get("/salespeople/MV/?date_from=2025-12-15&date_to=2026-02-01"),
        "salesperson",
    )
    assert (padded["months"], padded["count"]) == (["2025-12", "2026-01", "2026-02"], [0, 0, 1])


def test_no_chart_without_interactions(admin_client, world) -> None:
    response = admin_client.get("/contacts/P3/")
    assert figures(response)["no_of_interactions"] == "0"
    assert 'data-testid="statistics-empty"' in response.content.decode()
    assert "statistics-chart-contact" not in response.content.decode()


def test_the_statistics_page(admin_client, history) -> None:
    response = admin_client.get("/interactions/statistics/group/phone/?date_from=2026-02-01")
    assert figures(response) == {"no_of_interactions": "2", "cost": "3.50", "duration": "20"}
    assert chart(response, "group")["months"] == ["2026-02", "2026-03"]
    for kind, key in (
        ("contact", "CO1"),
        ("salesperson", "PB"),
        ("template", "CALL"),
        ("group", "PHONE"),
        ("campaign", "CP1"),
    ):
        assert admin_client.get(f"/interactions/statistics/{kind}/{key}/").status_code == 200
    for path in (
        "/interactions/statistics/colour/PHONE/",
        "/interactions/statistics/group/NOPE/",
        "/interactions/statistics/contact/NOPE/",
        "/interactions/statistics/campaign/NOPE/",
    ):
        assert admin_client.get(path).status_code == 404, path


def test_read_only_users_see_the_statistics(client_for, read_only_user, history) -> None:
    client = client_for(read_only_user)
    assert figures(client.get("/contacts/CO1/"))["no_of_interactions"] == "4"
    assert client.get("/interactions/statistics/salesperson/PB/").status_code == 200


def test_user_text_in_the_chart_and_panel_is_escaped(admin_client, history) -> None:
    from rapport.interactions.models import InteractionGroup

    InteractionGroup.objects.filter(code="PHONE").update(description="</script><b>x</b>")
    response = admin_client.get("/interactions/statistics/group/PHONE/")
    content = response.content.decode()
    assert "<b>x</b>" not in content
    assert "&lt;b&gt;x&lt;/b&gt;" in content


def test_the_statistics_take_a_fixed_number_of_queries(admin_client, history) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get("/interactions/statistics/contact/CO1/")
    for day in range(1, 21):
        log(history, date=D(2025, day % 12 + 1, day))
    with CaptureQueriesContext(connection) as many:
        admin_client.get("/interactions/statistics/contact/CO1/")
    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True)
def test_the_chart_is_drawn_in_a_browser(
    page, live_server, admin_user, login, screenshot, history
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, admin_user)
    page.goto("/contacts/CO1/")
    canvas = page.locator("canvas[data-statistics-chart]")
    canvas.wait_for()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-statistics-chart]'))"
    )
    drawn = page.evaluate(
        "() => { const chart = Chart.getChart(document.querySelector('canvas[data-statistics-chart]'));"
        " return [chart.data.labels, chart.data.datasets.map(set => set.data)]; }"
    )
    assert drawn == [
        ["January 2026", "February 2026", "March 2026"],
        [[2, 0, 2], [11.5, 0, 2.1]],
    ]
    screenshot(page, "contact-statistics")
    # The date filter works from the keyboard.
    page.get_by_label("From").fill("2026-03-01")
    page.get_by_label("From").press("Enter")
    page.wait_for_url("**date_from=2026-03-01**")
    assert page.locator('[data-figure="no_of_interactions"]').inner_text() == "2"
    assert errors == []
