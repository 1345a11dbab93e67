"""The pages of selecting a segment's contacts (reference 2.4): the request pages of Add,
Reduce and Refine contacts (a fieldset per filter section, the options, **Preview** showing the
counts without writing, **OK** running it), Go back (with a confirmation naming the action),
the criteria actions of a segment, Save criteria, Reuse criteria, Reuse a logged segment, and
the saved segment criteria list. Every change goes through `rapport.segments.services`; a
refused operation is shown on the form (a bad filter next to its field), never as an error
page. Changes need the MARKETING capability."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from rapport.core import permissions
from rapport.core.errors import DomainError
from rapport.core.forms import BootstrapFormMixin
from rapport.core.views import CapabilityRequiredMixin, Column, ObjectListView, add_domain_error
from rapport.segments import selectors, services
from rapport.segments.choices import CriteriaAction
from rapport.segments.models import LoggedSegment, SavedSegmentCriteria, Segment
from rapport.segments.views.base import WRITE, segment_or_404

TEMPLATES = "segments/selection"

SYNTAX_HELP = gettext_lazy(
    "Filters use NAV's syntax: NL|BE (either), A..M (range), <>X (not), >X or <=X, *corp* "
    "(wildcards), @ for case-insensitive (@*corp*), '' for blank. Empty fields do not filter; "
    "a section with a filter selects contacts that have at least one matching record."
)


def _field_name(section: str, name: str) -> str:
    return f"{section}__{name}"


# --- Forms ---------------------------------------------------------------------------------------


class CriteriaForm(BootstrapFormMixin, forms.Form):
    """The request page of Add / Reduce / Refine contacts: one text input per section field
    (named `<section>__<field>`) and the options of the action."""

    OPTIONS: tuple[tuple[str, Any, Any], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields: dict[str, forms.Field] = {}
        for section_name, section in services.SECTIONS.items():
            for name, spec in section.fields.items():
                help_text = spec.help_text()  # options: their captions
                if spec.kind == "date":
                    help_text = _("e.g. 2026-01-01..2026-06-30")
                fields[_field_name(section_name, name)] = forms.CharField(
                    label=spec.label, required=False, max_length=250, help_text=help_text
                )
        for name, label, help_text in self.OPTIONS:
            fields[name] = forms.BooleanField(label=label, required=False, help_text=help_text)
        super().__init__(*args, **kwargs)
        for form_field in fields.values():  # BootstrapFormMixin styled the declared ones only
            checkbox = isinstance(form_field.widget, forms.CheckboxInput)
            form_field.widget.attrs["class"] = "form-check-input" if checkbox else "form-control"
        self.fields = fields

    def filters(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        filters: dict[str, dict[str, str]] = {}
        for section_name, section in services.SECTIONS.items():
            for name in section.fields:
                value = (data.get(_field_name(section_name, name)) or "").strip()
                if value:
                    filters.setdefault(section_name, {})[name] = value
        return filters

    def options(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name, _label, _help in self.OPTIONS}

    def sections(self) -> list[dict[str, Any]]:
        return [
            {
                "name": section_name,
                "title": section.label,
                "help": section.help,
                "fields": [self[_field_name(section_name, name)] for name in section.fields],
            }
            for section_name, section in services.SECTIONS.items()
        ]

    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label, _help in self.OPTIONS]

    def add_service_error(self, error: DomainError) -> None:
        """Put the service's `filters.<section>.<field>` errors next to their inputs."""
        fields = error.fields() or {error.field or "": [error.message]}
        renamed: dict[str, list[str]] = {}
        for name, field_messages in fields.items():
            parts = (name or "").split(".")
            if len(parts) == 3 and parts[0] == "filters":
                name = _field_name(parts[1], parts[2])
            renamed.setdefault(name if name in self.fields else "", []).extend(field_messages)
        for name, field_messages in renamed.items():
            for message in field_messages:
                self.add_error(name or None, message)
        self.mark_invalid_fields()


class AddContactsForm(CriteriaForm):
    OPTIONS = (
        (
            "allow_existing",
            gettext_lazy("Allow existing contacts"),
            gettext_lazy("Else contacts already on the segment are skipped."),
        ),
        (
            "expand_companies",
            gettext_lazy("Expand companies"),
            gettext_lazy("Add every contact of a selected contact's company."),
        ),
        (
            "allow_related_companies",
            gettext_lazy("Allow related companies"),
            gettext_lazy("Add the company of each selected person."),
        ),
        (
            "ignore_exclusion",
            gettext_lazy("Ignore exclusion"),
            gettext_lazy("Else contacts marked Exclude from Segment are skipped."),
        ),
    )


class RemoveContactsForm(CriteriaForm):
    OPTIONS = (
        (
            "entire_companies",
            gettext_lazy("Entire companies"),
            gettext_lazy("A match on any contact of a company counts for all its contacts."),
        ),
    )


class SaveCriteriaForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=10)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=100, required=False)


class ConfirmedForm(BootstrapFormMixin, forms.Form):
    """A choice plus, when the segment already has criteria actions, NAV's confirmation
    (default No) as a required check box."""

    def __init__(self, *args: Any, segment: Segment, confirm_question: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if segment.no_of_criteria_actions:
            self.fields["confirm"] = forms.BooleanField(
                label=confirm_question,
                required=True,
                error_messages={"required": _("Confirm to continue.")},
            )
            self.fields["confirm"].widget.attrs["class"] = "form-check-input"


class ReuseCriteriaForm(ConfirmedForm):
    criteria = forms.ModelChoiceField(
        label=gettext_lazy("Saved segment criteria"),
        queryset=SavedSegmentCriteria.objects.order_by("code"),
        to_field_name="code",
    )


class ReuseLoggedSegmentForm(ConfirmedForm):
    logged_segment = forms.ModelChoiceField(
        label=gettext_lazy("Logged segment"),
        queryset=LoggedSegment.objects.order_by("-entry_no"),
        to_field_name="entry_no",
    )


# --- Views ---------------------------------------------------------------------------------------


class SegmentMixin:
    """The segment of the URL (404 when unknown) and the link back to its card."""

    kwargs: dict[str, Any]
    request: HttpRequest

    @cached_property
    def segment(self) -> Segment:
        return segment_or_404(self.kwargs["no"])

    def segment_url(self) -> str:
        return self.segment.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(segment=self.segment, cancel_url=self.segment_url())
        return context


class CriteriaRequestView(SegmentMixin, CapabilityRequiredMixin, generic.FormView):
    """A request page: Preview runs the action as a dry run and shows the counts on the page;
    OK runs it and goes back to the segment card with the summary."""

    write_capability = WRITE
    template_name = f"{TEMPLATES}/request_page.html"
    title: Any = ""
    action: str = ""

    def run(self, form: CriteriaForm, *, dry_run: bool) -> services.SelectionResult:
        raise NotImplementedError  # pragma: no cover

    def form_valid(self, form: CriteriaForm) -> HttpResponse:  # type: ignore[override]
        dry_run = "preview" in self.request.POST
        try:
            result = self.run(form, dry_run=dry_run)
        except DomainError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        if dry_run:
            return self.render_to_response(self.get_context_data(form=form, preview=result))
        messages.success(self.request, result.summary())
        return HttpResponseRedirect(self.segment_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title % {"no": self.segment.no},
            syntax_help=SYNTAX_HELP,
            removing=self.action != CriteriaAction.ADD,
        )
        return context


class AddContactsView(CriteriaRequestView):
    form_class = AddContactsForm
    title = gettext_lazy("Add contacts to segment %(no)s")
    action = CriteriaAction.ADD

    def run(self, form: CriteriaForm, *, dry_run: bool) -> services.SelectionResult:
        return services.segment_add_contacts(
            actor=self.request.user,
            segment=self.segment,
            filters=form.filters(),
            dry_run=dry_run,
            **form.options(),
        )


class ReduceContactsView(CriteriaRequestView):
    form_class = RemoveContactsForm
    title = gettext_lazy("Reduce contacts of segment %(no)s")
    action = CriteriaAction.REDUCE

    def run(self, form: CriteriaForm, *, dry_run: bool) -> services.SelectionResult:
        return services.segment_reduce_contacts(
            actor=self.request.user,
            segment=self.segment,
            filters=form.filters(),
            dry_run=dry_run,
            **form.options(),
        )


class RefineContactsView(CriteriaRequestView):
    form_class = RemoveContactsForm
    title = gettext_lazy("Refine contacts of segment %(no)s")
    action = CriteriaAction.REFINE

    def run(self, form: CriteriaForm, *, dry_run: bool) -> services.SelectionResult:
        return services.segment_refine_contacts(
            actor=self.request.user,
            segment=self.segment,
            filters=form.filters(),
            dry_run=dry_run,
            **form.options(),
        )


class GoBackView(SegmentMixin, CapabilityRequiredMixin, generic.TemplateView):
    """Go back: a confirmation naming the last criteria action; POST undoes it."""

    write_capability = WRITE
    template_name = f"{TEMPLATES}/go_back.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        last = self.segment.criteria_actions.order_by("-action_no").first()
        context.update(
            last=last,
            question=_("This will undo the last criteria action (%(action)s). Continue?")
            % {"action": services.criteria_action_label(last)}
            if last
            else "",
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            result = services.segment_go_back(actor=request.user, segment=self.segment)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Undone: %(action)s (%(removed)s lines removed, %(restored)s restored).")
                % {
                    "action": result.label,
                    "removed": result.lines_removed,
                    "restored": result.lines_restored,
                },
            )
        return HttpResponseRedirect(self.segment_url())


class CriteriaActionsView(SegmentMixin, generic.TemplateView):
    """The criteria actions that built the segment, oldest first (reference 1.11)."""

    template_name = f"{TEMPLATES}/criteria_actions.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        actions = selectors.segment_criteria_actions(self.segment).select_related("created_by")
        option_labels = {
            "allow_existing": _("Allow existing"),
            "expand_companies": _("Expand companies"),
            "allow_related_companies": _("Allow related companies"),
            "ignore_exclusion": _("Ignore exclusion"),
            "entire_companies": _("Entire companies"),
        }
        rows = []
        for action in actions:
            filters = services.describe_filters(action.filters)
            if action.logged_segment_entry_no:
                filters = [_("Logged segment %(no)s") % {"no": action.logged_segment_entry_no}]
            rows.append(
                {
                    "action": action,
                    "label": _label(action.action),
                    "filters": filters,
                    "options": [
                        label for name, label in option_labels.items() if getattr(action, name)
                    ],
                }
            )
        context.update(
            title=_("Criteria actions of segment %(no)s") % {"no": self.segment.no},
            rows=rows,
            can_write=permissions.user_can(self.request.user, WRITE),
        )
        return context


def _label(action: str) -> str:
    try:
        return str(CriteriaAction(action).label)
    except ValueError:
        return action


class SaveCriteriaView(SegmentMixin, CapabilityRequiredMixin, generic.FormView):
    write_capability = WRITE
    template_name = f"{TEMPLATES}/form.html"
    form_class = SaveCriteriaForm

    def form_valid(self, form: SaveCriteriaForm) -> HttpResponse:  # type: ignore[override]
        try:
            saved = services.segment_save_criteria(
                actor=self.request.user, segment=self.segment, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The criteria of segment %(no)s were saved as %(code)s.")
            % {"no": self.segment.no, "code": saved.code},
        )
        return HttpResponseRedirect(self.segment_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Save the criteria of segment %(no)s") % {"no": self.segment.no},
            submit_label=_("Save"),
            intro=_("Saves the %(count)s criteria actions of this segment under a code.")
            % {"count": self.segment.no_of_criteria_actions},
        )
        return context


class ConfirmedFormView(SegmentMixin, CapabilityRequiredMixin, generic.FormView):
    write_capability = WRITE
    template_name = f"{TEMPLATES}/form.html"
    question: Any = ""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(
            segment=self.segment,
            confirm_question=self.question
            % {"no": self.segment.no, "count": self.segment.no_of_criteria_actions},
        )
        return kwargs


class ReuseCriteriaView(ConfirmedFormView):
    form_class = ReuseCriteriaForm
    question = gettext_lazy(
        "Segment %(no)s already contains %(count)s criteria actions. Are you sure you want to "
        "reuse saved segment criteria?"
    )

    def form_valid(self, form: ReuseCriteriaForm) -> HttpResponse:  # type: ignore[override]
        try:
            result = services.segment_reuse_criteria(
                actor=self.request.user,
                segment=self.segment,
                code=form.cleaned_data["criteria"].code,
            )
        except DomainError as error:
            add_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Criteria %(code)s replayed: %(added)s lines added, %(removed)s removed.")
            % {"code": result.criteria_code, "added": result.added, "removed": result.removed},
        )
        return HttpResponseRedirect(self.segment_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Reuse criteria on segment %(no)s") % {"no": self.segment.no},
            submit_label=_("Reuse"),
            intro=_("Replays every action of the saved criteria on this segment, in order."),
        )
        return context


class ReuseLoggedSegmentView(ConfirmedFormView):
    form_class = ReuseLoggedSegmentForm
    question = gettext_lazy(
        "Segment %(no)s already contains %(count)s criteria actions. Are you sure you want to "
        "reuse a logged segment?"
    )

    def form_valid(self, form: ReuseLoggedSegmentForm) -> HttpResponse:  # type: ignore[override]
        try:
            result = services.segment_reuse_logged_segment(
                actor=self.request.user,
                segment=self.segment,
                logged_segment=form.cleaned_data["logged_segment"],
            )
        except DomainError as error:
            add_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, result.summary())
        return HttpResponseRedirect(self.segment_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Reuse a logged segment on segment %(no)s") % {"no": self.segment.no},
            submit_label=_("Reuse"),
            intro=_(
                "Adds one line per interaction of the logged segment, with the interaction's "
                "campaign; contacts already on the segment are added again."
            ),
        )
        return context


class SavedCriteriaListView(ObjectListView):
    model = SavedSegmentCriteria
    title = gettext_lazy("Saved segment criteria")
    columns = (
        Column("code", gettext_lazy("Code"), sort="code"),
        Column("description", gettext_lazy("Description"), sort="description"),
        Column(
            "no_of_actions", gettext_lazy("No. of actions"), sort="no_of_actions", align_end=True
        ),
    )
    search_fields = ("code", "description")
    default_sort = "code"
    write_capability = WRITE
    empty_message = gettext_lazy("No saved segment criteria yet.")
    empty_hint = gettext_lazy("Save the criteria of a segment from its Criteria actions page.")

    def get_base_queryset(self) -> Any:
        return selectors.saved_criteria_list()


def _segment_url(view: Any, suffix: str, name: str) -> Any:
    return path(f"segments/<str:no>/{suffix}/", view.as_view(), name=name)


urlpatterns = [
    _segment_url(AddContactsView, "add-contacts", "segment-add-contacts"),
    _segment_url(ReduceContactsView, "reduce-contacts", "segment-reduce-contacts"),
    _segment_url(RefineContactsView, "refine-contacts", "segment-refine-contacts"),
    _segment_url(GoBackView, "go-back", "segment-go-back"),
    _segment_url(CriteriaActionsView, "criteria-actions", "segment-criteria-actions"),
    _segment_url(SaveCriteriaView, "save-criteria", "segment-save-criteria"),
    _segment_url(ReuseCriteriaView, "reuse-criteria", "segment-reuse-criteria"),
    _segment_url(ReuseLoggedSegmentView, "reuse-logged-segment", "segment-reuse-logged-segment"),
    path("saved-segment-criteria/", SavedCriteriaListView.as_view(), name="saved-criteria-list"),
]

__all__ = ["urlpatterns"]
