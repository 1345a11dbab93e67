from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (1 to 500), answering {count, next, previous, results}.

    A page or page size that is not a whole number in range is refused (400) rather than
    silently replaced by the default; a page past the last one answers 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def _number(self, request: Any, name: str, maximum: int | None = None) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        text = str(raw).strip()
        value = int(text) if text.isascii() and text.isdigit() else 0
        if value < 1 or (maximum is not None and value > maximum):
            if maximum is None:
                message = _("Give a whole number of 1 or more.")
            else:
                message = _("Give a whole number from 1 to %(maximum)s.") % {"maximum": maximum}
            raise ValidationError({name: [message]})
        return value

    def get_page_size(self, request: Any) -> int:
        return self._number(request, self.page_size_query_param, self.max_page_size) or int(
            self.page_size
        )

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self._number(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters
