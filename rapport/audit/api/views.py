"""The `audit-entries` resource (API.md): the audit trail, read-only, for administrators (403
for every other role, 401 signed out); a write answers 405. Newest first, paginated, filtered
by `?user=&operation=&object_type=&object_key=&date_from=&date_to=`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from rapport.audit import selectors
from rapport.audit.api.serializers import AuditEntrySerializer
from rapport.audit.filtersets import AuditEntryFilterSet
from rapport.audit.models import AuditEntry
from rapport.core import permissions

ENTRY_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Entry id.")


class AdministratorsOnly(BasePermission):
    """Only administrators read the audit trail (nobody writes it)."""

    message = gettext_lazy("Only administrators may read the audit trail.")

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return permissions.user_can(request.user, view.read_capability)


@extend_schema(parameters=[ENTRY_ID])
class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail: one entry per operation that changed data or setup, newest first, with
    who made it (`user`, `source`), the operation, the object (`object_type`, `object_key`), per
    field the value before and after (`changes`) and, for bulk operations, their counts and
    filters (`details`). Administrators only; entries are never changed or deleted."""

    serializer_class = AuditEntrySerializer
    permission_classes = [AdministratorsOnly]
    read_capability = permissions.SETUP  # only the administrator role holds it
    filterset_class = AuditEntryFilterSet
    search_fields: list[str] = []
    ordering_fields = ["at", "id"]
    ordering = ["-at", "-id"]
    lookup_field = "id"
    # Without leading zeros: one address per entry (and no number too large for the database).
    lookup_value_regex = r"0|[1-9][0-9]{0,17}"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        return selectors.audit_entries()

    def get_object(self) -> AuditEntry:
        entry = selectors.audit_entry_get(int(self.kwargs["id"]))
        if entry is None:
            raise NotFound()
        self.check_object_permissions(self.request, entry)
        return entry
