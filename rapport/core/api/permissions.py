from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework.permissions import SAFE_METHODS, BasePermission

from rapport.core import permissions


class RolePermission(BasePermission):
    """Signed-in users read; writing needs the view's `write_capability` (default: setup)."""

    message = gettext_lazy("Your role does not allow this change.")

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        capability = getattr(view, "write_capability", permissions.SETUP)
        return permissions.user_can(request.user, capability)
