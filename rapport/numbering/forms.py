"""Forms of the number series pages: the series fields and an inline formset of lines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core.dates import DateField
from rapport.core.forms import BootstrapFormMixin, DateInput
from rapport.numbering import rules
from rapport.numbering.models import CODE_LENGTH
from rapport.numbering.services import DESCRIPTION_LENGTH

YES_NO_ANY = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


def _to_bool(value: str) -> bool:
    return value == "true"


class NumberSeriesFilterForm(forms.Form):
    default_nos = forms.TypedChoiceField(
        label=_("Default Nos."),
        choices=YES_NO_ANY,
        coerce=_to_bool,
        required=False,
        empty_value=None,
    )
    manual_nos = forms.TypedChoiceField(
        label=_("Manual Nos."),
        choices=YES_NO_ANY,
        coerce=_to_bool,
        required=False,
        empty_value=None,
    )
    date_order = forms.TypedChoiceField(
        label=_("Date Order"), choices=YES_NO_ANY, coerce=_to_bool, required=False, empty_value=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class NumberSeriesForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_LENGTH,
        help_text=_("Letters, digits, - _ and . (no spaces); stored in capitals."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_LENGTH, required=False
    )
    default_nos = forms.BooleanField(
        label=_("Default Nos."),
        required=False,
        initial=True,
        help_text=_("Numbers may be assigned automatically."),
    )
    manual_nos = forms.BooleanField(
        label=_("Manual Nos."), required=False, help_text=_("Users may type numbers themselves.")
    )
    date_order = forms.BooleanField(
        label=_("Date Order"),
        required=False,
        help_text=_("Numbers must be drawn in non-decreasing date order."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocapitalize="characters", autocomplete="off")


def _number_field(label: Any, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=rules.NUMBER_LENGTH,
        required=required,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


def add_bootstrap_classes(form: forms.BaseForm) -> None:
    """Bootstrap's widget classes, without validating the form (unlike BootstrapFormMixin,
    whose check for errors in __init__ validates a bound form before a formset has added its
    DELETE field). The view marks invalid fields after validation."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class NumberSeriesLineForm(forms.Form):
    """One line. `*_loaded` hold the values shown when the page was loaded, so that the view
    passes last no./date used to the service only when the user changed them (a number drawn
    meanwhile is not overwritten)."""

    line_no = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    starting_date = DateField(label=_("Starting Date"), required=False, widget=DateInput())
    starting_no = _number_field(_("Starting No."), required=True)
    ending_no = _number_field(_("Ending No."))
    warning_no = _number_field(_("Warning No."))
    increment_by = forms.IntegerField(
        label=_("Increment-by No."), min_value=1, max_value=rules.MAX_INCREMENT, initial=1
    )
    last_no_used = _number_field(_("Last No. Used"))
    last_date_used = DateField(label=_("Last Date Used"), required=False, widget=DateInput())
    last_no_used_loaded = forms.CharField(widget=forms.HiddenInput, required=False)
    last_date_used_loaded = forms.DateField(widget=forms.HiddenInput, required=False)

    VISIBLE = (
        "starting_date",
        "starting_no",
        "ending_no",
        "warning_no",
        "increment_by",
        "last_no_used",
        "last_date_used",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self)
        widget = self.fields["increment_by"].widget
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} input-narrow".strip()

    def to_service_line(self) -> dict[str, Any]:
        """The line as the service takes it (see the class docstring)."""
        data = self.cleaned_data
        line: dict[str, Any] = {
            name: data[name]
            for name in ("starting_date", "starting_no", "ending_no", "warning_no", "increment_by")
        }
        if data.get("line_no"):
            line["line_no"] = data["line_no"]
        new = not data.get("line_no")
        if new or (data["last_no_used"] or "") != (data["last_no_used_loaded"] or ""):
            line["last_no_used"] = data["last_no_used"]
        if new or data["last_date_used"] != data["last_date_used_loaded"]:
            line["last_date_used"] = data["last_date_used"]
        return line


class BaseLineFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[NumberSeriesLineForm]:
        """The forms that become lines: not marked for deletion, and not blank extra rows."""
        kept = []
        for index, form in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(form):  # type: ignore[attr-defined]
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            kept.append(form)  # type: ignore[arg-type]
        return kept


def line_formset_class(extra: int) -> type[BaseLineFormSet]:
    return forms.formset_factory(  # type: ignore[return-value]
        NumberSeriesLineForm,
        formset=BaseLineFormSet,
        extra=extra,
        can_delete=True,
        max_num=500,
        validate_max=True,
    )
