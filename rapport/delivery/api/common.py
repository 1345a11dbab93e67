"""What the delivery endpoints share: finding an interaction's or a logged segment's delivery
and its job (D's job source, `delivery-<id>`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from rapport.core.errors import ValidationFailed


class DeliveryJobSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`delivery-<id>`; poll it at `jobs/<id>/`.")
    kind = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["queued", "running", "done", "failed"], help_text="queued, running, done, failed."
    )
    progress = serializers.IntegerField(help_text="0-100: the share of messages done.")
    done = serializers.IntegerField(help_text="Messages done (delivered or failed).")
    total = serializers.IntegerField(help_text="Messages in all.")
    result = serializers.JSONField(allow_null=True)


def delivery_job(delivery: Any) -> dict[str, Any] | None:
    """The delivery's job as `jobs/<id>/` shows it (without the user id), or None."""
    from rapport.core.jobs import job_find

    if delivery is None:
        return None
    job = job_find(f"delivery-{delivery.pk}")
    if job is None:
        return None
    return {key: value for key, value in job.items() if key != "user_id"}


def interaction_delivery(entry_no: int) -> Any:
    """The delivery of interaction `entry_no` (NotFoundError when there is no such interaction;
    None when it was never delivered)."""
    from rapport.delivery.services import delivery_for_entry
    from rapport.interactions.selectors import interaction_get

    entry = interaction_get(entry_no)
    return delivery_for_entry(entry.entry_no)


def logged_segment_delivery(entry_no: int) -> Any:
    """The delivery of logged segment `entry_no` (NotFoundError when there is no such logged
    segment; None when it was logged without Deliver)."""
    from rapport.delivery.services import delivery_for_logged_segment
    from rapport.segments.selectors import logged_segment_get

    logged = logged_segment_get(entry_no)
    return delivery_for_logged_segment(logged.entry_no)


def resend_selection(entry_nos: list[int], logged_segment_entry_no: int) -> list[int]:
    """`entry_nos` when each is an interaction of the logged segment; ValidationFailed naming
    the others."""
    from rapport.interactions.models import InteractionLogEntry

    wanted = sorted(set(entry_nos))
    found = set(
        InteractionLogEntry.objects.filter(
            entry_no__in=wanted, logged_segment_entry_no=logged_segment_entry_no
        ).values_list("entry_no", flat=True)
    )
    strangers = [str(no) for no in wanted if no not in found]
    if strangers:
        raise ValidationFailed(
            {
                "entry_nos": [
                    _("Not interactions of logged segment %(no)s: %(entry_nos)s.")
                    % {"no": logged_segment_entry_no, "entry_nos": ", ".join(strangers[:20])}
                ]
            }
        )
    return wanted
