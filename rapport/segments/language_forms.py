"""Forms of a segment's interaction languages and of the attachment actions (create an e-mail
or HTML letter, import a file) on a language row or a line."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.attachments.choices import AttachmentKind
from rapport.attachments.models import SUBJECT_LENGTH
from rapport.contacts.models import Language
from rapport.core.forms import BootstrapFormMixin
from rapport.interactions.models import DESCRIPTION_LENGTH


class SegmentLanguageForm(BootstrapFormMixin, forms.Form):
    """A header language row: its language (when added), description and subject."""

    language = forms.ModelChoiceField(
        label=_("Language"), queryset=Language.objects.order_by("code"), to_field_name="code"
    )
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_LENGTH, required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=DESCRIPTION_LENGTH, required=False)
    apply_to_lines = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, adding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not adding:
            del self.fields["language"]


CREATED_KINDS = [
    (AttachmentKind.EMAIL.value, _("E-mail message")),
    (AttachmentKind.PDF.value, _("Letter (HTML, printed as PDF)")),
]
IMPORTED_KINDS = [
    (AttachmentKind.WORD.value, _("Word letter (.docx)")),
    (AttachmentKind.FILE.value, _("Other file (sent as it is)")),
]


class AttachmentCreateForm(BootstrapFormMixin, forms.Form):
    """Create an e-mail message or an HTML letter (a new attachment replaces the one there)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CREATED_KINDS)
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_LENGTH, required=False)
    body_html = forms.CharField(
        label=_("HTML body"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_("Merge fields are written as {{ contact.name }}, {{ salutation }}, ..."),
    )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {"kind": data["kind"], "body_html": data["body_html"]}
        if data["kind"] == AttachmentKind.EMAIL:
            values["subject"] = data["subject"]
        return values


class AttachmentImportForm(BootstrapFormMixin, forms.Form):
    """Import a file: a Word letter or any other file (it replaces the attachment there)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=IMPORTED_KINDS)
    file = forms.FileField(label=_("File"), allow_empty_file=False)

    def values(self) -> dict[str, Any]:
        from rapport.attachments.content import read_upload

        upload = self.cleaned_data["file"]
        return {
            "kind": self.cleaned_data["kind"],
            "file_name": str(upload.name).rsplit("/", 1)[-1],
            "content": read_upload(upload),
        }
