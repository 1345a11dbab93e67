"""Business operations on campaigns (NAV's Campaign, table 5071) and campaign entries (table
5072).

Each function is one transaction and raises a DomainError with a user-facing message. The API
(`/api/v1/campaigns/`), the campaign pages and the demo data call these operations. Canceling,
un-canceling and deleting campaign entries write interaction log entries, so they live in
`rapport.interactions.campaign_entries` (re-exported by `rapport.interactions.services`).

Where Rapport differs from NAV on purpose (for docs/differences.md):

* Every single interaction with a campaign gets a campaign entry of its own; NAV lets all
  single interactions of one campaign share one entry (pain point 5), so canceling that entry
  canceled all of them.
* A campaign that interactions or campaign entries refer to cannot be deleted (NAV deletes its
  campaign entries and, with them, their interactions).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import DESCRIPTION_LENGTH, Campaign, CampaignEntry
from rapport.contacts.models import Salesperson
from rapport.core.dates import date_in_range, date_range_message
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.numbering.services import number_series_assign
from rapport.setup.selectors import marketing_setup_get

_UNSET: Any = object()
_NUMBER_ATTEMPTS = 5
CAMPAIGN_ENTRY_NO_LOCK = 5072_0001  # NAV's table no. 5072: the key of the entry-number lock


def _clean_description(value: Any, errors: dict[str, list[str]]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.setdefault("description", []).append(_("Description must be text."))
        return ""
    text = value.strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        errors.setdefault("description", []).append(
            _("Description may not contain control characters.")
        )
    elif len(text) > DESCRIPTION_LENGTH:
        errors.setdefault("description", []).append(
            _("Description can have at most %(max)s characters.") % {"max": DESCRIPTION_LENGTH}
        )
    return text


def _check_date(name: str, value: Any, errors: dict[str, list[str]]) -> None:
    if value is not None and (
        not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
    ):
        errors.setdefault(name, []).append(_("This field must be a date."))
    elif value is not None and not date_in_range(value):
        errors.setdefault(name, []).append(date_range_message())


def _check_dates(
    starting: datetime.date | None, ending: datetime.date | None, errors: dict[str, list[str]]
) -> None:
    """NAV: the ending date may not lie before the starting date."""
    _check_date("starting_date", starting, errors)
    _check_date("ending_date", ending, errors)
    if errors or starting is None or ending is None:
        return
    if ending < starting:
        errors.setdefault("ending_date", []).append(
            _("Ending Date %(ending)s is before Starting Date %(starting)s.")
            % {"ending": ending.isoformat(), "starting": starting.isoformat()}
        )


def _check_salesperson(value: Any, errors: dict[str, list[str]]) -> None:
    if value is not None and not (isinstance(value, Salesperson) and value.pk):
        errors.setdefault("salesperson", []).append(_("Choose an existing salesperson."))


@transaction.atomic
def campaign_create(
    *,
    no: str = "",
    description: str,
    starting_date: datetime.date | None = None,
    ending_date: datetime.date | None = None,
    salesperson: Salesperson | None = None,
    work_date: datetime.date | None = None,
) -> Campaign:
    """Create a campaign.

    Its number: typed (`no`, upper-cased) when Marketing Setup's Campaign Nos. allows manual
    numbers (or is blank); otherwise drawn from Campaign Nos. for `work_date` (see
    `number_series_assign`; refused when Campaign Nos. is not set up). The series drawn from is
    kept in `no_series` (blank for a typed number, as NAV). A number that exists already is
    refused. The ending date may not lie before the starting date. Description at most 100
    characters. All or nothing: a refused campaign gives its drawn number back."""
    errors: dict[str, list[str]] = {}
    description = _clean_description(description, errors)
    _check_dates(starting_date, ending_date, errors)
    _check_salesperson(salesperson, errors)
    if errors:
        raise ValidationFailed(errors)
    setup = marketing_setup_get()
    series_code = setup.campaign_nos.code if setup.campaign_nos else None
    typed = str(no or "").strip().upper()
    number, series_used = number_series_assign(
        code=series_code,
        manual_no=typed,
        date=work_date,
        setup_field_label=_("Campaign Nos."),
    )
    if Campaign.objects.filter(no=number).exists():
        message = _("Campaign %(no)s already exists.") % {"no": number}
        if typed:
            raise ValidationFailed({"no": [message]}, code="duplicate")
        raise ConflictError(
            _(
                "Number series %(series)s handed out %(no)s, but campaign %(no)s already "
                "exists. Correct the series' Last No. Used."
            )
            % {"series": series_used, "no": number},
            field="no",
            code="duplicate",
        )
    try:
        with transaction.atomic():
            return Campaign.objects.create(
                no=number,
                description=description,
                starting_date=starting_date,
                ending_date=ending_date,
                salesperson=salesperson,
                no_series=series_used,
            )
    except IntegrityError:
        raise ValidationFailed(
            {"no": [_("Campaign %(no)s already exists.") % {"no": number}]}, code="duplicate"
        ) from None


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    description: str = _UNSET,
    starting_date: datetime.date | None = _UNSET,
    ending_date: datetime.date | None = _UNSET,
    salesperson: Salesperson | None = _UNSET,
) -> Campaign:
    """Change a campaign; arguments left out keep their value. The number is its key and
    stays. The same rules as `campaign_create`."""
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    errors: dict[str, list[str]] = {}
    if description is not _UNSET:
        current.description = _clean_description(description, errors)
    if starting_date is not _UNSET:
        current.starting_date = starting_date
    if ending_date is not _UNSET:
        current.ending_date = ending_date
    if salesperson is not _UNSET:
        _check_salesperson(salesperson, errors)
        current.salesperson = salesperson
    _check_dates(current.starting_date, current.ending_date, errors)
    if errors:
        raise ValidationFailed(errors)
    current.save()
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign) -> None:
    """Delete a campaign nothing refers to (an interaction template's default campaign, its
    interactions or campaign entries)."""
    try:
        campaign.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ConflictError(
            _(
                "Campaign %(no)s is still in use (by interactions, campaign entries or as the "
                "campaign of an interaction template) and cannot be deleted."
            )
            % {"no": campaign.no},
            code="in_use",
        ) from exc


# ---------------------------------------------------------------------------------------------
# Campaign entries


def campaign_entry_create(
    *,
    campaign: Campaign,
    date: datetime.date,
    description: str = "",
    user: Any = None,
    salesperson: Salesperson | None = None,
    segment_no: str = "",
    register_no: int | None = None,
) -> CampaignEntry:
    """Record one logging of `campaign` (reference 1.13) under the next entry number (the
    highest + 1, handed out under a transaction-level lock on PostgreSQL; should another
    writer still take the number, this one tries the next). Called by the interaction log for
    each logged interaction with a campaign, and by segment logging for each logged segment.
    The description is cut to 100 characters."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # serialise the numbering (see the docstring)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CAMPAIGN_ENTRY_NO_LOCK])
        for attempt in range(_NUMBER_ATTEMPTS):
            highest = CampaignEntry.objects.aggregate(highest=Max("entry_no"))["highest"] or 0
            entry = CampaignEntry(
                entry_no=highest + 1,
                campaign=campaign,
                description=str(description or "")[:DESCRIPTION_LENGTH],
                date=date,
                user=user,
                salesperson=salesperson,
                segment_no=segment_no,
                register_no=register_no,
                created_at=timezone.now(),
            )
            try:
                with transaction.atomic():
                    entry.save(force_insert=True)
            except IntegrityError:
                if attempt == _NUMBER_ATTEMPTS - 1:
                    raise
                continue
            return entry
    raise AssertionError("unreachable")  # pragma: no cover
