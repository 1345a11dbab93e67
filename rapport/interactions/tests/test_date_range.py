"""One valid date range (rapport.core.dates: 1753-01-01 … 9998-12-31) for every date a user or
client enters, and statistics that stay correct and small for any stored date (issue 8, point 1).

* Entries on the first and the last valid day answer 200 on the contact and salesperson cards,
  the statistics page and the API statistics, with exact figures and a bounded chart.
* 0045-05-29, 1752-12-31 and 9999-12-31 are refused everywhere (API 400, form errors, the
  services and the command line), and nothing is written.
* The chart chooses its bucket (month, quarter, year, ...) so that it never has more than
  MAX_BUCKETS bars, also for dates stored before the range existed.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from rapport.core.dates import MAX_DATE, MIN_DATE, DateField, date_range_message, month_index
from rapport.core.errors import ValidationFailed
from rapport.interactions import selectors, services
from rapport.interactions.models import InteractionLogEntry, InteractionLogEntryComment
from rapport.interactions.services.totals import interaction_totals_rebuild

pytestmark = pytest.mark.django_db

D = datetime.date
BAD_DATES = ["0045-05-29", "1752-12-31", "9999-12-31"]
RANGE_MESSAGE = "Enter a date between 1753-01-01 and 9998-12-31."


def log(w: Any, **kwargs: Any) -> InteractionLogEntry:
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.company)
    kwargs.setdefault("template", w.call)
    kwargs.setdefault("salesperson", w.pb)
    return services.interaction_create(**kwargs)


def chart(response: Any, kind: str) -> dict[str, Any]:
    html = response.content.decode()
    match = re.search(
        rf'<script id="statistics-chart-{kind}" type="application/json">(.*?)</script>', html
    )
    assert match, "no chart data"
    return json.loads(match.group(1))


def figure(response: Any, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'data-figure="{name}">(.*?)</dd>', html, re.S)
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def table_rows(response: Any) -> list[str]:
    return re.findall(r'<tr data-month="([^"]+)">', response.content.decode())


@pytest.fixture
def languages(db: Any) -> dict[str, Any]:
    """EN, NL and DE, whether or not the migrations already loaded them."""
    from rapport.contacts.models import Language

    return {
        code: Language.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("EN", "English"), ("NL", "Dutch"), ("DE", "German"))
    }


@pytest.fixture
def extremes(world: Any) -> Any:
    """One entry on the first valid day and one on the last, on the same contact."""
    log(world, date=MIN_DATE, cost="1.00", duration=5)
    log(world, date=MAX_DATE, cost="2.00", duration=7)
    return world


# --- Stored dates at both ends of the range: every page and statistic answers -----------------


def test_the_cards_and_the_statistics_page_answer_for_the_first_and_last_valid_day(
    extremes: Any, admin_client: Any
) -> None:
    pages = {
        "contact": reverse("contacts:contact-detail", kwargs={"no": "CO1"}),
        "salesperson": reverse("contacts:salesperson-detail", args=["PB"]),
    }
    for kind, url in pages.items():
        for page in (url, reverse("interactions:statistics", args=[kind, url.split("/")[-2]])):
            response = admin_client.get(page)
            assert response.status_code == 200, page
            assert figure(response, "no_of_interactions") == "2"
            assert figure(response, "cost") == "3.00"
            assert figure(response, "duration") == "12"
            data = chart(response, kind)
            assert data["bucket"] == "year"
            assert data["months"] == ["1753-01", "9998-01"]
            assert data["labels"] == ["1753", "9998"]
            assert data["count"] == [1, 1]
            assert data["cost"] == ["1.00", "2.00"]
            assert table_rows(response) == ["1753-01", "9998-01"]
            assert "Figures per year" in response.content.decode()
            assert "Figures per month" not in response.content.decode()
    contact = admin_client.get(pages["contact"])
    assert figure(contact, "date_of_last_interaction") == "9998-12-31"


def test_the_api_statistics_answer_for_the_first_and_last_valid_day(
    extremes: Any, api_client: Any
) -> None:
    client = api_client()
    for path in ("/api/v1/contacts/CO1/statistics/", "/api/v1/salespeople/PB/statistics/"):
        response = client.get(path)
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["no_of_interactions"], body["cost"], body["duration"]) == (2, "3.00", "12")
        assert body["bucket"] == "year"
        assert body["months"] == [
            {"month": "1753-01", "no_of_interactions": 1, "cost": "1.00", "duration": "5"},
            {"month": "9998-01", "no_of_interactions": 1, "cost": "2.00", "duration": "7"},
        ]
        # The whole range as a filter: the same figures, still two buckets.
        whole = client.get(path, {"date_from": "1753-01-01", "date_to": "9998-12-31"})
        assert whole.status_code == 200
        assert whole.json()["months"] == body["months"]
    contact = client.get("/api/v1/contacts/CO1/statistics/").json()
    assert contact["date_of_last_interaction"] == "9998-12-31"


def test_dates_stored_before_the_range_existed_still_give_correct_pages(
    world: Any, admin_client: Any, api_client: Any
) -> None:
    """Old rows at 9999-12-31 and 0045-05-29 (written before the check): no OverflowError,
    exact figures, four-digit ISO years in the API."""
    late = log(world, date=D(2026, 1, 1), cost="1.00")
    early = log(world, date=D(2026, 1, 2), cost="1.00")
    InteractionLogEntry.objects.filter(pk=late.pk).update(date=D(9999, 12, 31))
    InteractionLogEntry.objects.filter(pk=early.pk).update(date=D(45, 5, 29))
    interaction_totals_rebuild()  # as the migration builds the totals of stored rows
    response = admin_client.get(reverse("contacts:contact-detail", kwargs={"no": "CO1"}))
    assert response.status_code == 200
    data = chart(response, "contact")
    assert (data["bucket"], data["months"], data["count"]) == (
        "year",
        ["0045-01", "9999-01"],  # four-digit years, never "45-01"
        [1, 1],
    )
    api = api_client().get("/api/v1/contacts/CO1/statistics/")
    assert api.status_code == 200
    assert sum(month["no_of_interactions"] for month in api.json()["months"]) == 2
    entry = api_client().get(f"/api/v1/interactions/{early.entry_no}/").json()
    assert entry["date"] == "0045-05-29"  # never "45-05-29"


# --- The chart's bucket -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "bucket", "first", "count"),
    [
        # 36 months: per month, the empty ones filled in.
        ([D(2024, 1, 5), D(2026, 12, 5)], "month", D(2024, 1, 1), 36),
        # 37 months: per quarter.
        ([D(2024, 1, 5), D(2027, 1, 5)], "quarter", D(2024, 1, 1), 13),
        # 30 years: per year.
        ([D(2000, 6, 1), D(2029, 6, 1)], "year", D(2000, 1, 1), 30),
        # A typo year: only the years with interactions.
        ([D(2025, 3, 1), D(2026, 3, 1), D(2926, 3, 1)], "year", D(2025, 1, 1), 3),
    ],
)
def test_the_chart_chooses_its_bucket(
    world: Any, dates: list[datetime.date], bucket: str, first: datetime.date, count: int
) -> None:
    for day in dates:
        log(world, date=day)
    series = selectors.monthly_series(contact=world.company)
    assert {point.bucket for point in series} == {bucket}
    assert (series[0].month, len(series)) == (first, count)
    assert sum(point.no_of_interactions for point in series) == len(dates)


def test_interactions_in_many_years_far_apart_are_counted_per_period(world: Any) -> None:
    for year in range(1800, 9800, 100):  # 80 years with interactions, 8,000 years apart
        log(world, date=D(year, 7, 1), cost="1.00")
    series = selectors.monthly_series(contact=world.company)
    assert len(series) <= selectors.MAX_BUCKETS
    assert {point.bucket for point in series} == {"millennium"}
    assert [point.month.year for point in series] == list(range(1000, 10000, 1000))
    assert [point.no_of_interactions for point in series] == [2, *[10] * 7, 8]
    assert sum(point.cost for point in series) == decimal.Decimal("80.00")


def test_a_period_bucket_never_starts_before_year_1() -> None:
    assert selectors.statistics._bucket_start(0, "millennium") == D(1, 1, 1)
    assert selectors.statistics._bucket_start(0, "century") == D(1, 1, 1)
    assert selectors.statistics._bucket_start(202, "decade") == D(2020, 1, 1)
    assert selectors.statistics._bucket_start(month_index(MAX_DATE), "month") == D(9998, 12, 1)


def test_a_long_filter_without_interactions_draws_nothing(world: Any) -> None:
    assert (
        selectors.monthly_series(contact=world.company, date_from=MIN_DATE, date_to=MAX_DATE) == []
    )


def test_the_table_names_its_bucket_in_dutch(extremes: Any, client_for: Any) -> None:
    extremes.admin.language = "nl"
    extremes.admin.save(update_fields=["language"])
    response = client_for(extremes.admin).get(
        reverse("contacts:contact-detail", kwargs={"no": "CO1"})
    )
    html = response.content.decode()
    assert "Cijfers per jaar" in html
    assert "Figures per" not in html
    assert chart(response, "contact")["names"]["bucket"] == "Jaar"
    for day in (D(2026, 1, 5), D(2029, 6, 5)):  # 42 months apart
        log(extremes, contact=extremes.p3, date=day)
    quarters = client_for(extremes.admin).get(
        reverse("contacts:contact-detail", kwargs={"no": "P3"})
    )
    assert "Cijfers per kwartaal" in quarters.content.decode()
    assert chart(quarters, "contact")["labels"][:2] == ["K1 2026", "K2 2026"]


# --- Dates outside the range are refused everywhere, nothing is written -----------------------


@pytest.mark.parametrize("bad", BAD_DATES)
def test_the_api_refuses_an_interaction_outside_the_range(
    world: Any, api_client: Any, bad: str
) -> None:
    client = api_client()
    before = InteractionLogEntry.objects.count()
    response = client.post(
        "/api/v1/interactions/",
        {"contact_no": "CO1", "template_code": "CALL", "date": bad},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]["date"] == [RANGE_MESSAGE]
    assert InteractionLogEntry.objects.count() == before
    # The statistics and the log's filters: 400, never a 500.
    for path in ("/api/v1/contacts/CO1/statistics/", "/api/v1/interactions/"):
        for name in ("date_from", "date_to"):
            answer = client.get(path, {name: bad})
            assert answer.status_code == 400, (path, name, answer.content)
            assert name in answer.json()["error"]["fields"]


@pytest.mark.parametrize("bad", BAD_DATES)
def test_the_dialog_refuses_a_date_outside_the_range(world: Any, client_for: Any, bad: str) -> None:
    client = client_for(world.mila)
    response = client.post(
        reverse("interactions:interaction-create") + "?contact_no=P3",
        {
            "contact": "P3",
            "template": "CALL",
            "filled_template": "CALL",
            "description": "Call",
            "salesperson": "MV",
            "date": bad,
            "time": "10:15",
            "successful": "on",
            "cost": "0",
            "duration": "0",
            "action": "finish",
        },
    )
    assert response.status_code == 422
    assert RANGE_MESSAGE in response.content.decode()
    assert not InteractionLogEntry.objects.exists()


@pytest.mark.parametrize("bad", [D(45, 5, 29), D(1752, 12, 31), D(9999, 12, 31)])
def test_the_services_refuse_a_date_outside_the_range(world: Any, bad: datetime.date) -> None:
    """What the command line and every page and endpoint go through."""
    with pytest.raises(ValidationFailed) as refused:
        log(world, date=bad)
    assert refused.value.errors == {"date": [RANGE_MESSAGE]}
    with pytest.raises(ValidationFailed) as as_text:
        log(world, date=f"{bad.year:04d}-{bad.month:02d}-{bad.day:02d}")
    assert as_text.value.errors == {"date": [RANGE_MESSAGE]}
    entry = log(world, date=D(2026, 1, 1))
    with pytest.raises(ValidationFailed) as comment:
        services.interaction_add_comment(actor=world.admin, entry=entry, comment="Late", date=bad)
    assert comment.value.errors == {"date": [RANGE_MESSAGE]}
    assert InteractionLogEntry.objects.count() == 1
    assert not InteractionLogEntryComment.objects.filter(date=bad).exists()


@pytest.mark.parametrize("bad", BAD_DATES)
def test_the_command_line_refuses_a_date_outside_the_range(world: Any, bad: str) -> None:
    with pytest.raises((CommandError, ValidationFailed)):
        call_command("delete_canceled_interactions", "--date-from", bad)
    with pytest.raises(CommandError, match="1753-01-01 and 9998-12-31"):
        call_command("import_contacts", "/dev/null", "--work-date", bad)


@pytest.mark.parametrize("bad", BAD_DATES)
def test_work_date_and_campaign_dates_are_refused(
    world: Any, api_client: Any, client_for: Any, bad: str
) -> None:
    client = api_client(world.admin)
    me = client.patch("/api/v1/me/", {"work_date": bad}, format="json")
    assert me.status_code == 400
    assert me.json()["error"]["fields"]["work_date"] == [RANGE_MESSAGE]
    world.admin.refresh_from_db()
    assert world.admin.work_date is None
    page = client_for(world.admin).post(reverse("profile"), {"work_date": bad, "language": "en"})
    assert RANGE_MESSAGE in page.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.work_date is None

    from rapport.campaigns.models import Campaign

    campaigns = Campaign.objects.count()
    for name in ("starting_date", "ending_date"):
        response = client.post(
            "/api/v1/campaigns/", {"no": "CPX", "description": "X", name: bad}, format="json"
        )
        assert response.status_code == 400, response.content
        assert name in response.json()["error"]["fields"]
    assert Campaign.objects.count() == campaigns
    # The segment's date: rapport/segments/tests/test_date_range.py


@pytest.mark.parametrize("bad", BAD_DATES)
def test_number_series_lines_refuse_a_date_outside_the_range(db: Any, bad: str) -> None:
    from rapport.numbering.models import NumberSeries
    from rapport.numbering.services import number_series_create

    for name in ("starting_date", "last_date_used"):
        with pytest.raises(ValidationFailed) as refused:
            number_series_create(code="NS", lines=[{"starting_no": "NS0001", name: bad}])
        assert any(RANGE_MESSAGE in messages for messages in refused.value.errors.values())
    assert not NumberSeries.objects.exists()


def test_a_segment_filter_on_dates_refuses_a_date_outside_the_range() -> None:
    from rapport.core.filter_expressions import parse

    for bad in BAD_DATES:
        with pytest.raises(ValidationFailed, match="1753-01-01 and 9998-12-31"):
            parse(f"{bad}..2026-01-01", kind="date")
    assert parse("1753-01-01..9998-12-31", kind="date") is not None


def test_the_statistics_filter_shows_a_form_error_for_a_date_outside_the_range(
    extremes: Any, admin_client: Any
) -> None:
    for bad in BAD_DATES:
        response = admin_client.get(
            reverse("interactions:statistics", args=["contact", "CO1"]), {"date_from": bad}
        )
        assert response.status_code == 200
        assert RANGE_MESSAGE in response.content.decode()
        assert figure(response, "no_of_interactions") == "2"  # unfiltered
        log_page = admin_client.get(reverse("interactions:log-list"), {"date_to": bad})
        assert log_page.status_code in (200, 422)
        assert RANGE_MESSAGE in log_page.content.decode()


def test_the_form_field_names_the_range_in_the_users_language() -> None:
    field = DateField()
    assert field.clean("9998-12-31") == MAX_DATE
    assert field.widget.attrs["min"] == "1753-01-01"
    assert field.widget.attrs["max"] == "9998-12-31"
    with translation.override("nl"):
        assert field.clean("26-11-2026") == D(2026, 11, 26)
        assert field.clean("2026-11-26") == D(2026, 11, 26)
        message = date_range_message()
        assert "01-01-1753" in message and "31-12-9998" in message
        with pytest.raises(Exception, match="01-01-1753"):
            field.clean("31-12-9999")
