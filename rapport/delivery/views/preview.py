"""The merge preview page (`delivery:attachment-preview`, args: the attachment no.): the
attachment merged for a contact chosen on the page (`?contact=`), with the interaction values
of `?template=`, `?segment=` (and `?line=`), in `?language=` when given. The merged HTML is
shown in a sandboxed iframe (no scripts, no same origin) whose page is this one with
`?part=html` (the merged HTML alone, with its own Content-Security-Policy: rapport/core/csp.py);
the template language, segment and line pages link here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rapport.core import permissions
from rapport.core.csp import mail_preview_response
from rapport.core.errors import DomainError, NotFoundError
from rapport.core.forms import BootstrapFormMixin
from rapport.core.views import CapabilityRequiredMixin

PREVIEW_CAPABILITY = permissions.INTERACTIONS
"""Who may preview: the roles that create interactions or log segments (not read-only)."""

MAX_LINE_NO = 2_147_483_647

# Query parameter → the preview's keyword.
PARAMETERS = {
    "template": "template_code",
    "segment": "segment_no",
    "line": "line_no",
    "language": "language_code",
}
ERROR_FIELDS = {"contact_no": "contact", **{v: k for k, v in PARAMETERS.items()}}


def preview_url(no: int, **query: Any) -> str:
    """The preview page of attachment `no` with `query` (template=, segment=, line=, ...)."""
    from urllib.parse import urlencode

    url = reverse("delivery:attachment-preview", args=[no])
    given = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(given)}" if given else url


class PreviewForm(BootstrapFormMixin, forms.Form):
    contact = forms.CharField(
        label=gettext_lazy("Contact"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"list": "contact-options", "autocomplete": "off", "maxlength": 200}
        ),
        help_text=gettext_lazy(
            "Type the contact no. or part of the name, then choose a suggestion."
        ),
    )
    template = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    segment = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    line = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_LINE_NO, widget=forms.HiddenInput
    )
    language = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].widget.attrs.update(
            {
                "hx-get": reverse("interactions:interaction-contact-options"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#contact-options",
                "hx-swap": "innerHTML",
                "hx-include": "this",
                "hx-sync": "this:replace",
            }
        )

    def clean_contact(self) -> str:
        """A contact typed as its number or a unique part of its name → its number."""
        from rapport.interactions.forms.dialog import find_contact

        text = self.cleaned_data.get("contact") or ""
        if not text.strip():
            return ""
        if "\x00" in text:
            raise forms.ValidationError(_("Null characters are not allowed."))
        return find_contact(text).no


class AttachmentPreviewView(CapabilityRequiredMixin, View):
    write_capability = PREVIEW_CAPABILITY

    def get(self, request: HttpRequest, no: int) -> HttpResponse:
        from rapport.attachments.selectors import attachment_get
        from rapport.delivery.preview import attachment_preview

        try:
            attachment = attachment_get(no)
        except NotFoundError as error:
            raise Http404(error.message) from error
        form = PreviewForm(_with_line_contact(request.GET) or None)
        preview = None
        if form.is_bound and form.is_valid() and form.cleaned_data["contact"]:
            data = form.cleaned_data
            try:
                preview = attachment_preview(
                    attachment=attachment,
                    contact_no=data["contact"],
                    actor=request.user,
                    template_code=data["template"] or "",
                    segment_no=data["segment"] or "",
                    line_no=data["line"],
                    language_code=data["language"] or "",
                )
            except DomainError as error:
                _add_error(form, error)
        if request.GET.get("part") == "html":
            if not preview or not preview.get("html"):
                raise Http404  # no contact chosen, or nothing merged: the page says why
            return mail_preview_response(preview["html"])
        query = request.GET.copy()
        query["part"] = "html"
        context = {
            "title": _("Preview of attachment %(no)s") % {"no": attachment.no},
            "attachment": attachment,
            "form": form,
            "preview": preview,
            "frame_url": f"{request.path}?{query.urlencode()}",
            "attachment_url": reverse("attachments:attachment-detail", args=[attachment.no]),
        }
        return render(request, "delivery/preview.html", context)


def _with_line_contact(query: Any) -> Any:
    """The query, with a segment line's own contact when it names a line and no contact (the
    line page's Preview link shows that line's letter)."""
    from rapport.segments.models import SegmentLine

    line = query.get("line", "")
    if query.get("contact") or not (query.get("segment") and line.isdigit() and len(line) < 10):
        return query
    contact_no = (
        SegmentLine.objects.filter(
            segment__no=query["segment"].strip().upper(), line_no=int(query["line"])
        )
        .values_list("contact__no", flat=True)
        .first()
    )
    if not contact_no:
        return query
    query = query.copy()
    query["contact"] = contact_no
    return query


def _add_error(form: PreviewForm, error: DomainError) -> None:
    fields = error.fields()
    if not fields:
        form.add_error(None, error.message)
    for name, messages in fields.items():
        field = ERROR_FIELDS.get(name)
        for message in messages:
            # hidden fields show their error above the form
            form.add_error(field if field == "contact" else None, message)


urlpatterns = [
    path(
        "delivery/attachments/<int:no>/preview/",
        AttachmentPreviewView.as_view(),
        name="attachment-preview",
    ),
]
