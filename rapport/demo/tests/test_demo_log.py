"""The demo's interaction log (moved here from the interactions tests: interactions sits below
demo and may not import it)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from rapport.campaigns.models import CampaignEntry
from rapport.demo.data import load_demo
from rapport.interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db


def test_the_demo_log() -> None:
    """The full demo: 600 logged interactions over 18 months, some canceled, some with a
    campaign (each its own campaign entry), 6 postponed; made under the log's rules; loaded
    once."""
    load_demo()
    entries = InteractionLogEntry.objects.all()
    logged = entries.filter(postponed=False)
    assert logged.count() == 600
    assert entries.filter(postponed=True).count() == 6
    assert 10 <= logged.filter(canceled=True).count() <= 50
    today = timezone.localdate()
    assert logged.filter(date__gt=today).count() == 0
    assert logged.filter(date__lt=today - datetime.timedelta(days=549)).count() == 0
    with_campaign = logged.exclude(campaign=None)
    assert with_campaign.count() > 10
    assert CampaignEntry.objects.count() == with_campaign.count()
    assert with_campaign.filter(campaign_entry=None).count() == 0
    # The log's rules: complete, e-mail only with an address and an attachment (a read-only
    # copy), subject = description, numbered 1, 2, 3, ...
    assert logged.filter(template=None).count() == 0
    assert logged.filter(correspondence_type="email", attachment=None).count() == 0
    assert logged.filter(correspondence_type="email", contact__email="").count() == 0
    assert logged.exclude(attachment=None).exclude(attachment__read_only=True).count() == 0
    assert logged.exclude(subject=F("description")).count() == 0
    assert sorted(entries.values_list("entry_no", flat=True)) == list(range(1, 607))
    before = list(entries.order_by("pk").values_list())
    load_demo()
    assert list(InteractionLogEntry.objects.order_by("pk").values_list()) == before
