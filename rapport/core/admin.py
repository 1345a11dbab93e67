from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from rapport.core import auditing
from rapport.core.models import User
from rapport.core.services import USER_AUDIT_FIELDS


def _values(user: User) -> dict[str, Any]:
    return auditing.writer().audit_values(user, USER_AUDIT_FIELDS)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """The administration of users. Every change is audited (`user_create`, `user_update`,
    `user_delete`, `user_set_password`: never the password itself), inside the admin's
    transaction."""

    list_display = ("username", "first_name", "last_name", "email", "role", "language", "is_active")
    list_filter = ("role", "language", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Rapport"), {"fields": ("role", "work_date", "language")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Rapport"), {"fields": ("role", "language")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        stored = User.objects.filter(pk=obj.pk).first() if change and obj.pk else None
        before = _values(stored) if stored is not None else None
        super().save_model(request, obj, form, change)
        auditing.writer().audit_record(
            operation="user_update" if before is not None else "user_create",
            object_type="user",
            object_key=obj.username,
            before=before,
            after=_values(obj),
        )

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        before = _values(obj)
        super().delete_model(request, obj)
        auditing.writer().audit_record(
            operation="user_delete", object_type="user", object_key=obj.username, before=before
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        usernames = sorted(queryset.values_list("username", flat=True))
        super().delete_queryset(request, queryset)
        auditing.writer().audit_record(
            operation="user_delete",
            object_type="user",
            details={"count": len(usernames), "usernames": usernames},
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                auditing.writer().audit_record(
                    operation="user_set_password",
                    object_type="user",
                    object_key=user.username if user is not None else "",
                )
        return response
