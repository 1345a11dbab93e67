"""Active segments: the list, the segment card with its lines, the header (create, edit with
the one question about the lines), and lines by hand (add, personalise, remove)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rapport.core import permissions
from rapport.core.errors import ConflictError, DomainError, NotFoundError
from rapport.core.forms import without_nul
from rapport.core.views import (
    Action,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceDeleteView,
    ServiceFormView,
    add_domain_error,
)
from rapport.interactions import selectors as interaction_selectors
from rapport.interactions.models import InteractionTemplate
from rapport.segments import selectors, services
from rapport.segments.forms import (
    SegmentForm,
    SegmentLineAddForm,
    SegmentLineForm,
    SegmentLineRowForm,
)
from rapport.segments.models import Segment, SegmentLine

WRITE = permissions.MARKETING
LINES_PER_PAGE = 50


def _segment_or_404(no: str) -> Segment:
    try:
        return selectors.segment_get(no)
    except NotFoundError as error:
        raise Http404(error.message) from error


def _line_or_404(segment: Segment, line_no: Any) -> SegmentLine:
    try:
        return selectors.segment_line_get(segment, line_no)
    except NotFoundError as error:
        raise Http404(error.message) from error


def line_initial(line: SegmentLine) -> dict[str, Any]:
    """A line's values as a line form's initial values (relations by their code)."""
    initial = {
        name: getattr(line, name)
        for name in (
            "description",
            "date",
            "time",
            "subject",
            "correspondence_type",
            "cost",
            "duration",
            "information_flow",
            "initiated_by",
            "evaluation",
            "attempt_failed",
            "campaign_target",
            "campaign_response",
        )
    }
    for name, key in (
        ("template", "code"),
        ("salesperson", "code"),
        ("language", "code"),
        ("campaign", "no"),
    ):
        related = getattr(line, name)
        initial[name] = getattr(related, key) if related is not None else ""
    return initial


def _header_initial(segment: Segment) -> dict[str, Any]:
    """A header's values as the header form's initial values (relations by their code)."""
    return {
        "no": segment.no,
        "description": segment.description,
        "salesperson": segment.salesperson.code if segment.salesperson else "",
        "date": segment.date,
        "campaign": segment.campaign.no if segment.campaign else "",
        "template": segment.template.code if segment.template else "",
        "language": segment.language.code if segment.language else "",
        "subject": segment.subject,
        "correspondence_type": segment.correspondence_type,
        "cost": segment.cost,
        "duration": segment.duration,
        "information_flow": segment.information_flow,
        "initiated_by": segment.initiated_by,
        "campaign_target": segment.campaign_target,
        "campaign_response": segment.campaign_response,
    }


def _posted_values(form: Any, data: Any) -> dict[str, Any]:
    """What was typed in a posted form, as initial values (to show the form again, filled)."""
    return {
        name: without_nul(field.widget.value_from_datadict(data, {}, form.add_prefix(name)))
        for name, field in form.fields.items()
        if not field.disabled
    }


def _template(code: Any) -> InteractionTemplate | None:
    code = str(code or "").strip()
    if not code:
        return None
    return interaction_selectors.interaction_template_list().filter(code=code).first()


# The header fields a template sets (besides the campaign when none is chosen).
HEADER_TEMPLATE_FIELDS = (
    "language",
    "subject",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "correspondence_type",
    "campaign_target",
    "campaign_response",
)
# The line fields a template sets (besides the description while blank).
LINE_TEMPLATE_FIELDS = (
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
    "correspondence_type",
    "language",
    "campaign",
)


def header_fill(values: dict[str, Any], segment: Segment | None = None) -> dict[str, Any]:
    """The header's values after a template was chosen, as saving will make them
    (`services.segment_update`, reference 2.3.2): language, cost, duration, flow, initiated
    by, campaign flags and correspondence type from the template, its campaign when none is
    chosen, the subject cleared; blanks without a template. The saved `segment`'s own template
    chosen again: its saved values (saving does not change the template, so refills nothing)."""
    values = dict(values)
    template = _template(values.get("template"))
    if segment is not None and template == segment.template:
        saved = _header_initial(segment)
        values.update({name: saved[name] for name in HEADER_TEMPLATE_FIELDS})
        return values
    values["subject"] = ""
    if template is None:
        values.update(
            template="",
            language="",
            cost=0,
            duration=0,
            information_flow="",
            initiated_by="",
            correspondence_type="",
            campaign_target=False,
            campaign_response=False,
        )
        return values
    defaults = interaction_selectors.template_defaults_for(template)
    values.update(
        language=template.language_default.code if template.language_default else "",
        cost=defaults.cost,
        duration=defaults.duration,
        information_flow=defaults.information_flow,
        initiated_by=defaults.initiated_by,
        correspondence_type=template.correspondence_type_default,
        campaign_target=defaults.campaign_target,
        campaign_response=defaults.campaign_response,
    )
    if not values.get("campaign") and defaults.campaign is not None:
        values["campaign"] = defaults.campaign.no
    if not values.get("campaign"):
        values["campaign_target"] = values["campaign_response"] = False
    return values


def line_fill(line: SegmentLine, values: dict[str, Any]) -> dict[str, Any]:
    """A line's values after another template was chosen, as saving will make them
    (`services.segment_line_update`, reference 2.3.5): cost, duration, flow, initiated by,
    campaign flags, and for the line's contact the language and correspondence type; the
    description only while blank; the campaign the header's, else the template's. The line's
    own (saved) template chosen again: its saved values (saving does not change the template,
    so refills nothing)."""
    values = dict(values)
    template = _template(values.get("template"))
    if template == line.template:
        saved = line_initial(line)
        values.update({name: saved[name] for name in LINE_TEMPLATE_FIELDS})
        return values
    if template is None or line.contact is None:
        return values
    defaults = interaction_selectors.template_defaults_for(
        template, line.contact, previous_correspondence_type=line.correspondence_type
    )
    values.update(
        cost=defaults.cost,
        duration=defaults.duration,
        information_flow=defaults.information_flow,
        initiated_by=defaults.initiated_by,
        campaign_target=defaults.campaign_target,
        campaign_response=defaults.campaign_response,
        correspondence_type=defaults.correspondence_type,
        language=defaults.language_code,
    )
    campaign = line.segment.campaign or defaults.campaign
    values["campaign"] = campaign.no if campaign is not None else ""
    if not str(values.get("description") or "").strip():
        values["description"] = defaults.description
    return values


def _require_write(request: HttpRequest) -> None:
    """Refuse (403) before looking anything up, so a reader never learns what exists."""
    if not permissions.user_can(request.user, WRITE):
        raise PermissionDenied(_("Your role does not allow this change."))


def _date(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _amount(value: Any) -> str:
    return number_format(value or 0, decimal_pos=2, use_l10n=True, force_grouping=True)


def _minutes(value: Any) -> str:
    return number_format(value or 0, decimal_pos=0, use_l10n=True, force_grouping=True)


class SegmentListView(ObjectListView):
    """Active segments (NAV's Segment List)."""

    model = Segment
    title = gettext_lazy("Active segments")
    columns = [
        Column("no", gettext_lazy("No."), sort="no", link=True),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column("date", gettext_lazy("Date"), sort="date", format=_date),
        Column("salesperson__code", gettext_lazy("Salesperson"), sort="salesperson__code"),
        Column("campaign__no", gettext_lazy("Campaign"), sort="campaign__no"),
        Column("template__code", gettext_lazy("Interaction Template"), sort="template__code"),
        Column("no_of_lines", gettext_lazy("No. of Lines"), sort="no_of_lines", align_end=True),
        Column("total_cost", gettext_lazy("Cost"), format=_amount, align_end=True),
        Column("total_duration", gettext_lazy("Duration (Min.)"), format=_minutes, align_end=True),
    ]
    search_fields = ["no", "description"]
    search_placeholder = gettext_lazy("Number or description")
    default_sort = "no"
    create_url_name = "segments:segment-create"
    create_label = gettext_lazy("New segment")
    write_capability = WRITE
    empty_message = gettext_lazy("No active segments.")
    empty_hint = gettext_lazy(
        "Create a segment, add contacts to it by criteria, set the interaction and log it."
    )

    def get_base_queryset(self) -> QuerySet:
        return selectors.segment_list()


class SegmentDetailView(ObjectDetailView):
    """The segment card: header sections, the lines (paginated) and the actions."""

    template_name = "segments/segment_detail.html"
    write_capability = WRITE
    sections = [
        (
            gettext_lazy("General"),
            ["no", "description", "salesperson", "date", "campaign", "no_of_criteria_actions"],
        ),
        (
            gettext_lazy("Interaction"),
            [
                "template",
                "group",
                "language",
                "subject",
                "correspondence_type",
                "ignore_contact_corres_type",
                "cost",
                "duration",
                "information_flow",
                "initiated_by",
                "campaign_target",
                "campaign_response",
            ],
        ),
    ]

    def get_object(self, queryset: Any = None) -> Segment:
        return _segment_or_404(self.kwargs["no"])

    def get_actions(self) -> list[Action]:
        if not permissions.user_can(self.request.user, WRITE):
            return []
        no = self.object.no
        actions = [
            Action(_("Edit"), reverse("segments:segment-edit", args=[no]), icon="pencil"),
            Action(_("Add line"), reverse("segments:segment-line-add", args=[no]), icon="plus-lg"),
        ]
        for name, label, icon in (
            ("segments:segment-add-contacts", _("Add contacts"), "person-plus"),
            ("segments:segment-reduce-contacts", _("Reduce contacts"), "person-dash"),
            ("segments:segment-refine-contacts", _("Refine contacts"), "funnel"),
            ("segments:segment-criteria-actions", _("Criteria"), "list-check"),
            ("segments:segment-reuse-logged-segment", _("Reuse logged segment"), "recycle"),
            ("segments:segment-log", _("Log"), "journal-check"),
        ):
            actions.append(Action(label, reverse(name, args=[no]), icon=icon))
        actions.append(
            Action(
                _("Delete"),
                reverse("segments:segment-delete", args=[no]),
                icon="trash",
                style="outline-danger",
            )
        )
        return actions

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        segment = self.object
        paginator = Paginator(selectors.segment_lines(segment), LINES_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            lines=page,
            can_write=permissions.user_can(self.request.user, WRITE),
            totals={
                "lines": segment.no_of_lines,  # type: ignore[attr-defined]
                "cost": _amount(segment.total_cost),  # type: ignore[attr-defined]
                "duration": _minutes(segment.total_duration),  # type: ignore[attr-defined]
            },
        )
        return context


class SegmentCreateView(ServiceFormView):
    """A new segment (reference 2.3.1): number typed or from Segment Nos."""

    form_class = SegmentForm
    template_name = "segments/segment_form.html"
    title = gettext_lazy("New segment")
    write_capability = WRITE
    sections = [
        (gettext_lazy("General"), SegmentForm.GENERAL),
        (gettext_lazy("Interaction"), SegmentForm.INTERACTION),
    ]

    def get_initial(self) -> dict[str, Any]:
        return {"date": self.request.user.effective_work_date}  # type: ignore[union-attr]

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse("segments:segment-list")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["fill_url"] = reverse("segments:segment-fill")
        return context

    def perform(self, form: SegmentForm) -> Segment:
        values = form.service_values(
            [name for name in form.changed_data if name not in ("no", "apply_to_lines")]
        )
        if "date" not in values and form.cleaned_data.get("date"):
            values["date"] = form.cleaned_data["date"]
        return services.segment_create(
            actor=self.request.user, no=form.cleaned_data.get("no") or "", **values
        )

    def success_message(self, result: Any) -> str:
        return _("Segment %(no)s was created.") % {"no": result.no}


class SegmentEditView(ServiceFormView):
    """Change the header. When the change would go to lines, the page asks once for the whole
    save, naming what changes and how many lines ("Update the description and the cost on the
    37 lines?")."""

    form_class = SegmentForm
    template_name = "segments/segment_form.html"
    write_capability = WRITE
    sections = [
        (gettext_lazy("General"), SegmentForm.GENERAL),
        (gettext_lazy("Interaction"), SegmentForm.INTERACTION),
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_write(request)
        self.segment = _segment_or_404(kwargs["no"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit segment %(no)s") % {"no": self.segment.no}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.segment.get_absolute_url()

    def get_form(self, form_class: Any = None) -> SegmentForm:
        form = super().get_form(form_class)
        form.fields["no"].disabled = True
        form.fields["no"].help_text = ""
        return form  # type: ignore[return-value]

    def get_initial(self) -> dict[str, Any]:
        return _header_initial(self.segment)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["fill_url"] = reverse("segments:segment-edit-fill", args=[self.segment.no])
        return context

    def perform(self, form: SegmentForm) -> Segment:
        answer = form.cleaned_data.get("apply_to_lines")
        apply_to_lines = {"yes": True, "no": False}.get(answer or "")
        values = form.service_values(
            [name for name in form.changed_data if name not in ("no", "apply_to_lines")]
        )
        # The answer holds only for the question it was given to (posted beside it).
        answered = (
            self.request.POST.get("lines_question", "") if apply_to_lines is not None else None
        )
        return services.segment_update(
            actor=self.request.user,
            segment=self.segment,
            apply_to_lines=apply_to_lines,
            answered_question=answered,
            **values,
        )

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            result = self.perform(form)
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
        messages.success(self.request, _("Segment %(no)s was saved.") % {"no": result.no})
        return HttpResponseRedirect(result.get_absolute_url())


class SegmentDeleteView(ServiceDeleteView):
    write_capability = WRITE
    success_url_name = "segments:segment-list"

    def get_object(self) -> Segment:
        return _segment_or_404(self.kwargs["no"])

    def perform(self, obj: Any) -> None:
        services.segment_delete(actor=self.request.user, segment=obj)


class SegmentLineAddView(ServiceFormView):
    """Add a line by hand (a criteria action: Go back removes it)."""

    form_class = SegmentLineAddForm
    write_capability = WRITE
    submit_label = gettext_lazy("Add line")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_write(request)
        self.segment = _segment_or_404(kwargs["no"])
        return super().dispatch(request, *args, **kwargs)

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


class SegmentLineEditView(ServiceFormView):
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

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_write(request)
        self.segment = _segment_or_404(kwargs["no"])
        self.line = _line_or_404(self.segment, kwargs["line_no"])
        return super().dispatch(request, *args, **kwargs)

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


class SegmentLineDeleteView(ServiceDeleteView):
    """Remove a line by hand (a criteria action: Go back restores it with its values)."""

    write_capability = WRITE

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_write(request)
        self.segment = _segment_or_404(kwargs["no"])
        self.line = _line_or_404(self.segment, kwargs["line_no"])
        return super().dispatch(request, *args, **kwargs)

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


class SegmentFillView(View):
    """htmx: the header form's fields again after a template was chosen, filled from it as
    saving will (before anything is saved). `no` given: the edit page's form."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_write(request)
        self.segment = _segment_or_404(kwargs["no"]) if "no" in kwargs else None
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SegmentForm()
        values = header_fill(_posted_values(form, request.POST), self.segment)
        filled = SegmentForm(initial=values)
        if self.segment is not None:
            filled.fields["no"].disabled = True
            filled.fields["no"].help_text = ""
            filled.initial["no"] = self.segment.no
            fill_url = reverse("segments:segment-edit-fill", args=[self.segment.no])
            cancel_url = self.segment.get_absolute_url()
        else:
            fill_url = reverse("segments:segment-fill")
            cancel_url = reverse("segments:segment-list")
        return _render_fields(request, filled, SegmentEditView.sections, fill_url, cancel_url)


def _render_fields(
    request: HttpRequest, form: Any, sections: Any, fill_url: str, cancel_url: str
) -> HttpResponse:
    """The form's fields again, and (out of band) its plain Save button in place of an
    update-lines question that was showing: that question was about the values before."""
    context = {
        "form": form,
        "fill_url": fill_url,
        "cancel_url": cancel_url,
        "submit_label": ServiceFormView.submit_label,
        "sections": [
            {"title": title, "fields": [form[name] for name in names if name in form.fields]}
            for title, names in sections
        ],
    }
    return render(request, "segments/_form_fill.html", context)


class _LineRowMixin:
    """One line of the segment card, edited in place (UI.md's ListPart): the line's row, its
    editor row, the save of the changed fields and the template fill. Marketing only (403
    before anything is looked up); the line must belong to the segment (404)."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_write(request)
        self.segment = _segment_or_404(kwargs["no"])
        self.line = _line_or_404(self.segment, kwargs["line_no"])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def row(self, *, status: int = 200) -> HttpResponse:
        line = selectors.segment_lines(self.segment).filter(pk=self.line.pk).first()
        if line is None:  # removed meanwhile
            return HttpResponse("", status=status)
        return render(
            self.request,
            "segments/lines/_line.html",
            {"object": self.segment, "line": line, "can_write": True},
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
            values = line_fill(self.line, {**form.initial, **_posted_values(form, request.POST)})
            filled = SegmentLineRowForm(line_no=self.line.line_no, initial=values)
            return self.editor(filled, focus=filled["template"].auto_id)
        full = SegmentLineForm()
        values = line_fill(self.line, _posted_values(full, request.POST))
        return _render_fields(
            request,
            SegmentLineForm(initial=values),
            SegmentLineEditView.sections,
            reverse("segments:segment-line-fill", args=[self.segment.no, self.line.line_no]),
            self.segment.get_absolute_url(),
        )


urlpatterns: list[URLPattern] = [
    path("segments/", SegmentListView.as_view(), name="segment-list"),
    path("segments/new/", SegmentCreateView.as_view(), name="segment-create"),
    path("segments/new/fill/", SegmentFillView.as_view(), name="segment-fill"),
    path("segments/<str:no>/", SegmentDetailView.as_view(), name="segment-detail"),
    path("segments/<str:no>/edit/", SegmentEditView.as_view(), name="segment-edit"),
    path("segments/<str:no>/edit/fill/", SegmentFillView.as_view(), name="segment-edit-fill"),
    path("segments/<str:no>/delete/", SegmentDeleteView.as_view(), name="segment-delete"),
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
