"""Delete interaction log entries (reference 2.7, report 5190): the shared preview-then-delete
flow (`views.delete_canceled`) on the canceled logged entries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from rapport.interactions import services
from rapport.interactions.forms.log import DeleteCanceledForm
from rapport.interactions.views import delete_canceled


class DeleteCanceledView(delete_canceled.DeleteCanceledView):
    """Delete interaction log entries: only canceled logged entries are ever deleted, whatever
    the filters (the service's rule)."""

    template_name = "interactions/log/delete_canceled.html"
    form_class = DeleteCanceledForm
    title = gettext_lazy("Delete interaction log entries")

    def delete(self, filters: dict[str, Any], *, dry_run: bool = False) -> int:
        return services.interactions_delete_canceled(
            actor=self.request.user, filters=filters, dry_run=dry_run
        )

    def back_url(self) -> str:
        return reverse("interactions:log-list")

    def deleted_message(self, count: int) -> str:
        return ngettext(
            "%(count)s interaction log entry was deleted.",
            "%(count)s interaction log entries were deleted.",
            count,
        ) % {"count": count}

    def success_url(self, filters: dict[str, Any]) -> str:
        return reverse("interactions:log-list")
