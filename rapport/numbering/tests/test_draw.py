"""number_series_next, check_manual and assign: reference section 3.2 and 3.3."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from rapport.core.errors import DomainError, NotFoundError
from rapport.core.notices import collect_notices
from rapport.numbering import rules, selectors, services
from rapport.numbering.models import NumberSeries, NumberSeriesLine

from .conftest import DAY

pytestmark = pytest.mark.django_db


def line_of(series: NumberSeries, line_no: int | None = None) -> NumberSeriesLine:
    lines = NumberSeriesLine.objects.filter(series=series).order_by("line_no")
    return lines.get(line_no=line_no) if line_no else lines.get()


def draw(code: str = "SEG", date: datetime.date = DAY) -> tuple[str, list[str]]:
    with collect_notices() as notices:
        number = services.number_series_next(code=code, date=date)
    return number, list(notices)


def test_worked_example_warning_closing_and_refusal(make_series) -> None:
    series = make_series(starting_no="SEG00001", ending_no="SEG00003", warning_no="SEG00003")
    assert draw() == ("SEG00001", [])
    assert draw() == ("SEG00002", [])
    number, warnings = draw()
    assert number == "SEG00003"
    assert len(warnings) == 1
    assert "SEG" in warnings[0] and "SEG00003" in warnings[0]
    line = line_of(series)
    assert line.open is False
    assert line.last_no_used == "SEG00003"
    assert line.last_date_used == DAY
    with pytest.raises(DomainError, match="Number series SEG is used up"):
        draw()
    line.refresh_from_db()
    assert line.last_no_used == "SEG00003"


def test_warning_from_warning_no_on_and_once_per_request(make_series) -> None:
    make_series(starting_no="SEG00001", ending_no="SEG00010", warning_no="SEG00002")
    assert draw()[1] == []
    with collect_notices() as notices:
        assert services.number_series_next(code="SEG", date=DAY) == "SEG00002"
        assert services.number_series_next(code="SEG", date=DAY) == "SEG00003"
    assert len(notices) == 1
    assert "nearly used up" in notices[0]


def test_increment_past_ending_is_refused_and_nothing_consumed(make_series) -> None:
    series = make_series(
        starting_no="SEG00001",
        ending_no="SEG00100",
        increment_by=10,
        last_no_used="SEG00095",
        last_date_used=datetime.date(2026, 1, 1),
    )
    with pytest.raises(DomainError) as info:
        draw()
    assert "SEG00105" in info.value.message
    assert "SEG00100" in info.value.message
    line = line_of(series)
    assert line.last_no_used == "SEG00095"
    assert line.last_date_used == datetime.date(2026, 1, 1)
    assert line.open is True


def test_increment_by_adds_to_the_counter(make_series) -> None:
    make_series(starting_no="SEG00001", increment_by=10)
    assert [draw()[0] for _ in range(3)] == ["SEG00001", "SEG00011", "SEG00021"]


def test_counter_overflow_grows_the_number_without_ending(make_series) -> None:
    make_series(starting_no="SEG99998")
    assert [draw()[0] for _ in range(3)] == ["SEG99998", "SEG99999", "SEG100000"]


def test_ending_is_compared_by_value_not_text(make_series) -> None:
    # As text SEG100000 < SEG99999; Rapport compares counters.
    make_series(starting_no="SEG99999", ending_no="SEG99999")
    assert draw()[0] == "SEG99999"
    with pytest.raises(DomainError):
        draw()


def test_line_choice_by_starting_date(make_series) -> None:
    make_series(
        lines=[
            {"starting_date": None, "starting_no": "OLD0001"},
            {"starting_date": datetime.date(2026, 1, 1), "starting_no": "Y26-0001"},
            {"starting_date": datetime.date(2027, 1, 1), "starting_no": "Y27-0001"},
        ]
    )
    assert draw(date=datetime.date(2025, 6, 1))[0] == "OLD0001"
    assert draw(date=datetime.date(2026, 1, 1))[0] == "Y26-0001"
    assert draw(date=datetime.date(2026, 12, 31))[0] == "Y26-0002"
    assert draw(date=datetime.date(2027, 3, 1))[0] == "Y27-0001"


def test_first_open_line_by_starting_no_among_the_same_date(make_series) -> None:
    series = make_series(
        lines=[
            {"line_no": 10000, "starting_no": "B001", "ending_no": "B002"},
            {"line_no": 20000, "starting_no": "A001", "ending_no": "A002"},
        ]
    )
    assert [draw()[0] for _ in range(4)] == ["A001", "A002", "B001", "B002"]
    assert not any(line.open for line in series.lines.all())
    with pytest.raises(DomainError, match="is used up"):
        draw()


def test_closed_latest_line_does_not_fall_back_to_an_older_line(make_series) -> None:
    make_series(
        lines=[
            {"starting_date": None, "starting_no": "OLD1"},
            {
                "starting_date": datetime.date(2026, 1, 1),
                "starting_no": "NEW1",
                "ending_no": "NEW1",
                "last_no_used": "NEW1",
            },
        ]
    )
    with pytest.raises(DomainError) as info:
        draw()
    assert "has no open line for" in info.value.message
    assert rules.format_date(DAY) in info.value.message


def test_no_line_for_the_date(make_series) -> None:
    make_series(starting_no="SEG00001", starting_date=datetime.date(2027, 1, 1))
    with pytest.raises(DomainError) as info:
        draw(date=DAY)
    assert info.value.message == (
        f"Number series SEG has no line that starts on or before {rules.format_date(DAY)}."
    )


def test_series_without_lines(make_series) -> None:
    make_series(lines=[])
    with pytest.raises(DomainError, match="has no lines"):
        draw()


def test_unknown_series() -> None:
    with pytest.raises(NotFoundError, match="There is no number series NOPE"):
        services.number_series_next(code="nope", date=DAY)


def test_code_is_case_insensitive(make_series) -> None:
    make_series()
    assert services.number_series_next(code="seg", date=DAY) == "SEG00001"


def test_date_order(make_series) -> None:
    series = make_series(date_order=True)
    assert draw(date=DAY)[0] == "SEG00001"
    assert draw(date=DAY)[0] == "SEG00002"  # the same date is fine
    with pytest.raises(DomainError) as info:
        draw(date=DAY - datetime.timedelta(days=1))
    assert "date order" in info.value.message
    assert rules.format_date(DAY) in info.value.message
    assert line_of(series).last_no_used == "SEG00002"
    assert draw(date=DAY + datetime.timedelta(days=1))[0] == "SEG00003"


def test_without_date_order_an_earlier_date_is_fine(make_series) -> None:
    make_series(date_order=False)
    draw(date=DAY)
    assert draw(date=DAY - datetime.timedelta(days=30))[0] == "SEG00002"


def test_date_defaults_to_today(make_series, monkeypatch) -> None:
    series = make_series()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2030, 5, 5))
    services.number_series_next(code="SEG")
    assert line_of(series).last_date_used == datetime.date(2030, 5, 5)


def test_width_rule_pads_to_the_ending_no(make_series) -> None:
    """A line written by other means (admin, import) with a narrower starting no. than its
    ending no. hands out numbers of the ending no.'s width."""
    series = NumberSeries.objects.create(code="RAW")
    NumberSeriesLine.objects.create(
        series=series, line_no=10000, starting_no="R1", ending_no="R999"
    )
    assert draw("RAW")[0] == "R001"
    assert draw("RAW")[0] == "R002"
    line = line_of(series)
    line.last_no_used = "R9"  # narrower, legacy
    line.save()
    assert draw("RAW")[0] == "R010"


def test_rollback_gives_the_number_back(make_series) -> None:
    series = make_series()
    assert draw()[0] == "SEG00001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert services.number_series_next(code="SEG", date=DAY) == "SEG00002"
        raise RuntimeError("the caller failed")
    line = line_of(series)
    assert line.last_no_used == "SEG00001"
    assert draw()[0] == "SEG00002"


def test_preview_does_not_consume(make_series) -> None:
    series = make_series(starting_no="SEG00001", ending_no="SEG00002", warning_no="SEG00002")
    preview = selectors.number_series_preview_next(selectors.number_series_get("SEG"), DAY)
    assert preview.number == "SEG00001"
    assert preview.problem is None
    assert line_of(series).last_no_used == ""
    draw()
    preview = selectors.number_series_preview_next(selectors.number_series_get("SEG"), DAY)
    assert preview.number == "SEG00002"
    assert preview.warning
    draw()
    preview = selectors.number_series_preview_next(selectors.number_series_get("SEG"), DAY)
    assert preview.number is None
    assert "used up" in (preview.problem or "")


# ---------------------------------------------------------------------------------------------
# Manual numbers and assigning (3.3)


def test_manual_number_refused_without_manual_nos(make_series) -> None:
    make_series(manual_nos=False)
    with pytest.raises(DomainError) as info:
        services.number_series_check_manual(code="SEG", number="X1")
    assert "Manual Nos." in info.value.message
    assert info.value.field == "no"


def test_manual_number_allowed_with_manual_nos(make_series) -> None:
    make_series(manual_nos=True)
    services.number_series_check_manual(code="SEG", number="X1")


def test_blank_setup_series_allows_any_manual_number() -> None:
    services.number_series_check_manual(code=None, number="ANY1")
    services.number_series_check_manual(code="", number="ANY1")


def test_manual_number_too_long() -> None:
    with pytest.raises(DomainError):
        services.number_series_check_manual(code=None, number="X" * 21)


def test_assign_draws_when_blank(make_series) -> None:
    make_series(manual_nos=True)
    assert services.number_series_assign(
        code="SEG", date=DAY, setup_field_label="Segment Nos."
    ) == ("SEG00001", "SEG")


def test_assign_takes_a_typed_number(make_series) -> None:
    series = make_series(manual_nos=True)
    assert services.number_series_assign(
        code="SEG", manual_no=" MINE1 ", date=DAY, setup_field_label="Segment Nos."
    ) == ("MINE1", "")
    assert line_of(series).last_no_used == ""


def test_assign_refuses_typed_number_without_manual_nos(make_series) -> None:
    make_series(manual_nos=False)
    with pytest.raises(DomainError, match="Manual Nos"):
        services.number_series_assign(
            code="SEG", manual_no="MINE1", setup_field_label="Segment Nos."
        )


def test_assign_needs_the_setup_field() -> None:
    with pytest.raises(DomainError) as info:
        services.number_series_assign(code=None, setup_field_label="Segment Nos.")
    assert info.value.message == "Set up Segment Nos. in Marketing Setup first."


def test_assign_needs_default_nos(make_series) -> None:
    series = make_series(default_nos=False, manual_nos=True)
    with pytest.raises(DomainError, match="Default Nos"):
        services.number_series_assign(code="SEG", setup_field_label="Segment Nos.")
    assert line_of(series).last_no_used == ""


def test_lines_of_one_date_are_ordered_by_counter_value(make_series) -> None:
    make_series(
        lines=[
            {"starting_no": "S100", "ending_no": "S100"},
            {"starting_no": "S9", "ending_no": "S9"},
        ]
    )
    # As text "S100" < "S9"; by value 9 comes first. (Widths are kept as typed here: the
    # lines are separate.)
    assert [draw()[0] for _ in range(2)] == ["S9", "S100"]


def test_refusals_are_conflicts() -> None:
    from rapport.core.errors import ConflictError

    NumberSeries.objects.create(code="EMPTY")
    with pytest.raises(ConflictError) as info:
        services.number_series_next(code="EMPTY", date=DAY)
    assert info.value.status == 409


@pytest.mark.django_db
def test_next_many_equals_repeated_next_and_crosses_lines():
    from rapport.numbering.models import NumberSeries
    from rapport.numbering.services import (
        number_series_create,
        number_series_next,
        number_series_next_many,
    )

    def make(code):
        return number_series_create(
            code=code,
            lines=[
                {"starting_no": "A001", "ending_no": "A003"},
                {"starting_no": "B001", "ending_no": "B009", "warning_no": "B002"},
            ],
        )

    make("ONE")
    make("MANY")
    one_by_one = [number_series_next(code="ONE") for _ in range(5)]
    assert (
        number_series_next_many(code="MANY", count=5)
        == one_by_one
        == ["A001", "A002", "A003", "B001", "B002"]
    )
    lines = NumberSeries.objects.get(code="MANY").lines.order_by("line_no")
    assert [(line.last_no_used, line.open) for line in lines] == [("A003", False), ("B002", True)]
    assert number_series_next_many(code="MANY", count=0) == []


@pytest.mark.django_db
def test_next_many_is_all_or_nothing():
    from rapport.core.errors import DomainError
    from rapport.numbering.models import NumberSeriesLine
    from rapport.numbering.services import number_series_create, number_series_next_many

    number_series_create(code="TINY", lines=[{"starting_no": "T1", "ending_no": "T3"}])
    with pytest.raises(DomainError):
        number_series_next_many(code="TINY", count=4)
    assert NumberSeriesLine.objects.get().last_no_used == ""
