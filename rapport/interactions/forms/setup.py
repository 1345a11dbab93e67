"""Forms of the interaction group and template pages. They only parse what was typed; the
rules are the services' (their refusals land next to the field they name)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import Campaign
from rapport.contacts.models import Language
from rapport.core.choices import CorrespondenceType
from rapport.core.forms import BootstrapFormMixin
from rapport.interactions.choices import InformationFlow, InitiatedBy, WizardAction
from rapport.interactions.models import (
    CODE_LENGTH,
    COST_DIGITS,
    COST_PLACES,
    DESCRIPTION_LENGTH,
    DURATION_DIGITS,
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from rapport.interactions.services import MAX_ATTACHMENT_NO

CODE_HELP = _("Letters, digits, - _ and . (no spaces); stored in capitals.")


def _code_field() -> forms.CharField:
    field = forms.CharField(label=_("Code"), max_length=CODE_LENGTH, help_text=CODE_HELP)
    field.widget.attrs.update(autocapitalize="characters", autocomplete="off")
    return field


class InteractionGroupForm(BootstrapFormMixin, forms.Form):
    code = _code_field()
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_LENGTH, required=False
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


GENERAL_FIELDS = ("code", "description", "group", "unit_cost", "unit_duration")
INTERACTION_FIELDS = (
    "information_flow",
    "initiated_by",
    "wizard_action",
    "campaign",
    "campaign_target",
    "campaign_response",
)
COMMUNICATION_FIELDS = (
    "correspondence_type_default",
    "ignore_contact_corres_type",
    "language_default",
)


class InteractionTemplateForm(BootstrapFormMixin, forms.Form):
    code = _code_field()
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_LENGTH,
        required=False,
        help_text=_("Becomes the interaction's description when the user types none."),
    )
    group = forms.ModelChoiceField(
        label=_("Interaction group"), queryset=InteractionGroup.objects.order_by("code")
    )
    unit_cost = forms.DecimalField(
        label=_("Unit cost"),
        max_digits=COST_DIGITS,
        decimal_places=COST_PLACES,
        min_value=0,
        required=False,
        initial=0,
        localize=True,
        help_text=_("Copied to the interaction's cost."),
    )
    unit_duration = forms.DecimalField(
        label=_("Unit duration (min.)"),
        max_digits=DURATION_DIGITS,
        decimal_places=0,
        min_value=0,
        required=False,
        initial=0,
        localize=True,
        help_text=_("Whole minutes, copied to the interaction's duration."),
    )
    information_flow = forms.ChoiceField(
        label=_("Information flow"), choices=InformationFlow.choices, required=False
    )
    initiated_by = forms.ChoiceField(
        label=_("Initiated by"), choices=InitiatedBy.choices, required=False
    )
    wizard_action = forms.ChoiceField(
        label=_("Wizard action"),
        choices=WizardAction.choices,
        required=False,
        help_text=_(
            "What Create interaction does with the attachment: Open it, Import a file, or "
            "Merge an e-mail (needs an e-mail attachment on the default language)."
        ),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.order_by("no"), required=False
    )
    campaign_target = forms.BooleanField(
        label=_("Campaign target"),
        required=False,
        help_text=_("Only with a campaign."),
    )
    campaign_response = forms.BooleanField(
        label=_("Campaign response"),
        required=False,
        help_text=_("Only with a campaign."),
    )
    correspondence_type_default = forms.ChoiceField(
        label=_("Correspondence type (default)"),
        choices=CorrespondenceType.choices,
        required=False,
        initial=CorrespondenceType.EMAIL,
    )
    ignore_contact_corres_type = forms.BooleanField(
        label=_("Ignore contact corres. type"),
        required=False,
        help_text=_("Use this correspondence type even when the contact prefers another."),
    )
    language_default = forms.ModelChoiceField(
        label=_("Language (default)"),
        queryset=Language.objects.order_by("code"),
        required=False,
        help_text=_("A language the template has no language row for gets one when you save."),
    )

    def __init__(
        self, *args: Any, template: InteractionTemplate | None = None, **kwargs: Any
    ) -> None:
        if template is not None:
            kwargs["initial"] = {
                "code": template.code,
                "description": template.description,
                "group": template.group_id,
                "unit_cost": template.unit_cost,
                "unit_duration": template.unit_duration,
                "information_flow": template.information_flow,
                "initiated_by": template.initiated_by,
                "wizard_action": template.wizard_action,
                "campaign": template.campaign_id,
                "campaign_target": template.campaign_target,
                "campaign_response": template.campaign_response,
                "correspondence_type_default": template.correspondence_type_default,
                "ignore_contact_corres_type": template.ignore_contact_corres_type,
                "language_default": template.language_default_id,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        if template is not None:
            self.fields["code"].disabled = True
        # Campaign target and response apply only with a campaign: the page's script disables
        # them while no campaign is chosen; the service refuses them without one.
        for name in ("campaign_target", "campaign_response"):
            self.fields[name].widget.attrs["data-needs"] = "id_campaign"
        for name in ("unit_cost", "unit_duration"):
            self.fields[name].widget.attrs.update(inputmode="decimal", autocomplete="off")

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data.pop("code", None)
        for name in ("unit_cost", "unit_duration"):
            if data.get(name) is None:
                data[name] = 0
        return data


class InteractionTemplateLanguageForm(BootstrapFormMixin, forms.Form):
    language = forms.ModelChoiceField(
        label=_("Language"), queryset=Language.objects.order_by("code")
    )
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_LENGTH, required=False
    )
    attachment = forms.IntegerField(
        label=_("Attachment No."),
        required=False,
        min_value=1,
        max_value=MAX_ATTACHMENT_NO,
        help_text=_("The number of a stored attachment; blank for none."),
    )

    def __init__(
        self,
        *args: Any,
        template: InteractionTemplate,
        row: InteractionTemplateLanguage | None = None,
        **kwargs: Any,
    ) -> None:
        if row is not None:
            kwargs["initial"] = {
                "language": row.language_id,
                "description": row.description,
                "attachment": row.attachment.no if row.attachment else None,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        taken = InteractionTemplateLanguage.objects.filter(template=template)
        if row is not None:
            taken = taken.exclude(pk=row.pk)
        field = self.fields["language"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Language.objects.exclude(pk__in=taken.values("language_id")).order_by(
            "code"
        )


class InteractionTemplateFilterForm(forms.Form):
    """The template list's filter panel."""

    group = forms.ChoiceField(label=_("Interaction group"), required=False)
    correspondence_type_default = forms.ChoiceField(
        label=_("Correspondence type (default)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = InteractionGroup.objects.order_by("code").values_list("code", flat=True)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ChoiceField)
        group_field.choices = [("", _("All")), *((code, code) for code in groups)]
        type_field = self.fields["correspondence_type_default"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [
            ("", _("All")),
            *((value, label) for value, label in CorrespondenceType.choices if value),
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
