from typing import Any

from django.contrib import admin

from rapport.interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionLogEntryComment,
    InteractionTemplate,
    InteractionTemplateLanguage,
)


class ViewOnlyAdmin(admin.ModelAdmin):
    """View only: these records change through `services`, where their rules live (a default
    language always has its language row, wizard actions fit the attachment, ...)."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class InteractionTemplateLanguageInline(admin.TabularInline):
    model = InteractionTemplateLanguage
    fields = ("language", "description", "attachment")
    extra = 0

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(InteractionGroup)
class InteractionGroupAdmin(ViewOnlyAdmin):
    list_display = ("code", "description")
    search_fields = ("code", "description")


@admin.register(InteractionTemplate)
class InteractionTemplateAdmin(ViewOnlyAdmin):
    list_display = (
        "code",
        "description",
        "group",
        "unit_cost",
        "unit_duration",
        "correspondence_type_default",
        "language_default",
        "wizard_action",
        "campaign",
    )
    list_filter = ("group", "correspondence_type_default", "wizard_action")
    search_fields = ("code", "description")
    list_select_related = ("group", "language_default", "campaign")
    inlines = [InteractionTemplateLanguageInline]


class InteractionLogEntryCommentInline(admin.TabularInline):
    model = InteractionLogEntryComment
    fields = ("line_no", "date", "comment")
    extra = 0

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(InteractionLogEntry)
class InteractionLogEntryAdmin(ViewOnlyAdmin):
    list_display = (
        "entry_no",
        "date",
        "contact",
        "template",
        "description",
        "salesperson",
        "cost",
        "duration",
        "canceled",
        "postponed",
    )
    list_filter = ("canceled", "postponed", "group")
    search_fields = ("=entry_no", "description", "contact__no", "contact__name")
    list_select_related = ("contact", "template", "salesperson")
    raw_id_fields = ("contact", "contact_company", "attachment", "campaign_entry")
    inlines = [InteractionLogEntryCommentInline]
