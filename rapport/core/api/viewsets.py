"""Base viewsets: resources addressed by their business key, writes through services."""

from __future__ import annotations

from typing import Any

from rest_framework import viewsets

from rapport.core.api.views import NoticesMixin

CODE_LOOKUP_REGEX = r"[^/]+"


class CodeKeyedViewSet(NoticesMixin, viewsets.ModelViewSet):
    """A resource keyed by `code` (upper case, looked up case-insensitively)."""

    lookup_field = "code"
    lookup_value_regex = CODE_LOOKUP_REGEX
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_object(self) -> Any:
        self.kwargs[self.lookup_field] = str(self.kwargs[self.lookup_field]).upper()
        return super().get_object()
