"""Forms of the interaction log pages: the log's and the postponed list's filter panels, the
Delete interaction log entries request page, Evaluate, and comment lines. They only parse what
was typed; the rules are the services' (their refusals land next to the field they name).

Filter fields carry the API's query names (`contact_no`, `salesperson_code`, ...), so other
pages can link to `?contact_no=X`. A code that names nothing is a field error, not an empty
list nobody can explain.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import Campaign
from rapport.contacts.models import Contact, Salesperson
from rapport.core.dates import DateField
from rapport.core.forms import BootstrapFormMixin, DateInput
from rapport.interactions.choices import DeliveryStatus, Evaluation
from rapport.interactions.models import (
    COMMENT_LENGTH,
    InteractionGroup,
    InteractionTemplate,
)

MAX_ENTRY_NO = 2_147_483_647
CODE_LENGTH = 20

# name: (label, model, key field, message for an unknown code)
CODE_FILTERS: dict[str, tuple[Any, type[models.Model], str, Any]] = {
    "contact_no": (_("Contact no."), Contact, "no", _("There is no contact %(key)s.")),
    "company_no": (_("Company no."), Contact, "no", _("There is no contact %(key)s.")),
    "salesperson_code": (
        _("Salesperson code"),
        Salesperson,
        "code",
        _("There is no salesperson %(key)s."),
    ),
    "template_code": (
        _("Interaction template code"),
        InteractionTemplate,
        "code",
        _("There is no interaction template %(key)s."),
    ),
    "group_code": (
        _("Interaction group code"),
        InteractionGroup,
        "code",
        _("There is no interaction group %(key)s."),
    ),
    "campaign_no": (_("Campaign no."), Campaign, "no", _("There is no campaign %(key)s.")),
}


def _code_field(name: str) -> forms.CharField:
    field = forms.CharField(label=CODE_FILTERS[name][0], max_length=CODE_LENGTH, required=False)
    field.widget.attrs.update(autocapitalize="characters", autocomplete="off")
    return field


class _CodeFiltersMixin:
    """Checks every code filter given: stored in capitals, and it must name a record."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        for name, (_label, model, key, message) in CODE_FILTERS.items():
            if name not in self.fields:  # type: ignore[attr-defined]
                continue
            if name not in cleaned:
                continue  # already refused by the field itself
            value = (cleaned[name] or "").strip().upper()
            cleaned[name] = value
            if value and not model._default_manager.filter(**{key: value}).exists():
                self.add_error(name, message % {"key": value})  # type: ignore[attr-defined]
        return cleaned


def _date_field(label: Any) -> forms.DateField:
    return DateField(label=label, required=False, widget=DateInput())


class _DateRangeMixin:
    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error(  # type: ignore[attr-defined]
                "date_to", _("The end date is before the start date.")
            )
        return cleaned


CANCELED_CHOICES = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


class InteractionLogFilterForm(_DateRangeMixin, _CodeFiltersMixin, BootstrapFormMixin, forms.Form):
    """The filter panel of Interaction log entries (the API's filter names)."""

    contact_no = _code_field("contact_no")
    company_no = _code_field("company_no")
    salesperson_code = _code_field("salesperson_code")
    template_code = _code_field("template_code")
    group_code = _code_field("group_code")
    campaign_no = _code_field("campaign_no")
    date_from = _date_field(_("From date"))
    date_to = _date_field(_("To date"))
    canceled = forms.ChoiceField(label=_("Canceled"), choices=CANCELED_CHOICES, required=False)
    delivery_status = forms.ChoiceField(
        label=_("Delivery status"),
        choices=[("", _("All")), *(choice for choice in DeliveryStatus.choices if choice[0])],
        required=False,
    )

    def selector_filters(self) -> dict[str, Any]:
        """The cleaned values as `selectors.interaction_log` filters (only those given)."""
        data = self.cleaned_data
        filters: dict[str, Any] = {
            name: data[name]
            for name in (*CODE_FILTERS, "date_from", "date_to", "delivery_status")
            if data.get(name) not in (None, "")
        }
        if data.get("canceled") in ("yes", "no"):
            filters["canceled"] = data["canceled"] == "yes"
        return filters


class PostponedFilterForm(_CodeFiltersMixin, BootstrapFormMixin, forms.Form):
    """The filter panel of Postponed interactions."""

    contact_no = _code_field("contact_no")
    salesperson_code = _code_field("salesperson_code")

    def selector_filters(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if value}


DELETE_FIELDS = (
    "entry_no",
    "contact_no",
    "date_from",
    "date_to",
    "template_code",
    "group_code",
    "salesperson_code",
    "campaign_no",
)


class DeleteCanceledForm(_DateRangeMixin, _CodeFiltersMixin, BootstrapFormMixin, forms.Form):
    """Delete interaction log entries (reference 2.7, report 5190): the filters of
    `services.interactions_delete_canceled`."""

    entry_no = forms.IntegerField(
        label=_("Entry no."), required=False, min_value=1, max_value=MAX_ENTRY_NO
    )
    contact_no = _code_field("contact_no")
    date_from = _date_field(_("From date"))
    date_to = _date_field(_("To date"))
    template_code = _code_field("template_code")
    group_code = _code_field("group_code")
    salesperson_code = _code_field("salesperson_code")
    campaign_no = _code_field("campaign_no")

    def service_filters(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in DELETE_FIELDS and value not in (None, "")
        }


class EvaluateForm(BootstrapFormMixin, forms.Form):
    evaluation = forms.ChoiceField(
        label=_("Evaluation"),
        choices=[("", _("(none)"))] + [choice for choice in Evaluation.choices if choice[0]],
        required=False,
        help_text=_("Choose (none) to clear the evaluation."),
    )


class CommentForm(BootstrapFormMixin, forms.Form):
    date = DateField(
        label=_("Date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave blank for your work date."),
    )
    comment = forms.CharField(label=_("Comment"), max_length=COMMENT_LENGTH)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["date"].required = True
            self.fields["date"].help_text = ""
