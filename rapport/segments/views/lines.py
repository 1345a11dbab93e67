"""A segment's lines by hand: add a line, personalise one on its own page or in place on the
segment card (UI.md's ListPart, htmx), remove one; each change of the lines is a criteria
action (Go back undoes it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rapport.core.errors import DomainError
from rapport.core.views import ServiceDeleteView, ServiceFormView, add_domain_error
from rapport.segments import selectors, services
from rapport.segments.forms import SegmentLineAddForm, SegmentLineForm, SegmentLineRowForm
from rapport.segments.models import SegmentLine
from rapport.segments.views.base import WRITE, LineWriteMixin, SegmentWriteMixin
from rapport.segments.views.fill import line_fill, line_initial, posted_values, render_fields
from rapport.segments.views.languages import line_attachment
from rapport.segments.views.line_rows import line_rows


class SegmentLineAddView(SegmentWriteMixin, ServiceFormView):
    """Add a line by hand (a criteria action: Go back removes it)."""

    form_class = SegmentLineAddForm
    write_capability = WRITE
    submit_label = gettext_lazy("Add line")

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Add a line to segment %(no)s") % {"no": self.segment.no}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.segment.get_absolute_url()

    def perform(self, form: SegmentLineAddForm) -> SegmentLine:
        return services.segment_line_add(
            actor=self.request.user, segment=self.segment, contact=form.cleaned_data["contact"]
        )

    def success_message(self, result: Any) -> str:
        return _("Line %(line)s for %(contact)s was added.") % {
            "line": result.line_no,
            "contact": result.contact,
        }

    def get_success_url_for(self, result: Any) -> str:
        return self.segment.get_absolute_url()


class SegmentLineEditView(LineWriteMixin, ServiceFormView):
    """Personalise one line (reference 2.3.5)."""

    form_class = SegmentLineForm
    template_name = "segments/segment_form.html"
    write_capability = WRITE
    sections = [
        (
            gettext_lazy("Line"),
            ("template", "description", "salesperson", "date", "time", "language", "subject"),
        ),
        (
            gettext_lazy("Details"),
            (
                "correspondence_type",
                "cost",
                "duration",
                "information_flow",
                "initiated_by",
                "evaluation",
                "attempt_failed",
            ),
        ),
        (gettext_lazy("Campaign"), ("campaign", "campaign_target", "campaign_response")),
    ]

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Segment %(no)s, line %(line)s: %(contact)s") % {
            "no": self.segment.no,
            "line": self.line.line_no,
            "contact": self.line.contact or "",
        }

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.segment.get_absolute_url()

    def get_initial(self) -> dict[str, Any]:
        return line_initial(self.line)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["fill_url"] = reverse(
            "segments:segment-line-fill", args=[self.segment.no, self.line.line_no]
        )
        context["line_attachment"] = line_attachment(self.line, can_write=True)
        return context

    def perform(self, form: SegmentLineForm) -> SegmentLine:
        changes = form.service_values()
        if not changes:  # nothing changed: nothing to lock or save
            return self.line
        return services.segment_line_update(actor=self.request.user, line=self.line, **changes)

    def success_message(self, result: Any) -> str:
        return _("Line %(line)s was saved.") % {"line": result.line_no}

    def get_success_url_for(self, result: Any) -> str:
        return self.segment.get_absolute_url()


class SegmentLineDeleteView(LineWriteMixin, ServiceDeleteView):
    """Remove a line by hand (a criteria action: Go back restores it with its values)."""

    write_capability = WRITE

    def get_object(self) -> SegmentLine:
        return self.line

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            cancel_url=self.segment.get_absolute_url(),
            question=_("Remove line %(line)s (%(contact)s) from segment %(no)s?")
            % {
                "line": self.line.line_no,
                "contact": self.line.contact or "",
                "no": self.segment.no,
            },
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.segment_line_delete(actor=request.user, line=self.line)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Line %(line)s was removed.") % {"line": self.line.line_no})
        return HttpResponseRedirect(self.segment.get_absolute_url())


class _LineRowMixin(LineWriteMixin):
    """One line of the segment card, edited in place (UI.md's ListPart): the line's row, its
    editor row, the save of the changed fields and the template fill. Marketing only (403
    before anything is looked up); the line must belong to the segment (404)."""

    request: HttpRequest

    def row(self, *, status: int = 200) -> HttpResponse:
        line = selectors.segment_line_rows(self.segment).filter(pk=self.line.pk).first()
        if line is None:  # removed meanwhile
            return HttpResponse("", status=status)
        return render(
            self.request,
            "segments/lines/_line.html",
            {
                "object": self.segment,
                "row": line_rows(self.segment, [line], can_write=True)[0],
                "can_write": True,
            },
            status=status,
        )

    def editor(
        self, form: SegmentLineRowForm, *, status: int = 200, focus: str = ""
    ) -> HttpResponse:
        fill_url = reverse("segments:segment-line-fill", args=[self.segment.no, self.line.line_no])
        form.fields["template"].widget.attrs.update(
            {
                "hx-post": f"{fill_url}?row=1",
                "hx-trigger": "change",
                "hx-include": f"#{form.form_id}",
                "hx-target": f"#line-{self.line.line_no}",
                "hx-swap": "outerHTML",
            }
        )
        return render(
            self.request,
            "segments/lines/_line_editor.html",
            {
                "object": self.segment,
                "line": self.line,
                "form": form,
                "row_fields": [form[name] for name in form.ROW],
                "focus": focus,
            },
            status=status,
        )

    def row_form(self, **kwargs: Any) -> SegmentLineRowForm:
        return SegmentLineRowForm(
            line_no=self.line.line_no, initial=line_initial(self.line), **kwargs
        )


class SegmentLineRowView(_LineRowMixin, View):
    """GET: the line's row (Cancel in the editor). Without htmx: the segment card."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request, "htmx", False):
            return HttpResponseRedirect(self.segment.get_absolute_url())
        return self.row()


class SegmentLineRowEditView(_LineRowMixin, View):
    """GET: the editor row of one line. POST: save the fields that changed (only those reach
    the service), answer the line's row again; errors stand next to their field in the
    editor row. Without htmx: GET opens the line's own page, POST returns to the card."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request, "htmx", False):
            return HttpResponseRedirect(
                reverse("segments:segment-line-edit", args=[self.segment.no, self.line.line_no])
            )
        return self.editor(self.row_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        htmx = bool(getattr(request, "htmx", False))
        form = self.row_form(data=request.POST)
        if form.is_valid():
            changes = form.service_values()
            try:
                if changes:  # nothing changed: nothing to lock or save
                    services.segment_line_update(actor=request.user, line=self.line, **changes)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                if not htmx:
                    messages.success(
                        request, _("Line %(line)s was saved.") % {"line": self.line.line_no}
                    )
                    return HttpResponseRedirect(self.segment.get_absolute_url())
                response = self.row()
                if changes:
                    response["HX-Trigger"] = "segment-lines-changed"
                return response
        if not htmx:
            return self.page_with_errors(form)
        return self.editor(form)

    def page_with_errors(self, row: SegmentLineRowForm) -> HttpResponse:
        """Without htmx a refused row save shows the line's own page (a whole page, not a
        fragment), with what was typed and the errors next to their fields."""
        data: dict[str, Any] = {
            name: "" if value is None else value for name, value in line_initial(self.line).items()
        }
        data.update({name: row.data.get(name, "") for name in row.ROW})
        form = SegmentLineForm(data=data, initial=line_initial(self.line))
        form.is_valid()
        for name, errors in row.errors.items():
            for error in errors:
                if error not in list(form.errors.get(name, [])):
                    form.add_error(name if name in form.fields else None, error)
        if hasattr(form, "mark_invalid_fields"):
            form.mark_invalid_fields()
        page = SegmentLineEditView()
        page.setup(self.request, no=self.segment.no, line_no=self.line.line_no)
        page.segment, page.line = self.segment, self.line
        return page.render_to_response(page.get_context_data(form=form), status=422)


class SegmentLineRowFillView(_LineRowMixin, View):
    """htmx: after another template was chosen, the line's editor (`row=1`) or the fields of
    the line's own page again, filled from the template as saving will (nothing is saved)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("row"):
            form = self.row_form()
            values = line_fill(self.line, {**form.initial, **posted_values(form, request.POST)})
            filled = SegmentLineRowForm(line_no=self.line.line_no, initial=values)
            return self.editor(filled, focus=filled["template"].auto_id)
        full = SegmentLineForm()
        values = line_fill(self.line, posted_values(full, request.POST))
        return render_fields(
            request,
            SegmentLineForm(initial=values),
            SegmentLineEditView.sections,
            reverse("segments:segment-line-fill", args=[self.segment.no, self.line.line_no]),
            self.segment.get_absolute_url(),
        )


urlpatterns: list[URLPattern] = [
    path("segments/<str:no>/lines/new/", SegmentLineAddView.as_view(), name="segment-line-add"),
    path(
        "segments/<str:no>/lines/<int:line_no>/edit/",
        SegmentLineEditView.as_view(),
        name="segment-line-edit",
    ),
    path(
        "segments/<str:no>/lines/<int:line_no>/row/",
        SegmentLineRowView.as_view(),
        name="segment-line-row",
    ),
    path(
        "segments/<str:no>/lines/<int:line_no>/row/edit/",
        SegmentLineRowEditView.as_view(),
        name="segment-line-row-edit",
    ),
    path(
        "segments/<str:no>/lines/<int:line_no>/fill/",
        SegmentLineRowFillView.as_view(),
        name="segment-line-fill",
    ),
    path(
        "segments/<str:no>/lines/<int:line_no>/delete/",
        SegmentLineDeleteView.as_view(),
        name="segment-line-delete",
    ),
]
