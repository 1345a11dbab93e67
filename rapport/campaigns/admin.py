from typing import Any

from django.contrib import admin

from rapport.campaigns.models import Campaign, CampaignEntry


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


@admin.register(CampaignEntry)
class CampaignEntryAdmin(admin.ModelAdmin):
    """View only: campaign entries are made by logging interactions and segments."""

    list_display = ("entry_no", "campaign", "date", "description", "salesperson", "canceled")
    list_filter = ("canceled",)
    list_select_related = ("campaign", "salesperson")
    search_fields = ("=entry_no", "description", "campaign__no")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
