"""Reads of Marketing Setup."""

from __future__ import annotations

from rapport.setup.models import MarketingSetup


def marketing_setup_get() -> MarketingSetup:
    """The one Marketing Setup record; created with NAV's initial values when missing."""
    setup = (
        MarketingSetup.objects.select_related(
            "contact_nos", "segment_nos", "campaign_nos", "default_salesperson", "default_language"
        )
        .filter(pk=MarketingSetup.SINGLETON_ID)
        .first()
    )
    if setup is None:
        setup, _ = MarketingSetup.objects.get_or_create(pk=MarketingSetup.SINGLETON_ID)
    return setup
