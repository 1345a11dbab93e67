"""Active segments: the list, the segment card with its lines, and the header (create, edit
with the one question about the lines, delete, the template fill). Lines by hand: `lines.py`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rapport.core import permissions
from rapport.core.errors import ConflictError, DomainError
from rapport.core.views import (
    Action,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceDeleteView,
    ServiceFormView,
    add_domain_error,
    delete_action,
    edit_action,
    requested_page,
)
from rapport.segments import selectors, services
from rapport.segments.forms import SegmentForm
from rapport.segments.models import Segment
from rapport.segments.views.base import (
    WRITE,
    SegmentWriteMixin,
    require_write,
    segment_or_404,
)
from rapport.segments.views.fill import header_fill, header_initial, posted_values, render_fields
from rapport.segments.views.languages import language_rows
from rapport.segments.views.line_rows import line_rows_html

LINES_PER_PAGE = 50


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
        return segment_or_404(self.kwargs["no"])

    def get_actions(self) -> list[Action]:
        if not permissions.user_can(self.request.user, WRITE):
            return []
        no = self.object.no
        actions = [
            edit_action(reverse("segments:segment-edit", args=[no])),
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
        actions.append(delete_action(reverse("segments:segment-delete", args=[no])))
        return actions

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        segment = self.object
        paginator = Paginator(selectors.segment_line_rows(segment), LINES_PER_PAGE)
        paginator.count = segment.no_of_lines  # the header's total: no COUNT over the lines
        page = requested_page(paginator, self.request.GET.get("page"))
        can_write = permissions.user_can(self.request.user, WRITE)
        context.update(
            lines=page,
            line_rows=line_rows_html(segment, page.object_list, can_write=can_write),
            can_write=can_write,
            languages=language_rows(segment, can_write=can_write),
            add_language_url=reverse("segments:segment-language-add", args=[segment.no])
            if can_write and segment.template_id is not None
            else "",
            totals={
                "lines": segment.no_of_lines,
                "cost": _amount(segment.total_cost),
                "duration": _minutes(segment.total_duration),
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


class SegmentEditView(SegmentWriteMixin, ServiceFormView):
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
        return header_initial(self.segment)

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
        return segment_or_404(self.kwargs["no"])

    def perform(self, obj: Any) -> None:
        services.segment_delete(actor=self.request.user, segment=obj)


class SegmentFillView(View):
    """htmx: the header form's fields again after a template was chosen, filled from it as
    saving will (before anything is saved). `no` given: the edit page's form."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_write(request)
        self.segment = segment_or_404(kwargs["no"]) if "no" in kwargs else None
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SegmentForm()
        values = header_fill(posted_values(form, request.POST), self.segment)
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
        return render_fields(request, filled, SegmentEditView.sections, fill_url, cancel_url)


urlpatterns: list[URLPattern] = [
    path("segments/", SegmentListView.as_view(), name="segment-list"),
    path("segments/new/", SegmentCreateView.as_view(), name="segment-create"),
    path("segments/new/fill/", SegmentFillView.as_view(), name="segment-fill"),
    path("segments/<str:no>/", SegmentDetailView.as_view(), name="segment-detail"),
    path("segments/<str:no>/edit/", SegmentEditView.as_view(), name="segment-edit"),
    path("segments/<str:no>/edit/fill/", SegmentFillView.as_view(), name="segment-edit-fill"),
    path("segments/<str:no>/delete/", SegmentDeleteView.as_view(), name="segment-delete"),
]
