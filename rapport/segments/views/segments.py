"""Active segments: the list, the segment card with its lines, the header (create, edit with
the one question about the lines), and lines by hand (add, personalise, remove)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core import permissions
from rapport.core.errors import ConflictError, DomainError, NotFoundError
from rapport.core.views import (
    Action,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceDeleteView,
    ServiceFormView,
    add_domain_error,
)
from rapport.segments import selectors, services
from rapport.segments.forms import SegmentForm, SegmentLineAddForm, SegmentLineForm
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
    """Active Segments (NAV's Segment List)."""

    model = Segment
    title = gettext_lazy("Active Segments")
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
            ("segments:segment-add-contacts", _("Add Contacts"), "person-plus"),
            ("segments:segment-reduce-contacts", _("Reduce Contacts"), "person-dash"),
            ("segments:segment-refine-contacts", _("Refine Contacts"), "funnel"),
            ("segments:segment-criteria-actions", _("Criteria"), "list-check"),
            ("segments:segment-reuse-logged-segment", _("Reuse Logged Segment"), "recycle"),
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
    save, naming how many lines ("Update the 37 lines that use template LETTER?")."""

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
        segment = self.segment
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

    def perform(self, form: SegmentForm) -> Segment:
        answer = form.cleaned_data.get("apply_to_lines")
        apply_to_lines = {"yes": True, "no": False}.get(answer or "")
        values = form.service_values(
            [name for name in form.changed_data if name not in ("no", "apply_to_lines")]
        )
        return services.segment_update(
            actor=self.request.user,
            segment=self.segment,
            apply_to_lines=apply_to_lines,
            **values,
        )

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            result = self.perform(form)
        except ConflictError as error:
            if error.code != "lines_affected":
                add_domain_error(form, error)
                return self.form_invalid(form)
            return self.render_to_response(self.get_context_data(form=form, question=error.message))
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
        line = self.line
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

    def perform(self, form: SegmentLineForm) -> SegmentLine:
        return services.segment_line_update(
            actor=self.request.user, line=self.line, **form.service_values()
        )

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


urlpatterns: list[URLPattern] = [
    path("segments/", SegmentListView.as_view(), name="segment-list"),
    path("segments/new/", SegmentCreateView.as_view(), name="segment-create"),
    path("segments/<str:no>/", SegmentDetailView.as_view(), name="segment-detail"),
    path("segments/<str:no>/edit/", SegmentEditView.as_view(), name="segment-edit"),
    path("segments/<str:no>/delete/", SegmentDeleteView.as_view(), name="segment-delete"),
    path("segments/<str:no>/lines/new/", SegmentLineAddView.as_view(), name="segment-line-add"),
    path(
        "segments/<str:no>/lines/<int:line_no>/edit/",
        SegmentLineEditView.as_view(),
        name="segment-line-edit",
    ),
    path(
        "segments/<str:no>/lines/<int:line_no>/delete/",
        SegmentLineDeleteView.as_view(),
        name="segment-line-delete",
    ),
]
