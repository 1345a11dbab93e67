"""`POST attachments/<no>/preview/` (API.md): the attachment merged for a contact, as it would
be sent or printed; nothing is stored."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapport.core.api.serializers import ActionSerializer
from rapport.core.api.views import NoticesMixin
from rapport.delivery.preview import attachment_preview
from rapport.delivery.views.preview import MAX_LINE_NO, PREVIEW_CAPABILITY

NO = OpenApiParameter("no", OpenApiTypes.INT, OpenApiParameter.PATH, description="Attachment no.")


class PreviewRequestSerializer(ActionSerializer):
    contact_no = serializers.CharField(max_length=20, help_text="The contact to merge for.")
    template_code = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="Merge with this interaction template's values.",
    )
    segment_no = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="Merge with this segment's values (its header's, or with line_no a line's).",
    )
    line_no = serializers.IntegerField(
        min_value=1,
        max_value=MAX_LINE_NO,
        required=False,
        allow_null=True,
        default=None,
        help_text="A segment line.",
    )
    language_code = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        default="",
        help_text="Merge in this language (default: the line's, segment's or template's, "
        "else the contact's).",
    )


class PreviewSerializer(serializers.Serializer):
    subject = serializers.CharField(help_text="The merged subject (e-mail only).")
    html = serializers.CharField(help_text="The merged HTML (CSS inlined for an e-mail).")
    text = serializers.CharField(help_text="The merged plain text.")


@extend_schema(parameters=[NO])
class AttachmentPreviewView(NoticesMixin, APIView):
    """The merge preview of an attachment for a contact."""

    write_capability = PREVIEW_CAPABILITY

    @extend_schema(request=PreviewRequestSerializer, responses=PreviewSerializer)
    def post(self, request: Request, no: int) -> Response:
        """The attachment merged for `contact_no` (400 for an unknown contact, segment, line,
        template or key, or a template that cannot be merged; 404 for an unknown attachment)."""
        from rapport.attachments.selectors import attachment_get

        attachment = attachment_get(no)
        body = PreviewRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        preview = attachment_preview(
            attachment=attachment, actor=request.user, **body.validated_data
        )
        return Response(preview)


urlpatterns = [
    path(
        "attachments/<int:no>/preview/",
        AttachmentPreviewView.as_view(),
        name="attachment-preview",
    ),
]
