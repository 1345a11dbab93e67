from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    ContactType,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    Salesperson,
    Salutation,
    Territory,
)
from rapport.contacts.services import MAX_PROFILE_ANSWERS, code_table_text_fields
from rapport.core.choices import CorrespondenceType
from rapport.core.forms import BootstrapFormMixin


class SalespersonForm(BootstrapFormMixin, forms.ModelForm):
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        help_text=_("The user who signs in as this salesperson."),
    )

    class Meta:
        model = Salesperson
        fields = ["code", "name", "email", "user"]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def validate_unique(self) -> None:
        """Uniqueness is the service's rule (codes compare in upper case)."""


class CodeTableFormBase(BootstrapFormMixin, forms.ModelForm):
    """Code (fixed once saved) and its text; uniqueness is the service's rule."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def validate_unique(self) -> None:
        """Uniqueness is the service's rule (codes compare in upper case)."""


def code_table_form(model: type[Any]) -> type[forms.ModelForm]:
    """The edit form of a classification table."""
    meta = type("Meta", (), {"model": model, "fields": ["code", *code_table_text_fields(model)]})
    return type(f"{model.__name__}Form", (CodeTableFormBase,), {"Meta": meta})


class ProfileQuestionnaireForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=10)
    description = forms.CharField(label=_("Description"), max_length=100, required=False)
    answers = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=format_lazy(
            _("One answer per line, in the order they are offered (at most {limit})."),
            limit=MAX_PROFILE_ANSWERS,
        ),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True

    def answer_lines(self) -> list[str]:
        text = self.cleaned_data.get("answers", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class CompanyNoField(forms.CharField):
    """A company typed by its number (a drop-down of every company would not scale)."""

    def clean(self, value):  # type: ignore[no-untyped-def]
        text = (super().clean(value) or "").strip().upper()
        if not text:
            return None
        company = Contact.objects.filter(no=text).first()
        if company is None:
            raise forms.ValidationError(_("There is no contact with no. %(no)s.") % {"no": text})
        return company


class ContactForm(BootstrapFormMixin, forms.ModelForm):
    no = forms.CharField(
        label=_("No."),
        max_length=20,
        required=False,
        help_text=_("Leave blank to take the next number of the contact number series."),
    )
    company = CompanyNoField(
        label=_("Company no."),
        max_length=20,
        required=False,
        help_text=_("For a person: the number of the company the person works for."),
    )
    correspondence_type = forms.ChoiceField(
        label=_("Correspondence type"), choices=CorrespondenceType.choices, required=False
    )
    mailing_groups = forms.ModelMultipleChoiceField(
        label=_("Mailing groups"),
        queryset=MailingGroup.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industry_groups = forms.ModelMultipleChoiceField(
        label=_("Industry groups"),
        queryset=IndustryGroup.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    job_responsibilities = forms.ModelMultipleChoiceField(
        label=_("Job responsibilities"),
        queryset=JobResponsibility.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    business_relations = forms.ModelMultipleChoiceField(
        label=_("Business relations"),
        queryset=BusinessRelation.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = [
            "no",
            "type",
            "name",
            "company",
            "job_title",
            "salesperson",
            "salutation",
            "first_name",
            "middle_name",
            "surname",
            "initials",
            "address",
            "address_2",
            "post_code",
            "city",
            "country",
            "phone_no",
            "mobile_phone_no",
            "fax_no",
            "email",
            "correspondence_type",
            "language",
            "territory",
            "exclude_from_segment",
            "privacy_blocked",
            "mailing_groups",
            "industry_groups",
            "job_responsibilities",
            "business_relations",
        ]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = ContactType.choices
        self.fields["country"].queryset = Country.objects.order_by("code")
        self.fields["territory"].queryset = Territory.objects.order_by("code")
        self.fields["language"].queryset = Language.objects.order_by("code")
        self.fields["salesperson"].queryset = Salesperson.objects.order_by("code")
        self.fields["salutation"].queryset = Salutation.objects.order_by("code")
        if self.instance.pk:
            self.fields["no"].disabled = True
            self.fields["no"].help_text = ""
            self.initial["company"] = self.instance.company.no if self.instance.company else ""

    def validate_unique(self) -> None:
        """Uniqueness of the number is the service's rule."""

    def _post_clean(self) -> None:
        """The service validates and saves; the model instance is not touched here."""


CONTACT_SECTIONS = (
    (
        "general",
        _("General"),
        (
            "no",
            "type",
            "name",
            "company",
            "job_title",
            "salesperson",
            "salutation",
            "first_name",
            "middle_name",
            "surname",
            "initials",
        ),
    ),
    (
        "communication",
        _("Communication"),
        (
            "address",
            "address_2",
            "post_code",
            "city",
            "country",
            "phone_no",
            "mobile_phone_no",
            "fax_no",
            "email",
            "correspondence_type",
            "language",
        ),
    ),
    (
        "segmentation",
        _("Segmentation"),
        (
            "territory",
            "exclude_from_segment",
            "privacy_blocked",
            "mailing_groups",
            "industry_groups",
            "job_responsibilities",
            "business_relations",
        ),
    ),
)
