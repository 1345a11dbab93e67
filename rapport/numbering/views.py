"""Number series pages: list, card, create/edit (series and lines in one form), delete, and
drawing the next number."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from rapport.core import permissions
from rapport.core.errors import DomainError, NotFoundError
from rapport.core.views import (
    CapabilityRequiredMixin,
    Column,
    ObjectListView,
    ServiceDeleteView,
    add_domain_error,
)
from rapport.numbering import selectors, services
from rapport.numbering.forms import (
    BaseLineFormSet,
    NumberSeriesFilterForm,
    NumberSeriesForm,
    NumberSeriesLineForm,
    line_formset_class,
)
from rapport.numbering.models import NumberSeries

LINES_PREFIX = "lines"
HEADER_FIELDS = ("code", "description", "default_nos", "manual_nos", "date_order")
_NO_FILES: Any = MultiValueDict()
_LINE_ERROR_KEY = re.compile(r"lines\.(\d+)(?:\.(\w+))?\Z")


def _work_date(request: HttpRequest) -> Any:
    return request.user.effective_work_date  # type: ignore[union-attr]


def _get_series_or_404(code: str) -> NumberSeries:
    try:
        return selectors.number_series_get(code)
    except NotFoundError as error:
        raise Http404(error.message) from error


class NumberSeriesListView(ObjectListView):
    """Setup › Number Series: every series with the number it would hand out next."""

    model = NumberSeries
    title = gettext_lazy("Number Series")
    columns = (
        Column("code", gettext_lazy("Code"), sort="code", link=True),
        Column("description", gettext_lazy("Description"), sort="description"),
        Column("next_no_display", gettext_lazy("Next No.")),
        Column("default_nos", gettext_lazy("Default Nos."), sort="default_nos"),
        Column("manual_nos", gettext_lazy("Manual Nos."), sort="manual_nos"),
        Column("date_order", gettext_lazy("Date Order"), sort="date_order"),
    )
    search_fields = ("code", "description")
    search_placeholder = gettext_lazy("Code or description")
    filter_form_class = NumberSeriesFilterForm
    default_sort = "code"
    create_url_name = "numbering:create"
    create_label = gettext_lazy("New number series")
    empty_message = gettext_lazy("There are no number series yet.")
    empty_hint = gettext_lazy(
        "A number series hands out the numbers of new contacts, segments and campaigns."
    )

    def get_base_queryset(self) -> QuerySet:
        return selectors.number_series_list()

    def row(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, NumberSeries)
        preview = selectors.number_series_preview_next(obj, _work_date(self.request))
        obj.next_no_display = preview.number or "—"  # type: ignore[attr-defined]
        return super().row(obj)


class NumberSeriesDetailView(generic.TemplateView):
    """The card: General, the lines (a ListPart) and the action bar."""

    template_name = "numbering/numberseries_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        series = _get_series_or_404(kwargs["code"])
        work_date = _work_date(self.request)
        context.update(
            object=series,
            series=series,
            title=series.code,
            lines=list(series.lines.all()),
            preview=selectors.number_series_preview_next(series, work_date),
            work_date=work_date,
            can_write=permissions.user_can(self.request.user, permissions.SETUP),
        )
        return context


def _raw_values(form: forms.BaseForm, data: Any) -> dict[str, Any]:
    """What the user typed into `form` (not validated), to show it again."""
    return {
        name: field.widget.value_from_datadict(data, _NO_FILES, form.add_prefix(name))
        for name, field in form.fields.items()
    }


class NumberSeriesEditView(CapabilityRequiredMixin, generic.TemplateView):
    """Create or edit a series with its lines; one service call saves all or nothing.

    "Add line" re-shows the page with one more blank row (htmx swaps only the lines table; it
    works as a plain form post too). Errors stand next to their field, in the row they
    belong to."""

    template_name = "numbering/numberseries_form.html"
    creating = False

    def get_series(self) -> NumberSeries | None:
        return None if self.creating else _get_series_or_404(self.kwargs["code"])

    def formset_class(
        self, series: NumberSeries | None, extra: int | None = None
    ) -> type[BaseLineFormSet]:
        if extra is None:
            extra = 1 if series is None or not series.lines.exists() else 0
        return line_formset_class(extra)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        series = self.get_series()
        if series is None:
            form = NumberSeriesForm()
            initial: list[dict[str, Any]] = []
        else:
            form = NumberSeriesForm(initial={name: getattr(series, name) for name in HEADER_FIELDS})
            initial = [
                {
                    "line_no": line.line_no,
                    "starting_date": line.starting_date,
                    "starting_no": line.starting_no,
                    "ending_no": line.ending_no,
                    "warning_no": line.warning_no,
                    "increment_by": line.increment_by,
                    "last_no_used": line.last_no_used,
                    "last_date_used": line.last_date_used,
                    "last_no_used_loaded": line.last_no_used,
                    "last_date_used_loaded": line.last_date_used,
                }
                for line in series.lines.all()
            ]
        formset = self.formset_class(series)(initial=initial, prefix=LINES_PREFIX)
        return self.render_page(series, form, formset)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        series = self.get_series()
        if "add_line" in request.POST:
            return self.add_line(series)
        form = NumberSeriesForm(request.POST)
        formset = self.formset_class(series)(request.POST, prefix=LINES_PREFIX)
        if form.is_valid() and formset.is_valid():
            kept = formset.kept_forms()
            lines = [line_form.to_service_line() for line_form in kept]
            header = {name: form.cleaned_data[name] for name in HEADER_FIELDS}
            try:
                if series is None:
                    result = services.number_series_create(**header, lines=lines)
                else:
                    result = services.number_series_update(series=series, **header, lines=lines)
            except DomainError as error:
                self.show_error(error, form, kept)
            else:
                messages.success(
                    request, _("Saved number series %(code)s.") % {"code": result.code}
                )
                return HttpResponseRedirect(result.get_absolute_url())
        return self.render_page(series, form, formset)

    def add_line(self, series: NumberSeries | None) -> HttpResponse:
        """The page again with what was typed, minus rows marked for deletion and blank rows,
        plus one blank row."""
        data = self.request.POST
        form = NumberSeriesForm(initial=_raw_values(NumberSeriesForm(), data))
        try:
            total = min(int(data.get(f"{LINES_PREFIX}-TOTAL_FORMS", 0)), 500)
        except ValueError:
            total = 0
        initial = []
        for index in range(total):
            row_prefix = f"{LINES_PREFIX}-{index}"
            if forms.CheckboxInput().value_from_datadict(data, _NO_FILES, f"{row_prefix}-DELETE"):
                continue
            values = _raw_values(NumberSeriesLineForm(prefix=row_prefix), data)
            visible = [values.get(name) for name in NumberSeriesLineForm.VISIBLE]
            if not values.get("line_no") and not any(v for v in visible if v not in ("", "1")):
                continue
            initial.append(values)
        formset = line_formset_class(1)(initial=initial, prefix=LINES_PREFIX)
        return self.render_page(series, form, formset, focus_row=len(initial))

    def show_error(
        self, error: DomainError, form: forms.Form, kept: list[NumberSeriesLineForm]
    ) -> None:
        """Put each message next to its field: `lines.<i>.<field>` in row i of the lines that
        were sent, others on the series fields or above the form."""
        fields = error.fields() or {"": [error.message]}
        header_errors: dict[str, list[str]] = {}
        for name, field_messages in fields.items():
            match = _LINE_ERROR_KEY.match(name)
            if match and int(match.group(1)) < len(kept):
                row = kept[int(match.group(1))]
                target = match.group(2) if match.group(2) in row.fields else None
                for message in field_messages:
                    row.add_error(target, message)
            else:
                header_errors[name] = field_messages
        if header_errors:
            add_domain_error(form, DomainErrorFields(header_errors))

    def render_page(
        self,
        series: NumberSeries | None,
        form: forms.Form,
        formset: BaseLineFormSet,
        focus_row: int | None = None,
    ) -> HttpResponse:
        stored = {line.line_no: line for line in series.lines.all()} if series else {}
        for index, line_form in enumerate(formset.forms):
            line_no = line_form.initial.get("line_no") or (
                line_form.data.get(line_form.add_prefix("line_no")) if line_form.is_bound else None
            )
            try:
                line = stored.get(int(line_no)) if line_no else None
            except (TypeError, ValueError):
                line = None
            line_form.stored_line = line  # type: ignore[attr-defined]
            _mark_invalid(line_form)
            if focus_row is not None and index == focus_row:
                line_form.fields["starting_date"].widget.attrs["autofocus"] = True
        _mark_invalid(form)
        if series is None:
            title = _("New number series")
            cancel_url = reverse("numbering:list")
        else:
            title = _("Edit number series %(code)s") % {"code": series.code}
            cancel_url = series.get_absolute_url()
        context = {
            "title": title,
            "series": series,
            "form": form,
            "formset": formset,
            "line_headers": [
                NumberSeriesLineForm.base_fields[name].label
                for name in NumberSeriesLineForm.VISIBLE
            ],
            "cancel_url": cancel_url,
        }
        return render(self.request, self.template_name, context)


class DomainErrorFields(DomainError):
    """Several field messages, for `add_domain_error`."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.values()))[0]
        super().__init__(first)
        self._errors = errors

    def fields(self) -> dict[str, list[str]]:
        return self._errors


def _mark_invalid(form: forms.BaseForm) -> None:
    if not form.is_bound:
        return
    for name in form.errors:
        if name in form.fields:
            bound = form[name]
            attrs = form.fields[name].widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{bound.auto_id}_error"


class NumberSeriesCreateView(NumberSeriesEditView):
    creating = True


class NumberSeriesDeleteView(ServiceDeleteView):
    success_url_name = "numbering:list"

    def get_object(self) -> NumberSeries:
        return _get_series_or_404(self.kwargs["code"])

    def perform(self, obj: Model) -> None:
        assert isinstance(obj, NumberSeries)
        services.number_series_delete(series=obj)


class NumberSeriesDrawView(CapabilityRequiredMixin, generic.TemplateView):
    """Draw next number: a confirmation naming the number (and any warning) on GET; POST draws
    it for the user's work date and goes back to the card, showing the number drawn and the
    warning."""

    template_name = "numbering/numberseries_draw.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        series = _get_series_or_404(kwargs["code"])
        work_date = _work_date(self.request)
        context.update(
            object=series,
            series=series,
            title=_("Draw next number"),
            preview=selectors.number_series_preview_next(series, work_date),
            work_date=work_date,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        series = _get_series_or_404(kwargs["code"])
        try:
            number = services.number_series_next(code=series.code, date=_work_date(request))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Drew number %(number)s from number series %(code)s. It will not be handed "
                    "out again."
                )
                % {"number": number, "code": series.code},
            )
        return HttpResponseRedirect(series.get_absolute_url())
