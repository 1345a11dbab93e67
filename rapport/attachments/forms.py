from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rapport.attachments.choices import AttachmentKind
from rapport.attachments.models import FILE_NAME_LENGTH, SUBJECT_LENGTH, Attachment
from rapport.core.forms import BootstrapFormMixin


class AttachmentBodyForm(BootstrapFormMixin, forms.Form):
    """The editor of an e-mail (subject, HTML, text part) or an HTML letter (HTML)."""

    subject = forms.CharField(
        label=gettext_lazy("Subject"), max_length=SUBJECT_LENGTH, required=False
    )
    file_name = forms.CharField(
        label=gettext_lazy("File name"),
        max_length=FILE_NAME_LENGTH,
        required=False,
        help_text=gettext_lazy("The name of the printed PDF (optional)."),
    )
    body_html = forms.CharField(
        label=gettext_lazy("HTML body"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "font-monospace"}),
    )
    body_text_manual = forms.BooleanField(
        label=gettext_lazy("Write the text part by hand"),
        required=False,
        help_text=gettext_lazy("Otherwise the text part is made from the HTML body when saved."),
    )
    body_text = forms.CharField(
        label=gettext_lazy("Text part"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, instance: Attachment | None = None, **kwargs: Any) -> None:
        if instance is not None:
            # The stored values, under what the view passes (FormView always passes `initial`).
            stored = {
                name: getattr(instance, name)
                for name in ("subject", "file_name", "body_html", "body_text_manual", "body_text")
            }
            kwargs["initial"] = {**stored, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        if instance is not None and instance.kind != AttachmentKind.EMAIL:
            for name in ("subject", "body_text_manual", "body_text"):
                del self.fields[name]
        elif "file_name" in self.fields:
            del self.fields["file_name"]


class AttachmentImportForm(BootstrapFormMixin, forms.Form):
    """Replace the stored file (or, for an e-mail or HTML letter, its HTML) by an uploaded
    one."""

    file = forms.FileField(label=gettext_lazy("File"), allow_empty_file=False)

    def __init__(self, *args: Any, instance: Attachment | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if instance is not None and instance.has_body:
            self.fields["file"].help_text = gettext_lazy("An HTML file (UTF-8).")
            self.fields["file"].widget.attrs["accept"] = ".html,.htm,text/html"
        elif instance is not None and instance.kind == AttachmentKind.WORD:
            self.fields["file"].help_text = gettext_lazy("A Word document (.docx).")
            self.fields["file"].widget.attrs["accept"] = ".docx"
