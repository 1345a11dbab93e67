"""Salespeople: the list, the card (with what higher apps register for it, rapport.core.cards),
new, edit and delete."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.contacts import selectors, services
from rapport.contacts.forms import SalespersonForm
from rapport.contacts.models import Salesperson
from rapport.core import permissions
from rapport.core.cards import card_actions, card_panels
from rapport.core.views import (
    Action,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceDeleteView,
    ServiceFormView,
    delete_action,
    edit_action,
)


class SalespersonListView(ObjectListView):
    model = Salesperson
    title = gettext_lazy("Salespeople")
    columns = [
        Column("code", gettext_lazy("Code"), sort="code", link=True),
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("email", gettext_lazy("E-mail"), sort="email"),
        Column("user", gettext_lazy("User"), sort="user__username"),
    ]
    search_fields = ["code", "name", "email"]
    search_placeholder = gettext_lazy("Code, name or e-mail")
    default_sort = "code"
    create_url_name = "contacts:salesperson-create"
    create_label = gettext_lazy("New salesperson")
    write_capability = permissions.SETUP
    empty_message = gettext_lazy("No salespeople yet.")
    empty_hint = gettext_lazy("Salespeople are the people who talk to your contacts.")

    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.salesperson_list()


class SalespersonDetailView(ObjectDetailView):
    sections = [(gettext_lazy("General"), ["code", "name", "email", "user"])]

    def get_object(self, queryset=None):  # type: ignore[no-untyped-def]
        return selectors.salesperson_get(self.kwargs["code"])

    template_name = "contacts/salesperson_detail.html"

    def get_actions(self) -> list[Action]:
        code = self.object.code
        actions = card_actions("salesperson", self.request, self.object)
        if permissions.user_can(self.request.user, permissions.SETUP):
            actions[:0] = [edit_action(reverse("contacts:salesperson-edit", args=[code]))]
            actions.append(delete_action(reverse("contacts:salesperson-delete", args=[code])))
        return actions

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(card_panels("salesperson", self.request, self.object))
        return context


class SalespersonCreateView(ServiceFormView):
    form_class = SalespersonForm
    title = gettext_lazy("New salesperson")

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse("contacts:salesperson-list")

    def perform(self, form: SalespersonForm) -> Salesperson:
        return services.salesperson_create(**form.cleaned_data)

    def success_message(self, result: Any) -> str:
        return _("Salesperson %(code)s was created.") % {"code": result.code}


class SalespersonEditView(ServiceFormView):
    form_class = SalespersonForm

    def get_instance(self) -> Salesperson:
        return selectors.salesperson_get(self.kwargs["code"])

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit salesperson %(code)s") % {"code": self.kwargs["code"].upper()}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse("contacts:salesperson-detail", args=[self.kwargs["code"].upper()])

    def perform(self, form: SalespersonForm) -> Salesperson:
        data = {key: form.cleaned_data[key] for key in ("name", "email", "user")}
        return services.salesperson_update(
            salesperson=selectors.salesperson_get(self.kwargs["code"]), **data
        )


class SalespersonDeleteView(ServiceDeleteView):
    success_url_name = "contacts:salesperson-list"

    def get_object(self) -> Salesperson:
        return selectors.salesperson_get(self.kwargs["code"])

    def perform(self, obj: Any) -> None:
        services.salesperson_delete(salesperson=obj)
