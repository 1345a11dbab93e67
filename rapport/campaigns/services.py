"""Business operations on campaigns (NAV's Campaign, table 5071) and campaign entries (table
5072).

Each function is one transaction and raises a DomainError with a user-facing message. The API
(`/api/v1/campaigns/`), the campaign pages and the demo data call these operations. Canceling,
un-canceling and deleting campaign entries write interaction log entries, so they live in
`rapport.interactions.services.campaign_entries` (listed by `rapport.interactions.services`).

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

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit.services import (
    audit_changes,
    audit_created,
    audit_deleted,
    audit_updated,
    audit_values,
)
from rapport.campaigns.models import DESCRIPTION_LENGTH, Campaign, CampaignEntry
from rapport.contacts.models import Salesperson
from rapport.core.cleaners import clean_text
from rapport.core.dates import check_date_in_range
from rapport.core.entry_numbers import insert_numbered
from rapport.core.errors import ConflictError, ErrorCollector, ValidationFailed
from rapport.numbering.services import number_series_assign
from rapport.setup.selectors import marketing_setup_get

_UNSET: Any = object()
CAMPAIGN = "campaign"  # the audit trail's object type


def _check_date(name: str, value: Any, errors: ErrorCollector) -> None:
    if value is not None and (
        not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
    ):
        errors.add(name, _("This field must be a date."))
    elif value is not None:
        check_date_in_range(name, value, errors)


def _check_dates(
    starting: datetime.date | None, ending: datetime.date | None, errors: ErrorCollector
) -> None:
    """NAV: the ending date may not lie before the starting date."""
    _check_date("starting_date", starting, errors)
    _check_date("ending_date", ending, errors)
    if errors or starting is None or ending is None:
        return
    if ending < starting:
        errors.add(
            "ending_date",
            _("Ending Date %(ending)s is before Starting Date %(starting)s.")
            % {"ending": ending.isoformat(), "starting": starting.isoformat()},
        )


def _check_salesperson(value: Any, errors: ErrorCollector) -> None:
    if value is not None and not (isinstance(value, Salesperson) and value.pk):
        errors.add("salesperson", _("Choose an existing salesperson."))


def _campaign_number(*, no: str, work_date: datetime.date | None) -> tuple[str, str]:
    """The new campaign's number and the series it came from (`number_series_assign` with
    Marketing Setup's Campaign Nos.); a number that exists already is refused."""
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
    return number, series_used


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
    errors = ErrorCollector()
    description = clean_text(
        "description", description, errors, label=_("Description"), max_length=DESCRIPTION_LENGTH
    )
    _check_dates(starting_date, ending_date, errors)
    _check_salesperson(salesperson, errors)
    errors.raise_if_any()
    number, series_used = _campaign_number(no=no, work_date=work_date)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
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
    audit_created(campaign, operation="campaign_create", object_type=CAMPAIGN)
    return campaign


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
    before = audit_values(current)
    errors = ErrorCollector()
    if description is not _UNSET:
        current.description = clean_text(
            "description",
            description,
            errors,
            label=_("Description"),
            max_length=DESCRIPTION_LENGTH,
        )
    if starting_date is not _UNSET:
        current.starting_date = starting_date
    if ending_date is not _UNSET:
        current.ending_date = ending_date
    if salesperson is not _UNSET:
        _check_salesperson(salesperson, errors)
        current.salesperson = salesperson
    _check_dates(current.starting_date, current.ending_date, errors)
    errors.raise_if_any()
    current.save()
    if audit_changes(before, audit_values(current, before.keys())):  # a save that changed nothing
        audit_updated(before, current, operation="campaign_update", object_type=CAMPAIGN)
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign) -> None:
    """Delete a campaign nothing refers to (an interaction template's default campaign, its
    interactions or campaign entries)."""
    before = audit_values(campaign)
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
    audit_deleted(before, operation="campaign_delete", object_type=CAMPAIGN, key=campaign.no)


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
    """Record one logging of `campaign` (reference 1.13) under the next entry number
    (`reserve_numbers`: reserved in a short step, no lock held to the transaction's end).
    Called by the interaction log for each logged interaction with a campaign, and by segment
    logging for each logged segment. The description is cut to 100 characters. No audit entry
    of its own: it is part of the operation that calls it, whose entry names it (an
    interaction's `campaign_entry`; a segment log's)."""
    with transaction.atomic():
        return insert_numbered(
            CampaignEntry(
                campaign=campaign,
                description=str(description or "")[:DESCRIPTION_LENGTH],
                date=date,
                user=user,
                salesperson=salesperson,
                segment_no=segment_no,
                register_no=register_no,
                created_at=timezone.now(),
            ),
        )
