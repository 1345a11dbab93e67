"""The Content-Security-Policy exceptions (the site's policy is SECURE_CSP in config/settings.py).

Users write the HTML of e-mail and letter templates; its previews show it as a mail client
would, inline styles included. A `srcdoc` frame would inherit the page's policy, which allows
no inline style, so a preview is a page of its own, framed by the card (`<iframe src=...
sandbox="">`), with its own policy: inline styles and embedded (data:) images and fonts, nothing
else: no script, no request anywhere, no form, no link target, and it may be framed by Rapport's
own pages only.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.csp import CSP

MAIL_PREVIEW_CSP: dict[str, list[str] | bool] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["data:"],
    "font-src": ["data:"],
    "form-action": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
    "sandbox": True,
}


def mail_preview_response(html: str) -> HttpResponse:
    """`html` (a user's template, merged or not) as the page a preview frame shows."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response._csp_config = MAIL_PREVIEW_CSP  # type: ignore[attr-defined]  # as @csp_override
    response["X-Frame-Options"] = "SAMEORIGIN"  # XFrameOptionsMiddleware keeps a value given
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response
