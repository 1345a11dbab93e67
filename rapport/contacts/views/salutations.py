"""Salutations: the list, the card with its formulas, new and edit (the salutation and its
formula rows in one form, saved by one service call) and delete."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from rapport.contacts import selectors, services
from rapport.contacts.models import Salutation, SalutationNamePart
from rapport.contacts.salutation_forms import (
    BaseFormulaFormSet,
    SalutationForm,
    SalutationFormulaForm,
    formula_formset_class,
)
from rapport.core import permissions
from rapport.core.errors import DomainError
from rapport.core.views import (
    Action,
    CapabilityRequiredMixin,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceDeleteView,
    delete_action,
    edit_action,
)

FORMULAS_PREFIX = "formulas"
_FORMULA_ERROR_KEY = re.compile(r"formulas\.(\d+)(?:\.(\w+))?\Z")


def example_name_parts() -> dict[str, str]:
    """The name parts of the example on the card (a made-up person at a made-up company)."""
    return {
        "": "",
        "job_title": _("Director"),
        "first_name": "Anna",
        "middle_name": "van",
        "surname": "Dijk",
        "initials": "A.",
        "company_name": "Cronus",
    }


def _formula_summary(salutation: Salutation) -> str:
    return " · ".join(formula.formula for formula in salutation.formulas.all() if formula.formula)


class SalutationListView(ObjectListView):
    model = Salutation
    title = gettext_lazy("Salutations")
    columns = [
        Column("code", gettext_lazy("Code"), sort="code", link=True),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column("formula_list", gettext_lazy("Salutation formulas")),
    ]
    search_fields = ["code", "description"]
    default_sort = "code"
    create_url_name = "contacts:salutation-create"
    create_label = gettext_lazy("New salutation")
    write_capability = permissions.SETUP
    empty_hint = gettext_lazy(
        "A salutation gives the greeting of a letter or e-mail per language, e.g. 'Dear %1 %2,'."
    )

    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.salutation_list()

    def row(self, obj: Any) -> dict[str, Any]:
        row = super().row(obj)
        row["cells"][2]["value"] = _formula_summary(obj)
        return row


class SalutationDetailView(ObjectDetailView):
    template_name = "contacts/salutation_detail.html"
    sections = [(gettext_lazy("General"), ["code", "description"])]
    write_capability = permissions.SETUP

    def get_object(self, queryset=None):  # type: ignore[no-untyped-def]
        return selectors.salutation_get(self.kwargs["code"])

    def get_actions(self) -> list[Action]:
        if not permissions.user_can(self.request.user, permissions.SETUP):
            return []
        code = self.object.code
        return [
            edit_action(reverse("contacts:salutation-edit", args=[code])),
            delete_action(reverse("contacts:salutation-delete", args=[code])),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        part_labels = dict(SalutationNamePart.choices)
        parts = example_name_parts()
        context["formulas"] = [
            {
                "formula": formula,
                "names": [
                    part_labels[name] if name else ""
                    for name in (getattr(formula, f"name_{n}") for n in range(1, 6))
                ],
                "example": services.salutation_text(formula, parts),
            }
            for formula in self.object.formulas.all()
        ]
        context["example_parts"] = parts
        return context


class SalutationEditView(CapabilityRequiredMixin, generic.TemplateView):
    """Create or edit a salutation with its formula rows; one service call saves all or
    nothing. Errors stand next to their field, in the row they belong to."""

    template_name = "contacts/salutation_form.html"
    write_capability = permissions.SETUP
    creating = False

    def get_salutation(self) -> Salutation | None:
        return None if self.creating else selectors.salutation_get(self.kwargs["code"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        salutation = self.get_salutation()
        initial: list[dict[str, Any]] = []
        if salutation is None:
            form = SalutationForm()
        else:
            form = SalutationForm(
                initial={"code": salutation.code, "description": salutation.description},
                editing=True,
            )
            initial = [
                {
                    "language": formula.language.code if formula.language else None,
                    "type": formula.salutation_type,
                    "formula": formula.formula,
                    **{f"name_{n}": getattr(formula, f"name_{n}") for n in range(1, 6)},
                }
                for formula in salutation.formulas.all()
            ]
        formset = formula_formset_class()(initial=initial, prefix=FORMULAS_PREFIX)
        return self.render_page(salutation, form, formset)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        salutation = self.get_salutation()
        form = SalutationForm(
            request.POST,
            editing=salutation is not None,
            initial={"code": salutation.code} if salutation else None,
        )
        formset = formula_formset_class()(request.POST, prefix=FORMULAS_PREFIX)
        if form.is_valid() and formset.is_valid():
            kept = formset.kept_forms()
            formulas = [row.to_service_formula() for row in kept]
            description = form.cleaned_data["description"]
            try:
                if salutation is None:
                    result = services.salutation_create(
                        code=form.cleaned_data["code"], description=description, formulas=formulas
                    )
                else:
                    result = services.salutation_update(
                        salutation=salutation, description=description, formulas=formulas
                    )
            except DomainError as error:
                _show_error(error, form, kept)
            else:
                messages.success(request, _("Saved salutation %(code)s.") % {"code": result.code})
                return HttpResponseRedirect(result.get_absolute_url())
        return self.render_page(salutation, form, formset, status=400)

    def render_page(
        self,
        salutation: Salutation | None,
        form: SalutationForm,
        formset: BaseFormulaFormSet,
        status: int = 200,
    ) -> HttpResponse:
        if salutation is None:
            title = _("New salutation")
            cancel_url = reverse("contacts:salutation-list")
        else:
            title = _("Edit salutation %(code)s") % {"code": salutation.code}
            cancel_url = salutation.get_absolute_url()
        context = {
            "title": title,
            "form": form,
            "formset": formset,
            "formula_headers": [
                SalutationFormulaForm.base_fields[name].label
                for name in SalutationFormulaForm.VISIBLE
            ],
            "cancel_url": cancel_url,
        }
        return render(self.request, self.template_name, context, status=status)


def _show_error(error: DomainError, form: SalutationForm, kept: list[Any]) -> None:
    """Each message next to its field: `formulas.<i>.<field>` in row i of the rows sent (the
    service's `language_code` and `type` are the row's language and type), others on the
    salutation's fields or above the form."""
    fields = error.fields() or {"": [error.message]}
    for name, field_messages in fields.items():
        match = _FORMULA_ERROR_KEY.match(name)
        if match and int(match.group(1)) < len(kept):
            row = kept[int(match.group(1))]
            target = {"language_code": "language"}.get(match.group(2) or "", match.group(2))
            for message in field_messages:
                row.add_error(target if target in row.fields else None, message)
            row.mark_invalid_fields()
        else:
            for message in field_messages:
                form.add_error(name if name in form.fields else None, message)
    form.mark_invalid_fields()


class SalutationCreateView(SalutationEditView):
    creating = True


class SalutationDeleteView(ServiceDeleteView):
    success_url_name = "contacts:salutation-list"
    write_capability = permissions.SETUP

    def get_object(self) -> Salutation:
        return selectors.salutation_get(self.kwargs["code"])

    def perform(self, obj: Any) -> None:
        services.salutation_delete(salutation=obj)


__all__ = [
    "SalutationCreateView",
    "SalutationDeleteView",
    "SalutationDetailView",
    "SalutationEditView",
    "SalutationListView",
]
