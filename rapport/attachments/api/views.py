"""The attachments API: list, create (JSON or multipart), read, change, replace the file,
delete, and download the content."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rapport.attachments import selectors, services
from rapport.attachments.api.serializers import AttachmentSerializer, AttachmentWriteSerializer
from rapport.attachments.content import read_upload
from rapport.attachments.downloads import download_response
from rapport.attachments.models import Attachment
from rapport.core import permissions
from rapport.core.api.views import NoticesMixin
from rapport.core.errors import ValidationFailed

WRITE = permissions.SETUP  # as the interaction templates (InteractionTemplateViewSet)


class AttachmentFilterSet(django_filters.FilterSet):
    kind = django_filters.CharFilter(field_name="kind", lookup_expr="exact")
    read_only = django_filters.BooleanFilter(field_name="read_only")

    class Meta:
        model = Attachment
        fields = ["kind", "read_only"]


def _service_values(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    upload = values.pop("file", None)
    if upload is not None:
        values["content"] = read_upload(upload, "file")
        if not values.get("file_name"):
            values["file_name"] = str(upload.name or "").rsplit("/", 1)[-1]
    return values


WRITE_SCHEMA: dict[str, Any] = {
    "request": {
        "application/json": AttachmentWriteSerializer,
        "multipart/form-data": AttachmentWriteSerializer,
    },
    "responses": {200: AttachmentSerializer},
}


@contextmanager
def api_field_names() -> Iterator[None]:
    """A refused file is named as the API's field `file`, not the service's `content`."""
    try:
        yield
    except ValidationFailed as error:
        error.errors = {("file" if k == "content" else k): v for k, v in error.errors.items()}
        if error.field == "content":
            error.field = "file"
        raise


class AttachmentViewSet(NoticesMixin, viewsets.GenericViewSet):
    """Attachments, keyed by `no`: an e-mail (`subject`, `body_html`, `body_text`), a Word
    letter (.docx), an HTML letter printed as PDF (`body_html`) or any other file. A read-only
    attachment (a logged interaction's) cannot be changed or deleted (409); one still in use
    cannot be deleted (409)."""

    serializer_class = AttachmentSerializer
    write_capability = WRITE
    lookup_field = "no"
    lookup_value_regex = r"[0-9]+"
    filterset_class = AttachmentFilterSet
    search_fields = ["file_name", "subject"]
    ordering_fields = ["no", "kind", "file_name", "subject", "file_size", "modified_at"]
    ordering = ["no"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.attachment_list()

    def get_object(self) -> Attachment:
        attachment = selectors.attachment_get(self.kwargs["no"])
        self.check_object_permissions(self.request, attachment)
        return attachment

    def _respond(self, attachment: Attachment, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.attachment_get(attachment.no)
        return Response(AttachmentSerializer(fresh).data, status=code)

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page if page is not None else queryset, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    @extend_schema(**{**WRITE_SCHEMA, "responses": {201: AttachmentSerializer}})
    def create(self, request: Request) -> Response:
        serializer = AttachmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with api_field_names():
            values = _service_values(serializer.validated_data)
            attachment = services.attachment_create(**values)
        return self._respond(attachment, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, no: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def _update(self, request: Request, *, partial: bool) -> Response:
        attachment = self.get_object()
        serializer = AttachmentWriteSerializer(attachment, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with api_field_names():
            values = _service_values(serializer.validated_data)
            attachment = services.attachment_update(attachment=attachment, **values)
        return self._respond(attachment)

    @extend_schema(**WRITE_SCHEMA)
    def update(self, request: Request, no: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(**WRITE_SCHEMA)
    def partial_update(self, request: Request, no: str) -> Response:
        return self._update(request, partial=True)

    def destroy(self, request: Request, no: str) -> Response:
        services.attachment_delete(attachment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The stored file with its content type (text/html for an e-mail "
                "or HTML letter).",
            )
        },
    )
    @action(detail=True, methods=["get"])
    def content(self, request: Request, no: str) -> HttpResponse:
        """Download the stored file with its content type (an e-mail's or HTML letter's HTML
        as text/html)."""
        return download_response(self.get_object())
