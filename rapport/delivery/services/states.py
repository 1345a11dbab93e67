"""How an outbox state shows on the log entry, and the reasons Rapport itself writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.delivery.models import MessageState
from rapport.interactions.choices import DeliveryStatus

ENTRY_STATUS = {
    MessageState.QUEUED: DeliveryStatus.PENDING,
    MessageState.SENDING: DeliveryStatus.SENDING,
    MessageState.HANDED_OVER: DeliveryStatus.SENDING,
    MessageState.DELIVERED: DeliveryStatus.DELIVERED,
    MessageState.FAILED: DeliveryStatus.FAILED,
}

FAX_REASON = _("Fax cannot be sent by Rapport: print the letter or send an e-mail instead.")
CONFIRMED_BY_RECOVERY = _("confirmed by recovery")
REPLY_LOST = _("handed over; the server's reply was lost")


def no_email_reason(contact_no: str) -> str:
    return _("Contact %(no)s has no e-mail address.") % {"no": contact_no}
