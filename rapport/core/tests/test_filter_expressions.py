"""NAV filter expressions: parsing, refusals, Q objects and properties. Against a real table (a
contacts table, above core) in `rapport/contacts/tests/test_filter_expressions_on_tables.py`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.core.errors import DomainError, ValidationFailed
from rapport.core.filter_expressions import (
    Condition,
    FilterExpressionError,
    Pattern,
    filter_q,
    parse,
)


def test_nullable_semantics_match_python(db):
    expression = parse("<>''")
    assert not expression.matches(None)
    assert parse("<>X").matches(None)
    assert parse("..B").matches(None)
    assert not parse("B..").matches(None)
    assert parse("''", kind="date").matches(None)
    assert not parse("2026-01-01..", kind="date").matches(None)
    assert parse("<>2026-01-01", kind="date").matches(None)


# -- kinds ------------------------------------------------------------------------------------


def test_code_values_are_upper_cased_and_trimmed():
    assert str(parse("nl | be", kind="code")) == "NL|BE"
    assert str(parse("a*", kind="code")) == "A*"
    assert parse("nl", kind="code").matches("NL")
    assert not parse("nl", kind="code").matches("nl")
    assert parse("@nl", kind="code").matches("nl")


def test_text_keeps_inner_spaces_and_trims_the_whole_expression():
    parsed = parse("  A | B  ")
    assert parsed.alternatives == ((Condition("=", "A "),), (Condition("=", " B"),))
    assert str(parsed) == "'A '|' B'"


def test_dates():
    parsed = parse("2026-01-01..2026-06-30", kind="date")
    assert parsed.alternatives == ((Condition("..", date(2026, 1, 1), date(2026, 6, 30)),),)
    assert parsed.matches(date(2026, 3, 1))
    assert not parsed.matches(date(2026, 7, 1))
    assert parse(">=2026-01-01", kind="date").matches(date(2026, 1, 1))
    assert parse("''", kind="date").alternatives == ((Condition("=", None),),)
    q = filter_q("date", "2026-01-01..", kind="date")
    assert q.children == [("date__gte", date(2026, 1, 1))]
    assert filter_q("date", "''", kind="date").children == [("date__isnull", True)]


def test_numbers():
    assert parse("1.5..2.5", kind="decimal").matches(Decimal("2"))
    assert not parse("<-1", kind="decimal").matches(Decimal("-1"))
    assert parse("-3..-1", kind="integer").matches(-2)
    assert parse("+7", kind="integer").alternatives == ((Condition("=", 7),),)
    assert parse("10|20", kind="integer").matches(20)
    assert filter_q("n", ">5", kind="integer").children == [("n__gt", 5)]


def test_bools():
    for word in ("yes", "YES", "true", "1"):
        assert parse(word, kind="bool").alternatives == ((Condition("=", True),),)
    for word in ("no", "false", "0"):
        assert parse(word, kind="bool").alternatives == ((Condition("=", False),),)
    assert parse("<>yes", kind="bool").matches(False)
    assert str(parse("true|0", kind="bool")) == "yes|no"


def test_choices():
    choices = ["person", "company"]
    parsed = parse("Person|company", kind="choice", choices=choices)
    assert str(parsed) == "person|company"
    assert parsed.matches("person")
    assert parse("<>person", kind="choice", choices=choices).matches("company")
    assert filter_q("type", "company", kind="choice", choices=choices).children == [
        ("type", "company")
    ]


def test_wildcard_patterns_are_bound_regex_parameters():
    q = filter_q("name", "a*b?c")
    assert q.children == [("name__regex", r"\Aa(?:.|\n)*b(?:.|\n)c\Z")]
    q = filter_q("name", "*'''); DROP TABLE x; --'*")
    ((lookup, value),) = q.children
    assert lookup == "name__regex"
    assert "DROP" in value


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "kind", "message"),
    [
        ("A..B..C", "text", 'Filter "A..B..C" for f, at position 5: unexpected "..".'),
        (">=", "date", 'Filter ">=" for f, at position 3: a value is missing after ">=".'),
        (
            "2026-13-01",
            "date",
            'Filter "2026-13-01" for f, at position 1: "2026-13-01" is not a date (YYYY-MM-DD).',
        ),
        (
            "20260101",
            "date",
            'Filter "20260101" for f, at position 1: "20260101" is not a date (YYYY-MM-DD).',
        ),
        (
            "2026-01-01..x",
            "date",
            'Filter "2026-01-01..x" for f, at position 13: "x" is not a date (YYYY-MM-DD).',
        ),
        ("A||B", "text", 'Filter "A||B" for f, at position 3: a value is missing after "|".'),
        ("A|", "text", 'Filter "A|" for f, at position 3: a value is missing after "|".'),
        ("|A", "text", 'Filter "|A" for f, at position 1: a value is missing before "|".'),
        ("A&", "text", 'Filter "A&" for f, at position 3: a value is missing after "&".'),
        ("@", "text", 'Filter "@" for f, at position 2: a value is missing after "@".'),
        ("<>", "text", 'Filter "<>" for f, at position 3: a value is missing after "<>".'),
        (
            "..",
            "text",
            'Filter ".." for f, at position 1: a range needs a value before or after "..".',
        ),
        (">A..B", "text", 'Filter ">A..B" for f, at position 3: unexpected "..".'),
        ("A<B", "text", 'Filter "A<B" for f, at position 2: unexpected "<".'),
        ("(A|B)", "text", 'Filter "(A|B)" for f, at position 1: unexpected "(".'),
        ("O'Brien", "text", 'Filter "O\'Brien" for f, at position 2: the quote is not closed.'),
        (
            ">A*",
            "text",
            'Filter ">A*" for f, at position 3: wildcards cannot be combined with ">".',
        ),
        (
            "A*..B",
            "text",
            'Filter "A*..B" for f, at position 2: wildcards cannot be used in a range.',
        ),
        (
            "''..B",
            "date",
            "Filter \"''..B\" for f, at position 1: a blank value cannot be a range bound.",
        ),
        (
            ">''",
            "integer",
            'Filter ">\'\'" for f, at position 2: a blank value cannot be compared with ">".',
        ),
        (
            "1*",
            "integer",
            'Filter "1*" for f, at position 2: wildcards cannot be used for a whole number.',
        ),
        ("@1", "decimal", 'Filter "@1" for f, at position 1: "@" cannot be used for a number.'),
        ("1,5", "decimal", 'Filter "1,5" for f, at position 1: "1,5" is not a number.'),
        ("1.5", "integer", 'Filter "1.5" for f, at position 1: "1.5" is not a whole number.'),
        ("maybe", "bool", 'Filter "maybe" for f, at position 1: "maybe" is not yes or no.'),
        (
            "yes..no",
            "bool",
            'Filter "yes..no" for f, at position 4: a range cannot be used for yes/no.',
        ),
        (">yes", "bool", 'Filter ">yes" for f, at position 2: ">" cannot be used for yes/no.'),
        (
            "robot",
            "choice",
            'Filter "robot" for f, at position 1: "robot" is not one of: person, company.',
        ),
        (
            "a\x00b",
            "text",
            'Filter "a\\x00b" for f, at position 2: control character U+0000 is not allowed.',
        ),
        (
            "a\tb",
            "text",
            'Filter "a\\x09b" for f, at position 2: control character U+0009 is not allowed.',
        ),
        ("", "text", 'Filter "" for f: the filter is empty.'),
        ("   ", "text", 'Filter "" for f: the filter is empty.'),
        (
            "x" * 251,
            "text",
            'Filter "'
            + "x" * 57
            + '..." for f: the filter has 251 characters; at most 250 are allowed.',
        ),
    ],
)
def test_refusals(expression, kind, message):
    with pytest.raises(FilterExpressionError) as caught:
        parse(expression, kind=kind, choices=["person", "company"], field="f")
    error = caught.value
    assert error.message == message
    assert error.field == "f"
    assert error.fields() == {"f": [message]}
    assert isinstance(error, ValidationFailed)


def test_error_positions_count_from_one_after_trimming():
    with pytest.raises(FilterExpressionError) as caught:
        parse("  A..B..C", field="f")
    assert caught.value.position == 5


def test_filter_q_names_the_field_path_unless_told_otherwise():
    with pytest.raises(FilterExpressionError, match=r"for country__code, at position 4:"):
        filter_q("country__code", "NL||BE", kind="code")
    with pytest.raises(FilterExpressionError, match=r"for country_code, at position 4:"):
        filter_q("country__code", "NL||BE", kind="code", field="country_code")


def test_without_a_field_the_message_has_no_field():
    with pytest.raises(FilterExpressionError) as caught:
        parse("A||B")
    assert caught.value.message == 'Filter "A||B", at position 3: a value is missing after "|".'
    assert caught.value.field is None


def test_250_characters_are_allowed():
    assert parse("x" * 250).matches("x" * 250)


# -- rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "canonical"),
    [
        ("=A", "A"),
        ("<>@x", "@<>x"),
        ("@a..c", "@a..c"),
        ("A..", "A.."),
        ("..B", "..B"),
        ("'A.'..'.B'", "'A.'..'.B'"),
        ("a.b", "a.b"),
        ("'@x'", "'@x'"),
        ("*@example.com", "*@example.com"),
        ("a''b", "ab"),
        ("''", "''"),
        ("'a*b'*", "'a*b'*"),
        ("'O''Brien'", "'O''Brien'"),
        (">A&<M|Z", ">A&<M|Z"),
    ],
)
def test_canonical_rendering(expression, canonical):
    parsed = parse(expression)
    assert str(parsed) == canonical == parsed.describe()
    assert parse(canonical) == parsed


# -- properties -------------------------------------------------------------------------------

ALPHABET = "aAbB.*?'|&@%_ \\éÉ"
VALUE_CHARS = "aAbBcC.-_% \\@éÉ"

literal_text = st.text(alphabet="aAbB.-_%@ \\éÉ'|&", min_size=0, max_size=4)


@st.composite
def values(draw) -> str:
    """A value as typed: literal chunks (quoted when needed), wildcards."""
    chunks = draw(
        st.lists(
            st.one_of(
                st.sampled_from(["*", "?"]),
                st.text(alphabet="aAbB-_%\\éÉ", min_size=1, max_size=3),
                literal_text.map(lambda t: "'" + t.replace("'", "''") + "'"),
            ),
            min_size=1,
            max_size=3,
        )
    )
    return "".join(chunks)


@st.composite
def plain_values(draw) -> str:
    """A wildcard-free value."""
    return draw(
        st.one_of(
            st.text(alphabet="aAbB-_%\\éÉ", min_size=1, max_size=3),
            literal_text.map(lambda t: "'" + t.replace("'", "''") + "'"),
        )
    )


@st.composite
def conditions(draw) -> str:
    ci = draw(st.sampled_from(["", "@"]))
    shape = draw(st.sampled_from(["value", "not", "compare", "range"]))
    if shape == "value":
        return ci + draw(values())
    if shape == "not":
        return ci + "<>" + draw(values())
    if shape == "compare":
        return ci + draw(st.sampled_from(["<", "<=", ">", ">=", "="])) + draw(plain_values())
    low = draw(st.one_of(st.just(""), plain_values()))
    high = draw(plain_values()) if not low else draw(st.one_of(st.just(""), plain_values()))
    return f"{ci}{low}..{high}"


expressions = st.lists(
    st.lists(conditions(), min_size=1, max_size=2).map("&".join), min_size=1, max_size=3
).map("|".join)

stored_values = st.lists(
    st.text(alphabet=VALUE_CHARS, min_size=0, max_size=5), min_size=1, max_size=12, unique=True
)


@settings(max_examples=200)
@given(expression=expressions, kind=st.sampled_from(["text", "code"]))
def test_rendering_round_trips(expression, kind):
    parsed = parse(expression, kind=kind)
    assert parse(str(parsed), kind=kind) == parsed
    assert str(parse(str(parsed), kind=kind)) == str(parsed)


@settings(max_examples=200)
@given(
    expression=st.one_of(
        st.text(max_size=30),
        st.text(alphabet="0123456789-.|&<>=@*?' yesnoTFa", max_size=30),
    ),
    kind=st.sampled_from(["text", "code", "date", "decimal", "integer", "bool", "choice"]),
)
def test_garbage_raises_only_filter_expression_errors(expression, kind):
    try:
        parsed = parse(expression, kind=kind, choices=["person", "company"], field="f")
    except FilterExpressionError as error:
        assert error.field == "f"
        assert error.message.startswith("Filter ")
        assert isinstance(error, DomainError)
        return
    assert parse(str(parsed), kind=kind, choices=["person", "company"]) == parsed
    parsed.to_q("f")


def test_case_insensitive_patterns_list_the_cases_of_each_letter():
    # No __iregex: PostgreSQL's ~* folds only what the database's locale knows.
    assert filter_q("name", "@é*").children == [("name__regex", r"\A[Éé](?:.|\n)*\Z")]
    negated = filter_q("name", "@<>a1.")
    assert negated.negated
    assert negated.children == [("name__regex", r"\A[Aa]1\.\Z")]
    assert parse("@straße").matches("STRAßE")


def test_pattern_regex_escapes_everything_special():
    regex = Pattern((("lit", "a.b(c)[d]{e}^$|+\\"), ("any", ""))).regex()
    assert regex == r"\Aa\.b\(c\)\[d\]\{e\}\^\$\|\+\\(?:.|\n)*\Z"
