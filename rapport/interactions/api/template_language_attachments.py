"""`/api/v1/interaction-templates/<code>/languages/<language_code>/attachment/` (API.md): the
attachment of one template language. POST makes a new one and binds it to the row (multipart
`file`: a .docx becomes a Word letter, anything else a file sent as it is; or JSON with `kind`
email or pdf and its `subject`/`body_html`), GET downloads it, DELETE removes it from the row
(the document is deleted unless something else still uses it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapport.attachments.choices import AttachmentKind
from rapport.attachments.models import FILE_NAME_LENGTH, SUBJECT_LENGTH
from rapport.core import permissions
from rapport.core.api.serializers import ActionSerializer
from rapport.core.api.views import NoticesMixin
from rapport.core.errors import ValidationFailed
from rapport.interactions import selectors, services
from rapport.interactions.api.serializers import InteractionTemplateLanguageSerializer
from rapport.interactions.api.views import LANGUAGE_CODE, TEMPLATE_CODE, api_field_names
from rapport.interactions.models import InteractionTemplateLanguage
from rapport.interactions.services.template_languages import no_attachment


class TemplateLanguageAttachmentSerializer(ActionSerializer):
    """A new attachment for a template language: an uploaded `file` (multipart/form-data), or
    an e-mail or HTML letter written in JSON."""

    file = serializers.FileField(
        required=False,
        allow_empty_file=False,
        use_url=False,
        help_text="The file: a .docx becomes a Word letter (kind word), any other file one sent "
        "as it is (kind file).",
    )
    kind = serializers.ChoiceField(
        choices=AttachmentKind.choices,
        required=False,
        help_text="Without a file: email or pdf (an HTML letter printed as PDF). With a file: "
        "word or file (left out: from the file name).",
    )
    file_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=FILE_NAME_LENGTH,
        help_text="Left out: the uploaded file's name.",
    )
    subject = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SUBJECT_LENGTH,
        help_text="An e-mail's subject (left out: the template's description).",
    )
    body_html = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The HTML body of an e-mail or HTML letter (a merge template).",
    )


def _create_values(data: dict[str, Any]) -> dict[str, Any]:
    """The serializer's data as `template_language_attachment_create`'s arguments."""
    from rapport.attachments.content import read_upload

    values = dict(data)
    upload = values.pop("file", None)
    if upload is not None:
        values["content"] = read_upload(upload, "file")
        values.setdefault("file_name", str(upload.name or "").rsplit("/", 1)[-1])
        values.setdefault("kind", services.kind_for_file_name(values["file_name"]))
    elif not values.get("kind"):
        raise ValidationFailed(
            {"file": [_("Upload a file, or give the kind email or pdf to write one.")]}
        )
    return values


@extend_schema(parameters=[TEMPLATE_CODE, LANGUAGE_CODE])
class InteractionTemplateLanguageAttachmentView(NoticesMixin, APIView):
    """The attachment of one language of an interaction template (reference 1.5)."""

    write_capability = permissions.SETUP

    def get_row(self) -> InteractionTemplateLanguage:
        template = selectors.interaction_template_get(self.kwargs["template_code"])
        row = selectors.interaction_template_language_get(template, self.kwargs["language_code"])
        self.check_object_permissions(self.request, row)
        return row

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
    def get(self, request: Request, template_code: str, language_code: str) -> HttpResponse:
        """Download (export) the language's attachment; 404 when it has none."""
        from rapport.attachments.downloads import download_response

        row = self.get_row()
        if row.attachment is None:
            raise no_attachment(row)
        return download_response(row.attachment)

    @extend_schema(
        request={
            "multipart/form-data": TemplateLanguageAttachmentSerializer,
            "application/json": TemplateLanguageAttachmentSerializer,
        },
        responses={201: InteractionTemplateLanguageSerializer},
    )
    def post(self, request: Request, template_code: str, language_code: str) -> Response:
        """Give the language a new attachment (Create / Import / Replace): the row's previous
        attachment is deleted unless something else still uses it. Answers the language row
        with its new `attachment_no`."""
        row = self.get_row()
        serializer = TemplateLanguageAttachmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = _create_values(dict(serializer.validated_data))
        with api_field_names():
            services.template_language_attachment_create(template_language=row, **values)
        fresh = selectors.interaction_template_language_get(
            selectors.interaction_template_get(template_code), row.language.code
        )
        return Response(
            InteractionTemplateLanguageSerializer(fresh).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, template_code: str, language_code: str) -> Response:
        """Remove the attachment from the language (404 when it has none); the document is
        deleted unless something else (another row, a logged interaction) still uses it."""
        with api_field_names():
            services.template_language_attachment_remove(template_language=self.get_row())
        return Response(status=status.HTTP_204_NO_CONTENT)
