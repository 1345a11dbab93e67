"""Contacts: the list with its filters, the card (with what higher apps register for it,
rapport.core.cards), the profile answers, new, edit and delete."""

from __future__ import annotations

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
from rapport.contacts.forms import CONTACT_SECTIONS, ContactForm
from rapport.contacts.models import (
    Contact,
    ContactProfileAnswer,
    ContactType,
    Country,
    MailingGroup,
    ProfileQuestionnaire,
    Salesperson,
    SalutationType,
)
from rapport.core import permissions
from rapport.core.cards import card_actions, card_panels
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
    delete_action,
    edit_action,
)


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
            actions.append(edit_action(reverse("contacts:contact-edit", args=[no])))
            if self.object.is_company:
                actions.append(
                    Action(
                        _("New person"),
                        reverse("contacts:contact-create") + f"?type=person&company={no}",
                        icon="person-plus",
                    )
                )
        actions += card_actions("contact", self.request, self.object)
        if can_write:
            actions.append(delete_action(reverse("contacts:contact-delete", args=[no])))
        return actions

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
                elif row["name"] == "salutation" and contact.salutation_id:
                    row["link"] = contact.salutation.get_absolute_url()
        _add_salutation_rows(context["sections"][0]["rows"], contact)
        context["title"] = contact.name
        context["subtitle"] = f"{contact.no} · {contact.get_type_display()}"
        context["persons"] = selectors.company_persons(contact) if contact.is_company else None
        context["profile_answers"] = ContactProfileAnswer.objects.filter(
            contact=contact
        ).select_related("questionnaire", "answer")
        context["questionnaires"] = ProfileQuestionnaire.objects.prefetch_related("answers")
        context.update(card_panels("contact", self.request, contact))
        return context


PERSON_NAME_PARTS = ("first_name", "middle_name", "surname", "initials")


def _add_salutation_rows(rows: list[dict[str, Any]], contact: Contact) -> None:
    """The formal and informal salutation the contact gets (its code or Marketing Setup's
    default), after the salutation code; a company shows no person's name parts."""
    if contact.is_company:
        rows[:] = [row for row in rows if row["name"] not in PERSON_NAME_PARTS]
    at = next((i + 1 for i, row in enumerate(rows) if row["name"] == "salutation"), len(rows))
    texts = [
        (key, label, selectors.salutations_for([contact.pk], salutation_type=key)[contact.pk])
        for key, label in SalutationType.choices
    ]
    rows[at:at] = [
        {
            "name": f"salutation_{key}",
            "label": _("Salutation (%(type)s)") % {"type": label},
            "value": text,
        }
        for key, label, text in texts
    ]


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
