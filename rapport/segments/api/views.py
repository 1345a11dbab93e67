"""Segments and their lines (API.md). Keyed by `no`; lines by `line_no` under the segment.

Writes go through the services: a header change that affects lines needs `apply_to_lines`
(409 `lines_affected` with `affected_lines` otherwise); adding and deleting a line are
criteria actions (Go back undoes them)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapport.core import permissions
from rapport.core.api.pagination import PageNumberPagination
from rapport.core.api.views import NoticesMixin
from rapport.core.errors import DomainError, ValidationFailed
from rapport.segments import selectors, services
from rapport.segments.api.serializers import (
    HEADER_NAMES,
    LINE_NAMES,
    SegmentCreateSerializer,
    SegmentLineAddSerializer,
    SegmentLineSerializer,
    SegmentLineWriteSerializer,
    SegmentSerializer,
    SegmentUpdateSerializer,
    api_error,
    body_object,
    service_values,
    validated_body,
)
from rapport.segments.models import Segment, SegmentLine

NO = OpenApiParameter("no", OpenApiTypes.STR, OpenApiParameter.PATH, description="Segment no.")
_UNSET: Any = object()
LINE_NO = OpenApiParameter(
    "line_no", OpenApiTypes.INT, OpenApiParameter.PATH, description="Line no."
)


class _SegmentAPIView(NoticesMixin, APIView):
    write_capability = permissions.MARKETING

    def segment(self, no: str) -> Segment:
        return selectors.segment_get(no)


class SegmentListView(_SegmentAPIView):
    """Active segments: list (paginated, `?search=` in number and description) and create
    (number typed or from Segment Nos.; a template fills the header)."""

    pagination_class = PageNumberPagination

    @extend_schema(responses=SegmentSerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = selectors.segment_list()
        search = str(request.query_params.get("search", "")).strip()[:100]
        if search:
            queryset = queryset.filter(Q(no__icontains=search) | Q(description__icontains=search))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(SegmentSerializer(page, many=True).data)

    @extend_schema(request=SegmentCreateSerializer, responses={201: SegmentSerializer})
    def post(self, request: Request) -> Response:
        data = validated_body(SegmentCreateSerializer, request.data, HEADER_NAMES, ("no",))
        no = data.pop("no", "")
        values = service_values(data, HEADER_NAMES)
        try:
            segment = services.segment_create(actor=request.user, no=no, **values)
        except DomainError as error:
            raise api_error(error, HEADER_NAMES) from error
        fresh = selectors.segment_get(segment.no)
        return Response(SegmentSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[NO])
class SegmentDetailView(_SegmentAPIView):
    """One segment: read, change the header (PATCH, with `apply_to_lines`), delete."""

    @extend_schema(responses=SegmentSerializer)
    def get(self, request: Request, no: str) -> Response:
        return Response(SegmentSerializer(self.segment(no)).data)

    @extend_schema(request=SegmentUpdateSerializer, responses=SegmentSerializer)
    def patch(self, request: Request, no: str) -> Response:
        segment = self.segment(no)
        data = validated_body(
            SegmentUpdateSerializer, request.data, HEADER_NAMES, ("apply_to_lines",)
        )
        apply_to_lines = data.pop("apply_to_lines", None)
        values = service_values(data, HEADER_NAMES)
        try:
            services.segment_update(
                actor=request.user, segment=segment, apply_to_lines=apply_to_lines, **values
            )
        except DomainError as error:
            raise api_error(error, HEADER_NAMES) from error
        return Response(SegmentSerializer(self.segment(no)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, no: str) -> Response:
        services.segment_delete(actor=request.user, segment=self.segment(no))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[NO])
class SegmentLineListView(_SegmentAPIView):
    """The segment's lines (paginated, in line order); POST `{"contact_no"}` adds a line by
    hand (a criteria action)."""

    pagination_class = PageNumberPagination

    @extend_schema(responses=SegmentLineSerializer(many=True))
    def get(self, request: Request, no: str) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.segment_lines(self.segment(no)), request, view=self
        )
        return paginator.get_paginated_response(SegmentLineSerializer(page, many=True).data)

    @extend_schema(request=SegmentLineAddSerializer, responses={201: SegmentLineSerializer})
    def post(self, request: Request, no: str) -> Response:
        segment = self.segment(no)
        data = body_object(request.data, ["contact_no"]) if isinstance(request.data, dict) else {}
        if not isinstance(data.get("contact_no"), str):
            raise ValidationFailed({"contact_no": [_("Give the contact no. of the new line.")]})
        try:
            line = services.segment_line_add(
                actor=request.user, segment=segment, contact=data["contact_no"]
            )
        except DomainError as error:
            raise api_error(error, {"contact_no": "contact"}) from error
        fresh = selectors.segment_line_get(segment, line.line_no)
        return Response(SegmentLineSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[NO, LINE_NO])
class SegmentLineDetailView(_SegmentAPIView):
    """One line: read, personalise (PATCH any interaction field; another template refills
    the line from it), delete (a criteria action)."""

    def line(self, no: str, line_no: int) -> SegmentLine:
        return selectors.segment_line_get(self.segment(no), line_no)

    @extend_schema(responses=SegmentLineSerializer)
    def get(self, request: Request, no: str, line_no: int) -> Response:
        return Response(SegmentLineSerializer(self.line(no, line_no)).data)

    @extend_schema(request=SegmentLineWriteSerializer, responses=SegmentLineSerializer)
    def patch(self, request: Request, no: str, line_no: int) -> Response:
        line = self.line(no, line_no)
        data: Any = request.data
        own: Any = _UNSET
        if isinstance(data, dict) and "attachment_no" in data:
            own = data["attachment_no"]
            data = {key: value for key, value in data.items() if key != "attachment_no"}
        values = service_values(data, LINE_NAMES)
        try:
            with transaction.atomic():
                if values:
                    services.segment_line_update(actor=request.user, line=line, **values)
                if own is not _UNSET:
                    services.segment_line_attachment_set(
                        actor=request.user, line=line, attachment=own
                    )
        except DomainError as error:
            raise api_error(error, {**LINE_NAMES, "attachment_no": "attachment"}) from error
        return Response(SegmentLineSerializer(self.line(no, line_no)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, no: str, line_no: int) -> Response:
        services.segment_line_delete(actor=request.user, line=self.line(no, line_no))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("segments/", SegmentListView.as_view(), name="segment-list"),
    path("segments/<str:no>/", SegmentDetailView.as_view(), name="segment-detail"),
    path("segments/<str:no>/lines/", SegmentLineListView.as_view(), name="segment-lines"),
    path(
        "segments/<str:no>/lines/<int:line_no>/",
        SegmentLineDetailView.as_view(),
        name="segment-line-detail",
    ),
]
