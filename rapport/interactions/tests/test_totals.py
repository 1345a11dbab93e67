"""The per-day interaction totals (NAV's SIFT) behind the statistics: after every operation
that writes the log, the maintained totals equal a rebuild from the log, and every statistic
equals the aggregate over the log that the statistics computed before the totals existed (the
oracle below, written out here on purpose)."""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.test.utils import CaptureQueriesContext

from rapport.campaigns.models import Campaign, CampaignEntry
from rapport.contacts.models import Contact, ContactType, Salesperson
from rapport.interactions import selectors, services
from rapport.interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTotal,
)
from rapport.interactions.selectors import ContactStatistics, InteractionStatistics
from rapport.interactions.selectors.statistics import BUCKET_MONTHS, _bucket_index, _bucket_start
from rapport.interactions.services import totals

pytestmark = pytest.mark.django_db

D = datetime.date
CENT = decimal.Decimal("0.01")
RANGES = [(None, None), (D(2026, 2, 1), D(2026, 3, 31)), (D(2026, 3, 6), None)]

# ---------------------------------------------------------------------------------------------
# The oracle: the statistics as they were computed before the totals, over the log itself.


def _counted() -> Any:
    return InteractionLogEntry.objects.filter(canceled=False, postponed=False)


def _dates(date_from: D | None, date_to: D | None) -> Q:
    condition = Q()
    if date_from is not None:
        condition &= Q(date__gte=date_from)
    if date_to is not None:
        condition &= Q(date__lte=date_to)
    return condition


def _scope(name: str, subject: Any) -> Q:
    if name == "contact":
        if subject.type == ContactType.COMPANY:
            return Q(contact_company=subject)
        return Q(contact=subject)
    return Q(**{name: subject})


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "no_of_interactions": row["n"] or 0,
        "cost": decimal.Decimal(row["cost"] or 0).quantize(CENT),
        "duration": decimal.Decimal(row["duration"] or 0).quantize(decimal.Decimal(1)),
    }


def old_statistics(name: str, subject: Any, date_from: D | None, date_to: D | None) -> Any:
    entries = _counted().filter(_scope(name, subject))
    row = entries.filter(_dates(date_from, date_to)).aggregate(
        n=Count("pk"), cost=Sum("cost"), duration=Sum("duration")
    )
    if name != "contact":
        return InteractionStatistics(**_figures(row))
    last = entries.aggregate(
        interaction=Max("date", filter=Q(attempt_failed=False)),
        attempted=Max("date", filter=Q(initiated_by="us")),
    )
    return ContactStatistics(
        **_figures(row),
        date_of_last_interaction=last["interaction"],
        last_date_attempted=last["attempted"],
    )


def old_statistics_by(dimension: str, date_from: D | None, date_to: D | None) -> dict:
    column = f"{dimension}_id"
    rows = (
        _counted()
        .filter(_dates(date_from, date_to))
        .exclude(**{column: None})
        .values(column)
        .annotate(n=Count("pk"), cost=Sum("cost"), duration=Sum("duration"))
        .order_by()
    )
    return {row[column]: InteractionStatistics(**_figures(row)) for row in rows}


def check_series(name: str, subject: Any, date_from: D | None, date_to: D | None) -> None:
    """Every bar of the chart holds exactly the counted entries of its bucket, and no counted
    entry in the range falls outside the bars (the bucket choice itself is unchanged code)."""
    series = selectors.monthly_series(date_from=date_from, date_to=date_to, **{name: subject})
    entries = list(
        _counted()
        .filter(_scope(name, subject), _dates(date_from, date_to))
        .values_list("date", "cost", "duration")
    )
    covered = 0
    for bar in series:
        index = _bucket_index(bar.month, bar.bucket)
        end = _bucket_start(index + 1, bar.bucket)
        inside = [row for row in entries if bar.month <= row[0] < end]
        covered += len(inside)
        assert (bar.no_of_interactions, bar.cost, bar.duration) == (
            len(inside),
            sum((row[1] for row in inside), decimal.Decimal(0)).quantize(CENT),
            sum((row[2] for row in inside), decimal.Decimal(0)).quantize(decimal.Decimal(1)),
        ), (name, subject, bar)
        assert bar.bucket in BUCKET_MONTHS
    assert covered == len(entries)


SUBJECTS = {
    "contact": Contact,
    "salesperson": Salesperson,
    "template": InteractionTemplate,
    "group": InteractionGroup,
    "campaign": Campaign,
}
STATISTICS = {
    "contact": selectors.contact_statistics,
    "salesperson": selectors.salesperson_statistics,
    "template": selectors.template_statistics,
    "group": selectors.group_statistics,
    "campaign": selectors.campaign_statistics,
}


def _snapshot() -> dict[tuple, tuple]:
    """The totals summed over `bulk` per dimension, key and day, leaving out empty days."""
    rows = (
        InteractionTotal.objects.values("dimension", "key_id", "date")
        .annotate(
            n=Sum("no_of_interactions"),
            s=Sum("no_of_successful"),
            u=Sum("no_of_initiated_by_us"),
            c=Sum("cost_cents"),
            d=Sum("duration"),
        )
        .order_by()
    )
    return {
        (row["dimension"], row["key_id"], row["date"]): tuple(int(row[name]) for name in "nsucd")
        for row in rows
        if any(row[name] for name in "nsucd")
    }


def from_the_log() -> dict[tuple, tuple]:
    """The totals computed in Python from the counted entries (independent of the SQL)."""
    expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for entry in _counted():
        for dimension in totals.DIMENSIONS:
            key = getattr(entry, f"{dimension}_id")
            if key is None:
                continue
            row = expected[(dimension, key, entry.date)]
            row[0] += 1
            row[1] += not entry.attempt_failed
            row[2] += entry.initiated_by == "us"
            row[3] += int(entry.cost * 100)
            row[4] += int(entry.duration)
    return {key: tuple(values) for key, values in expected.items()}


def assert_totals_are_right() -> None:
    """Maintained totals == a rebuild == the log; every statistic == the oracle."""
    maintained = _snapshot()
    with transaction.atomic():
        totals.interaction_totals_rebuild()
        rebuilt = _snapshot()
        transaction.set_rollback(True)
    assert maintained == rebuilt
    assert maintained == from_the_log()
    for name, model in SUBJECTS.items():
        for subject in model.objects.all():
            for date_from, date_to in RANGES:
                assert STATISTICS[name](subject, date_from, date_to) == old_statistics(
                    name, subject, date_from, date_to
                ), (name, subject, date_from, date_to)
            check_series(name, subject, None, None)
            check_series(name, subject, D(2026, 1, 1), D(2026, 6, 30))
    for dimension in selectors.statistics.DIMENSIONS:
        for date_from, date_to in RANGES:
            assert selectors.statistics_by(
                dimension, date_from=date_from, date_to=date_to
            ) == old_statistics_by(dimension, date_from, date_to)


# ---------------------------------------------------------------------------------------------


def log(w: Any, **kwargs: Any) -> InteractionLogEntry:
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.company)
    kwargs.setdefault("template", w.call)
    return services.interaction_create(**kwargs)


@pytest.fixture
def history(world: Any) -> Any:
    """Entries of the company and its persons, a person without company, NEWS (campaign CP1),
    a failed attempt and one initiated by them, over three months."""
    w = world
    log(w, date=D(2026, 1, 10), cost="10.00", duration=30)
    log(w, contact=w.p2, date=D(2026, 1, 20), successful=False)
    log(w, contact=w.p1, template=w.news, date=D(2026, 3, 5))
    log(w, contact=w.p2, date=D(2026, 3, 6), initiated_by="them", cost="2.05")
    log(w, contact=w.p3, date=D(2026, 2, 1), salesperson=w.mv)
    return w


def test_a_logged_interaction_is_counted_at_once(world: Any) -> None:
    w = world
    log(w, date=D(2026, 1, 10), cost="10.05", duration=30)
    assert selectors.contact_statistics(w.company) == ContactStatistics(
        no_of_interactions=1,
        cost=decimal.Decimal("10.05"),
        duration=decimal.Decimal("30"),
        date_of_last_interaction=D(2026, 1, 10),
        last_date_attempted=D(2026, 1, 10),
    )
    assert _snapshot()[("group", w.phone.pk, D(2026, 1, 10))] == (1, 1, 1, 1005, 30)
    assert_totals_are_right()


def test_every_statistic_equals_the_old_aggregate(history: Any) -> None:
    assert selectors.contact_statistics(history.company).no_of_interactions == 4
    assert_totals_are_right()


def test_postponing_counts_nothing_and_finishing_counts(history: Any) -> None:
    w = history
    draft = log(w, contact=w.p3, date=D(2026, 3, 20), cost="5.00", postpone=True)
    assert_totals_are_right()
    services.interaction_resume(actor=w.admin, entry=draft, postpone=True, cost="6.00")
    assert_totals_are_right()
    before = selectors.contact_statistics(w.p3).no_of_interactions
    services.interaction_resume(actor=w.admin, entry=draft, correspondence_type="")
    assert selectors.contact_statistics(w.p3).no_of_interactions == before + 1
    assert_totals_are_right()
    other = log(w, contact=w.p1, postpone=True)
    services.interaction_delete_postponed(actor=w.admin, entry=other)
    assert_totals_are_right()


def test_cancel_uncancel_and_delete_canceled(history: Any) -> None:
    w = history
    entry = InteractionLogEntry.objects.get(contact=w.p2, date=D(2026, 3, 6))
    services.interaction_cancel(actor=w.admin, entry=entry)
    assert selectors.contact_statistics(w.p2).cost == decimal.Decimal("1.50")
    assert_totals_are_right()
    services.interaction_cancel(actor=w.admin, entry=entry)  # already canceled: nothing
    assert_totals_are_right()
    services.interaction_uncancel(actor=w.admin, entry=entry)
    assert selectors.contact_statistics(w.p2).cost == decimal.Decimal("3.55")
    assert_totals_are_right()
    services.interaction_cancel(actor=w.admin, entry=entry)
    assert services.interactions_delete_canceled(actor=None) == 1
    assert_totals_are_right()
    services.interaction_evaluate(
        actor=w.admin, entry=InteractionLogEntry.objects.first(), evaluation="positive"
    )
    assert_totals_are_right()


def test_campaign_entry_cancel_and_uncancel(history: Any) -> None:
    w = history
    log(w, contact=w.p2, template=w.news, date=D(2026, 3, 8))
    entry = CampaignEntry.objects.order_by("entry_no").first()
    assert entry is not None
    services.campaign_entry_cancel(actor=w.admin, entry=entry)
    assert selectors.campaign_statistics(w.campaign).no_of_interactions == 1
    assert_totals_are_right()
    services.campaign_entry_uncancel(actor=w.admin, entry=entry)
    assert selectors.campaign_statistics(w.campaign).no_of_interactions == 2
    assert_totals_are_right()


def test_deleting_a_person_moves_its_figures_to_the_company(history: Any) -> None:
    from rapport.contacts.services import contact_delete

    w = history
    contact_delete(contact=w.p2)
    assert selectors.statistics_by("contact")[w.company.pk].no_of_interactions == 3
    assert_totals_are_right()


def test_deleting_a_company_leaves_its_figures_to_no_one(history: Any) -> None:
    from rapport.contacts.services import contact_delete

    w = history
    moved = log(
        w, contact=w.p1, date=D(2026, 4, 1), correspondence_type=""
    )  # P1 then moves to another company
    other = Contact.objects.create(no="CO2", name="Other", type=ContactType.COMPANY)
    Contact.objects.filter(pk=w.p1.pk).update(company=other)
    contact_delete(contact=w.company)
    assert InteractionLogEntry.objects.get(pk=moved.pk).contact_id is None
    assert set(selectors.statistics_by("contact")) == {w.p3.pk}
    assert selectors.statistics_by("contact_company") == {}
    assert_totals_are_right()


def test_a_single_write_adds_one_statement(history: Any) -> None:
    w = history
    entry = InteractionLogEntry.objects.filter(canceled=False).first()
    assert entry is not None
    with CaptureQueriesContext(connection) as queries:
        services.interaction_cancel(actor=w.admin, entry=entry)
    assert sum(InteractionTotal._meta.db_table in query["sql"] for query in queries) == 1


def test_the_statistics_read_the_totals_not_the_log(history: Any) -> None:
    """One query each, none of them on the log table."""
    w = history
    log_table = InteractionLogEntry._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        selectors.contact_statistics(w.company, D(2026, 1, 1), D(2026, 12, 31))
        selectors.group_statistics(w.phone)
        selectors.monthly_series(contact=w.company)
        selectors.statistics_by("template")
    assert len(queries) == 5  # the series: its bounds, then its bars
    assert not any(f'"{log_table}"' in query["sql"] for query in queries)


def test_rebuild_and_the_agreed_names(history: Any) -> None:
    w = history
    InteractionTotal.objects.all().delete()
    assert selectors.contact_statistics(w.company).no_of_interactions == 0
    totals.interaction_totals_rebuild()
    assert_totals_are_right()
    with pytest.raises(ValueError):
        totals.interaction_totals_apply_log(1, 2)


def test_demo_data_is_counted(db: Any) -> None:
    from django.core.management import call_command

    call_command("demo", verbosity=0)
    assert InteractionLogEntry.objects.filter(canceled=False, postponed=False).exists()
    assert _snapshot() == from_the_log()
