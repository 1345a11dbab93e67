"""The audit trail's pages: administrators only, filters, before/after per field, English and
Dutch, the menu entry and the cards' "Changes" button."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test.utils import CaptureQueriesContext

from rapport.audit.models import AuditEntry

LIST = "/audit-trail/"
pytestmark = pytest.mark.django_db
OWN_DAYS = {"date_from": "2026-03-01", "date_to": "2026-03-03"}  # not the fixtures' users


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(unescape(html).split())


def _rows(response: Any) -> list[str]:
    """The object keys of the table's rows, top to bottom."""
    assert response.status_code == 200
    body = response.content.decode()
    table = body.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in body else ""
    return re.findall(r"(CT\d{6}|SEG\d{5})</td>", table)


def test_the_list_shows_the_entries_newest_first(admin_client: Any, trail: Any) -> None:
    response = admin_client.get(LIST, OWN_DAYS)
    assert _rows(response) == ["SEG00001", "CT000002", "CT000001"]
    text = _text(response)
    assert "2026-03-03 00:30 worker:w1 Background job segment_log Segment SEG00001" in text
    assert "2026-03-01 09:00 anne Web contact_update Contact CT000001" in text
    # the changed fields by their captions in the model's order (then by name); a bulk
    # operation's details
    assert "Name, Exclude from segment" in text
    assert "No. of lines, Follow-up segment, No. of interactions" in text
    detail = f'href="/audit-trail/{trail["update"].pk}/"'
    assert detail in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "anne"}, ["CT000001"]),
        ({"operation": "contact_create"}, ["CT000002"]),
        ({"object_type": "contact"}, ["CT000002", "CT000001"]),
        ({"object_type": "contact", "object_key": "ct000002"}, ["CT000002"]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, ["CT000002"]),
        ({"q": "SEG0"}, ["SEG00001"]),
        ({"sort": "at"}, ["CT000001", "CT000002", "SEG00001"]),
    ],
)
def test_filters(admin_client: Any, trail: Any, query: dict[str, str], expected: list[str]) -> None:
    assert _rows(admin_client.get(LIST, {**OWN_DAYS, **query})) == expected


def test_the_filters_offer_the_trails_operations_and_object_types(
    admin_client: Any, trail: Any
) -> None:
    body = admin_client.get(LIST).content.decode()
    select = body.split('name="object_type"')[1].split("</select>")[0]
    assert '<option value="contact">Contact</option>' in select
    assert '<option value="segment">Segment</option>' in select
    select = body.split('name="operation"')[1].split("</select>")[0]
    assert '<option value="segment_log">segment_log</option>' in select


def test_a_date_to_before_the_date_from_is_an_error_next_to_the_field(
    admin_client: Any, trail: Any
) -> None:
    response = admin_client.get(LIST, {"date_from": "2026-03-03", "date_to": "2026-03-01"})
    form = response.context["filter_form"]
    assert form.errors == {"date_to": ["The end date is before the start date."]}
    body = response.content.decode()
    assert (
        '<div class="invalid-feedback d-block" id="id_date_to_error">'
        "The end date is before the start date.</div>" in body
    )
    assert 'aria-describedby="id_date_to_error"' in body
    # not filtered by a range that is not one
    assert response.context["paginator"].count == AuditEntry.objects.count()


def test_an_entry_shows_each_field_before_and_after(admin_client: Any, trail: Any) -> None:
    entry = trail["update"]
    response = admin_client.get(f"/audit-trail/{entry.pk}/")
    text = _text(response)
    assert f"Audit entry {entry.pk}" in text
    assert "Date and time 2026-03-01 09:00 User anne Source Web Operation contact_update" in text
    assert "Object type Contact Object key CT000001" in text
    assert (
        "Field Old value New value Name Old Name New Name Exclude from segment No Yes "
        "Date of birth — 1980-05-17" in text
    )
    body = response.content.decode()
    assert 'href="/audit-trail/?object_type=contact&amp;object_key=CT000001"' in body


def test_a_bulk_operations_entry_shows_its_details(admin_client: Any, trail: Any) -> None:
    text = _text(admin_client.get(f"/audit-trail/{trail['log'].pk}/"))
    assert "No field values were recorded for this operation." in text
    assert "Details No. of lines 5 Follow-up segment Yes No. of interactions 5" in text


def test_the_pages_in_dutch(client_for: Any, make_user: Any, trail: Any) -> None:
    client = client_for(make_user(role="administrator", username="anne2", language="nl"))
    text = _text(client.get(LIST, OWN_DAYS))
    assert "Wijzigingslogposten" in text
    assert "03-03-2026 00:30 worker:w1 Achtergrondtaak segment_log Segment SEG00001" in text
    assert "Naam, Uitsluiten van segment" in text
    text = _text(client.get(f"/audit-trail/{trail['update'].pk}/"))
    assert (
        "Veld Oude waarde Nieuwe waarde Naam Old Name New Name Uitsluiten van segment Nee Ja"
        in text
    )
    assert "17-05-1980" in text


def test_an_unknown_entry_is_404(admin_client: Any, trail: Any) -> None:
    missing = AuditEntry.objects.order_by("-id").first().pk + 1  # type: ignore[union-attr]
    assert admin_client.get(f"/audit-trail/{missing}/").status_code == 404
    assert admin_client.get(f"/audit-trail/0{trail['log'].pk}/").status_code == 404


@pytest.mark.parametrize("role", ["marketing", "salesperson", "read_only"])
def test_other_roles_are_refused(client_for: Any, make_user: Any, trail: Any, role: str) -> None:
    client = client_for(make_user(role=role))
    assert client.get(LIST).status_code == 403
    assert client.get(f"/audit-trail/{trail['log'].pk}/").status_code == 403
    assert 'href="/audit-trail/"' not in client.get("/").content.decode()


def test_the_menu_entry_is_for_administrators(admin_client: Any) -> None:
    assert 'href="/audit-trail/"' in admin_client.get("/").content.decode()


def test_the_pages_change_nothing(admin_client: Any, trail: Any) -> None:
    before = list(AuditEntry.objects.order_by("id").values())
    assert admin_client.post(LIST, {}).status_code == 405
    assert admin_client.post(f"/audit-trail/{trail['log'].pk}/", {}).status_code == 405
    assert list(AuditEntry.objects.order_by("id").values()) == before


def test_the_cards_link_to_their_records_changes(admin_user: Any, read_only_user: Any) -> None:
    """The "Changes" button the audit app registers on the cards of the apps above it (their
    pages show it: tests/browser/test_layout.py opens them)."""
    from types import SimpleNamespace
    from unittest.mock import patch

    from django.test import RequestFactory

    from rapport.core import cards

    def card_actions(card: str, request: Any, subject: Any) -> list[Any]:
        """The card's actions, of the registered ones only this app's (the others need the
        higher apps' records)."""
        mine = {key: action for key, action in cards._actions.items() if key[1] == "audit-changes"}
        with patch.dict(cards._actions, mine, clear=True):
            return cards.card_actions(card, request, subject)

    request = RequestFactory().get("/")
    subjects = {
        "contact": SimpleNamespace(no="CT000001"),
        "salesperson": SimpleNamespace(code="JO"),
        "campaign": SimpleNamespace(no="CA0001"),
        "logged_segment": SimpleNamespace(entry_no=7),
        "attachment": SimpleNamespace(no=3),
    }
    keys = {"contact": "CT000001", "salesperson": "JO", "campaign": "CA0001"}
    keys |= {"logged_segment": "7", "attachment": "3"}
    for card, subject in subjects.items():
        request.user = admin_user
        urls = {str(action.label): action.url for action in card_actions(card, request, subject)}
        assert urls["Changes"] == f"/audit-trail/?object_type={card}&object_key={keys[card]}"
        request.user = read_only_user
        assert "Changes" not in {str(a.label) for a in card_actions(card, request, subject)}


@pytest.mark.parametrize(
    "query",
    [
        {"object_key": "x" * 5_000},
        {"user": ["a", "b"]},
        {"date_from": "99999-01-01"},
        {"date_to": "9999-12-31"},
        {"operation": "no_such_operation"},
        {"object_type": "x" * 300},
        {"sort": "changes"},
        {"page": "abc"},
    ],
)
def test_bad_filter_input_never_fails(admin_client: Any, trail: Any, query: dict[str, Any]) -> None:
    response = admin_client.get(LIST, query)
    assert response.status_code == 200  # a page number that is not one shows the first page
    if response.status_code == 200 and not {"user", "operation"} & set(query):
        # refused, so not filtered (the last of two user names counts; an operation the
        # trail does not hold yet matches nothing)
        assert response.context["paginator"].count == AuditEntry.objects.count()


def test_the_filters_refresh_the_table_in_place(admin_client: Any, trail: Any) -> None:
    response = admin_client.get(
        LIST,
        {**OWN_DAYS, "user": "bob"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="object-table",
    )
    assert _rows(response) == ["CT000002"]
    assert "<nav" not in response.content.decode()  # the table only, not the page


def test_an_object_without_entries_shows_nothing_not_everything(
    admin_client: Any, trail: Any
) -> None:
    response = admin_client.get(LIST, {"object_type": "campaign", "object_key": "CA0001"})
    assert response.context["filter_form"].errors == {}
    assert response.context["paginator"] is None or response.context["paginator"].count == 0
    assert "Nothing matches the search or filters." in _text(response)


def _add_entries(count: int, start: int = 0) -> None:
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                operation=("contact_update", "segment_log", "attachment_create")[n % 3],
                object_type=("contact", "segment", "")[n % 3],
                object_key=f"K{n}",
            )
            for n in range(start, start + count)
        ),
        batch_size=2_000,
    )


def _work(column: str) -> int:
    """SQLite: the virtual machine steps (in thousands) that finding `column`'s values takes,
    which grow with the rows read. PostgreSQL: 0, and the plan must have no table scan."""
    from django.db import connection

    from rapport.audit import selectors

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{AuditEntry._meta.db_table}"')
        with CaptureQueriesContext(connection) as queries:
            selectors._values_through_index(column)
        (sql,) = [query["sql"] for query in queries.captured_queries]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            steps = [str(row[0]) for row in cursor.fetchall()]
        assert [s for s in steps if "Seq Scan on audit_auditentry" in s] == [], "\n".join(steps)
        return 0
    connection.ensure_connection()
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return 0

    connection.connection.set_progress_handler(count, 1_000)
    try:
        selectors._values_through_index(column)
    finally:
        connection.connection.set_progress_handler(None, 0)
    return counted[0]


def test_the_filter_choices_are_read_through_the_indexes_not_the_whole_trail() -> None:
    """The choices equal the distinct values, and finding them does not read the whole trail:
    ten times the entries (2,000 → 20,000) take about the same work (SQLite: VM steps;
    PostgreSQL: no table scan in the plan)."""
    from rapport.audit import selectors

    _add_entries(2_000)
    before = {column: _work(column) for column in selectors.INDEXED_FILTERS}
    _add_entries(18_000, start=2_000)
    after = {column: _work(column) for column in selectors.INDEXED_FILTERS}
    for column in selectors.INDEXED_FILTERS:
        assert after[column] <= before[column] + 2, (column, before, after)
    assert selectors.operations() == sorted(
        set(AuditEntry.objects.values_list("operation", flat=True))
    )
    assert selectors.operations() == ["attachment_create", "contact_update", "segment_log"]
    assert selectors.object_types() == ["contact", "segment"]
