"""Creating, changing and deleting number series: the validation rules."""

from __future__ import annotations

import datetime

import pytest

from rapport.core.errors import ValidationFailed
from rapport.numbering import services
from rapport.numbering.models import NumberSeries, NumberSeriesLine

from .conftest import DAY

pytestmark = pytest.mark.django_db


def create(**kwargs):
    kwargs.setdefault("code", "SEG")
    kwargs.setdefault("description", "Segments")
    kwargs.setdefault("default_nos", True)
    kwargs.setdefault("manual_nos", False)
    kwargs.setdefault("date_order", False)
    kwargs.setdefault("lines", [{"starting_no": "SEG00001"}])
    return services.number_series_create(**kwargs)


def errors_of(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as info:
        call(**kwargs)
    return info.value.errors


def line_errors(**line) -> dict[str, list[str]]:
    return errors_of(create, lines=[line])


def test_create_normalises_and_numbers_lines() -> None:
    series = create(
        code=" seg ",
        description="  Segments ",
        lines=[
            {"starting_no": "seg00001", "ending_no": "seg99999"},
            {"starting_no": "X1", "starting_date": DAY},
        ],
    )
    assert series.code == "SEG"
    assert series.description == "Segments"
    lines = list(series.lines.order_by("line_no"))
    assert [line.line_no for line in lines] == [10000, 20000]
    assert lines[0].starting_no == "SEG00001"
    assert lines[0].ending_no == "SEG99999"
    assert lines[0].increment_by == 1
    assert lines[0].open is True
    assert lines[1].starting_date == DAY


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "must have a value"),
        ("   ", "must have a value"),
        ("A B", "no spaces"),
        ("A/B", "no spaces"),
        ("-AB", "must start with a letter or digit"),
        ("X" * 21, "at most 20"),
        ("AB\x00", "no spaces"),
    ],
)
def test_code_rules(code: str, message: str) -> None:
    assert message in errors_of(create, code=code)["code"][0]


def test_code_must_be_unique_case_insensitively() -> None:
    create(code="SEG")
    assert "already exists" in errors_of(create, code="seg")["code"][0]


def test_description_rules() -> None:
    assert "at most 100" in errors_of(create, description="x" * 101)["description"][0]
    assert "control characters" in errors_of(create, description="a\x00b")["description"][0]


def test_default_and_manual_may_not_both_be_off() -> None:
    errors = errors_of(create, default_nos=False, manual_nos=False)
    assert "Default Nos., Manual Nos. or both" in errors["default_nos"][0]
    series = create(code="MAN", default_nos=False, manual_nos=True)
    assert (
        "Default Nos."
        in errors_of(services.number_series_update, series=series, manual_nos=False)["default_nos"][
            0
        ]
    )


def test_flags_must_be_booleans() -> None:
    assert "true or false" in errors_of(create, date_order="yes")["date_order"][0]
    # The shared flag cleaner (core.cleaners) names the field (was "Must be true or false.").
    errors = errors_of(create, default_nos=1, manual_nos=None, date_order="yes")
    assert errors["default_nos"] == ["Default Nos. must be true or false."]
    assert errors["manual_nos"] == ["Manual Nos. must be true or false."]
    assert errors["date_order"] == ["Date Order must be true or false."]


def test_starting_no_required_with_digits() -> None:
    assert "must have a value" in line_errors(ending_no="SEG9")["lines.0.starting_no"][0]
    assert "must have a value" in line_errors(starting_no="  ")["lines.0.starting_no"][0]
    assert "must contain digits" in line_errors(starting_no="SEG")["lines.0.starting_no"][0]
    assert (
        "must contain digits"
        in line_errors(starting_no="S1", ending_no="SX")["lines.0.ending_no"][0]
    )


def test_numbers_at_most_20_characters_and_text() -> None:
    assert "at most 20" in line_errors(starting_no="S" * 20 + "1")["lines.0.starting_no"][0]
    assert "must be text" in line_errors(starting_no=12)["lines.0.starting_no"][0]
    assert "control" in line_errors(starting_no="S\x001")["lines.0.starting_no"][0]
    # The limit holds for the upper-cased number: "ß" upper-cased is "SS".
    assert line_errors(starting_no="ß" * 10 + "1")["lines.0.starting_no"] == [
        "Starting No. can have at most 20 characters."
    ]


def test_same_format_as_starting_no() -> None:
    errors = line_errors(starting_no="SEG00001", ending_no="SG00999")
    assert errors["lines.0.ending_no"] == [
        "The number format in Ending No. must be the same as the number format in Starting No. (SEG00001)."
    ]
    assert "lines.0.warning_no" in line_errors(
        starting_no="SEG001", ending_no="SEG999", warning_no="SEG990X"
    )
    assert "lines.0.last_no_used" in line_errors(starting_no="SEG001", last_no_used="X005")


def test_widths_are_harmonised() -> None:
    series = create(
        lines=[
            {
                "starting_no": "SEG1",
                "ending_no": "SEG00999",
                "warning_no": "SEG900",
                "last_no_used": "SEG5",
            }
        ]
    )
    line = series.lines.get()
    assert (line.starting_no, line.ending_no, line.warning_no, line.last_no_used) == (
        "SEG00001",
        "SEG00999",
        "SEG00900",
        "SEG00005",
    )


def test_widening_that_would_change_an_untouched_last_no_used_is_refused() -> None:
    series = create(lines=[{"starting_no": "SEG001", "last_no_used": "SEG005"}])
    errors = errors_of(
        services.number_series_update,
        series=series,
        lines=[{"line_no": 10000, "ending_no": "SEG99999"}],
    )
    assert errors["lines.0.ending_no"] == [
        "The number format in Ending No. must be the same as the number format in Last No. Used (SEG005)."
    ]
    # Typing the last no. used along with it is fine: it is padded.
    series = services.number_series_update(
        series=series, lines=[{"line_no": 10000, "ending_no": "SEG99999", "last_no_used": "SEG5"}]
    )
    line = series.lines.get()
    assert (line.starting_no, line.ending_no, line.last_no_used) == (
        "SEG00001",
        "SEG99999",
        "SEG00005",
    )


def test_overflowed_last_no_used_is_kept() -> None:
    series = create(lines=[{"starting_no": "SEG99999", "last_no_used": "SEG100000"}])
    assert series.lines.get().last_no_used == "SEG100000"
    assert "lines.0.last_no_used" in line_errors(starting_no="SEG001", last_no_used="SEG0005")


def test_starting_not_above_ending() -> None:
    errors = line_errors(starting_no="SEG010", ending_no="SEG009")
    assert errors["lines.0.ending_no"] == ["Ending No. SEG009 is lower than Starting No. SEG010."]


def test_warning_rules() -> None:
    assert (
        "needs an Ending No."
        in line_errors(starting_no="S01", warning_no="S05")["lines.0.warning_no"][0]
    )
    assert (
        "must lie between"
        in line_errors(starting_no="S10", ending_no="S20", warning_no="S21")["lines.0.warning_no"][
            0
        ]
    )
    assert (
        "must lie between"
        in line_errors(starting_no="S10", ending_no="S20", warning_no="S09")["lines.0.warning_no"][
            0
        ]
    )
    create(code="OK", lines=[{"starting_no": "S10", "ending_no": "S20", "warning_no": "S20"}])


def test_clearing_ending_no_clears_an_unchanged_warning_no() -> None:
    series = create(lines=[{"starting_no": "S10", "ending_no": "S20", "warning_no": "S15"}])
    series = services.number_series_update(
        series=series, lines=[{"line_no": 10000, "ending_no": ""}]
    )
    line = series.lines.get()
    assert (line.ending_no, line.warning_no) == ("", "")


def test_last_no_used_within_the_range() -> None:
    assert (
        "lower than Starting No."
        in line_errors(starting_no="S10", last_no_used="S09")["lines.0.last_no_used"][0]
    )
    assert (
        "greater than Ending No."
        in line_errors(starting_no="S10", ending_no="S20", last_no_used="S21")[
            "lines.0.last_no_used"
        ][0]
    )


@pytest.mark.parametrize("value", [0, -1, 1_000_001, "2", 1.5, True])
def test_increment_by_rules(value) -> None:
    assert "lines.0.increment_by" in line_errors(starting_no="S1", increment_by=value)


def test_dates() -> None:
    series = create(lines=[{"starting_no": "S1", "starting_date": "2026-01-01"}])
    assert series.lines.get().starting_date == datetime.date(2026, 1, 1)
    assert "lines.0.starting_date" in line_errors(starting_no="S1", starting_date="01-01-2026")
    assert "lines.0.last_date_used" in line_errors(starting_no="S1", last_date_used=5)


def test_open_is_computed_not_given() -> None:
    series = create(
        lines=[{"starting_no": "S1", "ending_no": "S3", "last_no_used": "S3", "open": True}]
    )
    assert series.lines.get().open is False


def test_lines_with_the_same_date_may_not_overlap() -> None:
    errors = errors_of(
        create,
        lines=[
            {"starting_no": "S001", "ending_no": "S100"},
            {"starting_no": "S050", "ending_no": "S200"},
        ],
    )
    assert "overlap" in errors["lines.1.starting_no"][0]
    # An open-ended line overlaps every later range of its format.
    assert "lines.1.starting_no" in errors_of(
        create, lines=[{"starting_no": "S001"}, {"starting_no": "S900"}]
    )
    # Different dates or different formats are fine.
    create(code="A", lines=[{"starting_no": "S001"}, {"starting_no": "S001", "starting_date": DAY}])
    create(code="B", lines=[{"starting_no": "S001"}, {"starting_no": "T001"}])
    create(code="C", lines=[{"starting_no": "S001", "ending_no": "S100"}, {"starting_no": "S101"}])


def test_line_shape_errors() -> None:
    assert "lines" in errors_of(create, lines="nope")
    assert "lines.0" in errors_of(create, lines=["nope"])
    assert "lines.0" in errors_of(create, lines=[{"starting_no": "S1", "colour": "red"}])
    assert "lines.1.line_no" in errors_of(
        create, lines=[{"line_no": 5, "starting_no": "S1"}, {"line_no": 5, "starting_no": "T1"}]
    )
    assert "lines.0.line_no" in errors_of(create, lines=[{"line_no": 0, "starting_no": "S1"}])


def test_several_errors_are_reported_together() -> None:
    errors = errors_of(
        create, code="", lines=[{"starting_no": "S"}, {"starting_no": "T1", "increment_by": 0}]
    )
    assert set(errors) == {"code", "lines.0.starting_no", "lines.1.increment_by"}


def test_refused_create_writes_nothing() -> None:
    with pytest.raises(ValidationFailed):
        create(lines=[{"starting_no": "S1"}, {"starting_no": "X"}])
    assert not NumberSeries.objects.exists()
    assert not NumberSeriesLine.objects.exists()


def test_update_replaces_lines_by_line_no_and_keeps_what_was_not_given() -> None:
    series = create(
        lines=[
            {"starting_no": "A001", "ending_no": "A999"},
            {"starting_no": "B001", "starting_date": DAY},
        ]
    )
    services.number_series_next(code="SEG", date=DAY - datetime.timedelta(days=1))  # A001
    series = services.number_series_update(
        series=series,
        description="Changed",
        lines=[
            {"line_no": 10000, "warning_no": "A900"},
            {"starting_no": "C001", "starting_date": DAY + datetime.timedelta(days=1)},
        ],
    )
    assert series.description == "Changed"
    assert series.code == "SEG"
    lines = list(series.lines.order_by("line_no"))
    assert [line.line_no for line in lines] == [10000, 30000]
    assert lines[0].last_no_used == "A001"
    assert lines[0].last_date_used == DAY - datetime.timedelta(days=1)
    assert lines[0].warning_no == "A900"
    assert lines[0].ending_no == "A999"
    assert lines[1].starting_no == "C001"


def test_update_without_lines_keeps_them() -> None:
    series = create()
    services.number_series_update(series=series, date_order=True)
    series.refresh_from_db()
    assert series.date_order is True
    assert series.lines.count() == 1


def test_update_can_rename_and_reopen() -> None:
    series = create(lines=[{"starting_no": "S1", "ending_no": "S2", "last_no_used": "S2"}])
    assert series.lines.get().open is False
    series = services.number_series_update(
        series=series, code="new", lines=[{"line_no": 10000, "ending_no": "S9"}]
    )
    assert series.code == "NEW"
    assert series.lines.get().open is True
    create(code="OTHER")
    assert (
        "already exists"
        in errors_of(services.number_series_update, series=series, code="other")["code"][0]
    )


def test_refused_update_changes_nothing() -> None:
    series = create(description="Before", lines=[{"starting_no": "S1", "ending_no": "S9"}])
    with pytest.raises(ValidationFailed):
        services.number_series_update(
            series=series,
            description="After",
            date_order=True,
            lines=[{"line_no": 10000, "ending_no": "S0"}, {"starting_no": "T1"}],
        )
    series.refresh_from_db()
    assert (series.description, series.date_order) == ("Before", False)
    assert list(series.lines.values_list("starting_no", "ending_no")) == [("S1", "S9")]


def test_delete() -> None:
    series = create()
    services.number_series_delete(series=series)
    assert not NumberSeries.objects.exists()
    assert not NumberSeriesLine.objects.exists()
