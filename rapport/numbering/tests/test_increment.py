"""increment_number: NAV's INCSTR, without NAV's negative-number quirk."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rapport.core.errors import DomainError
from rapport.numbering import rules
from rapport.numbering.services import increment_number


@pytest.mark.parametrize(
    ("number", "by", "expected"),
    [
        ("SEG00001", 1, "SEG00002"),
        ("SEG00009", 1, "SEG00010"),
        ("SEG99999", 1, "SEG100000"),
        ("a99c", 1, "a100c"),
        ("A10B20", 1, "A10B21"),
        ("A10B99", 1, "A10B100"),
        ("1", 1, "2"),
        ("9", 1, "10"),
        ("0", 1, "1"),
        ("CT-0007-X", 1, "CT-0008-X"),
        ("SEG00095", 10, "SEG00105"),
        ("SEG00001", 1000, "SEG01001"),
        # Rapport differs from NAV: a dash is a separator, not a minus sign.
        ("INV-55", 1, "INV-56"),
        ("-55", 1, "-56"),
        ("2026-0001", 1, "2026-0002"),
    ],
)
def test_increment_examples(number: str, by: int, expected: str) -> None:
    assert increment_number(number, by) == expected


def test_number_without_digits_is_refused() -> None:
    with pytest.raises(DomainError, match="contains no digits"):
        increment_number("SEG")
    with pytest.raises(DomainError):
        increment_number("")


def test_unicode_digits_do_not_count() -> None:
    with pytest.raises(DomainError):
        increment_number("SEG٣")  # an Arabic-Indic three is not a counter


def test_result_longer_than_20_characters_is_refused() -> None:
    assert increment_number("ABCDEFGHIJKLMNOPQR98") == "ABCDEFGHIJKLMNOPQR99"
    with pytest.raises(DomainError, match="cannot be extended to more than 20 characters"):
        increment_number("ABCDEFGHIJKLMNOPQR99")


def test_increment_below_one_is_refused() -> None:
    with pytest.raises(DomainError):
        increment_number("SEG1", 0)


def test_compare_numbers_uses_the_counter_value() -> None:
    assert rules.compare_numbers("SEG100000", "SEG99999") > 0
    assert rules.compare_numbers("SEG00005", "SEG5") == 0
    assert rules.compare_numbers("SEG00004", "SEG00005") < 0
    # Different formats fall back to text order.
    assert rules.compare_numbers("A1", "B1") < 0


prefixes = st.text(max_size=8).filter(lambda s: not s or not ("0" <= s[-1] <= "9"))
suffixes = st.text(max_size=6).filter(lambda s: not any("0" <= c <= "9" for c in s))


@settings(max_examples=200, deadline=None)
@given(
    prefix=prefixes,
    suffix=suffixes,
    width=st.integers(min_value=1, max_value=8),
    value=st.integers(min_value=0, max_value=99_999_999),
    by=st.integers(min_value=1, max_value=1_000_000),
)
@example(prefix="SEG", suffix="", width=5, value=99_999, by=1)
@example(prefix="INV-", suffix="", width=2, value=55, by=1)
def test_increment_property(prefix: str, suffix: str, width: int, value: int, by: int) -> None:
    value = value % (10**width)
    number = f"{prefix}{str(value).zfill(width)}{suffix}"
    expected_digits = str(value + by).zfill(width)
    expected = f"{prefix}{expected_digits}{suffix}"
    if len(expected) > rules.NUMBER_LENGTH:
        with pytest.raises(DomainError):
            increment_number(number, by)
        return
    result = increment_number(number, by)
    assert result == expected
    assert result.startswith(prefix)
    assert result.endswith(suffix)
    counter = result[len(prefix) : len(result) - len(suffix)]
    assert int(counter) == value + by
    overflow = len(str(value + by)) > width
    assert len(counter) == (len(str(value + by)) if overflow else width)
