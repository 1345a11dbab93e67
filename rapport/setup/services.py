"""Business operations on Marketing Setup."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rapport.audit.services import audit_updated, audit_values
from rapport.core.choices import CorrespondenceType
from rapport.core.errors import ValidationFailed
from rapport.setup.choices import AttachmentStorageType
from rapport.setup.models import MarketingSetup
from rapport.setup.selectors import marketing_setup_get

EDITABLE_FIELDS = frozenset(
    {
        "contact_nos",
        "segment_nos",
        "campaign_nos",
        "default_salesperson",
        "default_language",
        "default_correspondence_type",
        "default_company_salutation",
        "default_person_salutation",
        "delivery_rate_per_minute",
        "attachment_storage_type",
        "attachment_storage_location",
        "inherit_salesperson",
        "inherit_territory",
        "inherit_country",
        "inherit_language",
        "inherit_address",
        "inherit_communication",
    }
)

MAX_DELIVERY_RATE = 1_000_000
# Read with the row, so the audit trail's codes of the related records cost no extra queries.
RELATED_FIELDS = (
    "contact_nos",
    "segment_nos",
    "campaign_nos",
    "default_salesperson",
    "default_language",
    "default_company_salutation",
    "default_person_salutation",
)


@transaction.atomic
def marketing_setup_update(**changes: Any) -> MarketingSetup:
    """Change Marketing Setup. A Disk File storage type needs a storage location; the delivery
    rate per minute is 0 (no limit) or more. Nothing is saved when any change is refused."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            {name: [_("This field cannot be changed here.")] for name in sorted(unknown)}
        )
    setup = (
        MarketingSetup.objects.select_for_update(of=("self",))
        .select_related(*RELATED_FIELDS)
        .filter(pk=MarketingSetup.SINGLETON_ID)
        .first()
    )
    if setup is None:
        setup = marketing_setup_get()
    before = audit_values(setup)
    for name, value in changes.items():
        setattr(setup, name, value)

    errors: dict[str, list[str]] = {}
    if setup.default_correspondence_type not in CorrespondenceType.values:
        errors["default_correspondence_type"] = [_("Unknown correspondence type.")]
    if setup.attachment_storage_type not in AttachmentStorageType.values:
        errors["attachment_storage_type"] = [_("Unknown attachment storage type.")]
    rate = setup.delivery_rate_per_minute
    if isinstance(rate, bool) or not isinstance(rate, int) or not 0 <= rate <= MAX_DELIVERY_RATE:
        errors["delivery_rate_per_minute"] = [
            _("Delivery rate per minute is a whole number from 0 (no limit) to %(max)s.")
            % {"max": MAX_DELIVERY_RATE}
        ]
    location = (setup.attachment_storage_location or "").strip()
    if "\x00" in location:
        errors["attachment_storage_location"] = [_("Null characters are not allowed.")]
    setup.attachment_storage_location = location
    if setup.attachment_storage_type == AttachmentStorageType.DISK_FILE and not location:
        errors["attachment_storage_location"] = [
            _(
                "Attachment storage location must have a value when attachments are stored "
                "as disk files."
            )
        ]
    if errors:
        raise ValidationFailed(errors)
    setup.save()
    audit_updated(before, setup, operation="marketing_setup_update", object_type="marketing_setup")
    return setup
