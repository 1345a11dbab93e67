"""The audit trail: one row per operation that changed business data or setup.

Rows are written by `services.audit_record` inside the transaction of the change, so a change
that is rolled back leaves no row and a change that is kept always has one. Rows are never
changed or deleted through the product: the model refuses it, and the database refuses an
UPDATE (SQLite and PostgreSQL) and a DELETE (PostgreSQL) with a trigger (migration 0001). The
user is kept as id and name, not as a foreign key, so deleting a user never touches the trail.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.acting import Source


class AuditTrailImmutable(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditTrailImmutable("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        raise AuditTrailImmutable("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("date and time"), default=timezone.now, db_index=True)
    user_id = models.IntegerField(_("user id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("user"), max_length=150, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, blank=True)
    operation = models.CharField(_("operation"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_key = models.CharField(_("object key"), max_length=100, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_key", "-at"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.operation} {self.object_key}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditTrailImmutable("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailImmutable("Audit entries cannot be deleted.")
