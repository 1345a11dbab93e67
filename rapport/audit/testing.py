"""Test helpers for the audit trail (used by every app's tests)."""

from __future__ import annotations

from typing import Any

from rapport.audit.models import AuditEntry


def audit_count() -> int:
    """How many audit entries there are (take it before a refused operation, compare after)."""
    return AuditEntry.objects.count()


def audited(operation: str, **match: Any) -> AuditEntry:
    """The one audit entry of `operation` (matching `match`, e.g. object_key="CT000001");
    fails when there is none or more than one."""
    entries = list(AuditEntry.objects.filter(operation=operation, **match))
    assert len(entries) == 1, (
        f"expected one audit entry {operation} {match}, found {len(entries)}: "
        f"{[(e.operation, e.object_key) for e in AuditEntry.objects.all()[:20]]}"
    )
    return entries[0]
