from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from rapport.attachments.choices import AttachmentKind
from rapport.attachments.models import FILE_NAME_LENGTH, SUBJECT_LENGTH, Attachment
from rapport.core.api.serializers import StrictFieldsMixin


class AttachmentSerializer(serializers.ModelSerializer):
    """An attachment as the API shows it: its values, where and how its file is stored, and the
    address of its content."""

    content_url = serializers.SerializerMethodField(
        help_text="Where to download the stored file (an e-mail's or HTML letter's HTML)."
    )

    class Meta:
        model = Attachment
        fields = [
            "no",
            "kind",
            "file_name",
            "subject",
            "body_html",
            "body_text",
            "body_text_manual",
            "read_only",
            "storage_type",
            "content_type",
            "file_size",
            "created_at",
            "modified_at",
            "content_url",
        ]
        read_only_fields = fields

    def get_content_url(self, attachment: Attachment) -> str:
        return reverse("attachment-content", args=[attachment.no])


class AttachmentWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """What a client sends: JSON for an e-mail or HTML letter (`subject`, `body_html`, and
    `body_text` with `body_text_manual`), multipart with the `file` for a Word letter or a
    file (`file_name` defaults to the uploaded file's name). On an update, a `file` replaces
    the stored one."""

    kind = serializers.ChoiceField(
        choices=AttachmentKind.choices,
        help_text="email, word, pdf (an HTML letter printed as PDF) or file. Required on create.",
    )
    file = serializers.FileField(
        required=False,
        allow_empty_file=False,
        use_url=False,
        help_text="The file (multipart/form-data): a .docx for kind word, any file but a "
        "program for kind file; at most RAPPORT_MAX_ATTACHMENT_MB.",
    )
    file_name = serializers.CharField(required=False, allow_blank=True, max_length=FILE_NAME_LENGTH)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=SUBJECT_LENGTH)
    body_html = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    body_text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The e-mail's text part; kept only with body_text_manual (otherwise it is "
        "derived from body_html).",
    )
    body_text_manual = serializers.BooleanField(required=False)
