"""The attachment actions of an interaction template's language rows (reference 1.5, 1.6), on
the template card: Create e-mail, Create HTML letter, Import file, Open, Edit, Preview for a
contact, Export, Replace and Remove.

Opening, editing and exporting are the attachments app's pages (`attachments:`); the preview
for a contact is the delivery app's page (`delivery:attachment-preview`), which sits above
interactions, so it is linked by its URL name only (no import), and left out where it is not
installed. A read-only attachment (a logged interaction uses it) is never edited in place: Edit
gives the row a copy first, and the page says so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rapport.attachments.choices import AttachmentKind
from rapport.core import permissions
from rapport.core.errors import DomainError
from rapport.core.forms import BootstrapFormMixin
from rapport.core.views import CapabilityRequiredMixin, ServiceDeleteView, ServiceFormView
from rapport.interactions import services
from rapport.interactions.models import InteractionTemplate, InteractionTemplateLanguage
from rapport.interactions.views.setup import WRITE, _PlainFormMixin, _TemplateLanguageMixin

CREATE_KINDS = {AttachmentKind.EMAIL.value, AttachmentKind.PDF.value}
"""The kinds the card creates empty, to write in the attachments app's editor."""


def _url(name: str, *args: Any, query: dict[str, Any] | None = None) -> str:
    """The page `name` (of this app or one above or below), "" when it is not installed."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    given = {key: value for key, value in (query or {}).items() if value not in (None, "")}
    return f"{url}?{urlencode(given)}" if given else url


@dataclass(frozen=True)
class RowAction:
    """One attachment action of a language row: a link, or a button that posts."""

    name: str  # the data-action attribute (stable for tests and scripts)
    label: Any
    url: str
    icon: str
    post: bool = False
    style: str = "outline-secondary"


def row_actions(
    request: HttpRequest, template: InteractionTemplate, row: InteractionTemplateLanguage
) -> list[RowAction]:
    """The attachment actions of `row` the user may take: without an attachment, the three
    ways to make one; with one, open, edit (e-mail, HTML letter), preview, export, replace and
    remove (the changes only for the setup roles)."""
    can_write = permissions.user_can(request.user, WRITE)
    if row.attachment is None:
        return _create_actions(template.code, row.language.code) if can_write else []
    return _attachment_actions(request, template, row, can_write=can_write)


def _create_actions(code: str, language: str) -> list[RowAction]:
    create = reverse("interactions:template-language-attachment-create", args=[code, language])
    return [
        RowAction(
            "create-email", _("Create e-mail"), f"{create}?kind=email", "envelope-plus", post=True
        ),
        RowAction(
            "create-letter",
            _("Create HTML letter"),
            f"{create}?kind=pdf",
            "file-earmark-richtext",
            post=True,
        ),
        RowAction(
            "import",
            _("Import file"),
            reverse("interactions:template-language-attachment-import", args=[code, language]),
            "upload",
        ),
    ]


def _attachment_actions(
    request: HttpRequest,
    template: InteractionTemplate,
    row: InteractionTemplateLanguage,
    *,
    can_write: bool,
) -> list[RowAction]:
    code, language = template.code, row.language.code
    attachment = row.attachment
    assert attachment is not None
    no = attachment.no
    card = template.get_absolute_url() + "#languages"
    found = [
        RowAction(
            "open",
            _("Open"),
            _url("attachments:attachment-detail", no, query={"next": card}),
            "eye",
        )
    ]
    if can_write and attachment.has_body:
        found.append(
            RowAction(
                "edit",
                _("Edit a copy") if attachment.read_only else _("Edit attachment"),
                reverse("interactions:template-language-attachment-edit", args=[code, language]),
                "pencil",
                post=True,
            )
        )
    if permissions.user_can(request.user, permissions.INTERACTIONS):
        preview = _url(
            "delivery:attachment-preview", no, query={"template": code, "language": language}
        )
        found.append(RowAction("preview", _("Preview for a contact"), preview, "person-vcard"))
    found.append(
        RowAction("export", _("Export"), _url("attachments:attachment-content", no), "download")
    )
    if can_write:
        row_url = reverse("interactions:template-language-attachment-import", args=[code, language])
        remove = reverse("interactions:template-language-attachment-remove", args=[code, language])
        found += [
            RowAction("replace", _("Replace"), row_url, "arrow-repeat"),
            RowAction("remove", _("Remove attachment"), remove, "x-lg", style="outline-danger"),
        ]
    return [action for action in found if action.url]


class _RowView(_TemplateLanguageMixin, CapabilityRequiredMixin):
    write_capability = WRITE
    request: HttpRequest

    def language_code(self) -> str:
        return self.get_row().language.code


class TemplateLanguageAttachmentCreateView(_RowView, View):
    """Create e-mail / Create HTML letter (POST, `?kind=email|pdf`): a new, empty attachment
    for the row, then its editor in the attachments app (back to the template card)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = request.GET.get("kind") or request.POST.get("kind") or ""
        if kind not in CREATE_KINDS:
            raise Http404(_("Choose e-mail or HTML letter."))
        row = self.get_row()
        try:
            attachment = services.template_language_attachment_create(
                template_language=row, kind=kind
            )
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.card_url())
        messages.success(
            request,
            _(
                "Attachment %(no)s was created for language %(language)s of interaction template "
                "%(code)s. Write it now."
            )
            % {"no": attachment.no, "language": self.language_code(), "code": row.template.code},
        )
        editor = _url("attachments:attachment-edit", attachment.no, query={"next": self.card_url()})
        return HttpResponseRedirect(editor or self.card_url())


class TemplateLanguageAttachmentEditView(_RowView, View):
    """Edit (POST): the attachments app's editor for the row's e-mail or HTML letter. A
    read-only one is copied first (the row then uses the copy), with a message saying so."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        row = self.get_row()
        read_only_no = row.attachment.no if row.attachment is not None else None
        try:
            attachment, copied = services.template_language_attachment_editable(
                template_language=row
            )
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.card_url())
        if copied:
            messages.info(
                request,
                _(
                    "Attachment %(old)s is read-only: a logged interaction uses it. Language "
                    "%(language)s now has its own copy, attachment %(no)s, which you edit here."
                )
                % {"old": read_only_no, "language": self.language_code(), "no": attachment.no},
            )
        editor = _url("attachments:attachment-edit", attachment.no, query={"next": self.card_url()})
        return HttpResponseRedirect(editor or self.card_url())


class TemplateLanguageAttachmentImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=False,
        help_text=gettext_lazy(
            "A Word document (.docx) becomes a letter merged for each contact; any other file "
            "is sent as it is."
        ),
    )


class TemplateLanguageAttachmentImportView(_RowView, _PlainFormMixin, ServiceFormView):
    """Import file / Replace: upload a file as the row's attachment. The row's previous
    attachment is removed unless something else (a logged interaction) still uses it."""

    form_class = TemplateLanguageAttachmentImportForm

    @property
    def title(self) -> str:  # type: ignore[override]
        values = {"language": self.language_code(), "code": self.get_template().code}
        if self.get_row().attachment is not None:
            return _("Replace the attachment of language %(language)s of template %(code)s") % (
                values
            )
        return _("Import a file for language %(language)s of interaction template %(code)s") % (
            values
        )

    @property
    def submit_label(self) -> str:  # type: ignore[override]
        return _("Replace") if self.get_row().attachment is not None else _("Import")

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.card_url()

    def perform(self, form: TemplateLanguageAttachmentImportForm) -> Any:
        from rapport.attachments.content import read_upload

        upload = form.cleaned_data["file"]
        return services.template_language_attachment_import(
            template_language=self.get_row(),
            file_name=upload.name or "",
            content=read_upload(upload),
        )

    def get_success_url_for(self, result: Any) -> str:
        return self.card_url()

    def success_message(self, result: Any) -> str:
        return _("%(file)s is now attachment %(no)s of language %(language)s.") % {
            "file": result.file_name,
            "no": result.no,
            "language": self.language_code(),
        }


class TemplateLanguageAttachmentRemoveView(_RowView, ServiceDeleteView):
    """Remove: the row keeps no attachment; the document is deleted unless something else
    (another row, a logged interaction) still uses it."""

    def get_object(self) -> InteractionTemplateLanguage:
        row = self.get_row()
        if row.attachment is None:
            raise Http404(_("This language has no attachment."))
        return row

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        row = self.get_object()
        values = {
            "no": row.attachment.no if row.attachment is not None else "",
            "language": self.language_code(),
            "code": row.template.code,
        }
        context.update(
            question=_(
                "Remove attachment %(no)s from language %(language)s of interaction template "
                "%(code)s? It is deleted unless something else still uses it."
            )
            % values,
            cancel_url=self.card_url(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        row = self.get_object()
        no = row.attachment.no if row.attachment is not None else None
        try:
            deleted = services.template_language_attachment_remove(template_language=row)
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.card_url())
        values = {"no": no, "language": self.language_code()}
        if deleted:
            message = _("Attachment %(no)s was removed from language %(language)s and deleted.")
        else:
            message = _(
                "Attachment %(no)s was removed from language %(language)s; it is kept, as "
                "something else still uses it."
            )
        messages.success(request, message % values)
        return HttpResponseRedirect(self.card_url())


_ROW = "setup/interaction-templates/<str:code>/languages/<str:language_code>/attachment"

urlpatterns: list[URLPattern] = [
    path(
        f"{_ROW}/new/",
        TemplateLanguageAttachmentCreateView.as_view(),
        name="template-language-attachment-create",
    ),
    path(
        f"{_ROW}/edit/",
        TemplateLanguageAttachmentEditView.as_view(),
        name="template-language-attachment-edit",
    ),
    path(
        f"{_ROW}/import/",
        TemplateLanguageAttachmentImportView.as_view(),
        name="template-language-attachment-import",
    ),
    path(
        f"{_ROW}/remove/",
        TemplateLanguageAttachmentRemoveView.as_view(),
        name="template-language-attachment-remove",
    ),
]
