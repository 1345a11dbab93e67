"""The download (export) of an attachment, shared by the page and the API."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from rapport.attachments import services
from rapport.attachments.models import Attachment


def download_response(attachment: Attachment) -> HttpResponse:
    """The stored document as a download (Content-Disposition: attachment), with its stored
    content type (an e-mail's or HTML letter's HTML as text/html)."""
    name, content_type, content = services.attachment_download(attachment)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    # The HTML of an e-mail opened by mistake in the browser runs nothing in our origin.
    response["Content-Security-Policy"] = "sandbox"
    return response
