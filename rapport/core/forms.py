from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from rapport.core.choices import UILanguage
from rapport.core.dates import DateField

# Django 6.1 labels an empty choice with this text but its Dutch catalogue lacks it yet.
gettext_noop("- Select an option -")


class DateInput(forms.DateInput):
    """The browser's date picker (`<input type="date">`, ISO value), limited to the valid
    date range (rapport.core.dates)."""

    input_type = "date"

    def __init__(self, attrs=None):  # type: ignore[no-untyped-def]
        from rapport.core.dates import range_attrs

        super().__init__(attrs={**range_attrs(), **(attrs or {})}, format="%Y-%m-%d")


class PreferencesForm_(forms.Form):
    work_date = DateField(
        label=_("Work date"),
        required=False,
        widget=DateInput(),
        help_text=_("The date new interactions and segments get. Leave blank for today."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=UILanguage.choices)


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes and marks invalid fields for screen readers."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)  # type: ignore[misc]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.mark_invalid_fields()

    def mark_invalid_fields(self) -> None:
        """Bootstrap's is-invalid class and aria-invalid on every field that has an error."""
        for name in self.errors:  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is None:
                continue
            attrs = field.widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"id_{name}_error"


class PreferencesForm(BootstrapFormMixin, PreferencesForm_):
    pass


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    """Django's login form with the application's styling."""


def without_nul(value: Any) -> Any:
    """A typed value as a lookup may use it: text holding a NUL character (which PostgreSQL can
    neither store nor compare) becomes blank, so looking it up finds nothing instead of failing
    in the database. Where the form itself is validated, its fields still report the NUL."""
    if isinstance(value, str) and "\x00" in value:
        return ""
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value
