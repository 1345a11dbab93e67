"""The classification tables (languages, countries/regions, territories, mailing groups, industry
groups, job responsibilities, business relations): one set of pages per table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.contacts import services
from rapport.contacts.forms import code_table_form
from rapport.contacts.models import (
    BusinessRelation,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    Territory,
)
from rapport.core import permissions
from rapport.core.views import Column, ObjectListView, ServiceDeleteView, ServiceFormView


@dataclass(frozen=True)
class CodeTable:
    """One classification table's pages: list (rows open their edit page), new, edit, delete."""

    slug: str
    name: str  # URL name prefix: "<name>-list", "<name>-create", "<name>-edit", "<name>-delete"
    model: type[Any]
    title: Any
    create_label: Any
    empty_hint: Any = ""


CODE_TABLES = [
    CodeTable(
        "languages", "language", Language, gettext_lazy("Languages"), gettext_lazy("New language")
    ),
    CodeTable(
        "countries",
        "country",
        Country,
        gettext_lazy("Countries/regions"),
        gettext_lazy("New country/region"),
    ),
    CodeTable(
        "territories",
        "territory",
        Territory,
        gettext_lazy("Territories"),
        gettext_lazy("New territory"),
    ),
    CodeTable(
        "mailing-groups",
        "mailing-group",
        MailingGroup,
        gettext_lazy("Mailing groups"),
        gettext_lazy("New mailing group"),
        gettext_lazy("Mailing groups say which mailings a contact wants, e.g. a newsletter."),
    ),
    CodeTable(
        "industry-groups",
        "industry-group",
        IndustryGroup,
        gettext_lazy("Industry groups"),
        gettext_lazy("New industry group"),
    ),
    CodeTable(
        "job-responsibilities",
        "job-responsibility",
        JobResponsibility,
        gettext_lazy("Job responsibilities"),
        gettext_lazy("New job responsibility"),
    ),
    CodeTable(
        "business-relations",
        "business-relation",
        BusinessRelation,
        gettext_lazy("Business relations"),
        gettext_lazy("New business relation"),
    ),
]
CODE_TABLES_BY_NAME = {table.name: table for table in CODE_TABLES}


def _text_field(model: type[Any]) -> str:
    return "name" if any(f.name == "name" for f in model._meta.fields) else "description"


class CodeTableMixin:
    table: Any = None

    def get_row(self) -> Any:
        return get_object_or_404(self.table.model, code=self.kwargs["code"].upper())  # type: ignore[attr-defined]


class CodeTableListView(ObjectListView):
    table: Any = None
    default_sort = "code"
    write_capability = permissions.SETUP

    def setup(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().setup(request, *args, **kwargs)
        self.model = self.table.model
        text = _text_field(self.table.model)
        label = gettext_lazy("Name") if text == "name" else gettext_lazy("Description")
        self.columns = [
            Column("code", gettext_lazy("Code"), sort="code", link=True),
            Column(text, label, sort=text, link=True),
        ]
        if "name_nl" in services.code_table_text_fields(self.table.model):
            self.columns.append(
                Column("name_nl", gettext_lazy("Name (Dutch)"), sort="name_nl", link=True)
            )
        self.search_fields = ["code", *services.code_table_text_fields(self.table.model)]
        self.title = self.table.title
        self.create_url_name = f"contacts:{self.table.name}-create"
        self.create_label = self.table.create_label
        self.empty_hint = self.table.empty_hint

    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        return self.table.model.objects.all()

    def row(self, obj: Any) -> dict[str, Any]:
        row = super().row(obj)
        can_edit = permissions.user_can(self.request.user, permissions.SETUP)
        row["url"] = (
            reverse(f"contacts:{self.table.name}-edit", args=[obj.code]) if can_edit else None
        )
        return row


class CodeTableCreateView(ServiceFormView):
    table: Any = None
    template_name = "core/object_form.html"

    def get_form_class(self):  # type: ignore[no-untyped-def]
        return code_table_form(self.table.model)

    @property
    def title(self) -> Any:  # type: ignore[override]
        return self.table.create_label

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse(f"contacts:{self.table.name}-list")

    def perform(self, form: Any) -> Any:
        data = dict(form.cleaned_data)
        return services.code_table_create(model=self.table.model, code=data.pop("code"), **data)

    def get_success_url_for(self, result: Any) -> str:
        return reverse(f"contacts:{self.table.name}-list")

    def success_message(self, result: Any) -> str:
        return _("%(code)s was created.") % {"code": result.code}


class CodeTableEditView(CodeTableMixin, ServiceFormView):
    table: Any = None
    template_name = "contacts/code_table_form.html"

    def get_form_class(self):  # type: ignore[no-untyped-def]
        return code_table_form(self.table.model)

    def get_instance(self) -> Any:
        return self.get_row()

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit %(table)s %(code)s") % {
            "table": self.table.model._meta.verbose_name,
            "code": self.kwargs["code"].upper(),
        }

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse(f"contacts:{self.table.name}-list")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["delete_url"] = reverse(
            f"contacts:{self.table.name}-delete", args=[self.kwargs["code"].upper()]
        )
        return context

    def perform(self, form: Any) -> Any:
        fields = services.code_table_text_fields(self.table.model)
        data = {name: form.cleaned_data[name] for name in fields}
        return services.code_table_update(row=self.get_row(), **data)

    def get_success_url_for(self, result: Any) -> str:
        return reverse(f"contacts:{self.table.name}-list")


class CodeTableDeleteView(CodeTableMixin, ServiceDeleteView):
    table: Any = None

    def get_object(self) -> Any:
        return self.get_row()

    def perform(self, obj: Any) -> None:
        services.code_table_delete(row=obj)

    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.success_url_name = f"contacts:{self.table.name}-list"
        return super().post(request, *args, **kwargs)
