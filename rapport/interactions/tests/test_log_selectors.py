"""Reads of the interaction log: the lists, a contact's timeline and the statistics of
reference 2.8 (Rapport leaves canceled entries out everywhere; postponed ones always are)."""

from __future__ import annotations

import datetime
import decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.core.errors import NotFoundError, ValidationFailed
from rapport.interactions import selectors, services
from rapport.interactions.selectors import (
    ContactStatistics,
    InteractionStatistics,
    MonthFigures,
)
from rapport.interactions.tests.bulk import bulk_log_entries

pytestmark = pytest.mark.django_db

D = datetime.date


def log(w, **kwargs):
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.company)
    kwargs.setdefault("template", w.call)
    return services.interaction_create(**kwargs)


@pytest.fixture
def history(world):
    """Interactions of the company and its persons over three months, one canceled and one
    postponed, and one of a person without company."""
    w = world
    log(w, date=D(2026, 1, 10), cost="10.00", duration=30)  # company itself
    log(w, contact=w.p2, date=D(2026, 1, 20), successful=False)  # failed, initiated by us
    log(w, contact=w.p1, template=w.news, date=D(2026, 3, 5))  # 0.10, 2 min
    log(w, contact=w.p2, date=D(2026, 3, 6), initiated_by="them", cost="2.00")
    canceled = log(w, contact=w.p2, date=D(2026, 4, 1), cost="99.00")
    services.interaction_cancel(actor=w.admin, entry=canceled)
    log(w, contact=w.p2, date=D(2026, 5, 1), cost="50.00", postpone=True)
    log(w, contact=w.p3, date=D(2026, 2, 1), salesperson=w.mv)
    return w


def test_company_statistics_include_persons_and_leave_out_canceled_and_postponed(
    history,
) -> None:
    w = history
    assert selectors.contact_statistics(w.company) == ContactStatistics(
        no_of_interactions=4,
        cost=decimal.Decimal("13.60"),  # 10.00 + 1.50 + 0.10 + 2.00
        duration=decimal.Decimal("52"),  # 30 + 10 + 2 + 10
        date_of_last_interaction=D(2026, 3, 6),
        last_date_attempted=D(2026, 3, 5),  # 3-6 was initiated by them; 4-1 is canceled
    )
    assert selectors.contact_statistics(w.p2) == ContactStatistics(
        no_of_interactions=2,
        cost=decimal.Decimal("3.50"),
        duration=decimal.Decimal("20"),
        date_of_last_interaction=D(2026, 3, 6),
        last_date_attempted=D(2026, 1, 20),  # a failed attempt counts as an attempt
    )
    assert selectors.contact_statistics(w.p1).no_of_interactions == 1
    assert selectors.contact_statistics(w.p3).no_of_interactions == 1


def test_date_filter(history) -> None:
    w = history
    march = selectors.contact_statistics(w.company, D(2026, 3, 1), D(2026, 3, 31))
    assert (march.no_of_interactions, march.cost) == (2, decimal.Decimal("2.10"))
    # The last dates are not limited by the date filter (as NAV).
    assert march.date_of_last_interaction == D(2026, 3, 6)
    empty = selectors.contact_statistics(w.company, D(2027, 1, 1))
    assert (empty.no_of_interactions, empty.cost, empty.duration) == (
        0,
        decimal.Decimal("0.00"),
        decimal.Decimal("0"),
    )


def test_statistics_of_salesperson_template_group_and_campaign(history) -> None:
    w = history
    assert selectors.salesperson_statistics(w.pb) == InteractionStatistics(
        4, decimal.Decimal("13.60"), decimal.Decimal("52")
    )
    assert selectors.salesperson_statistics(w.mv, date_to=D(2026, 1, 31)).no_of_interactions == 0
    assert selectors.template_statistics(w.call).no_of_interactions == 4
    assert selectors.template_statistics(w.news) == InteractionStatistics(
        1, decimal.Decimal("0.10"), decimal.Decimal("2")
    )
    assert selectors.group_statistics(w.phone).no_of_interactions == 4
    assert selectors.group_statistics(w.letter_group).no_of_interactions == 1
    assert selectors.campaign_statistics(w.campaign).no_of_interactions == 1


def test_each_statistic_is_one_query(history, django_assert_num_queries) -> None:
    w = history
    with django_assert_num_queries(1):
        selectors.contact_statistics(w.company, D(2026, 1, 1), D(2026, 12, 31))
    with django_assert_num_queries(1):
        selectors.salesperson_statistics(w.pb)
    with django_assert_num_queries(1):
        selectors.monthly_series(group=w.phone, date_from=D(2026, 1, 1), date_to=D(2026, 6, 30))
    with django_assert_num_queries(1):
        selectors.statistics_by("template")


def test_monthly_series(history) -> None:
    w = history
    series = selectors.monthly_series(contact=w.company)
    assert [point.month for point in series] == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]
    assert series[0] == MonthFigures(
        D(2026, 1, 1), 2, decimal.Decimal("11.50"), decimal.Decimal("40")
    )
    assert series[1].no_of_interactions == 0  # filled in
    padded = selectors.monthly_series(
        salesperson=w.mv, date_from=D(2025, 12, 15), date_to=D(2026, 2, 1)
    )
    assert [(p.month, p.no_of_interactions) for p in padded] == [
        (D(2025, 12, 1), 0),
        (D(2026, 1, 1), 0),
        (D(2026, 2, 1), 1),
    ]
    assert selectors.monthly_series(campaign=w.campaign, date_from=D(2030, 1, 1)) == []
    with pytest.raises(TypeError):
        selectors.monthly_series(contact=w.company, group=w.phone)


def test_statistics_by_gives_every_row_of_a_list_at_once(history) -> None:
    w = history
    by_company = selectors.statistics_by("contact_company")
    assert by_company[w.company.pk].no_of_interactions == 4
    assert w.p3.pk not in by_company  # a person without company has no company figures
    by_salesperson = selectors.statistics_by("salesperson", date_from=D(2026, 2, 1))
    assert {key: value.no_of_interactions for key, value in by_salesperson.items()} == {
        w.pb.pk: 2,
        w.mv.pk: 1,
    }
    with pytest.raises(ValueError):
        selectors.statistics_by("colour")


def test_log_lists_and_filters(history) -> None:
    assert selectors.interaction_log().count() == 6
    assert [e.entry_no for e in selectors.interaction_log({"canceled": "false"})] == [7, 4, 3, 2, 1]
    assert selectors.interaction_log({"company_no": "co1"}).count() == 5
    assert selectors.interaction_log({"contact_no": "P2", "date_from": "2026-03-01"}).count() == 2
    assert selectors.interaction_log({"salesperson_code": "MV"}).count() == 1
    assert selectors.interaction_log({"template_code": "NEWS", "group_code": "letter"}).count() == 1
    assert selectors.interaction_log({"campaign_no": "cp1"}).count() == 1
    assert selectors.interaction_log({"attempt_failed": True}).count() == 1
    assert [e.entry_no for e in selectors.postponed_interactions()] == [6]
    assert selectors.postponed_interactions({"contact_no": "P1"}).count() == 0
    with pytest.raises(ValidationFailed) as info:
        selectors.interaction_log({"date_from": "yesterday", "colour": "red"})
    assert set(info.value.errors) == {"colour"}
    with pytest.raises(ValidationFailed) as info:
        selectors.interaction_log({"date_from": "yesterday"})
    assert set(info.value.errors) == {"date_from"}
    with pytest.raises(ValidationFailed):
        selectors.interaction_log({"postponed": True})


def test_interaction_get(history) -> None:
    assert selectors.interaction_get("3").entry_no == 3
    assert selectors.interaction_get(6).postponed is True
    for missing in ("99", "x", "0", "99999999999999999999"):
        with pytest.raises(NotFoundError):
            selectors.interaction_get(missing)


def test_timeline(history) -> None:
    w = history
    company = [e.date for e in selectors.contact_timeline(w.company)]
    assert company == [D(2026, 4, 1), D(2026, 3, 6), D(2026, 3, 5), D(2026, 1, 20), D(2026, 1, 10)]
    assert len(selectors.contact_timeline(w.company, include_canceled=False)) == 4
    assert [e.contact for e in selectors.contact_timeline(w.p1)] == [w.p1]


def _timeline_queries(w) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = list(selectors.contact_timeline(w.company))
        for entry in rows:
            # What a timeline row shows.
            shown = [
                entry.contact,
                entry.contact_company,
                entry.template,
                entry.group,
                entry.salesperson,
                entry.language,
                entry.campaign,
                entry.campaign_entry,
                entry.has_comments,
                entry.attachment_no,
                entry.user_name,
            ]
            assert shown[0] is not None
        selectors.contact_statistics(w.company)
        selectors.monthly_series(contact=w.company)
    return len(queries), len(rows)


def test_the_timeline_of_10000_entries_takes_as_many_queries_as_of_10(world) -> None:
    bulk_log_entries(world, 10)
    few, rows = _timeline_queries(world)
    assert rows == 10
    bulk_log_entries(world, 9_990)
    many, rows = _timeline_queries(world)
    assert rows == 10_000
    # The timeline, the figures, the chart's date bounds (to choose its bucket) and its bars.
    assert many == few == 4
