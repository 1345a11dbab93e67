from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rapport.core import permissions
from rapport.core.api.views import NoticesMixin
from rapport.core.notices import collect_notices
from rapport.numbering import selectors, services
from rapport.numbering.api.serializers import (
    DrawRequestSerializer,
    DrawResponseSerializer,
    NumberSeriesSerializer,
)
from rapport.numbering.models import NumberSeries

CODE_LOOKUP_REGEX = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"

HEADER_FIELDS = ("code", "description", "default_nos", "manual_nos", "date_order")


class NumberSeriesViewSet(NoticesMixin, viewsets.GenericViewSet):
    """Number series (NAV's No. Series) with their lines. Writes need the setup capability.

    `POST number-series/<code>/draw/` draws (consumes) the next number."""

    serializer_class = NumberSeriesSerializer
    write_capability = permissions.SETUP
    lookup_field = "code"
    lookup_value_regex = CODE_LOOKUP_REGEX
    filterset_fields = ["code", "default_nos", "manual_nos", "date_order"]
    search_fields = ["code", "description"]
    ordering_fields = ["code", "description"]
    ordering = ["code"]

    def get_queryset(self) -> Any:
        return selectors.number_series_list()

    def get_object(self) -> NumberSeries:
        series = selectors.number_series_get(self.kwargs[self.lookup_field])
        self.check_object_permissions(self.request, series)
        return series

    def _respond(self, series: NumberSeries, status_code: int = status.HTTP_200_OK) -> Response:
        series = selectors.number_series_get(series.code)
        return Response(self.get_serializer(series).data, status=status_code)

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page if page is not None else queryset, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def retrieve(self, request: Request, code: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        series = services.number_series_create(
            **{name: data[name] for name in HEADER_FIELDS if name in data},
            lines=data.get("lines", []),
        )
        return self._respond(series, status.HTTP_201_CREATED)

    def _update(self, request: Request, partial: bool) -> Response:
        series = self.get_object()
        serializer = self.get_serializer(series, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        series = services.number_series_update(
            series=series,
            **{name: data[name] for name in HEADER_FIELDS if name in data},
            lines=data.get("lines"),
        )
        return self._respond(series)

    def update(self, request: Request, code: str) -> Response:
        return self._update(request, partial=False)

    def partial_update(self, request: Request, code: str) -> Response:
        return self._update(request, partial=True)

    def destroy(self, request: Request, code: str) -> Response:
        services.number_series_delete(series=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=DrawRequestSerializer, responses=DrawResponseSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request: Request, code: str) -> Response:
        """Draw (consume) the next number for `date` (default: your work date). Warnings, e.g.
        that the warning no. has been reached, are listed in `warnings`."""
        series = self.get_object()
        serializer = DrawRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        date = serializer.validated_data.get("date") or getattr(
            request.user, "effective_work_date", None
        )
        with collect_notices() as warnings:
            number = services.number_series_next(
                code=series.code, date=date or timezone.localdate()
            )
        return Response({"number": number, "warnings": list(warnings)})
