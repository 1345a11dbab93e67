"""The audit trail's foundation: entries cannot be changed (nor, on PostgreSQL, deleted) by
the product or by SQL; `audit_changes` keeps only what differs; and an entry names who acted,
from where: a signed-in page (session), the API (token), the command line (RapportCommand) and
a background job (`rapport worker`)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from rapport.audit.models import AuditEntry, AuditTrailImmutable
from rapport.audit.services import audit_changes, audit_record
from rapport.audit.testing import audited
from rapport.audit.tests import trail_support
from rapport.core.acting import Source, acting_as
from rapport.core.management.base import os_user

pytestmark = pytest.mark.django_db
SUPPORT_URLS = "rapport.audit.tests.trail_support"
UPDATE = "UPDATE audit_auditentry SET operation = 'forged' WHERE id = %s"
DELETE = "DELETE FROM audit_auditentry WHERE id = %s"


@pytest.fixture
def entry(db: Any) -> AuditEntry:
    return audit_record(
        operation="contact_update",
        object_type="contact",
        object_key="CT000001",
        before={"name": "Old"},
        after={"name": "New"},
    )


def _stored(entry: AuditEntry) -> tuple[Any, ...]:
    return tuple(
        AuditEntry.objects.filter(pk=entry.pk).values_list("operation", "object_key", "changes")
    )


# ---------------------------------------------------------------------------------------------
# Immutability


def test_the_model_refuses_changes_and_deletes(entry: AuditEntry) -> None:
    entry.operation = "forged"
    with pytest.raises(AuditTrailImmutable):
        entry.save()
    with pytest.raises(AuditTrailImmutable):
        entry.delete()
    with pytest.raises(AuditTrailImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(operation="forged")
    with pytest.raises(AuditTrailImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert _stored(entry) == (
        ("contact_update", "CT000001", {"name": {"before": "Old", "after": "New"}}),
    )


def test_the_database_refuses_an_update_by_sql(entry: AuditEntry) -> None:
    with (
        pytest.raises(DatabaseError, match="audit entries cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(UPDATE, [entry.pk])
    assert _stored(entry)[0][0] == "contact_update"


def test_the_database_refuses_a_delete_by_sql_on_postgresql(entry: AuditEntry) -> None:
    statement = DELETE
    if connection.vendor != "postgresql":
        # SQLite keeps DELETE open (Django's test flush, `rapport restore`), see migration 0001.
        with connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
        assert not AuditEntry.objects.filter(pk=entry.pk).exists()
        return
    with (
        pytest.raises(DatabaseError, match="audit entries cannot be changed or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_rolled_back_operation_leaves_no_entry(db: Any) -> None:
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(operation="contact_delete", object_type="contact", object_key="CT1")
        raise RuntimeError("the operation failed after writing its entry")
    assert AuditEntry.objects.count() == count


# ---------------------------------------------------------------------------------------------
# audit_changes


def test_audit_changes_keeps_only_what_differs() -> None:
    before = {"name": "Old", "city": "Utrecht", "cost": decimal.Decimal("1.50"), "flag": False}
    after = {"name": "New", "city": "Utrecht", "cost": decimal.Decimal("1.5"), "flag": True}
    assert audit_changes(before, after) == {
        "name": {"before": "Old", "after": "New"},
        "cost": {"before": "1.50", "after": "1.5"},
        "flag": {"before": False, "after": True},
    }


def test_audit_changes_of_a_created_and_a_deleted_record() -> None:
    values = {"no": "CT1", "date": datetime.date(2026, 3, 1), "email": ""}
    assert audit_changes(None, values) == {
        "no": {"before": None, "after": "CT1"},
        "date": {"before": None, "after": "2026-03-01"},
        "email": {"before": None, "after": ""},
    }
    assert audit_changes(values, None) == {
        "no": {"before": "CT1", "after": None},
        "date": {"before": "2026-03-01", "after": None},
        "email": {"before": "", "after": None},
    }
    assert audit_changes(values, dict(values)) == {}


# ---------------------------------------------------------------------------------------------
# Who acted


@pytest.mark.urls(SUPPORT_URLS)
def test_a_page_records_the_session_user(client_for: Any, marketing_user: Any) -> None:
    response = client_for(marketing_user).get("/trail-test/")
    assert response.status_code == 204
    entry = audited("trail_test_page")
    assert (entry.user_id, entry.username, entry.source) == (
        marketing_user.pk,
        "marketing",
        Source.WEB,
    )


@pytest.mark.urls(SUPPORT_URLS)
def test_the_api_records_the_token_user(api_client: Any, make_user: Any) -> None:
    user = make_user(role="salesperson", username="sam")
    response = api_client(user).post("/api/trail-test/", {}, format="json")
    assert response.status_code == 204, response.content
    entry = audited("trail_test_api")
    assert (entry.user_id, entry.username, entry.source) == (user.pk, "sam", Source.API)


@pytest.mark.urls(SUPPORT_URLS)
def test_the_api_records_the_session_user(client_for: Any, marketing_user: Any) -> None:
    response = client_for(marketing_user).post("/api/trail-test/", {})
    assert response.status_code == 204, response.content
    entry = audited("trail_test_api")
    assert (entry.username, entry.source) == ("marketing", Source.API)


def test_a_command_records_the_command_line(db: Any) -> None:
    call_command(trail_support.Command())
    entry = audited("trail_test_cli")
    assert (entry.user_id, entry.username, entry.source) == (None, f"cli:{os_user()}", Source.CLI)


def test_a_background_job_records_the_worker(db: Any, monkeypatch: Any) -> None:
    # The in-process worker must not close the test's connection nor start its monitor thread.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    monkeypatch.setattr(
        "rapport.delivery.management.commands.worker.Monitor.start", lambda self: None
    )
    trail_support.record_task.enqueue()
    call_command("worker", "--batch", "--no-startup-delay", "--worker-id", "w-audit", verbosity=0)
    entry = audited("trail_test_worker")
    assert (entry.user_id, entry.username, entry.source) == (None, "worker:w-audit", Source.WORKER)


def test_an_explicit_actor_wins(admin_user: Any, marketing_user: Any) -> None:
    with acting_as(source=Source.CLI, name="cli:root"):
        entry = audit_record(operation="x_update", object_type="x", actor=marketing_user)
    assert (entry.user_id, entry.username, entry.source) == (
        marketing_user.pk,
        "marketing",
        Source.CLI,
    )
    with acting_as(admin_user, source=Source.WORKER):
        entry = audit_record(operation="x_update", object_type="x")
    assert (entry.username, entry.source) == ("admin", Source.WORKER)


def test_outside_any_request_command_or_job_the_system_acts(db: Any) -> None:
    entry = audit_record(operation="x_update", object_type="x")
    assert (entry.user_id, entry.username, entry.source) == (None, "", Source.SYSTEM)
