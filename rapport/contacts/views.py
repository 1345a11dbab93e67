from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from rapport.contacts import selectors, services
from rapport.contacts.forms import (
    CONTACT_SECTIONS,
    ContactForm,
    ProfileQuestionnaireForm,
    SalespersonForm,
    code_table_form,
)
from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    ContactProfileAnswer,
    ContactType,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    ProfileQuestionnaire,
    Salesperson,
    Territory,
)
from rapport.core import permissions
from rapport.core.errors import DomainError
from rapport.core.forms import BootstrapFormMixin, without_nul
from rapport.core.views import (
    Action,
    CapabilityRequiredMixin,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceDeleteView,
    ServiceFormView,
)
from rapport.interactions.selectors import contact_timeline
from rapport.interactions.views.statistics import (
    statistics_context,
    statistics_log_url,
    subject_key,
    url_with_query,
)

# --- Salespeople -----------------------------------------------------------------------------


def interaction_actions(
    request: HttpRequest, kind: str, subject: Any, query: dict[str, str]
) -> list[Action]:
    """The interaction actions of a contact or salesperson card: Create interaction (for users
    who may create interactions), Postponed interactions, Interaction log and Statistics.
    Create interaction opens the dialog over the card."""
    actions = []
    if permissions.user_can(request.user, permissions.INTERACTIONS):
        create = url_with_query(
            "interactions:interaction-create",
            query={**query, "next": subject.get_absolute_url()},
        )
        actions.append(Action(_("Create interaction"), create, icon="chat-left-text", dialog=True))
    postponed = url_with_query("interactions:postponed-list", query=query)
    actions.append(Action(_("Postponed interactions"), postponed, icon="hourglass-split"))
    log = statistics_log_url(kind, subject)
    actions.append(Action(_("Interaction log"), log, icon="journal-text"))
    actions.append(
        Action(
            _("Statistics"),
            reverse("interactions:statistics", args=[kind, subject_key(kind, subject)]),
            icon="bar-chart",
        )
    )
    return actions


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
        actions = interaction_actions(
            self.request, "salesperson", self.object, {"salesperson_code": code}
        )
        if permissions.user_can(self.request.user, permissions.SETUP):
            actions[:0] = [
                Action(_("Edit"), reverse("contacts:salesperson-edit", args=[code]), icon="pencil")
            ]
            actions.append(
                Action(
                    _("Delete"),
                    reverse("contacts:salesperson-delete", args=[code]),
                    icon="trash",
                    style="outline-danger",
                )
            )
        return actions

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(statistics_context(self.request, "salesperson", self.object))
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


# --- Classification tables ---------------------------------------------------------------------


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


# --- Profile questionnaires ---------------------------------------------------------------------


class ProfileQuestionnaireListView(ObjectListView):
    model = ProfileQuestionnaire
    title = gettext_lazy("Profile questionnaires")
    columns = [
        Column("code", gettext_lazy("Code"), sort="code", link=True),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column("answer_list", gettext_lazy("Answers")),
    ]
    search_fields = ["code", "description"]
    default_sort = "code"
    create_url_name = "contacts:profile-questionnaire-create"
    create_label = gettext_lazy("New profile questionnaire")
    write_capability = permissions.SETUP
    empty_hint = gettext_lazy(
        "A profile questionnaire is a question with fixed answers, e.g. 'Company size'."
    )

    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        return ProfileQuestionnaire.objects.prefetch_related("answers")

    def row(self, obj: Any) -> dict[str, Any]:
        row = super().row(obj)
        row["cells"][2]["value"] = " · ".join(answer.answer for answer in obj.answers.all())
        can_edit = permissions.user_can(self.request.user, permissions.SETUP)
        row["url"] = (
            reverse("contacts:profile-questionnaire-edit", args=[obj.code]) if can_edit else None
        )
        return row


class ProfileQuestionnaireFormView(ServiceFormView):
    form_class = ProfileQuestionnaireForm
    template_name = "contacts/code_table_form.html"

    def questionnaire(self) -> ProfileQuestionnaire | None:
        code = self.kwargs.get("code")
        return get_object_or_404(ProfileQuestionnaire, code=code.upper()) if code else None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        questionnaire = self.questionnaire()
        kwargs["editing"] = questionnaire is not None
        if questionnaire is not None:
            kwargs["initial"] = {
                "code": questionnaire.code,
                "description": questionnaire.description,
                "answers": "\n".join(a.answer for a in questionnaire.answers.all()),
            }
        return kwargs

    @property
    def title(self) -> Any:  # type: ignore[override]
        if self.kwargs.get("code"):
            return _("Edit profile questionnaire %(code)s") % {"code": self.kwargs["code"].upper()}
        return gettext_lazy("New profile questionnaire")

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse("contacts:profile-questionnaire-list")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.kwargs.get("code"):
            context["delete_url"] = reverse(
                "contacts:profile-questionnaire-delete", args=[self.kwargs["code"].upper()]
            )
        return context

    def perform(self, form: Any) -> Any:
        return services.profile_questionnaire_save(
            questionnaire=self.questionnaire(),
            code=form.cleaned_data.get("code", ""),
            description=form.cleaned_data["description"],
            answer_texts=form.answer_lines(),
        )

    def get_success_url_for(self, result: Any) -> str:
        return reverse("contacts:profile-questionnaire-list")


class ProfileQuestionnaireDeleteView(ServiceDeleteView):
    success_url_name = "contacts:profile-questionnaire-list"

    def get_object(self) -> Any:
        return get_object_or_404(ProfileQuestionnaire, code=self.kwargs["code"].upper())

    def perform(self, obj: Any) -> None:
        services.code_table_delete(row=obj)


# --- Contacts ----------------------------------------------------------------------------------


class ContactFilterForm(BootstrapFormMixin, forms.Form):
    type = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[("", gettext_lazy("All")), *ContactType.choices],
        required=False,
    )
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country/region"),
        queryset=Country.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("All"),
        to_field_name="code",
    )
    salesperson = forms.ModelChoiceField(
        label=gettext_lazy("Salesperson"),
        queryset=Salesperson.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("All"),
        to_field_name="code",
    )
    mailing_group = forms.ModelChoiceField(
        label=gettext_lazy("Mailing group"),
        queryset=MailingGroup.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("All"),
        to_field_name="code",
    )


class ContactListView(ObjectListView):
    model = Contact
    title = gettext_lazy("Contacts")
    columns = [
        Column("no", gettext_lazy("No."), sort="no", link=True),
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("get_type_display", gettext_lazy("Type"), sort="type"),
        Column("company__name", gettext_lazy("Company name"), sort="company__name"),
        Column("post_code", gettext_lazy("Post code"), sort="post_code"),
        Column("city", gettext_lazy("City"), sort="city"),
        Column("country__code", gettext_lazy("Country/region"), sort="country__code"),
        Column("salesperson__code", gettext_lazy("Salesperson"), sort="salesperson__code"),
        Column("phone_no", gettext_lazy("Phone no.")),
        Column("email", gettext_lazy("E-mail")),
    ]
    search_fields = ["search_text"]
    search_placeholder = gettext_lazy("Number, name, city or e-mail")
    filter_form_class = ContactFilterForm
    default_sort = "no"
    create_url_name = "contacts:contact-create"
    create_label = gettext_lazy("New contact")
    write_capability = permissions.CONTACTS
    empty_message = gettext_lazy("No contacts yet.")
    empty_hint = gettext_lazy("Create a company first, then the persons who work there.")

    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.contact_list()

    def apply_filters(self, queryset, data):  # type: ignore[no-untyped-def]
        if data.get("type"):
            queryset = queryset.filter(type=data["type"])
        if data.get("country"):
            queryset = queryset.filter(country=data["country"])
        if data.get("salesperson"):
            queryset = queryset.filter(salesperson=data["salesperson"])
        if data.get("mailing_group"):
            queryset = queryset.filter(mailing_groups=data["mailing_group"])
        return queryset

    def get_queryset(self):  # type: ignore[no-untyped-def]
        search = self.search_fields
        self.search_fields = ()
        queryset = super().get_queryset()
        self.search_fields = search
        return selectors.contact_search(queryset, self.search)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["search_enabled"] = True
        return context


def _names(rows: Any) -> str:
    return ", ".join(str(row) for row in rows) or ""


TIMELINE_SIZE = 25


class ContactDetailView(ObjectDetailView):
    template_name = "contacts/contact_detail.html"
    write_capability = permissions.CONTACTS

    def get_object(self, queryset=None):  # type: ignore[no-untyped-def]
        return selectors.contact_get(self.kwargs["no"])

    def get_actions(self) -> list[Action]:
        no = self.object.no
        actions: list[Action] = []
        can_write = permissions.user_can(self.request.user, permissions.CONTACTS)
        if can_write:
            actions.append(
                Action(_("Edit"), reverse("contacts:contact-edit", args=[no]), icon="pencil")
            )
            if self.object.is_company:
                actions.append(
                    Action(
                        _("New person"),
                        reverse("contacts:contact-create") + f"?type=person&company={no}",
                        icon="person-plus",
                    )
                )
        actions += interaction_actions(self.request, "contact", self.object, {"contact_no": no})
        if can_write:
            actions.append(
                Action(
                    _("Delete"),
                    reverse("contacts:contact-delete", args=[no]),
                    icon="trash",
                    style="outline-danger",
                )
            )
        return actions

    def timeline(self) -> dict[str, Any]:
        """The latest interactions (a company's include its persons'), newest first: one query
        whatever the number of interactions."""
        contact = self.object
        rows = list(contact_timeline(contact)[: TIMELINE_SIZE + 1])
        entries = []
        for entry in rows[:TIMELINE_SIZE]:
            entries.append(
                {
                    "entry": entry,
                    "url": url_with_query("interactions:entry-detail", args=[entry.entry_no]),
                    "person": entry.contact
                    if contact.is_company and entry.contact_id not in (None, contact.pk)
                    else None,
                }
            )
        return {
            "entries": entries,
            "more": len(rows) > TIMELINE_SIZE,
            "size": TIMELINE_SIZE,
            "log_url": statistics_log_url("contact", contact),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.sections = [(title, names) for _key, title, names in CONTACT_SECTIONS]
        context = super().get_context_data(**kwargs)
        contact = self.object
        for section in context["sections"]:
            for row in section["rows"]:
                if row["name"] in services.CLASSIFICATION_FIELDS:
                    row["value"] = _names(getattr(contact, row["name"]).all())
                elif row["name"] == "company" and contact.company_id:
                    row["link"] = contact.company.get_absolute_url()
        context["title"] = contact.name
        context["subtitle"] = f"{contact.no} · {contact.get_type_display()}"
        context["persons"] = selectors.company_persons(contact) if contact.is_company else None
        context["profile_answers"] = ContactProfileAnswer.objects.filter(
            contact=contact
        ).select_related("questionnaire", "answer")
        context["questionnaires"] = ProfileQuestionnaire.objects.prefetch_related("answers")
        context.update(statistics_context(self.request, "contact", contact))
        context["timeline"] = self.timeline()
        return context


class ContactProfileAnswerView(CapabilityRequiredMixin, View):
    """Give, change or remove a contact's answer to a profile questionnaire (POST only)."""

    write_capability = permissions.CONTACTS

    def post(self, request: HttpRequest, no: str) -> HttpResponse:
        contact = selectors.contact_get(no)
        questionnaire = get_object_or_404(
            ProfileQuestionnaire, code=without_nul(request.POST.get("questionnaire", "")).upper()
        )
        choice = request.POST.get("line_no", "")
        try:
            if choice:
                services.contact_set_profile_answer(
                    contact=contact, questionnaire=questionnaire, line_no=int(choice)
                )
            else:
                services.contact_remove_profile_answer(contact=contact, questionnaire=questionnaire)
        except (DomainError, ValueError) as error:
            messages.error(request, getattr(error, "message", _("Choose one of the answers.")))
        else:
            messages.success(request, _("The profile answer was saved."))
        return HttpResponseRedirect(contact.get_absolute_url() + "#profile")


class ContactFormMixin(ServiceFormView):
    form_class = ContactForm
    template_name = "contacts/contact_form.html"
    write_capability = permissions.CONTACTS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["sections"] = [
            {"key": key, "title": title, "fields": [form[name] for name in names]}
            for key, title, names in CONTACT_SECTIONS
        ]
        return context

    def changes(self, form: ContactForm) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        data.pop("no", None)
        return data


class ContactCreateView(ContactFormMixin):
    title = gettext_lazy("New contact")

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {"type": ContactType.COMPANY}
        if self.request.GET.get("type") in ContactType.values:
            initial["type"] = self.request.GET["type"]
        if self.request.GET.get("company"):
            initial["company"] = self.request.GET["company"].upper()
            initial["type"] = ContactType.PERSON
        return initial

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        company = self.request.GET.get("company")
        if company and Contact.objects.filter(no=company.upper()).exists():
            return reverse("contacts:contact-detail", args=[company.upper()])
        return reverse("contacts:contact-list")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            from rapport.setup.selectors import marketing_setup_get

            setup = marketing_setup_get()
            kwargs["initial"].setdefault("correspondence_type", setup.default_correspondence_type)
        return kwargs

    def perform(self, form: ContactForm) -> Contact:
        # A field left blank takes the company's value or the setup default.
        data = {
            name: value
            for name, value in self.changes(form).items()
            if not (name in services.DEFAULTED_FIELDS and value in ("", None))
        }
        return services.contact_create(
            no=form.cleaned_data.get("no", ""),
            work_date=self.request.user.effective_work_date,  # type: ignore[union-attr]
            **data,
        )

    def success_message(self, result: Any) -> str:
        return _("Contact %(no)s was created.") % {"no": result.no}


class ContactEditView(ContactFormMixin):
    def get_instance(self) -> Contact:
        return selectors.contact_get(self.kwargs["no"])

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit contact %(no)s") % {"no": self.kwargs["no"].upper()}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse("contacts:contact-detail", args=[self.kwargs["no"].upper()])

    def perform(self, form: ContactForm) -> Contact:
        data = {
            name: value for name, value in self.changes(form).items() if name in form.changed_data
        }
        return services.contact_update(contact=selectors.contact_get(self.kwargs["no"]), **data)

    def success_message(self, result: Any) -> str:
        return _("Contact %(no)s was saved.") % {"no": result.no}


class ContactDeleteView(ServiceDeleteView):
    success_url_name = "contacts:contact-list"
    write_capability = permissions.CONTACTS

    def get_object(self) -> Contact:
        return selectors.contact_get(self.kwargs["no"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        contact = context["object"]
        if contact.is_company:
            count = contact.persons.count()
            if count:
                context["question"] = ngettext(
                    "Delete company %(name)s and its %(count)s person?",
                    "Delete company %(name)s and its %(count)s persons?",
                    count,
                ) % {"name": contact, "count": count}
        return context

    def perform(self, obj: Any) -> None:
        services.contact_delete(contact=obj)
