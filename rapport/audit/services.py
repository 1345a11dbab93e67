"""Writing the audit trail (the only way in: nothing changes or deletes an entry).

Every service that changes business data or setup calls `audit_record` (or one of the
shortcuts) inside its own transaction, after the change: one entry per operation, with the
values before and after for a record that changed, and for bulk operations (log a segment,
delete canceled, import, add contacts) one entry with its counts and filters in `details`,
never one per line.

Operation names are the services' names (`contact_update`, `segment_log`); object types are the
API's singular resource names with underscores (`contact`, `interaction`, `logged_segment`); the
key is the business key (`no`, `code`, `entry_no`).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from rapport.audit.models import AuditEntry
from rapport.core.acting import resolve_actor

KEY_FIELDS = ("no", "code", "entry_no", "username")
SKIPPED_FIELDS = frozenset({"id", "password", "search_text"})


def json_value(value: Any) -> Any:
    """A value as JSON keeps it: decimals and UUIDs as strings, dates as ISO text, files by
    name, bytes by length."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(item) for item in value]
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return str(value)


def object_key(instance: models.Model) -> str:
    """The business key of `instance` (`no`, `code`, `entry_no`), else its primary key."""
    for name in KEY_FIELDS:
        value = getattr(instance, name, None)
        if value not in (None, ""):
            return str(value)
    return str(instance.pk)


def _related_key(instance: models.Model, field: models.ForeignKey) -> Any:
    raw = getattr(instance, field.attname)
    if raw is None:
        return None
    if field.is_cached(instance):
        related = getattr(instance, field.name)
        return object_key(related) if related is not None else None
    model = field.related_model
    names = {f.name for f in model._meta.concrete_fields}  # type: ignore[union-attr]
    for name in KEY_FIELDS:
        if name in names:
            return (
                model._default_manager.filter(pk=raw)  # type: ignore[union-attr]
                .values_list(name, flat=True)
                .first()
            )
    return raw


def audit_values(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The values of `instance` as the trail keeps them: every concrete field (or `fields`),
    foreign keys as the related record's business key (e.g. `salesperson`: "JO"), no ids,
    passwords or search texts."""
    wanted = set(fields) if fields is not None else None
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        if wanted is None and field.name in SKIPPED_FIELDS:
            continue
        if isinstance(field, models.ForeignKey):
            values[field.name] = json_value(_related_key(instance, field))
        else:
            values[field.name] = json_value(getattr(instance, field.attname))
    return values


def audit_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, dict[str, Any]]:
    """{field: {"before": old, "after": new}} for the fields whose value differs (a created
    record has no before, a deleted one no after)."""
    before = before or {}
    after = after or {}
    changes: dict[str, dict[str, Any]] = {}
    for name in list(before) + [name for name in after if name not in before]:
        old, new = json_value(before.get(name)), json_value(after.get(name))
        if old != new:
            changes[name] = {"before": old, "after": new}
    return changes


def audit_record(
    *,
    operation: str,
    object_type: str,
    object_key: str = "",
    actor: Any = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry for `operation` on (`object_type`, `object_key`) by `actor` (or
    whoever acts now, see `rapport.core.acting`). Call it inside the operation's transaction.
    `before` and `after` are `audit_values` snapshots; only what differs is kept."""
    user_id, username, source = resolve_actor(actor)
    return AuditEntry.objects.create(
        user_id=user_id,
        username=username[:150],
        source=source,
        operation=operation[:64],
        object_type=object_type[:64],
        object_key=str(object_key)[:100],
        changes=audit_changes(before, after),
        details=json_value(dict(details or {})),
    )


def audit_created(
    instance: models.Model,
    *,
    operation: str,
    object_type: str,
    actor: Any = None,
    fields: Iterable[str] | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """The entry of a record that was created (its values as `after`)."""
    return audit_record(
        operation=operation,
        object_type=object_type,
        object_key=object_key(instance),
        actor=actor,
        after=audit_values(instance, fields),
        details=details,
    )


def audit_change(
    *,
    operation: str,
    object_type: str,
    object_key: Any,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    actor: Any = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry | None:
    """The entry of a change from `before` to `after` (`audit_values` snapshots); none when no
    value differs: a save that changed nothing is not an operation on the data."""
    if not audit_changes(before, after):
        return None
    return audit_record(
        operation=operation,
        object_type=object_type,
        object_key=str(object_key),
        actor=actor,
        before=before,
        after=after,
        details=details,
    )


def audit_updated(
    before: Mapping[str, Any],
    instance: models.Model,
    *,
    operation: str,
    object_type: str,
    actor: Any = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry | None:
    """The entry of a record that changed: `before` is `audit_values(instance)` taken before
    the change; the same fields are read again now. None when no value differs."""
    return audit_change(
        operation=operation,
        object_type=object_type,
        object_key=object_key(instance),
        actor=actor,
        before=before,
        after=audit_values(instance, before.keys()),
        details=details,
    )


def audit_deleted(
    before: Mapping[str, Any],
    *,
    operation: str,
    object_type: str,
    key: str,
    actor: Any = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """The entry of a record that was deleted: `before` is its `audit_values` taken before."""
    return audit_record(
        operation=operation,
        object_type=object_type,
        object_key=key,
        actor=actor,
        before=before,
        details=details,
    )
