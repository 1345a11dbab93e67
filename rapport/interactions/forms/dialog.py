"""The Create interaction dialog's form (reference 2.1.2): a General part and a Details part.

The form only reads and resolves what was typed; the rules live in `interaction_create` /
`interaction_resume` (what is required, the downgrade, the attachment checks) and in
`template_defaults_for` (what choosing a template fills in)."""

from __future__ import annotations

import decimal
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import Campaign
from rapport.contacts import selectors as contact_selectors
from rapport.contacts.models import Contact, Language, Salesperson
from rapport.core.choices import CorrespondenceType
from rapport.core.dates import DateField
from rapport.core.forms import BootstrapFormMixin, DateInput
from rapport.interactions.choices import Evaluation, InformationFlow, InitiatedBy
from rapport.interactions.models import DESCRIPTION_LENGTH, InteractionTemplate

CONTACT_SEPARATOR = " – "
"""Between a contact's number and name in the contact field ("CT000010 – Contoso Ltd.")."""

MAX_CONTACT_OPTIONS = 20


def contact_label(contact: Contact) -> str:
    """How the contact field shows a contact: number and name."""
    return f"{contact.no}{CONTACT_SEPARATOR}{contact.name}"


def contact_options(text: str) -> list[Contact]:
    """The contacts whose number, name, city or e-mail contain every word of `text` (the
    contact field's suggestions), by number."""
    text = text.strip()[:100]
    if not text:
        return []
    queryset = contact_selectors.contact_search(contact_selectors.contact_list(), text)
    return list(queryset.order_by("no")[:MAX_CONTACT_OPTIONS])


def find_contact(text: str) -> Contact:
    """The contact a typed text means: a contact no. (as typed or before " – " as the
    suggestions show it), else the one contact whose number, name, city or e-mail contain the
    text. Raises forms.ValidationError naming what was typed when none or several match (NAV
    takes the first match silently; a wrong contact is worse than a question)."""
    text = text.strip()
    number = text.split(CONTACT_SEPARATOR, 1)[0].strip().upper()
    if number and len(number) <= 20:
        found = Contact.objects.filter(no=number).first()
        if found is not None:
            return found
    matches = list(
        contact_selectors.contact_search(Contact.objects.all(), text[:100])
        .order_by("no")
        .values_list("pk", flat=True)[:2]
    )
    if len(matches) == 1:
        return Contact.objects.get(pk=matches[0])
    shown = text[:40] + ("…" if len(text) > 40 else "")
    if not matches:
        raise forms.ValidationError(
            gettext("No contact matches “%(text)s”. Type a contact no. or part of the name.")
            % {"text": shown}
        )
    raise forms.ValidationError(
        gettext(
            "More than one contact matches “%(text)s”. Choose one from the suggestions or type "
            "its number."
        )
        % {"text": shown}
    )


class ContactField(forms.CharField):
    """A contact typed as its number or a unique part of its name; cleans to the Contact."""

    def to_python(self, value: Any) -> Contact | None:  # type: ignore[override]
        if isinstance(value, Contact):
            return value
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 200:
            raise forms.ValidationError(gettext("Type at most 200 characters."))
        ProhibitNullCharactersValidator()(text)
        return find_contact(text)

    def run_validators(self, value: Any) -> None:
        """The checks are in `to_python` (the cleaned value is a Contact, not a text)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Contact):
            return contact_label(value)
        return value


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [(value, label) for value, label in choices]


class InteractionForm(BootstrapFormMixin, forms.Form):
    """Every field of the dialog. Nothing is required here: a postponed interaction needs only
    the contact, and finishing checks the rest in the service with its own messages."""

    contact = ContactField(
        label=_("Contact"),
        required=False,
        widget=forms.TextInput(
            attrs={"list": "contact-options", "autocomplete": "off", "maxlength": 200}
        ),
        help_text=_("Type the contact no. or part of the name, then choose a suggestion."),
    )
    template = forms.ModelChoiceField(
        label=_("Interaction Template"),
        # What logging reads of the chosen template comes with it (no query per relation).
        queryset=InteractionTemplate.objects.select_related(
            "group", "language_default", "campaign"
        ).order_by("code"),
        to_field_name="code",
        required=False,
    )
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_LENGTH, required=False
    )
    salesperson = forms.ModelChoiceField(
        label=_("Salesperson"),
        queryset=Salesperson.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    language = forms.ModelChoiceField(
        label=_("Language"),
        queryset=Language.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    correspondence_type = forms.ChoiceField(
        label=_("Correspondence Type"), choices=_choices(CorrespondenceType.choices), required=False
    )
    date = DateField(label=_("Date"), required=False, widget=DateInput())
    time = forms.TimeField(
        label=_("Time of Interaction"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    information_flow = forms.ChoiceField(
        label=_("Information Flow"), choices=_choices(InformationFlow.choices), required=False
    )
    initiated_by = forms.ChoiceField(
        label=_("Initiated By"), choices=_choices(InitiatedBy.choices), required=False
    )
    evaluation = forms.ChoiceField(
        label=_("Evaluation"), choices=_choices(Evaluation.choices), required=False
    )
    successful = forms.BooleanField(label=_("Was Successful"), required=False, initial=True)
    cost = forms.DecimalField(
        label=_("Cost"), required=False, max_digits=18, decimal_places=2, min_value=0
    )
    duration = forms.DecimalField(
        label=_("Duration (Min.)"), required=False, max_digits=18, decimal_places=0, min_value=0
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.order_by("no"),
        to_field_name="no",
        required=False,
    )
    campaign_target = forms.BooleanField(label=_("Campaign Target"), required=False)
    campaign_response = forms.BooleanField(label=_("Campaign Response"), required=False)
    deliver = forms.BooleanField(
        label=_("Deliver"),
        required=False,
        help_text=_(
            "Send the e-mail or print the letter when the interaction is logged (not when it is "
            "saved for later)."
        ),
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Each line becomes a comment line of the interaction."),
    )
    # The template whose values the details show (set when the form was filled from it), so
    # that a template chosen without the page's script is filled in before anything is logged.
    filled_template = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    GENERAL = ("contact", "template", "description", "salesperson", "language")
    DETAILS = (
        "correspondence_type",
        "date",
        "time",
        "information_flow",
        "initiated_by",
        "evaluation",
        "successful",
        "cost",
        "duration",
        "deliver",
    )
    CAMPAIGN = ("campaign", "campaign_target", "campaign_response")

    def __init__(self, *args: Any, locked: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locked = locked or {}
        for name, value in self.locked.items():
            field = self.fields[name]
            field.disabled = True
            field.initial = value
            self.initial[name] = value
        self.fields["template"].label_from_instance = (  # type: ignore[attr-defined]
            lambda template: f"{template.code} – {template.description}"
        )
        self.fields["salesperson"].label_from_instance = (  # type: ignore[attr-defined]
            lambda salesperson: f"{salesperson.code} – {salesperson.name}"
        )
        self.fields["campaign"].label_from_instance = (  # type: ignore[attr-defined]
            lambda campaign: f"{campaign.no} – {campaign.description}"
        )
        for name in ("template", "salesperson", "language", "campaign"):
            self.fields[name].empty_label = gettext("(none)")  # type: ignore[attr-defined]
        self.fields["description"].widget.attrs["maxlength"] = DESCRIPTION_LENGTH
        # Suggestions while typing a contact: htmx fills the field's <datalist>.
        self.fields["contact"].widget.attrs.update(
            {
                "hx-get": reverse("interactions:interaction-contact-options"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#contact-options",
                "hx-swap": "innerHTML",
                "hx-include": "this",
                "hx-sync": "this:replace",
            }
        )

    def template_changed_unfilled(self) -> bool:
        """True when a template was chosen but the details were not filled from it (the page's
        script did not run): the dialog fills them and shows them before logging."""
        template = self.cleaned_data.get("template")
        code = template.code if template is not None else ""
        return code != (self.cleaned_data.get("filled_template") or "")

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as `interaction_create`'s / `interaction_resume`'s arguments:
        what the dialog shows is what gets stored, so a blank relation or option is given as
        "" (blank on purpose) and a blank cost or duration as 0."""
        data = self.cleaned_data
        values: dict[str, Any] = {"contact": data.get("contact")}
        for name in ("template", "salesperson", "language", "campaign"):
            values[name] = data.get(name) or ""
        for name in ("description", "correspondence_type", "information_flow", "initiated_by"):
            values[name] = data.get(name) or ""
        values["evaluation"] = data.get("evaluation") or ""
        values["date"] = data.get("date")
        values["time"] = data.get("time")
        for name in ("successful", "campaign_target", "campaign_response"):
            values[name] = bool(data.get(name))
        for name in ("cost", "duration"):
            amount = data.get(name)
            values[name] = amount if amount is not None else decimal.Decimal(0)
        values["comments"] = [
            line.strip() for line in (data.get("comments") or "").splitlines() if line.strip()
        ]
        values["deliver"] = bool(data.get("deliver"))
        return values
