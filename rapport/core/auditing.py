"""The audit trail as core's own operations (users) reach it. Core lies below `rapport.audit`
and cannot import it, so the audit app registers its writer here in its AppConfig.ready()
(the same registry pattern as `core.tiles` and `core.cards`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class AuditWriter(Protocol):
    def audit_record(
        self,
        *,
        operation: str,
        object_type: str,
        object_key: str = "",
        actor: Any = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> Any: ...

    def audit_values(
        self, instance: models.Model, fields: Iterable[str] | None = None
    ) -> dict[str, Any]: ...

    def audit_created(
        self,
        instance: models.Model,
        *,
        operation: str,
        object_type: str,
        actor: Any = None,
        fields: Iterable[str] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> Any: ...


_writer: AuditWriter | None = None


def register_writer(writer: AuditWriter) -> None:
    """Called by `rapport.audit` when the apps are ready."""
    global _writer
    _writer = writer


def writer() -> AuditWriter:
    """The registered writer; without one a change would go unrecorded, so that is refused."""
    if _writer is None:
        raise ImproperlyConfigured("The audit trail (rapport.audit) is not installed.")
    return _writer
