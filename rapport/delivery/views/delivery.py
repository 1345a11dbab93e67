"""Delivery pages: the panel partials the cards poll (every second while messages are on
their way), Resend (POST; all failed messages or a selection), and the letters to download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import generic

from rapport.core import permissions
from rapport.core.errors import DomainError, NotFoundError
from rapport.core.views import CapabilityRequiredMixin
from rapport.delivery import cards


def _logged_segment(entry_no: int) -> Any:
    from rapport.segments.selectors import logged_segment_get

    try:
        return logged_segment_get(entry_no)
    except NotFoundError as error:
        raise Http404(error.message) from error


def _entry(entry_no: int) -> Any:
    from rapport.interactions.selectors import interaction_get

    try:
        entry = interaction_get(entry_no)
    except NotFoundError as error:
        raise Http404(error.message) from error
    if entry.postponed:
        raise Http404(_("There is no interaction %(no)s.") % {"no": entry_no})
    return entry


class LoggedSegmentDeliveryView(generic.View):
    """The logged segment's delivery panel alone (what its htmx polling swaps in)."""

    def get(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        logged = _logged_segment(entry_no)
        panel = cards.logged_segment_delivery(request, logged.entry_no)
        return render(request, cards.LOGGED_SEGMENT_PANEL, {"delivery_panel": panel})


class InteractionDeliveryView(generic.View):
    """The interaction's delivery panel alone (what its htmx polling swaps in)."""

    def get(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        panel = cards.interaction_delivery(request, _entry(entry_no))
        return render(request, cards.INTERACTION_PANEL, {"delivery_panel": panel})


def _queued_message(queued: int) -> str:
    if not queued:
        return _("Nothing was queued: only failed messages are sent again.")
    return ngettext(
        "%(count)s failed message is queued to be sent again.",
        "%(count)s failed messages are queued to be sent again.",
        queued,
    ) % {"count": queued}


class LoggedSegmentResendView(CapabilityRequiredMixin, generic.View):
    """Resend failed (POST): all the logged segment's failed messages, or the selected
    `entry_no`s among them."""

    http_method_names = ["post"]
    write_capability = permissions.MARKETING

    def post(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        from rapport.delivery.api.common import resend_selection
        from rapport.delivery.services import resend

        logged = _logged_segment(entry_no)
        chosen = request.POST.getlist("entry_no")
        try:
            if chosen:
                numbers = [int(no) for no in chosen if str(no).isdigit()]
                selection = resend_selection(numbers, logged.entry_no)
                queued = resend(
                    actor=request.user,
                    entry_nos=selection,
                    logged_segment_entry_no=logged.entry_no,
                )
            else:
                queued = resend(actor=request.user, logged_segment_entry_no=logged.entry_no)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _queued_message(queued))
        return HttpResponseRedirect(
            reverse("segments:logged-segment-detail", args=[logged.entry_no]) + "#delivery"
        )


class InteractionResendView(CapabilityRequiredMixin, generic.View):
    """Resend (POST) the interaction's message when it failed."""

    http_method_names = ["post"]
    write_capability = permissions.MARKETING

    def post(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        from rapport.delivery.services import resend

        entry = _entry(entry_no)
        try:
            queued = resend(actor=request.user, entry_nos=[entry.entry_no])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _queued_message(queued))
        return HttpResponseRedirect(
            reverse("interactions:entry-detail", args=[entry.entry_no]) + "#delivery"
        )


def _download(request: HttpRequest, delivery: Any, what: str, back: str) -> HttpResponse:
    from rapport.attachments.services import attachment_content
    from rapport.delivery.letters import LETTER_TYPES, letters_file

    kind = request.GET.get("format") or "pdf"
    try:
        stored = letters_file(delivery, kind, what=what)
    except DomainError as error:  # not printed yet, or none: say so on the card
        messages.info(request, error.message)
        return HttpResponseRedirect(back)
    response = HttpResponse(attachment_content(stored), content_type=LETTER_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{stored.file_name}"'
    return response


class LoggedSegmentLettersView(generic.View):
    """Download letters: the PDF (`?format=pdf`) or the Word letters' zip (`?format=docx`);
    back to the card with the reason when there are none (yet)."""

    def get(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        from rapport.delivery.services import delivery_for_logged_segment

        logged = _logged_segment(entry_no)
        return _download(
            request,
            delivery_for_logged_segment(logged.entry_no),
            _("Logged segment %(no)s") % {"no": logged.entry_no},
            reverse("segments:logged-segment-detail", args=[logged.entry_no]),
        )


class InteractionLettersView(generic.View):
    """Download the interaction's letter (PDF, or `?format=docx` the Word letter zipped)."""

    def get(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        from rapport.delivery.services import delivery_for_entry

        entry = _entry(entry_no)
        return _download(
            request,
            delivery_for_entry(entry.entry_no),
            _("Interaction %(no)s") % {"no": entry.entry_no},
            reverse("interactions:entry-detail", args=[entry.entry_no]),
        )
