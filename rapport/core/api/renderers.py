"""DRF's browsable API (the HTML an API address answers a browser) under the
Content-Security-Policy: its pages are DRF's own templates, which carry style attributes and a
<style> element for code samples. They get the site's policy with inline styles allowed; scripts
stay from Rapport's own address only (SECURE_CSP, README "Production")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.csp import CSP
from rest_framework import renderers


def browsable_api_csp() -> dict[str, Any]:
    return {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_config = browsable_api_csp()  # as @csp_override does
        return super().render(data, accepted_media_type, renderer_context)
