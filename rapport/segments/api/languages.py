"""A segment's interaction languages and the lines' own attachments (API.md: segment languages,
a line's own attachment).

- `/api/v1/segments/<no>/languages/`: the header's rows (GET), add one (POST `language_code`,
  `description`, `subject`, `attachment_no`).
- `/api/v1/segments/<no>/languages/<code>/`: read, change (PATCH; a new `subject` asks about
  the lines still carrying the old one: 409 `lines_affected` with `affected_lines` unless
  `apply_to_lines` is given), remove (DELETE).
- `.../languages/<code>/attachment/` and `/api/v1/segments/<no>/lines/<line_no>/attachment/`:
  download the attachment (GET), create or replace it (POST: JSON for an e-mail or HTML letter,
  multipart with `file` for a Word letter or any file), remove it (DELETE). A line's GET gives
  the attachment it uses (its own, else inherited).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from rapport.attachments.api.serializers import AttachmentSerializer, AttachmentWriteSerializer
from rapport.attachments.content import read_upload
from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_download
from rapport.core.errors import DomainError, NotFoundError, ValidationFailed
from rapport.segments import selectors, services
from rapport.segments.api.serializers import api_error, body_object
from rapport.segments.api.views import LINE_NO, NO, _SegmentAPIView
from rapport.segments.models import SegmentLanguage

CODE = OpenApiParameter(
    "language_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Language code."
)
ROW_NAMES = {
    "language_code": "language",
    "description": "description",
    "subject": "subject",
    "attachment_no": "attachment",
}


class SegmentLanguageSerializer(serializers.ModelSerializer):
    language_code = serializers.CharField(source="language.code", read_only=True)
    attachment_no = serializers.IntegerField(
        source="attachment.no", default=None, allow_null=True, read_only=True
    )
    default = serializers.SerializerMethodField(
        method_name="row_is_default",
        help_text="Whether this is the header's default language (its subject is Subject "
        "(Default)).",
    )

    class Meta:
        model = SegmentLanguage
        fields = ["language_code", "description", "subject", "attachment_no", "default"]
        read_only_fields = fields

    def row_is_default(self, row: SegmentLanguage) -> bool:
        return bool(row.language_id == row.segment.language_id)


class SegmentLanguageWriteSerializer(serializers.Serializer):
    """Add (POST: `language_code` required) or change (PATCH) a row."""

    language_code = serializers.CharField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    subject = serializers.CharField(required=False, allow_blank=True)
    attachment_no = serializers.IntegerField(required=False, allow_null=True)
    apply_to_lines = serializers.BooleanField(
        required=False,
        help_text="PATCH of subject: write it to the lines still carrying the old one (true) "
        "or not (false). Left out while lines are affected: 409 with `affected_lines`.",
    )


def _row_values(data: Any, *, create: bool) -> dict[str, Any]:
    extra = ("apply_to_lines",) if not create else ()
    body = body_object(data, [*ROW_NAMES, *extra])
    serializer = SegmentLanguageWriteSerializer(data=body, partial=True)
    serializer.is_valid(raise_exception=True)
    return {
        ROW_NAMES.get(key, key): serializer.validated_data[key]
        for key in body
        if key in serializer.validated_data
    }


@extend_schema(parameters=[NO])
class SegmentLanguageListView(_SegmentAPIView):
    """The header's interaction languages; POST adds one."""

    @extend_schema(responses=SegmentLanguageSerializer(many=True))
    def get(self, request: Request, no: str) -> Response:
        rows = selectors.segment_languages(self.segment(no))
        return Response(SegmentLanguageSerializer(rows, many=True).data)

    @extend_schema(
        request=SegmentLanguageWriteSerializer, responses={201: SegmentLanguageSerializer}
    )
    def post(self, request: Request, no: str) -> Response:
        segment = self.segment(no)
        values = _row_values(request.data, create=True)
        language = values.pop("language", None)
        if not language:
            raise ValidationFailed({"language_code": [_("Give the language code.")]})
        try:
            row = services.segment_language_create(
                actor=request.user, segment=segment, language=language, **values
            )
        except DomainError as error:
            raise api_error(error, ROW_NAMES) from error
        fresh = selectors.segment_language_get(segment, row.language.code)
        return Response(SegmentLanguageSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[NO, CODE])
class SegmentLanguageDetailView(_SegmentAPIView):
    """One interaction language of the header: read, change, remove."""

    @extend_schema(responses=SegmentLanguageSerializer)
    def get(self, request: Request, no: str, language_code: str) -> Response:
        row = selectors.segment_language_get(self.segment(no), language_code)
        return Response(SegmentLanguageSerializer(row).data)

    @extend_schema(request=SegmentLanguageWriteSerializer, responses=SegmentLanguageSerializer)
    def patch(self, request: Request, no: str, language_code: str) -> Response:
        segment = self.segment(no)
        row = selectors.segment_language_get(segment, language_code)
        values = _row_values(request.data, create=False)
        if values.pop("language", row.language.code).upper() != row.language.code:
            raise ValidationFailed({"language_code": [_("The language code cannot change.")]})
        try:
            services.segment_language_update(
                actor=request.user, segment=segment, language=row.language, **values
            )
        except DomainError as error:
            raise api_error(error, ROW_NAMES) from error
        fresh = selectors.segment_language_get(segment, language_code)
        return Response(SegmentLanguageSerializer(fresh).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, no: str, language_code: str) -> Response:
        segment = self.segment(no)
        row = selectors.segment_language_get(segment, language_code)
        services.segment_language_delete(actor=request.user, segment=segment, language=row.language)
        return Response(status=status.HTTP_204_NO_CONTENT)


def attachment_values(request: Request) -> dict[str, Any]:
    """The new attachment a POST describes (A's write shape): JSON for an e-mail or HTML letter,
    multipart with `file` (its name the default file name; kind `file` unless given)."""
    data = request.data.dict() if hasattr(request.data, "dict") else request.data
    data = body_object(data, AttachmentWriteSerializer().fields)
    if "kind" not in data:
        data = {**data, "kind": "file" if "file" in data else "email"}
    serializer = AttachmentWriteSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    upload = values.pop("file", None)
    if upload is not None:
        values["content"] = read_upload(upload)
        values.setdefault("file_name", upload.name.rsplit("/", 1)[-1])
    return values


def download(attachment: Attachment | None) -> HttpResponse:
    if attachment is None:
        raise NotFoundError(_("There is no attachment here."))
    name, content_type, content = attachment_download(attachment)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name.replace(chr(34), "")}"'
    return response


class _AttachmentView(_SegmentAPIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]


@extend_schema(parameters=[NO, CODE])
class SegmentLanguageAttachmentView(_AttachmentView):
    """The attachment of a header language row: download, create/import/replace, remove."""

    # The stored file with its own content type (text/html for an e-mail or HTML letter).
    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request: Request, no: str, language_code: str) -> HttpResponse:
        row = selectors.segment_language_get(self.segment(no), language_code)
        return download(row.attachment)

    @extend_schema(request=AttachmentWriteSerializer, responses={201: AttachmentSerializer})
    def post(self, request: Request, no: str, language_code: str) -> Response:
        segment = self.segment(no)
        row = selectors.segment_language_get(segment, language_code)
        attachment = services.segment_language_attachment_create(
            actor=request.user, segment=segment, language=row.language, **attachment_values(request)
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, no: str, language_code: str) -> Response:
        segment = self.segment(no)
        row = selectors.segment_language_get(segment, language_code)
        services.segment_language_attachment_remove(
            actor=request.user, segment=segment, language=row.language
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[NO, LINE_NO])
class SegmentLineAttachmentView(_AttachmentView):
    """A line's attachment: download the one it uses, create/import/replace its own, remove its
    own (it inherits again)."""

    # The stored file with its own content type (text/html for an e-mail or HTML letter).
    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request: Request, no: str, line_no: int) -> HttpResponse:
        line = selectors.segment_line_get(self.segment(no), line_no)
        return download(services.line_attachment_resolved(line).attachment)

    @extend_schema(request=AttachmentWriteSerializer, responses={201: AttachmentSerializer})
    def post(self, request: Request, no: str, line_no: int) -> Response:
        line = selectors.segment_line_get(self.segment(no), line_no)
        attachment = services.segment_line_attachment_create(
            actor=request.user, line=line, **attachment_values(request)
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, no: str, line_no: int) -> Response:
        line = selectors.segment_line_get(self.segment(no), line_no)
        services.segment_line_attachment_remove(actor=request.user, line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path(
        "segments/<str:no>/languages/",
        SegmentLanguageListView.as_view(),
        name="segment-languages",
    ),
    path(
        "segments/<str:no>/languages/<str:language_code>/",
        SegmentLanguageDetailView.as_view(),
        name="segment-language-detail",
    ),
    path(
        "segments/<str:no>/languages/<str:language_code>/attachment/",
        SegmentLanguageAttachmentView.as_view(),
        name="segment-language-attachment",
    ),
    path(
        "segments/<str:no>/lines/<int:line_no>/attachment/",
        SegmentLineAttachmentView.as_view(),
        name="segment-line-attachment",
    ),
]
