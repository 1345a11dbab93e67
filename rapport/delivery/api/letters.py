"""`GET logged-segments/<entry_no>/letters/` and `GET interactions/<entry_no>/letters/`
(API.md): the merged printable letters of the hard-copy entries, as one PDF (a page break
between contacts) or, with `?format=docx`, a zip of the merged Word letters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.views import APIView

from rapport.core import permissions
from rapport.delivery.api.common import interaction_delivery, logged_segment_delivery
from rapport.delivery.letters import LETTER_TYPES, letters_file

ENTRY_NO = OpenApiParameter("entry_no", OpenApiTypes.INT, OpenApiParameter.PATH)
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["pdf", "docx"],
    description="pdf (default): one PDF; docx: a zip of the merged Word letters.",
)


class IgnoreFormatNegotiation(DefaultContentNegotiation):
    """`?format=` chooses the letters' file type here, not a renderer."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


def letters_response(delivery: Any, kind: str, what: str) -> HttpResponse:
    """The stored letters of `delivery` as a download (see `letters.letters_file`)."""
    from rapport.attachments.services import attachment_content

    stored = letters_file(delivery, kind, what=what)
    response = HttpResponse(attachment_content(stored), content_type=LETTER_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{stored.file_name}"'
    return response


class _LettersView(APIView):
    content_negotiation_class = IgnoreFormatNegotiation
    write_capability = permissions.MARKETING
    find: Callable[[int], Any]
    what: Any

    @extend_schema(
        parameters=[ENTRY_NO, FORMAT],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            409: OpenApiResponse(description="Not printed yet: the body has the job."),
        },
    )
    def get(self, request: Request, entry_no: int) -> Any:
        """The merged letters of the hard-copy interactions (PDF, one contact per page
        break; `?format=docx` a zip of the Word letters). 409 with the job while they are
        being printed; 404 when there are no hard-copy interactions."""
        delivery = type(self).find(entry_no)
        kind = request.query_params.get("format") or "pdf"
        return letters_response(delivery, kind, self.what % {"no": entry_no})


class LoggedSegmentLettersView(_LettersView):
    find = staticmethod(logged_segment_delivery)
    what = gettext_lazy("Logged segment %(no)s")


class InteractionLettersView(_LettersView):
    find = staticmethod(interaction_delivery)
    what = gettext_lazy("Interaction %(no)s")


urlpatterns = [
    path(
        "logged-segments/<int:entry_no>/letters/",
        LoggedSegmentLettersView.as_view(),
        name="logged-segment-letters",
    ),
    path(
        "interactions/<int:entry_no>/letters/",
        InteractionLettersView.as_view(),
        name="interaction-letters",
    ),
]
