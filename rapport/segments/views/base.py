"""What every segments page shares: who may change segments, and the segment and line of the
URL (404 when unknown), looked up after the role check so a reader never learns what exists."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from rapport.core import permissions
from rapport.core.errors import NotFoundError
from rapport.segments import selectors
from rapport.segments.models import Segment, SegmentLine

WRITE = permissions.MARKETING


def segment_or_404(no: str) -> Segment:
    """The segment `no`, or 404 naming it."""
    try:
        return selectors.segment_get(no)
    except NotFoundError as error:
        raise Http404(error.message) from error


def line_or_404(segment: Segment, line_no: Any) -> SegmentLine:
    """Line `line_no` of `segment`, or 404."""
    try:
        return selectors.segment_line_get(segment, line_no)
    except NotFoundError as error:
        raise Http404(error.message) from error


def require_write(request: HttpRequest) -> None:
    """Refuse (403) before looking anything up, so a reader never learns what exists."""
    if not permissions.user_can(request.user, WRITE):
        raise PermissionDenied(_("Your role does not allow this change."))


class SegmentWriteMixin:
    """A page that changes the segment of the URL: marketing only (403 first), then
    `self.segment` (404 when unknown)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_write(request)
        self.segment = segment_or_404(kwargs["no"])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class LineWriteMixin:
    """A page that changes one line of the segment of the URL: marketing only (403 first),
    then `self.segment` and `self.line` (404 when unknown or not the segment's)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_write(request)
        self.segment = segment_or_404(kwargs["no"])
        self.line = line_or_404(self.segment, kwargs["line_no"])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]
