"""Logged entries of the interaction log (reference 2.7): cancel and un-cancel, evaluate, delete
a postponed one, delete canceled ones, and what deleting a contact does to the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.attachments.models import Attachment
from rapport.audit.services import audit_change, audit_record
from rapport.campaigns.models import CampaignEntry
from rapport.contacts.models import Contact, ContactType
from rapport.core.cleaners import clean_choice
from rapport.core.errors import ConflictError, ErrorCollector, ValidationFailed
from rapport.interactions.choices import Evaluation
from rapport.interactions.models import InteractionLogEntry, InteractionLogEntryComment
from rapport.interactions.selectors import filter_interactions
from rapport.interactions.services import trail
from rapport.interactions.services.rights import (
    check_may_change,
    check_role,
    is_salesperson_role,
    own_salesperson,
)
from rapport.interactions.services.totals import (
    interaction_totals_apply_entry,
    interaction_totals_refresh,
)
from rapport.interactions.services.uncancel_checks import refuse_uncancel
from rapport.interactions.services.values import label

# Filters of `interactions_delete_canceled` (API.md: the list's filter names).
DELETE_CANCELED_FILTERS = (
    "contact_no",
    "date_from",
    "date_to",
    "template_code",
    "group_code",
    "salesperson_code",
    "campaign_no",
    "entry_no",
)


def lock_entry(entry: InteractionLogEntry) -> InteractionLogEntry:
    """The entry's row, locked until the transaction ends (ConflictError when it is gone)."""
    try:
        return InteractionLogEntry.objects.select_for_update().get(pk=entry.pk)
    except InteractionLogEntry.DoesNotExist:
        raise ConflictError(
            _("Interaction %(no)s no longer exists.") % {"no": entry.entry_no},
            code="not_found",
        ) from None


@transaction.atomic
def interaction_delete_postponed(*, actor: Any, entry: InteractionLogEntry) -> None:
    """Delete a postponed interaction with its comment lines (reference 2.2, Delete). Refused
    (ConflictError, 409) for an entry that is not postponed: logged interactions are canceled,
    and only canceled ones deleted (`interactions_delete_canceled`)."""
    current = lock_entry(entry)
    if not current.postponed:
        raise ConflictError(
            _(
                "Interaction %(no)s is not postponed and cannot be deleted. Cancel it instead; "
                "canceled interactions can be deleted in a batch."
            )
            % {"no": current.entry_no},
            code="not_postponed",
        )
    check_may_change(actor, current)
    before = trail.entry_values(current)
    no_of_comments = current.comments.count()
    delete_entries(InteractionLogEntry.objects.filter(pk=current.pk))
    audit_record(
        operation="interaction_delete_postponed",
        object_type=trail.INTERACTION,
        object_key=str(current.entry_no),
        actor=actor,
        before=before,
        details={"no_of_comments": no_of_comments} if no_of_comments else None,
    )


def _refuse_postponed(entry: InteractionLogEntry, message: str) -> None:
    if entry.postponed:
        raise ConflictError(message % {"no": entry.entry_no}, code="postponed")


@transaction.atomic
def interaction_cancel(*, actor: Any, entry: InteractionLogEntry) -> InteractionLogEntry:
    """Cancel a logged interaction (reference 2.7): it stays in the log, marked canceled, and
    counts in no statistic. A canceled entry stays canceled (nothing changes). Refused for a
    postponed entry (ConflictError, 409)."""
    current = lock_entry(entry)
    check_may_change(actor, current)
    _refuse_postponed(
        current,
        _("Interaction %(no)s is postponed: finish it or delete it; it cannot be canceled."),
    )
    if not current.canceled:
        interaction_totals_apply_entry(current, -1)  # no longer counted
        current.canceled = True
        current.modified_at = timezone.now()
        current.save(update_fields=["canceled", "modified_at"])
        _audit_canceled(actor, current, "interaction_cancel")
    entry.refresh_from_db()
    return entry


def _audit_canceled(actor: Any, entry: InteractionLogEntry, operation: str) -> None:
    """The entry of a cancel or un-cancel that changed the entry."""
    audit_record(
        operation=operation,
        object_type=trail.INTERACTION,
        object_key=str(entry.entry_no),
        actor=actor,
        before={"canceled": not entry.canceled},
        after={"canceled": entry.canceled},
    )


@transaction.atomic
def interaction_uncancel(*, actor: Any, entry: InteractionLogEntry) -> InteractionLogEntry:
    """Un-cancel a canceled interaction (reference 2.7). Refused (ConflictError, 409) while
    its campaign entry, or what a registered check names (segments: its logged segment), is
    canceled: un-cancel that first. An entry that
    is not canceled stays as it is."""
    current = lock_entry(entry)
    check_may_change(actor, current)
    _refuse_postponed(
        current, _("Interaction %(no)s is postponed: it is not canceled and cannot be.")
    )
    if not current.canceled:
        entry.refresh_from_db()
        return entry
    campaign_entry = current.campaign_entry
    if campaign_entry is not None and campaign_entry.canceled:
        raise ConflictError(
            _(
                "Interaction %(no)s cannot be un-canceled while its campaign entry %(entry)s is "
                "canceled. Un-cancel the campaign entry instead."
            )
            % {"no": current.entry_no, "entry": campaign_entry.entry_no},
            code="campaign_entry_canceled",
        )
    refuse_uncancel(current)  # the apps above: e.g. a canceled logged segment
    current.canceled = False
    current.modified_at = timezone.now()
    current.save(update_fields=["canceled", "modified_at"])
    interaction_totals_apply_entry(current, 1)  # counted again
    _audit_canceled(actor, current, "interaction_uncancel")
    entry.refresh_from_db()
    return entry


@transaction.atomic
def interaction_evaluate(
    *, actor: Any, entry: InteractionLogEntry, evaluation: str
) -> InteractionLogEntry:
    """Set the evaluation of a logged interaction (reference 2.7, Evaluate Interaction): one of
    very_positive, positive, neutral, negative, very_negative, or "" to clear it. Canceled
    entries may be evaluated too; a postponed one gets its evaluation when it is finished
    (ConflictError, 409)."""
    errors = ErrorCollector()
    value = clean_choice(
        "evaluation", evaluation, errors, label=label("evaluation"), choices=Evaluation.values
    )
    errors.raise_if_any()
    current = lock_entry(entry)
    check_may_change(actor, current)
    _refuse_postponed(
        current,
        _("Interaction %(no)s is postponed: give its evaluation when you finish it."),
    )
    before = current.evaluation
    current.evaluation = value
    current.modified_at = timezone.now()
    current.save(update_fields=["evaluation", "modified_at"])
    audit_change(
        operation="interaction_evaluate",
        object_type=trail.INTERACTION,
        object_key=current.entry_no,
        actor=actor,
        before={"evaluation": before},
        after={"evaluation": value},
    )
    entry.refresh_from_db()
    return entry


# Deleting


def delete_entries(entries: models.QuerySet[InteractionLogEntry]) -> int:
    """Delete the entries with their comment lines, set-based (two DELETE statements), then
    what was theirs alone: the campaign entries made for them and the attachment copies they
    used that nothing else uses. Returns how many entries were deleted."""
    attachment_ids = set(
        entries.exclude(attachment=None).values_list("attachment_id", flat=True).distinct()
    )
    campaign_entry_ids = set(
        entries.exclude(campaign_entry=None).values_list("campaign_entry_id", flat=True).distinct()
    )
    InteractionLogEntryComment.objects.filter(entry__in=entries.values("pk")).delete()
    # Only the entries count, not what an app above deletes with them (its delivery records).
    _total, detail = entries.delete()
    count = detail.get(InteractionLogEntry._meta.label, 0)
    if campaign_entry_ids:
        # A single interaction's own campaign entry goes with it; a logged segment's stays.
        CampaignEntry.objects.filter(pk__in=campaign_entry_ids, register_no=None).exclude(
            pk__in=InteractionLogEntry.objects.filter(
                campaign_entry_id__in=campaign_entry_ids
            ).values("campaign_entry_id")
        ).delete()
    if attachment_ids:
        unused = Attachment.objects.filter(pk__in=attachment_ids, read_only=True)
        for relation in Attachment._meta.related_objects:
            if isinstance(relation, models.ManyToOneRel) and not relation.many_to_many:
                used = relation.related_model._default_manager.filter(
                    **{f"{relation.field.name}__in": attachment_ids}
                ).values(relation.field.attname)
                unused = unused.exclude(pk__in=used)
        unused.delete()
    return count


@transaction.atomic
def interactions_delete_canceled(
    *, actor: Any, filters: Mapping[str, Any] | None = None, dry_run: bool = False
) -> int:
    """Delete the canceled interactions that match `filters` (reference 2.7, report 5190) and
    return how many; a dry run only counts them.

    Filters (API.md, all optional, combined with AND): `contact_no`, `date_from`, `date_to`,
    `template_code`, `group_code`, `salesperson_code`, `campaign_no`, `entry_no`. An unknown
    filter or a bad value is refused (ValidationFailed); an unknown code simply matches
    nothing. Postponed and not-canceled entries are never deleted. A salesperson-role user
    deletes only entries of their own salesperson; `actor=None` is the command line (every
    entry). Set-based: one DELETE for the comment lines and one for the entries."""
    if actor is not None:
        check_role(actor)
    if not isinstance(dry_run, bool):
        raise ValidationFailed({"dry_run": [_("Dry Run must be true or false.")]})
    base = InteractionLogEntry.objects.filter(canceled=True, postponed=False)
    entries = filter_interactions(base, filters or {}, allowed=DELETE_CANCELED_FILTERS)
    if actor is not None and is_salesperson_role(actor):
        own = own_salesperson(actor)
        entries = entries.filter(salesperson=own) if own is not None else entries.none()
    # Re-stated on the final set: whatever the filters say, only canceled logged entries.
    entries = entries.filter(canceled=True, postponed=False)
    if dry_run:
        return entries.count()
    # The outer filter is checked again on the rows themselves: PostgreSQL does not re-check
    # the subquery for a row that was un-canceled while the DELETE waited for its lock.
    count = delete_entries(
        InteractionLogEntry.objects.filter(
            pk__in=entries.values("pk"), canceled=True, postponed=False
        )
    )
    if count:  # deleting nothing changed nothing
        audit_record(
            operation="interactions_delete_canceled",
            object_type=trail.INTERACTION,
            actor=actor,
            details={"count": count, "filters": dict(filters or {}), "dry_run": False},
        )
    return count


def interactions_detach_contact(*, contact: Contact) -> None:
    """What deleting a contact does to the interaction log (reference 1.14); called by
    `contacts.services.contact_delete` in its transaction, before the contact is deleted.

    * A person's entries move to its company (contact := the company; none without one).
    * A company's entries (its own and, as its persons are deleted with it, theirs) keep no
      contact and no contact company.

    Set-based: one UPDATE per rule, whatever the number of entries; then the statistics'
    totals of the contacts concerned are recomputed."""
    now = timezone.now()
    entries = InteractionLogEntry.objects
    if contact.type == ContactType.COMPANY:
        moved = Q(contact_company=contact) | Q(contact=contact) | Q(contact__company=contact)
        keys: set[int | None] = set(
            entries.filter(moved).values_list("contact_id", flat=True).distinct()
        )
        entries.filter(contact_company=contact).update(
            contact=None, contact_company=None, modified_at=now
        )
        entries.filter(Q(contact=contact) | Q(contact__company=contact)).update(
            contact=None, modified_at=now
        )
        interaction_totals_refresh("contact_company", [contact.pk])
    else:
        keys = {contact.pk, contact.company_id}
        entries.filter(contact=contact).update(contact=contact.company_id, modified_at=now)
    interaction_totals_refresh("contact", keys | {contact.pk})
