from typing import Any

from django.contrib import admin

from rapport.interactions.models import (
    InteractionGroup,
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
