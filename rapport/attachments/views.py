"""Attachment pages (reference 1.6): the card (open/preview), the e-mail and HTML-letter editor,
import (replace the file), export (download) and delete. They call the attachment services;
a read-only attachment (a logged interaction's) offers only open and export."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from rapport.attachments import hooks, selectors, services
from rapport.attachments.choices import AttachmentKind
from rapport.attachments.content import read_upload
from rapport.attachments.downloads import download_response
from rapport.attachments.forms import AttachmentBodyForm, AttachmentImportForm
from rapport.attachments.models import Attachment
from rapport.core import permissions
from rapport.core.cards import card_actions, card_panels
from rapport.core.csp import mail_preview_response
from rapport.core.errors import NotFoundError, ValidationFailed
from rapport.core.views import (
    Action,
    ObjectDetailView,
    ServiceDeleteView,
    ServiceFormView,
    delete_action,
    edit_action,
)

WRITE = permissions.SETUP  # as the attachments API (AttachmentViewSet.write_capability)


def attachment_or_404(no: Any) -> Attachment:
    try:
        return selectors.attachment_get(no)
    except NotFoundError as error:
        raise Http404(error.message) from error


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to: the `next` parameter when it is a local address, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class AttachmentDetailView(ObjectDetailView):
    template_name = "attachments/attachment_detail.html"
    sections = [
        (gettext_lazy("General"), ["no", "kind", "file_name", "subject", "read_only"]),
        (
            gettext_lazy("Storage"),
            ["storage_type", "content_type", "file_size", "modified_at"],
        ),
    ]
    write_capability = WRITE

    def get_object(self, queryset: Any = None) -> Attachment:
        return attachment_or_404(self.kwargs["no"])

    def get_actions(self) -> list[Action]:
        attachment = self.object
        no = attachment.no
        can_change = permissions.user_can(self.request.user, WRITE) and not attachment.read_only
        actions: list[Action] = []
        if can_change and attachment.has_body:
            actions.append(edit_action(reverse("attachments:attachment-edit", args=[no])))
        if can_change:
            actions.append(
                Action(
                    _("Import"), reverse("attachments:attachment-import", args=[no]), icon="upload"
                )
            )
        actions.append(
            Action(
                _("Export"), reverse("attachments:attachment-content", args=[no]), icon="download"
            )
        )
        actions += card_actions("attachment", self.request, attachment)
        if can_change:
            actions.append(delete_action(reverse("attachments:attachment-delete", args=[no])))
        return actions

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        attachment = self.object
        context["title"] = attachment.subject or attachment.file_name or str(attachment.no)
        for section in context["sections"]:
            for row in section["rows"]:
                if row["name"] == "file_size":
                    row["value"] = filesizeformat(attachment.file_size)
                elif row["name"] == "modified_at":
                    row["value"] = attachment.modified_at
        context["is_email"] = attachment.kind == AttachmentKind.EMAIL
        context.update(card_panels("attachment", self.request, attachment))
        return context


class AttachmentEditView(ServiceFormView):
    """The editor of an e-mail or HTML letter, with the registered editor panels beside it."""

    form_class = AttachmentBodyForm
    template_name = "attachments/attachment_edit.html"
    write_capability = WRITE

    def get_instance(self) -> Attachment:
        if not hasattr(self, "_attachment"):
            attachment = attachment_or_404(self.kwargs["no"])
            if not attachment.has_body:
                raise Http404(_("Only an e-mail or HTML letter is edited here; import a file."))
            self._attachment = attachment
        return self._attachment

    @property
    def title(self) -> str:  # type: ignore[override]
        attachment = self.get_instance()
        return _("Edit %(kind)s %(no)s") % {
            "kind": attachment.get_kind_display(),
            "no": attachment.no,
        }

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return next_url(self.request, self.get_instance().get_absolute_url())

    def get_success_url_for(self, result: Any) -> str:
        return self.cancel_url

    def perform(self, form: AttachmentBodyForm) -> Attachment:
        data = form.cleaned_data
        values = {name: data[name] for name in form.fields}
        return services.attachment_update(attachment=self.get_instance(), **values)

    def success_message(self, result: Any) -> str:
        return _("Attachment %(no)s was saved.") % {"no": result.no}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        attachment = self.get_instance()
        context["attachment"] = attachment
        context["next"] = next_url(self.request, "")
        context["editor_panels"] = [
            mark_safe(html)  # noqa: S308 - the hook returns safe HTML (hooks.py)
            for html in hooks.editor_panels(self.request, attachment, attachment.kind)
        ]
        return context


class AttachmentImportView(ServiceFormView):
    """Import: replace the stored file (an e-mail's or HTML letter's HTML) by an upload."""

    form_class = AttachmentImportForm
    template_name = "attachments/attachment_import.html"
    write_capability = WRITE
    submit_label = gettext_lazy("Import")

    def get_instance(self) -> Attachment:
        if not hasattr(self, "_attachment"):
            self._attachment = attachment_or_404(self.kwargs["no"])
        return self._attachment

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Import attachment %(no)s") % {"no": self.get_instance().no}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return next_url(self.request, self.get_instance().get_absolute_url())

    def get_success_url_for(self, result: Any) -> str:
        return self.cancel_url

    def perform(self, form: AttachmentImportForm) -> Attachment:
        attachment = self.get_instance()
        upload = form.cleaned_data["file"]
        content = read_upload(upload, "file")
        name = str(upload.name or "").rsplit("/", 1)[-1]
        if not attachment.has_body:
            return services.attachment_update(
                attachment=attachment, file_name=name, content=content
            )
        try:
            html = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(
                {"file": [_("The file is not an HTML file in UTF-8.")]}
            ) from None
        return services.attachment_update(attachment=attachment, body_html=html)

    def success_message(self, result: Any) -> str:
        return _("Attachment %(no)s was imported.") % {"no": result.no}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["next"] = next_url(self.request, "")
        return context


class AttachmentContentView(generic.View):
    """Export: download the stored file."""

    def get(self, request: HttpRequest, no: str) -> HttpResponse:
        return download_response(attachment_or_404(no))


class AttachmentBodyView(generic.View):
    """The HTML body as the card's preview frame shows it (its own Content-Security-Policy:
    rapport/core/csp.py)."""

    def get(self, request: HttpRequest, no: str) -> HttpResponse:
        return mail_preview_response(attachment_or_404(no).body_html)


class AttachmentDeleteView(ServiceDeleteView):
    write_capability = WRITE

    def get_object(self) -> Attachment:
        return attachment_or_404(self.kwargs["no"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = next_url(self.request, context["cancel_url"])
        return context

    def perform(self, obj: Any) -> None:
        services.attachment_delete(attachment=obj)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302 and response["Location"] == reverse("home"):
            response["Location"] = next_url(request, reverse("home"))
        return response
