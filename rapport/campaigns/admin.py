from typing import Any

from django.contrib import admin

from rapport.campaigns.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """View only: campaigns change through `services` (numbering and date rules live there)."""

    list_display = ("no", "description", "starting_date", "ending_date", "salesperson")
    search_fields = ("no", "description")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
