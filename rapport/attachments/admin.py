from typing import Any

from django.contrib import admin

from rapport.attachments.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """View only: attachments change through `services` (the read-only rule lives there)."""

    list_display = (
        "no",
        "kind",
        "file_name",
        "subject",
        "storage_type",
        "file_size",
        "read_only",
        "modified_at",
    )
    list_filter = ("kind", "storage_type", "read_only")
    search_fields = ("file_name", "subject")
    exclude = ("content",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
