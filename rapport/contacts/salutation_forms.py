"""The forms of the salutation pages: the salutation (code, description) and one row per
formula."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.contacts.models import (
    SALUTATION_NAME_FIELDS,
    Language,
    SalutationNamePart,
    SalutationType,
)
from rapport.core.forms import BootstrapFormMixin


class SalutationForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=10)
    description = forms.CharField(label=_("Description"), max_length=100, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


def _name_choice(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=SalutationNamePart.choices, required=False)


class SalutationFormulaForm(BootstrapFormMixin, forms.Form):
    """One formula row; a row left completely blank is ignored."""

    language = forms.ModelChoiceField(
        label=_("Language"),
        queryset=Language.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("(any language)"),
    )
    type = forms.ChoiceField(
        label=_("Salutation type"),
        choices=[("", "—"), *SalutationType.choices],
        required=False,
    )
    formula = forms.CharField(label=_("Salutation"), max_length=50, required=False, strip=False)
    name_1 = _name_choice(_("Name 1"))
    name_2 = _name_choice(_("Name 2"))
    name_3 = _name_choice(_("Name 3"))
    name_4 = _name_choice(_("Name 4"))
    name_5 = _name_choice(_("Name 5"))

    VISIBLE = ("language", "type", "formula", *SALUTATION_NAME_FIELDS)

    def mark_invalid_fields(self) -> None:
        """As the mixin does, with the row's own field ids (the form has a prefix)."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def to_service_formula(self) -> dict[str, Any]:
        data = self.cleaned_data
        language = data.get("language")
        return {
            "language_code": language.code if language else "",
            "type": data.get("type") or "",
            "formula": data.get("formula") or "",
            **{name: data.get(name) or "" for name in SALUTATION_NAME_FIELDS},
        }


class BaseFormulaFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[SalutationFormulaForm]:
        """The rows to save: not marked for deletion and not blank."""
        return [
            form
            for form in self.forms
            if not (self.can_delete and self._should_delete_form(form))  # type: ignore[attr-defined]
            and any(form.cleaned_data.get(name) for name in SalutationFormulaForm.VISIBLE)
        ]


def formula_formset_class(extra: int = 2) -> type[BaseFormulaFormSet]:
    return forms.formset_factory(  # type: ignore[return-value]
        SalutationFormulaForm,
        formset=BaseFormulaFormSet,
        extra=extra,
        can_delete=True,
        max_num=200,
        absolute_max=200,
    )
