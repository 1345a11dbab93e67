"""Forms of the segment pages: the header (interaction fields), a line, a line added by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import Campaign
from rapport.contacts.models import Language, Salesperson
from rapport.core.choices import CorrespondenceType
from rapport.core.dates import DateField
from rapport.core.forms import BootstrapFormMixin, DateInput
from rapport.interactions.choices import Evaluation, InformationFlow, InitiatedBy
from rapport.interactions.forms.dialog import ContactField
from rapport.interactions.models import DESCRIPTION_LENGTH, InteractionTemplate


def _code_choice(label: Any, queryset: Any, key: str = "code") -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=label, queryset=queryset, to_field_name=key, required=False
    )
    field.empty_label = gettext("(none)")
    return field


class _InteractionFieldsForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_LENGTH, required=False
    )
    template = forms.ModelChoiceField(
        label=_("Interaction Template"),
        queryset=InteractionTemplate.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    salesperson = forms.ModelChoiceField(
        label=_("Salesperson"),
        queryset=Salesperson.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    date = DateField(label=_("Date"), required=False, widget=DateInput())
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.order_by("no"),
        to_field_name="no",
        required=False,
    )
    language = forms.ModelChoiceField(
        label=_("Language"),
        queryset=Language.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    subject = forms.CharField(label=_("Subject"), max_length=DESCRIPTION_LENGTH, required=False)
    correspondence_type = forms.ChoiceField(
        label=_("Correspondence Type"), choices=CorrespondenceType.choices, required=False
    )
    cost = forms.DecimalField(
        label=_("Cost"), max_digits=18, decimal_places=2, min_value=0, required=False
    )
    duration = forms.DecimalField(
        label=_("Duration (Min.)"), max_digits=18, decimal_places=0, min_value=0, required=False
    )
    information_flow = forms.ChoiceField(
        label=_("Information Flow"), choices=InformationFlow.choices, required=False
    )
    initiated_by = forms.ChoiceField(
        label=_("Initiated By"), choices=InitiatedBy.choices, required=False
    )
    campaign_target = forms.BooleanField(label=_("Campaign Target"), required=False)
    campaign_response = forms.BooleanField(label=_("Campaign Response"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("template", "salesperson", "campaign", "language"):
            self.fields[name].empty_label = gettext("(none)")  # type: ignore[attr-defined]

    def service_values(self, names: Any = None) -> dict[str, Any]:
        """The changed fields as service arguments (blank relation = "" on purpose)."""
        values = {}
        for name in names if names is not None else self.changed_data:
            if name not in self.fields:
                continue
            value = self.cleaned_data.get(name)
            if value is None and name in ("cost", "duration"):
                value = 0
            values[name] = "" if value is None else value
        return values


class SegmentForm(_InteractionFieldsForm):
    """The segment header (reference 1.8). On a new segment `no` may be typed."""

    no = forms.CharField(
        label=_("No."),
        max_length=20,
        required=False,
        help_text=_("Leave blank to take the next number of Segment Nos."),
    )
    apply_to_lines = forms.CharField(required=False, widget=forms.HiddenInput)

    GENERAL = ("no", "description", "salesperson", "date", "campaign")
    INTERACTION = (
        "template",
        "language",
        "subject",
        "correspondence_type",
        "cost",
        "duration",
        "information_flow",
        "initiated_by",
        "campaign_target",
        "campaign_response",
    )


class SegmentLineForm(_InteractionFieldsForm):
    """One line's interaction values (reference 2.3.5)."""

    evaluation = forms.ChoiceField(
        label=_("Evaluation"), choices=Evaluation.choices, required=False
    )
    attempt_failed = forms.BooleanField(label=_("Attempt Failed"), required=False)
    time = forms.TimeField(
        label=_("Time of Interaction"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class SegmentLineAddForm(BootstrapFormMixin, forms.Form):
    """A line added by hand: the contact."""

    contact = ContactField(
        label=_("Contact"),
        required=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 200, "autofocus": True}),
        help_text=_("The contact no., or a part of the name that only one contact has."),
    )


class SegmentLineRowForm(SegmentLineForm):
    """The fields of a line that are edited in place, in the line's row on the segment card
    (the other fields are on the line's own page). The fields' ids carry the line number, so
    that two lines can be open at once; each field's input names the row's form."""

    ROW = (
        "template",
        "description",
        "salesperson",
        "correspondence_type",
        "language",
        "cost",
        "duration",
    )

    def __init__(self, *args: Any, line_no: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"line{line_no}_%s")
        super().__init__(*args, **kwargs)
        self.form_id = f"line-form-{line_no}"
        for name in list(self.fields):
            if name not in self.ROW:
                del self.fields[name]
        for field in self.fields.values():
            attrs = field.widget.attrs
            attrs["form"] = self.form_id
            size = (
                "form-select-sm" if "form-select" in attrs.get("class", "") else "form-control-sm"
            )
            attrs["class"] = f"{attrs.get('class', '')} {size}".strip()
        self.fields["cost"].widget.attrs.setdefault("inputmode", "decimal")

    def mark_invalid_fields(self) -> None:
        super().mark_invalid_fields()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"
