"""Reads of campaigns shared by the UI, API and CLI."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rapport.campaigns.models import Campaign
from rapport.core.errors import NotFoundError


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("salesperson").order_by("no")


def campaign_get(no: str) -> Campaign:
    """The campaign with number `no` (case-insensitive); NotFoundError if none."""
    key = str(no or "").strip().upper()
    try:
        return campaign_list().get(no=key)
    except Campaign.DoesNotExist:
        raise NotFoundError(_("There is no campaign %(no)s.") % {"no": key}) from None
