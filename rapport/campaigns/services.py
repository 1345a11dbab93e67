"""Business operations on campaigns (NAV's Campaign, table 5071).

Each function is one transaction and raises a DomainError with a user-facing message. The
campaign pages and the writable API arrive with the campaigns issue; these operations are what
they (and the demo data) call.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from rapport.campaigns.models import DESCRIPTION_LENGTH, Campaign
from rapport.contacts.models import Salesperson
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.numbering.services import number_series_assign
from rapport.setup.selectors import marketing_setup_get

_UNSET: Any = object()


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
    """Delete a campaign nothing refers to (an interaction template's default campaign, say)."""
    try:
        campaign.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ConflictError(
            _(
                "Campaign %(no)s is still in use (for example as the campaign of an "
                "interaction template) and cannot be deleted."
            )
            % {"no": campaign.no},
            code="in_use",
        ) from exc
