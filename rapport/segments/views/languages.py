"""A segment's interaction languages (reference 1.10) on the segment card, and the attachment
actions (2.3.5, 2.3.6) on a language row and on a line: create an e-mail or HTML letter, import
a file (both replace what is there), open, preview, remove. The services decide; these pages
ask (the subject question) and show."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.attachments.models import Attachment
from rapport.core.errors import ConflictError, DomainError, NotFoundError
from rapport.core.views import (
    ServiceActionView,
    ServiceDeleteView,
    ServiceFormView,
    add_domain_error,
)
from rapport.segments import selectors, services
from rapport.segments.language_forms import (
    AttachmentCreateForm,
    AttachmentImportForm,
    SegmentLanguageForm,
)
from rapport.segments.models import Segment, SegmentLanguage, SegmentLine
from rapport.segments.views.base import WRITE, line_or_404, require_write, segment_or_404


def _url(name: str, *args: Any, query: str = "") -> str:
    """`name` reversed, or "" when that page is not installed (the preview is the delivery
    app's, above this one: looked up by name only)."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return ""


def attachment_links(attachment: Attachment | None, query: str) -> dict[str, str]:
    if attachment is None:
        return {}
    return {
        "open_url": _url("attachments:attachment-detail", attachment.no),
        "preview_url": _url("delivery:attachment-preview", attachment.no, query=query),
    }


def language_rows(segment: Segment, *, can_write: bool) -> list[dict[str, Any]]:
    """The segment card's Interaction Languages: each row with its attachment's links and,
    for a writer, its actions."""
    rows = []
    for row in selectors.segment_languages(segment):
        code = row.language.code
        args = (segment.no, code)
        entry: dict[str, Any] = {
            "row": row,
            "default": row.language_id == segment.language_id,
            **attachment_links(row.attachment, f"?segment={segment.no}&language={code}"),
        }
        if can_write:
            entry.update(
                edit_url=reverse("segments:segment-language-edit", args=args),
                delete_url=reverse("segments:segment-language-delete", args=args),
                create_url=reverse("segments:segment-language-attachment-create", args=args),
                import_url=reverse("segments:segment-language-attachment-import", args=args),
                remove_url=reverse("segments:segment-language-attachment-remove", args=args),
            )
        rows.append(entry)
    return rows


def line_attachment(line: SegmentLine, *, can_write: bool) -> dict[str, Any]:
    """What the line's page shows of its attachment: the one it uses, where it comes from, and
    the actions on its own."""
    resolved = services.line_attachment_resolved(line)
    args = (line.segment.no, line.line_no)
    found: dict[str, Any] = {
        "attachment": resolved.attachment,
        "source": resolved.source,
        "language_code": resolved.language_code,
        **attachment_links(resolved.attachment, f"?segment={line.segment.no}&line={line.line_no}"),
    }
    if can_write:
        found.update(
            create_url=reverse("segments:segment-line-attachment-create", args=args),
            import_url=reverse("segments:segment-line-attachment-import", args=args),
            remove_url=reverse("segments:segment-line-attachment-remove", args=args)
            if line.attachment_id
            else "",
        )
    return found


class _SegmentPage:
    """Marketing only (403 first), then the segment (and the row or line) of the URL."""

    row: SegmentLanguage | None = None
    line: SegmentLine | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_write(request)
        self.segment = segment_or_404(kwargs["no"])
        if "language_code" in kwargs:
            try:
                self.row = selectors.segment_language_get(self.segment, kwargs["language_code"])
            except NotFoundError as error:
                raise Http404(error.message) from error
        if "line_no" in kwargs:
            self.line = line_or_404(self.segment, kwargs["line_no"])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]

    @property
    def back_url(self) -> str:
        """The line's page, or the segment card's languages."""
        if self.line is not None:
            return reverse("segments:segment-line-edit", args=[self.segment.no, self.line.line_no])
        return self.segment.get_absolute_url() + "#interaction-languages"

    def get_success_url_for(self, result: Any) -> str:
        return self.back_url


class SegmentLanguageAddView(_SegmentPage, ServiceFormView):
    form_class = SegmentLanguageForm
    write_capability = WRITE
    submit_label = gettext_lazy("Add language")

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.back_url

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Add an interaction language to segment %(no)s") % {"no": self.segment.no}

    def perform(self, form: SegmentLanguageForm) -> SegmentLanguage:
        data = form.cleaned_data
        return services.segment_language_create(
            actor=self.request.user,
            segment=self.segment,
            language=data["language"],
            description=data["description"],
            subject=data["subject"],
        )

    def success_message(self, result: Any) -> str:
        return _("Interaction language %(language)s was added.") % {
            "language": result.language.code
        }


class SegmentLanguageEditView(_SegmentPage, ServiceFormView):
    """Change a row; a new subject asks once about the lines still carrying the old one."""

    form_class = SegmentLanguageForm
    template_name = "segments/segment_form.html"
    write_capability = WRITE

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.back_url

    @property
    def title(self) -> str:  # type: ignore[override]
        assert self.row is not None
        return _("Segment %(no)s, interaction language %(language)s") % {
            "no": self.segment.no,
            "language": self.row.language.code,
        }

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "adding": False}

    def get_initial(self) -> dict[str, Any]:
        assert self.row is not None
        return {"description": self.row.description, "subject": self.row.subject}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["question_no"] = _("No, only the language")
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        assert self.row is not None
        answer = {"yes": True, "no": False}.get(form.cleaned_data.get("apply_to_lines") or "")
        try:
            services.segment_language_update(
                actor=self.request.user,
                segment=self.segment,
                language=self.row.language,
                apply_to_lines=answer,
                answered_question=self.request.POST.get("lines_question", "")
                if answer is not None
                else None,
                description=form.cleaned_data["description"],
                subject=form.cleaned_data["subject"],
            )
        except ConflictError as error:
            if error.code != "lines_affected":
                add_domain_error(form, error)
                return self.form_invalid(form)
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    question=error.message,
                    question_key=getattr(error, "question_key", ""),
                )
            )
        except DomainError as error:
            add_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Interaction language %(language)s was saved.")
            % {"language": self.row.language.code},
        )
        return HttpResponseRedirect(self.back_url)


class SegmentLanguageDeleteView(_SegmentPage, ServiceDeleteView):
    write_capability = WRITE

    def get_object(self) -> SegmentLanguage:
        assert self.row is not None
        return self.row

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            cancel_url=self.back_url,
            question=_(
                "Remove interaction language %(language)s from segment %(no)s? Its lines take "
                "the contact's language or the default language."
            )
            % {"language": self.get_object().language.code, "no": self.segment.no},
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        row = self.get_object()
        try:
            services.segment_language_delete(
                actor=request.user, segment=self.segment, language=row.language
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Interaction language %(language)s was removed.")
                % {"language": row.language.code},
            )
        return HttpResponseRedirect(self.back_url)


class _AttachmentFormView(_SegmentPage, ServiceFormView):
    """Create or import the attachment of a row or a line (it replaces what is there)."""

    write_capability = WRITE
    verb: Any = ""

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.back_url

    @property
    def title(self) -> str:  # type: ignore[override]
        if self.line is not None:
            where = _("segment %(no)s, line %(line)s") % {
                "no": self.segment.no,
                "line": self.line.line_no,
            }
        else:
            assert self.row is not None
            where = _("segment %(no)s, interaction language %(language)s") % {
                "no": self.segment.no,
                "language": self.row.language.code,
            }
        return f"{self.verb}: {where}"

    def perform(self, form: Any) -> Attachment:
        values = form.values()
        if self.line is not None:
            return services.segment_line_attachment_create(
                actor=self.request.user, line=self.line, **values
            )
        assert self.row is not None
        return services.segment_language_attachment_create(
            actor=self.request.user, segment=self.segment, language=self.row.language, **values
        )

    def success_message(self, result: Any) -> str:
        return _("Attachment %(no)s was stored.") % {"no": result.no}


class AttachmentCreateView(_AttachmentFormView):
    form_class = AttachmentCreateForm
    verb = gettext_lazy("Create attachment")


class AttachmentImportView(_AttachmentFormView):
    form_class = AttachmentImportForm
    verb = gettext_lazy("Import attachment")


class AttachmentRemoveView(ServiceActionView):
    """Remove the attachment of a row or the own attachment of a line (the line inherits
    again)."""

    write_capability = WRITE

    def get_object(self, **kwargs: Any) -> Any:
        page = _SegmentPage()
        require_write(self.request)
        page.segment = segment_or_404(kwargs["no"])
        if "line_no" in kwargs:
            page.line = line_or_404(page.segment, kwargs["line_no"])
        else:
            try:
                page.row = selectors.segment_language_get(page.segment, kwargs["language_code"])
            except NotFoundError as error:
                raise Http404(error.message) from error
        return page

    def perform(self, obj: Any) -> str:
        if obj.line is not None:
            services.segment_line_attachment_remove(actor=self.request.user, line=obj.line)
            return _("The line's own attachment was removed; it uses its language's again.")
        services.segment_language_attachment_remove(
            actor=self.request.user, segment=obj.segment, language=obj.row.language
        )
        return _("The attachment of interaction language %(language)s was removed.") % {
            "language": obj.row.language.code
        }

    def success_url(self, obj: Any) -> str:
        return str(obj.back_url)


def _paths(prefix: str, name: str) -> list[URLPattern]:
    return [
        path(f"{prefix}/create/", AttachmentCreateView.as_view(), name=f"{name}-create"),
        path(f"{prefix}/import/", AttachmentImportView.as_view(), name=f"{name}-import"),
        path(f"{prefix}/remove/", AttachmentRemoveView.as_view(), name=f"{name}-remove"),
    ]


LANGUAGE = "segments/<str:no>/languages/<str:language_code>"
urlpatterns: list[URLPattern] = [
    path(
        "segments/<str:no>/languages/new/",
        SegmentLanguageAddView.as_view(),
        name="segment-language-add",
    ),
    path(f"{LANGUAGE}/edit/", SegmentLanguageEditView.as_view(), name="segment-language-edit"),
    path(
        f"{LANGUAGE}/delete/", SegmentLanguageDeleteView.as_view(), name="segment-language-delete"
    ),
    *_paths(f"{LANGUAGE}/attachment", "segment-language-attachment"),
    *_paths("segments/<str:no>/lines/<int:line_no>/attachment", "segment-line-attachment"),
]
