"""NAV filter expressions (`rapport.core.filter_expressions`) against a real table, the
contacts' mailing groups and contacts: the Q objects select what `matches` says (moved here from
the core tests: core sits below contacts and may not import it)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rapport.contacts.models import Contact, MailingGroup
from rapport.core.filter_expressions import filter_q, parse
from rapport.core.tests.test_filter_expressions import expressions, stored_values

DESCRIPTIONS = [
    "",
    "Acme",
    "acme",
    "ACME Corp",
    "Big corp",
    "corporate",
    "B",
    "b",
    "Zeta",
    "a.b",
    "a*b",
    "100%",
    "O'Brien",
    "Émile",
    "émile",
    "x@example.com",
    "A|B",
]


@pytest.fixture
def groups(db):
    MailingGroup.objects.all().delete()
    for index, text in enumerate(DESCRIPTIONS):
        MailingGroup.objects.create(code=f"G{index}", description=text)
    return DESCRIPTIONS


def selected(expression: str, **kwargs) -> list[str]:
    q = filter_q("description", expression, **kwargs)
    return sorted(MailingGroup.objects.filter(q).values_list("description", flat=True))


def expected(expression: str, values: list[str], **kwargs) -> list[str]:
    parsed = parse(expression, **kwargs)
    return sorted(v for v in values if parsed.matches(v))


# -- examples against the database --------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "result"),
    [
        ("Acme", ["Acme"]),
        ("=Acme", ["Acme"]),
        ("Acme|B|nothing", ["Acme", "B"]),
        ("@acme", ["Acme", "acme"]),
        ("<>Acme", [d for d in DESCRIPTIONS if d != "Acme"]),
        ("''", [""]),
        ("<>''", [d for d in DESCRIPTIONS if d]),
        ("*corp*", ["Big corp", "corporate"]),
        ("@*corp*", ["ACME Corp", "Big corp", "corporate"]),
        ("corp*", ["corporate"]),
        ("*corp", ["Big corp"]),
        ("?", ["B", "b"]),
        ("a?b", ["a*b", "a.b"]),
        ("a'*'b", ["a*b"]),
        ("*'%'", ["100%"]),
        ("'O''Brien'", ["O'Brien"]),
        ("*@example.com", ["x@example.com"]),
        ("'A|B'", ["A|B"]),
        ("@émile", ["Émile", "émile"]),
        ("<>*corp*&<>''", [d for d in DESCRIPTIONS if d and "corp" not in d]),
        ("B..Z", ["B", "Big corp", "O'Brien"]),
        ("A..B", ["A|B", "ACME Corp", "Acme", "B"]),
        (
            "Zeta..",
            ["a*b", "a.b", "acme", "b", "corporate", "x@example.com", "Zeta", "Émile", "émile"],
        ),
        ("..A|''", ["", "100%"]),
        (">b&<corp", []),
        (">=b&<=c", ["b"]),
        ("@b..c", ["B", "Big corp", "b"]),
        (">Zeta", ["a*b", "a.b", "acme", "b", "corporate", "x@example.com", "Émile", "émile"]),
        ("<B", ["", "100%", "A|B", "ACME Corp", "Acme"]),
        ("<=B", ["", "100%", "A|B", "ACME Corp", "Acme", "B"]),
    ],
)
def test_examples_against_database(groups, expression, result):
    found = selected(expression)
    assert found == sorted(result)
    assert found == expected(expression, groups)


def test_blank_on_a_nullable_path_also_matches_null(db):
    assert "IS NULL" in str(
        Contact.objects.filter(filter_q("country__code", "''", nullable=True)).query
    )
    q = filter_q("country__code", "NL|''", kind="code", nullable=True)
    sql = str(Contact.objects.filter(q).query)
    assert "IS NULL" in sql
    q = filter_q("country__code", "NL", kind="code", nullable=True)
    assert "IS NULL" not in str(Contact.objects.filter(q).query)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=stored_values, expression=expressions)
@example(data=["Acme", "acme", "ACME", "b"], expression="@acme")
@example(data=["é", "É", "e", "E"], expression="@é|@E..e")
@example(data=["", "a", "a\\b"], expression="''|'a\\b'")
def test_database_agrees_with_matches(db, data, expression):
    parsed = parse(expression)
    MailingGroup.objects.all().delete()
    MailingGroup.objects.bulk_create(
        MailingGroup(code=f"G{i}", description=text) for i, text in enumerate(data)
    )
    found = set(
        MailingGroup.objects.filter(parsed.to_q("description")).values_list(
            "description", flat=True
        )
    )
    assert found == {text for text in data if parsed.matches(text)}


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.lists(
        st.text(alphabet="ABC.-_%", min_size=1, max_size=5), min_size=1, max_size=10, unique=True
    ),
    expression=expressions,
)
def test_code_column_agrees_with_matches(db, data, expression):
    parsed = parse(expression, kind="code")
    MailingGroup.objects.all().delete()
    MailingGroup.objects.bulk_create(MailingGroup(code=text) for text in data)
    found = set(MailingGroup.objects.filter(parsed.to_q("code")).values_list("code", flat=True))
    assert found == {text for text in data if parsed.matches(text)}
