"""Reads of Marketing Setup."""

from __future__ import annotations

from rapport.setup.models import MarketingSetup


def marketing_setup_get() -> MarketingSetup:
    """The one Marketing Setup record; created with NAV's initial values when missing."""
    setup = (
        MarketingSetup.objects.select_related(
            "contact_nos",
            "segment_nos",
            "campaign_nos",
            "default_salesperson",
            "default_language",
            "default_company_salutation",
            "default_person_salutation",
        )
        .filter(pk=MarketingSetup.SINGLETON_ID)
        .first()
    )
    if setup is None:
        setup, _ = MarketingSetup.objects.get_or_create(pk=MarketingSetup.SINGLETON_ID)
    return setup


def delivery_rate_per_minute() -> int:
    """Marketing Setup's limit of e-mails sent per minute; 0 means no limit."""
    rate = (
        MarketingSetup.objects.filter(pk=MarketingSetup.SINGLETON_ID)
        .values_list("delivery_rate_per_minute", flat=True)
        .first()
    )
    return int(rate or 0)


def attachment_storage_policy() -> tuple[str, str]:
    """Where a new attachment's file goes (registered with `rapport.attachments.hooks`):
    (storage type, location). Disk File with a location: that folder; otherwise the location is
    blank, which the attachments app reads as DATA_DIR/attachments."""
    storage_type, location = (
        MarketingSetup.objects.filter(pk=MarketingSetup.SINGLETON_ID)
        .values_list("attachment_storage_type", "attachment_storage_location")
        .first()
    ) or ("embedded", "")
    if storage_type != "disk_file":
        return "embedded", ""
    return "disk_file", (location or "").strip()
